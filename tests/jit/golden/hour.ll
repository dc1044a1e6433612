; ModuleID = 'sky_query'
source_filename = "sky_query"

; Function Attrs: nounwind
define i32 @sky_scan(ptr noalias %rt, ptr noalias %chunk, ptr noalias %groups, ptr noalias %err_expr) #0 {
entry:
  %keys.tmp = alloca [1 x i64], align 8
  %0 = getelementptr i8, ptr %chunk, i64 8
  %n.events = load i64, ptr %0, align 8
  %1 = icmp eq i64 %n.events, 0
  br i1 %1, label %common.ret, label %scan

common.ret:                                       ; preds = %pos.block.preheader, %pos.stop, %pos.block.loopexit, %insert, %block.loopexit, %block.stop, %insert45, %entry
  %common.ret.op = phi i32 [ 0, %entry ], [ 2, %insert45 ], [ 0, %block.loopexit ], [ 3, %block.stop ], [ 2, %insert ], [ 0, %pos.block.preheader ], [ 3, %pos.stop ], [ 0, %pos.block.loopexit ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 32
  %ts.col = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %cols, i64 64
  %col.values = load ptr, ptr %4, align 8
  %5 = getelementptr i8, ptr %cols, i64 72
  %col.present = load ptr, ptr %5, align 8
  %slots1 = load ptr, ptr %groups, align 8
  %6 = getelementptr i8, ptr %groups, i64 8
  %cap = load i64, ptr %6, align 8
  %7 = add i64 %cap, -1
  %8 = getelementptr i8, ptr %cols, i64 80
  %col.pos = load ptr, ptr %8, align 8
  %9 = getelementptr i8, ptr %cols, i64 88
  %col.npos = load i64, ptr %9, align 8
  %10 = icmp eq ptr %col.pos, null
  br i1 %10, label %block.stop, label %pos.block.preheader

pos.block.preheader:                              ; preds = %scan
  %last = add i64 %col.npos, -1
  %.not97 = icmp eq i64 %col.npos, 0
  br i1 %.not97, label %common.ret, label %pos.stop

pos.block.loopexit:                               ; preds = %pos.next
  %11 = icmp ult i64 %12, %col.npos
  br i1 %11, label %pos.stop, label %common.ret

pos.pre:                                          ; preds = %pos.stop
  %12 = add i64 %base87, 65536
  %13 = call i64 @llvm.umin.i64(i64 %12, i64 %col.npos)
  br label %pos.event

pos.event:                                        ; preds = %pos.next, %pos.pre
  %last.key.1 = phi i64 [ %last.key.080, %pos.pre ], [ %last.key.2, %pos.next ]
  %last.slot.1 = phi ptr [ %last.slot.081, %pos.pre ], [ %last.slot.2, %pos.next ]
  %cap.mask.1 = phi i64 [ %cap.mask.082, %pos.pre ], [ %cap.mask.2, %pos.next ]
  %slots.1 = phi ptr [ %slots.083, %pos.pre ], [ %slots.2, %pos.next ]
  %bucket.val.1 = phi i64 [ %bucket.val.084, %pos.pre ], [ %bucket.val.2, %pos.next ]
  %bucket.hi.1 = phi i64 [ %bucket.hi.085, %pos.pre ], [ %bucket.hi.2, %pos.next ]
  %bucket.lo.1 = phi i64 [ %bucket.lo.086, %pos.pre ], [ %bucket.lo.2, %pos.next ]
  %j = phi i64 [ %base87, %pos.pre ], [ %25, %pos.next ]
  %14 = getelementptr i32, ptr %col.pos, i64 %j
  %pos = load i32, ptr %14, align 4
  %i = zext i32 %pos to i64
  %15 = add i64 %j, 16
  %16 = call i64 @llvm.umin.i64(i64 %15, i64 %last)
  %17 = getelementptr i32, ptr %col.pos, i64 %16
  %pos.ahead = load i32, ptr %17, align 4
  %18 = zext i32 %pos.ahead to i64
  %19 = shl nuw nsw i64 %18, 3
  %ahead = getelementptr i8, ptr %ts.col, i64 %19
  call void @llvm.prefetch.p0(ptr %ahead, i32 0, i32 3, i32 1)
  %ahead3 = getelementptr i8, ptr %col.values, i64 %19
  call void @llvm.prefetch.p0(ptr %ahead3, i32 0, i32 3, i32 1)
  %ahead4 = getelementptr i8, ptr %col.present, i64 %18
  call void @llvm.prefetch.p0(ptr %ahead4, i32 0, i32 3, i32 1)
  %20 = getelementptr i8, ptr %col.present, i64 %i
  %present = load i8, ptr %20, align 1
  %21 = icmp ne i8 %present, 0
  %22 = getelementptr double, ptr %col.values, i64 %i
  %val = load double, ptr %22, align 8
  %23 = fcmp ogt double %val, 1.000000e+02
  %24 = and i1 %23, %21
  br i1 %24, label %match, label %pos.next

pos.next:                                         ; preds = %group, %agg.update, %pos.event
  %last.key.2 = phi i64 [ %last.key.1, %pos.event ], [ %last.key.3, %agg.update ], [ %last.key.3, %group ]
  %last.slot.2 = phi ptr [ %last.slot.1, %pos.event ], [ %last.slot.3, %agg.update ], [ %last.slot.3, %group ]
  %cap.mask.2 = phi i64 [ %cap.mask.1, %pos.event ], [ %cap.mask.3, %agg.update ], [ %cap.mask.3, %group ]
  %slots.2 = phi ptr [ %slots.1, %pos.event ], [ %slots.3, %agg.update ], [ %slots.3, %group ]
  %bucket.val.2 = phi i64 [ %bucket.val.1, %pos.event ], [ %bucket.val.3, %agg.update ], [ %bucket.val.3, %group ]
  %bucket.hi.2 = phi i64 [ %bucket.hi.1, %pos.event ], [ %bucket.hi.3, %agg.update ], [ %bucket.hi.3, %group ]
  %bucket.lo.2 = phi i64 [ %bucket.lo.1, %pos.event ], [ %bucket.lo.3, %agg.update ], [ %bucket.lo.3, %group ]
  %25 = add i64 %j, 1
  %26 = icmp ult i64 %25, %13
  br i1 %26, label %pos.event, label %pos.block.loopexit

pos.stop:                                         ; preds = %pos.block.preheader, %pos.block.loopexit
  %base87 = phi i64 [ %13, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %bucket.lo.086 = phi i64 [ %bucket.lo.2, %pos.block.loopexit ], [ 1, %pos.block.preheader ]
  %bucket.hi.085 = phi i64 [ %bucket.hi.2, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %bucket.val.084 = phi i64 [ %bucket.val.2, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %slots.083 = phi ptr [ %slots.2, %pos.block.loopexit ], [ %slots1, %pos.block.preheader ]
  %cap.mask.082 = phi i64 [ %cap.mask.2, %pos.block.loopexit ], [ %7, %pos.block.preheader ]
  %last.slot.081 = phi ptr [ %last.slot.2, %pos.block.loopexit ], [ null, %pos.block.preheader ]
  %last.key.080 = phi i64 [ %last.key.2, %pos.block.loopexit ], [ -1, %pos.block.preheader ]
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not = icmp eq i32 %stop, 0
  br i1 %.not, label %pos.pre, label %common.ret, !prof !0

match:                                            ; preds = %pos.event
  %27 = getelementptr i64, ptr %ts.col, i64 %i
  %ts = load i64, ptr %27, align 8
  %28 = icmp sge i64 %ts, %bucket.hi.1
  %29 = icmp slt i64 %ts, %bucket.lo.1
  %.not65 = or i1 %29, %28
  br i1 %.not65, label %bucket.miss, label %bucket.done, !prof !1

bucket.miss:                                      ; preds = %match
  %30 = sdiv i64 %ts, 3600000000
  %31 = srem i64 %ts, 3600000000
  %.lobit.neg = ashr i64 %31, 63
  %32 = add nsw i64 %.lobit.neg, %30
  %33 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %32, i64 3600000000)
  %34 = extractvalue { i64, i1 } %33, 0
  %35 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %34, i64 3600000000)
  %36 = extractvalue { i64, i1 } %35, 1
  %37 = extractvalue { i64, i1 } %33, 1
  %38 = or i1 %37, %36
  %39 = select i1 %38, i64 1, i64 %34
  %40 = extractvalue { i64, i1 } %35, 0
  %41 = select i1 %38, i64 0, i64 %40
  %42 = sdiv i64 %32, 24
  %43 = srem i64 %32, 24
  %.lobit.neg66 = ashr i64 %43, 63
  %44 = add nsw i64 %.lobit.neg66, %42
  %.neg = mul nsw i64 %44, -24
  %hour = add nsw i64 %.neg, %32
  br label %bucket.done

bucket.done:                                      ; preds = %bucket.miss, %match
  %bucket.val.3 = phi i64 [ %hour, %bucket.miss ], [ %bucket.val.1, %match ]
  %bucket.hi.3 = phi i64 [ %41, %bucket.miss ], [ %bucket.hi.1, %match ]
  %bucket.lo.3 = phi i64 [ %39, %bucket.miss ], [ %bucket.lo.1, %match ]
  %present7 = load i8, ptr %20, align 1
  %45 = icmp eq i8 %present7, 0
  %val8 = load double, ptr %22, align 8
  %46 = icmp eq ptr %last.slot.1, null
  %47 = zext i1 %46 to i64
  %48 = xor i64 %last.key.1, %bucket.val.3
  %49 = or i64 %48, %47
  %same.group.not = icmp eq i64 %49, 0
  br i1 %same.group.not, label %group, label %group.miss, !prof !0

group.miss:                                       ; preds = %bucket.done
  %50 = add i64 %bucket.val.3, -5361481901829929076
  %51 = xor i64 %50, 1748871778907606751
  %52 = lshr i64 %51, 30
  %53 = xor i64 %51, %52
  %54 = mul i64 %53, -4658895280553007687
  %55 = lshr i64 %54, 27
  %56 = xor i64 %54, %55
  %57 = mul i64 %56, -7723592293110705685
  %58 = lshr i64 %57, 31
  %59 = xor i64 %57, %58
  %tag = or i64 %59, -9223372036854775808
  br label %probe

group:                                            ; preds = %probe.tag, %inserted, %bucket.done
  %last.key.3 = phi i64 [ %last.key.1, %bucket.done ], [ %bucket.val.3, %inserted ], [ %bucket.val.3, %probe.tag ]
  %last.slot.3 = phi ptr [ %last.slot.1, %bucket.done ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.3 = phi i64 [ %cap.mask.1, %bucket.done ], [ %76, %inserted ], [ %cap.mask.1, %probe.tag ]
  %slots.3 = phi ptr [ %slots.1, %bucket.done ], [ %slots11, %inserted ], [ %slots.1, %probe.tag ]
  %60 = getelementptr i8, ptr %last.slot.3, i64 24
  %61 = load i64, ptr %60, align 8
  %62 = add i64 %61, 1
  store i64 %62, ptr %60, align 8
  br i1 %45, label %pos.next, label %agg.update

probe:                                            ; preds = %probe.next, %group.miss
  %tag.pn = phi i64 [ %tag, %group.miss ], [ %73, %probe.next ]
  %idx = and i64 %tag.pn, %cap.mask.1
  %63 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.1, i64 %63
  %64 = load i64, ptr %slot, align 8
  %65 = icmp eq i64 %64, %tag
  br i1 %65, label %probe.tag, label %probe.empty

probe.tag:                                        ; preds = %probe
  %66 = getelementptr i8, ptr %slot, i64 16
  %67 = load i64, ptr %66, align 8
  %68 = icmp eq i64 %67, 0
  %69 = getelementptr i8, ptr %slot, i64 8
  %70 = load i64, ptr %69, align 8
  %71 = icmp eq i64 %70, %bucket.val.3
  %72 = and i1 %68, %71
  br i1 %72, label %group, label %probe.next

probe.next:                                       ; preds = %probe.empty, %probe.tag
  %73 = add i64 %idx, 1
  br label %probe

probe.empty:                                      ; preds = %probe
  %74 = icmp eq i64 %64, 0
  br i1 %74, label %insert, label %probe.next

insert:                                           ; preds = %probe.empty
  store i64 %bucket.val.3, ptr %keys.tmp, align 8
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %75 = icmp eq ptr %new.slot, null
  br i1 %75, label %common.ret, label %inserted, !prof !1

inserted:                                         ; preds = %insert
  %slots11 = load ptr, ptr %groups, align 8
  %cap12 = load i64, ptr %6, align 8
  %76 = add i64 %cap12, -1
  br label %group

agg.update:                                       ; preds = %group
  %77 = getelementptr i8, ptr %last.slot.3, i64 32
  %78 = load double, ptr %77, align 8
  %79 = fadd double %78, %val8
  store double %79, ptr %77, align 8
  %80 = getelementptr i8, ptr %last.slot.3, i64 40
  %81 = load i64, ptr %80, align 8
  %82 = add i64 %81, 1
  store i64 %82, ptr %80, align 8
  br label %pos.next

block.loopexit:                                   ; preds = %event.next
  %83 = icmp ult i64 %84, %n.events
  br i1 %83, label %block.stop, label %common.ret

block.pre:                                        ; preds = %block.stop
  %84 = add i64 %base1696, 65536
  %85 = call i64 @llvm.umin.i64(i64 %84, i64 %n.events)
  br label %event

event:                                            ; preds = %event.next, %block.pre
  %last.key.5 = phi i64 [ %last.key.489, %block.pre ], [ %last.key.6, %event.next ]
  %last.slot.5 = phi ptr [ %last.slot.490, %block.pre ], [ %last.slot.6, %event.next ]
  %cap.mask.6 = phi i64 [ %cap.mask.591, %block.pre ], [ %cap.mask.7, %event.next ]
  %slots.6 = phi ptr [ %slots.592, %block.pre ], [ %slots.7, %event.next ]
  %bucket.val.5 = phi i64 [ %bucket.val.493, %block.pre ], [ %bucket.val.6, %event.next ]
  %bucket.hi.5 = phi i64 [ %bucket.hi.494, %block.pre ], [ %bucket.hi.6, %event.next ]
  %bucket.lo.5 = phi i64 [ %bucket.lo.495, %block.pre ], [ %bucket.lo.6, %event.next ]
  %i18 = phi i64 [ %base1696, %block.pre ], [ %93, %event.next ]
  %86 = shl i64 %i18, 3
  %87 = add i64 %86, 1024
  %ahead19 = getelementptr i8, ptr %col.values, i64 %87
  call void @llvm.prefetch.p0(ptr %ahead19, i32 0, i32 3, i32 1)
  %ahead20 = getelementptr i8, ptr %ts.col, i64 %87
  call void @llvm.prefetch.p0(ptr %ahead20, i32 0, i32 3, i32 1)
  %88 = getelementptr i8, ptr %col.present, i64 %i18
  %present21 = load i8, ptr %88, align 1
  %89 = icmp ne i8 %present21, 0
  %90 = getelementptr double, ptr %col.values, i64 %i18
  %val22 = load double, ptr %90, align 8
  %91 = fcmp ogt double %val22, 1.000000e+02
  %92 = and i1 %91, %89
  br i1 %92, label %match23, label %event.next

event.next:                                       ; preds = %group36, %agg.update55, %event
  %last.key.6 = phi i64 [ %last.key.5, %event ], [ %last.key.7, %agg.update55 ], [ %last.key.7, %group36 ]
  %last.slot.6 = phi ptr [ %last.slot.5, %event ], [ %last.slot.7, %agg.update55 ], [ %last.slot.7, %group36 ]
  %cap.mask.7 = phi i64 [ %cap.mask.6, %event ], [ %cap.mask.8, %agg.update55 ], [ %cap.mask.8, %group36 ]
  %slots.7 = phi ptr [ %slots.6, %event ], [ %slots.8, %agg.update55 ], [ %slots.8, %group36 ]
  %bucket.val.6 = phi i64 [ %bucket.val.5, %event ], [ %bucket.val.7, %agg.update55 ], [ %bucket.val.7, %group36 ]
  %bucket.hi.6 = phi i64 [ %bucket.hi.5, %event ], [ %bucket.hi.7, %agg.update55 ], [ %bucket.hi.7, %group36 ]
  %bucket.lo.6 = phi i64 [ %bucket.lo.5, %event ], [ %bucket.lo.7, %agg.update55 ], [ %bucket.lo.7, %group36 ]
  %93 = add i64 %i18, 1
  %94 = icmp ult i64 %93, %85
  br i1 %94, label %event, label %block.loopexit

block.stop:                                       ; preds = %scan, %block.loopexit
  %base1696 = phi i64 [ %85, %block.loopexit ], [ 0, %scan ]
  %bucket.lo.495 = phi i64 [ %bucket.lo.6, %block.loopexit ], [ 1, %scan ]
  %bucket.hi.494 = phi i64 [ %bucket.hi.6, %block.loopexit ], [ 0, %scan ]
  %bucket.val.493 = phi i64 [ %bucket.val.6, %block.loopexit ], [ 0, %scan ]
  %slots.592 = phi ptr [ %slots.7, %block.loopexit ], [ %slots1, %scan ]
  %cap.mask.591 = phi i64 [ %cap.mask.7, %block.loopexit ], [ %7, %scan ]
  %last.slot.490 = phi ptr [ %last.slot.6, %block.loopexit ], [ null, %scan ]
  %last.key.489 = phi i64 [ %last.key.6, %block.loopexit ], [ -1, %scan ]
  %stop17 = call i32 @sky_rt_should_stop(ptr %rt)
  %.not67 = icmp eq i32 %stop17, 0
  br i1 %.not67, label %block.pre, label %common.ret, !prof !0

match23:                                          ; preds = %event
  %95 = getelementptr i64, ptr %ts.col, i64 %i18
  %ts24 = load i64, ptr %95, align 8
  %96 = icmp sge i64 %ts24, %bucket.hi.5
  %97 = icmp slt i64 %ts24, %bucket.lo.5
  %.not70 = or i1 %97, %96
  br i1 %.not70, label %bucket.miss27, label %bucket.done28, !prof !1

bucket.miss27:                                    ; preds = %match23
  %98 = sdiv i64 %ts24, 3600000000
  %99 = srem i64 %ts24, 3600000000
  %.lobit.neg71 = ashr i64 %99, 63
  %100 = add nsw i64 %.lobit.neg71, %98
  %101 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %100, i64 3600000000)
  %102 = extractvalue { i64, i1 } %101, 0
  %103 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %102, i64 3600000000)
  %104 = extractvalue { i64, i1 } %103, 1
  %105 = extractvalue { i64, i1 } %101, 1
  %106 = or i1 %105, %104
  %107 = select i1 %106, i64 1, i64 %102
  %108 = extractvalue { i64, i1 } %103, 0
  %109 = select i1 %106, i64 0, i64 %108
  %110 = sdiv i64 %100, 24
  %111 = srem i64 %100, 24
  %.lobit.neg72 = ashr i64 %111, 63
  %112 = add nsw i64 %.lobit.neg72, %110
  %.neg73 = mul nsw i64 %112, -24
  %hour29 = add nsw i64 %.neg73, %100
  br label %bucket.done28

bucket.done28:                                    ; preds = %bucket.miss27, %match23
  %bucket.val.7 = phi i64 [ %hour29, %bucket.miss27 ], [ %bucket.val.5, %match23 ]
  %bucket.hi.7 = phi i64 [ %109, %bucket.miss27 ], [ %bucket.hi.5, %match23 ]
  %bucket.lo.7 = phi i64 [ %107, %bucket.miss27 ], [ %bucket.lo.5, %match23 ]
  %present31 = load i8, ptr %88, align 1
  %113 = icmp eq i8 %present31, 0
  %val32 = load double, ptr %90, align 8
  %114 = icmp eq ptr %last.slot.5, null
  %115 = zext i1 %114 to i64
  %116 = xor i64 %last.key.5, %bucket.val.7
  %117 = or i64 %116, %115
  %same.group34.not = icmp eq i64 %117, 0
  br i1 %same.group34.not, label %group36, label %group.miss35, !prof !0

group.miss35:                                     ; preds = %bucket.done28
  %118 = add i64 %bucket.val.7, -5361481901829929076
  %119 = xor i64 %118, 1748871778907606751
  %120 = lshr i64 %119, 30
  %121 = xor i64 %119, %120
  %122 = mul i64 %121, -4658895280553007687
  %123 = lshr i64 %122, 27
  %124 = xor i64 %122, %123
  %125 = mul i64 %124, -7723592293110705685
  %126 = lshr i64 %125, 31
  %127 = xor i64 %125, %126
  %tag38 = or i64 %127, -9223372036854775808
  br label %probe41

group36:                                          ; preds = %probe.tag42, %inserted50, %bucket.done28
  %last.key.7 = phi i64 [ %last.key.5, %bucket.done28 ], [ %bucket.val.7, %inserted50 ], [ %bucket.val.7, %probe.tag42 ]
  %last.slot.7 = phi ptr [ %last.slot.5, %bucket.done28 ], [ %new.slot49, %inserted50 ], [ %slot48, %probe.tag42 ]
  %cap.mask.8 = phi i64 [ %cap.mask.6, %bucket.done28 ], [ %144, %inserted50 ], [ %cap.mask.6, %probe.tag42 ]
  %slots.8 = phi ptr [ %slots.6, %bucket.done28 ], [ %slots51, %inserted50 ], [ %slots.6, %probe.tag42 ]
  %128 = getelementptr i8, ptr %last.slot.7, i64 24
  %129 = load i64, ptr %128, align 8
  %130 = add i64 %129, 1
  store i64 %130, ptr %128, align 8
  br i1 %113, label %event.next, label %agg.update55

probe41:                                          ; preds = %probe.next43, %group.miss35
  %tag38.pn = phi i64 [ %tag38, %group.miss35 ], [ %141, %probe.next43 ]
  %idx47 = and i64 %tag38.pn, %cap.mask.6
  %131 = mul i64 %idx47, 48
  %slot48 = getelementptr i8, ptr %slots.6, i64 %131
  %132 = load i64, ptr %slot48, align 8
  %133 = icmp eq i64 %132, %tag38
  br i1 %133, label %probe.tag42, label %probe.empty44

probe.tag42:                                      ; preds = %probe41
  %134 = getelementptr i8, ptr %slot48, i64 16
  %135 = load i64, ptr %134, align 8
  %136 = icmp eq i64 %135, 0
  %137 = getelementptr i8, ptr %slot48, i64 8
  %138 = load i64, ptr %137, align 8
  %139 = icmp eq i64 %138, %bucket.val.7
  %140 = and i1 %136, %139
  br i1 %140, label %group36, label %probe.next43

probe.next43:                                     ; preds = %probe.empty44, %probe.tag42
  %141 = add i64 %idx47, 1
  br label %probe41

probe.empty44:                                    ; preds = %probe41
  %142 = icmp eq i64 %132, 0
  br i1 %142, label %insert45, label %probe.next43

insert45:                                         ; preds = %probe.empty44
  store i64 %bucket.val.7, ptr %keys.tmp, align 8
  %new.slot49 = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %143 = icmp eq ptr %new.slot49, null
  br i1 %143, label %common.ret, label %inserted50, !prof !1

inserted50:                                       ; preds = %insert45
  %slots51 = load ptr, ptr %groups, align 8
  %cap52 = load i64, ptr %6, align 8
  %144 = add i64 %cap52, -1
  br label %group36

agg.update55:                                     ; preds = %group36
  %145 = getelementptr i8, ptr %last.slot.7, i64 32
  %146 = load double, ptr %145, align 8
  %147 = fadd double %146, %val32
  store double %147, ptr %145, align 8
  %148 = getelementptr i8, ptr %last.slot.7, i64 40
  %149 = load i64, ptr %148, align 8
  %150 = add i64 %149, 1
  store i64 %150, ptr %148, align 8
  br label %event.next
}

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite)
declare void @llvm.prefetch.p0(ptr nocapture readonly, i32 immarg, i32 immarg, i32 immarg) #1

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare { i64, i1 } @llvm.smul.with.overflow.i64(i64, i64) #2

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare { i64, i1 } @llvm.sadd.with.overflow.i64(i64, i64) #2

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #2

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite) }
attributes #2 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 2000, i32 1}
!1 = !{!"branch_weights", i32 1, i32 2000}
