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
  %.not63 = icmp eq i64 %col.npos, -1
  %.not = icmp eq ptr %col.pos, null
  %10 = select i1 %.not, i64 -1, i64 %col.npos
  %11 = icmp eq ptr %col.pos, null
  %12 = select i1 %.not63, i1 true, i1 %11
  br i1 %12, label %block.stop, label %pos.block.preheader

pos.block.preheader:                              ; preds = %scan
  %last = add i64 %10, -1
  %.not99 = icmp eq i64 %10, 0
  br i1 %.not99, label %common.ret, label %pos.stop

pos.block.loopexit:                               ; preds = %pos.next
  %13 = icmp ult i64 %14, %10
  br i1 %13, label %pos.stop, label %common.ret

pos.pre:                                          ; preds = %pos.stop
  %14 = add i64 %base89, 65536
  %15 = call i64 @llvm.umin.i64(i64 %14, i64 %10)
  br label %pos.event

pos.event:                                        ; preds = %pos.next, %pos.pre
  %last.key.1 = phi i64 [ %last.key.082, %pos.pre ], [ %last.key.2, %pos.next ]
  %last.slot.1 = phi ptr [ %last.slot.083, %pos.pre ], [ %last.slot.2, %pos.next ]
  %cap.mask.1 = phi i64 [ %cap.mask.084, %pos.pre ], [ %cap.mask.2, %pos.next ]
  %slots.1 = phi ptr [ %slots.085, %pos.pre ], [ %slots.2, %pos.next ]
  %bucket.val.1 = phi i64 [ %bucket.val.086, %pos.pre ], [ %bucket.val.2, %pos.next ]
  %bucket.hi.1 = phi i64 [ %bucket.hi.087, %pos.pre ], [ %bucket.hi.2, %pos.next ]
  %bucket.lo.1 = phi i64 [ %bucket.lo.088, %pos.pre ], [ %bucket.lo.2, %pos.next ]
  %j = phi i64 [ %base89, %pos.pre ], [ %27, %pos.next ]
  %16 = getelementptr i32, ptr %col.pos, i64 %j
  %pos = load i32, ptr %16, align 4
  %i = zext i32 %pos to i64
  %17 = add i64 %j, 16
  %18 = call i64 @llvm.umin.i64(i64 %17, i64 %last)
  %19 = getelementptr i32, ptr %col.pos, i64 %18
  %pos.ahead = load i32, ptr %19, align 4
  %20 = zext i32 %pos.ahead to i64
  %21 = shl nuw nsw i64 %20, 3
  %ahead = getelementptr i8, ptr %ts.col, i64 %21
  call void @llvm.prefetch.p0(ptr %ahead, i32 0, i32 3, i32 1)
  %ahead3 = getelementptr i8, ptr %col.values, i64 %21
  call void @llvm.prefetch.p0(ptr %ahead3, i32 0, i32 3, i32 1)
  %ahead4 = getelementptr i8, ptr %col.present, i64 %20
  call void @llvm.prefetch.p0(ptr %ahead4, i32 0, i32 3, i32 1)
  %22 = getelementptr i8, ptr %col.present, i64 %i
  %present = load i8, ptr %22, align 1
  %23 = icmp ne i8 %present, 0
  %24 = getelementptr double, ptr %col.values, i64 %i
  %val = load double, ptr %24, align 8
  %25 = fcmp ogt double %val, 1.000000e+02
  %26 = and i1 %25, %23
  br i1 %26, label %match, label %pos.next

pos.next:                                         ; preds = %group, %agg.update, %pos.event
  %last.key.2 = phi i64 [ %last.key.1, %pos.event ], [ %last.key.3, %agg.update ], [ %last.key.3, %group ]
  %last.slot.2 = phi ptr [ %last.slot.1, %pos.event ], [ %last.slot.3, %agg.update ], [ %last.slot.3, %group ]
  %cap.mask.2 = phi i64 [ %cap.mask.1, %pos.event ], [ %cap.mask.3, %agg.update ], [ %cap.mask.3, %group ]
  %slots.2 = phi ptr [ %slots.1, %pos.event ], [ %slots.3, %agg.update ], [ %slots.3, %group ]
  %bucket.val.2 = phi i64 [ %bucket.val.1, %pos.event ], [ %bucket.val.3, %agg.update ], [ %bucket.val.3, %group ]
  %bucket.hi.2 = phi i64 [ %bucket.hi.1, %pos.event ], [ %bucket.hi.3, %agg.update ], [ %bucket.hi.3, %group ]
  %bucket.lo.2 = phi i64 [ %bucket.lo.1, %pos.event ], [ %bucket.lo.3, %agg.update ], [ %bucket.lo.3, %group ]
  %27 = add i64 %j, 1
  %28 = icmp ult i64 %27, %15
  br i1 %28, label %pos.event, label %pos.block.loopexit

pos.stop:                                         ; preds = %pos.block.preheader, %pos.block.loopexit
  %base89 = phi i64 [ %15, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %bucket.lo.088 = phi i64 [ %bucket.lo.2, %pos.block.loopexit ], [ 1, %pos.block.preheader ]
  %bucket.hi.087 = phi i64 [ %bucket.hi.2, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %bucket.val.086 = phi i64 [ %bucket.val.2, %pos.block.loopexit ], [ 0, %pos.block.preheader ]
  %slots.085 = phi ptr [ %slots.2, %pos.block.loopexit ], [ %slots1, %pos.block.preheader ]
  %cap.mask.084 = phi i64 [ %cap.mask.2, %pos.block.loopexit ], [ %7, %pos.block.preheader ]
  %last.slot.083 = phi ptr [ %last.slot.2, %pos.block.loopexit ], [ null, %pos.block.preheader ]
  %last.key.082 = phi i64 [ %last.key.2, %pos.block.loopexit ], [ -1, %pos.block.preheader ]
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not64 = icmp eq i32 %stop, 0
  br i1 %.not64, label %pos.pre, label %common.ret, !prof !0

match:                                            ; preds = %pos.event
  %29 = getelementptr i64, ptr %ts.col, i64 %i
  %ts = load i64, ptr %29, align 8
  %30 = icmp sge i64 %ts, %bucket.hi.1
  %31 = icmp slt i64 %ts, %bucket.lo.1
  %.not67 = or i1 %31, %30
  br i1 %.not67, label %bucket.miss, label %bucket.done, !prof !1

bucket.miss:                                      ; preds = %match
  %32 = sdiv i64 %ts, 3600000000
  %33 = srem i64 %ts, 3600000000
  %.lobit.neg = ashr i64 %33, 63
  %34 = add nsw i64 %.lobit.neg, %32
  %35 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %34, i64 3600000000)
  %36 = extractvalue { i64, i1 } %35, 0
  %37 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %36, i64 3600000000)
  %38 = extractvalue { i64, i1 } %37, 1
  %39 = extractvalue { i64, i1 } %35, 1
  %40 = or i1 %39, %38
  %41 = select i1 %40, i64 1, i64 %36
  %42 = extractvalue { i64, i1 } %37, 0
  %43 = select i1 %40, i64 0, i64 %42
  %44 = sdiv i64 %34, 24
  %45 = srem i64 %34, 24
  %.lobit.neg68 = ashr i64 %45, 63
  %46 = add nsw i64 %.lobit.neg68, %44
  %.neg = mul nsw i64 %46, -24
  %hour = add nsw i64 %.neg, %34
  br label %bucket.done

bucket.done:                                      ; preds = %bucket.miss, %match
  %bucket.val.3 = phi i64 [ %hour, %bucket.miss ], [ %bucket.val.1, %match ]
  %bucket.hi.3 = phi i64 [ %43, %bucket.miss ], [ %bucket.hi.1, %match ]
  %bucket.lo.3 = phi i64 [ %41, %bucket.miss ], [ %bucket.lo.1, %match ]
  %present7 = load i8, ptr %22, align 1
  %47 = icmp eq i8 %present7, 0
  %val8 = load double, ptr %24, align 8
  %48 = icmp eq ptr %last.slot.1, null
  %49 = zext i1 %48 to i64
  %50 = xor i64 %last.key.1, %bucket.val.3
  %51 = or i64 %50, %49
  %same.group.not = icmp eq i64 %51, 0
  br i1 %same.group.not, label %group, label %group.miss, !prof !0

group.miss:                                       ; preds = %bucket.done
  %52 = add i64 %bucket.val.3, -5361481901829929076
  %53 = xor i64 %52, 1748871778907606751
  %54 = lshr i64 %53, 30
  %55 = xor i64 %53, %54
  %56 = mul i64 %55, -4658895280553007687
  %57 = lshr i64 %56, 27
  %58 = xor i64 %56, %57
  %59 = mul i64 %58, -7723592293110705685
  %60 = lshr i64 %59, 31
  %61 = xor i64 %59, %60
  %tag = or i64 %61, -9223372036854775808
  br label %probe

group:                                            ; preds = %probe.tag, %inserted, %bucket.done
  %last.key.3 = phi i64 [ %last.key.1, %bucket.done ], [ %bucket.val.3, %inserted ], [ %bucket.val.3, %probe.tag ]
  %last.slot.3 = phi ptr [ %last.slot.1, %bucket.done ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.3 = phi i64 [ %cap.mask.1, %bucket.done ], [ %78, %inserted ], [ %cap.mask.1, %probe.tag ]
  %slots.3 = phi ptr [ %slots.1, %bucket.done ], [ %slots11, %inserted ], [ %slots.1, %probe.tag ]
  %62 = getelementptr i8, ptr %last.slot.3, i64 24
  %63 = load i64, ptr %62, align 8
  %64 = add i64 %63, 1
  store i64 %64, ptr %62, align 8
  br i1 %47, label %pos.next, label %agg.update

probe:                                            ; preds = %probe.next, %group.miss
  %tag.pn = phi i64 [ %tag, %group.miss ], [ %75, %probe.next ]
  %idx = and i64 %tag.pn, %cap.mask.1
  %65 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.1, i64 %65
  %66 = load i64, ptr %slot, align 8
  %67 = icmp eq i64 %66, %tag
  br i1 %67, label %probe.tag, label %probe.empty

probe.tag:                                        ; preds = %probe
  %68 = getelementptr i8, ptr %slot, i64 16
  %69 = load i64, ptr %68, align 8
  %70 = icmp eq i64 %69, 0
  %71 = getelementptr i8, ptr %slot, i64 8
  %72 = load i64, ptr %71, align 8
  %73 = icmp eq i64 %72, %bucket.val.3
  %74 = and i1 %70, %73
  br i1 %74, label %group, label %probe.next

probe.next:                                       ; preds = %probe.empty, %probe.tag
  %75 = add i64 %idx, 1
  br label %probe

probe.empty:                                      ; preds = %probe
  %76 = icmp eq i64 %66, 0
  br i1 %76, label %insert, label %probe.next

insert:                                           ; preds = %probe.empty
  store i64 %bucket.val.3, ptr %keys.tmp, align 8
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %77 = icmp eq ptr %new.slot, null
  br i1 %77, label %common.ret, label %inserted, !prof !1

inserted:                                         ; preds = %insert
  %slots11 = load ptr, ptr %groups, align 8
  %cap12 = load i64, ptr %6, align 8
  %78 = add i64 %cap12, -1
  br label %group

agg.update:                                       ; preds = %group
  %79 = getelementptr i8, ptr %last.slot.3, i64 32
  %80 = load double, ptr %79, align 8
  %81 = fadd double %80, %val8
  store double %81, ptr %79, align 8
  %82 = getelementptr i8, ptr %last.slot.3, i64 40
  %83 = load i64, ptr %82, align 8
  %84 = add i64 %83, 1
  store i64 %84, ptr %82, align 8
  br label %pos.next

block.loopexit:                                   ; preds = %event.next
  %85 = icmp ult i64 %86, %n.events
  br i1 %85, label %block.stop, label %common.ret

block.pre:                                        ; preds = %block.stop
  %86 = add i64 %base1698, 65536
  %87 = call i64 @llvm.umin.i64(i64 %86, i64 %n.events)
  br label %event

event:                                            ; preds = %event.next, %block.pre
  %last.key.5 = phi i64 [ %last.key.491, %block.pre ], [ %last.key.6, %event.next ]
  %last.slot.5 = phi ptr [ %last.slot.492, %block.pre ], [ %last.slot.6, %event.next ]
  %cap.mask.6 = phi i64 [ %cap.mask.593, %block.pre ], [ %cap.mask.7, %event.next ]
  %slots.6 = phi ptr [ %slots.594, %block.pre ], [ %slots.7, %event.next ]
  %bucket.val.5 = phi i64 [ %bucket.val.495, %block.pre ], [ %bucket.val.6, %event.next ]
  %bucket.hi.5 = phi i64 [ %bucket.hi.496, %block.pre ], [ %bucket.hi.6, %event.next ]
  %bucket.lo.5 = phi i64 [ %bucket.lo.497, %block.pre ], [ %bucket.lo.6, %event.next ]
  %i18 = phi i64 [ %base1698, %block.pre ], [ %95, %event.next ]
  %88 = shl i64 %i18, 3
  %89 = add i64 %88, 1024
  %ahead19 = getelementptr i8, ptr %col.values, i64 %89
  call void @llvm.prefetch.p0(ptr %ahead19, i32 0, i32 3, i32 1)
  %ahead20 = getelementptr i8, ptr %ts.col, i64 %89
  call void @llvm.prefetch.p0(ptr %ahead20, i32 0, i32 3, i32 1)
  %90 = getelementptr i8, ptr %col.present, i64 %i18
  %present21 = load i8, ptr %90, align 1
  %91 = icmp ne i8 %present21, 0
  %92 = getelementptr double, ptr %col.values, i64 %i18
  %val22 = load double, ptr %92, align 8
  %93 = fcmp ogt double %val22, 1.000000e+02
  %94 = and i1 %93, %91
  br i1 %94, label %match23, label %event.next

event.next:                                       ; preds = %group36, %agg.update55, %event
  %last.key.6 = phi i64 [ %last.key.5, %event ], [ %last.key.7, %agg.update55 ], [ %last.key.7, %group36 ]
  %last.slot.6 = phi ptr [ %last.slot.5, %event ], [ %last.slot.7, %agg.update55 ], [ %last.slot.7, %group36 ]
  %cap.mask.7 = phi i64 [ %cap.mask.6, %event ], [ %cap.mask.8, %agg.update55 ], [ %cap.mask.8, %group36 ]
  %slots.7 = phi ptr [ %slots.6, %event ], [ %slots.8, %agg.update55 ], [ %slots.8, %group36 ]
  %bucket.val.6 = phi i64 [ %bucket.val.5, %event ], [ %bucket.val.7, %agg.update55 ], [ %bucket.val.7, %group36 ]
  %bucket.hi.6 = phi i64 [ %bucket.hi.5, %event ], [ %bucket.hi.7, %agg.update55 ], [ %bucket.hi.7, %group36 ]
  %bucket.lo.6 = phi i64 [ %bucket.lo.5, %event ], [ %bucket.lo.7, %agg.update55 ], [ %bucket.lo.7, %group36 ]
  %95 = add i64 %i18, 1
  %96 = icmp ult i64 %95, %87
  br i1 %96, label %event, label %block.loopexit

block.stop:                                       ; preds = %scan, %block.loopexit
  %base1698 = phi i64 [ %87, %block.loopexit ], [ 0, %scan ]
  %bucket.lo.497 = phi i64 [ %bucket.lo.6, %block.loopexit ], [ 1, %scan ]
  %bucket.hi.496 = phi i64 [ %bucket.hi.6, %block.loopexit ], [ 0, %scan ]
  %bucket.val.495 = phi i64 [ %bucket.val.6, %block.loopexit ], [ 0, %scan ]
  %slots.594 = phi ptr [ %slots.7, %block.loopexit ], [ %slots1, %scan ]
  %cap.mask.593 = phi i64 [ %cap.mask.7, %block.loopexit ], [ %7, %scan ]
  %last.slot.492 = phi ptr [ %last.slot.6, %block.loopexit ], [ null, %scan ]
  %last.key.491 = phi i64 [ %last.key.6, %block.loopexit ], [ -1, %scan ]
  %stop17 = call i32 @sky_rt_should_stop(ptr %rt)
  %.not69 = icmp eq i32 %stop17, 0
  br i1 %.not69, label %block.pre, label %common.ret, !prof !0

match23:                                          ; preds = %event
  %97 = getelementptr i64, ptr %ts.col, i64 %i18
  %ts24 = load i64, ptr %97, align 8
  %98 = icmp sge i64 %ts24, %bucket.hi.5
  %99 = icmp slt i64 %ts24, %bucket.lo.5
  %.not72 = or i1 %99, %98
  br i1 %.not72, label %bucket.miss27, label %bucket.done28, !prof !1

bucket.miss27:                                    ; preds = %match23
  %100 = sdiv i64 %ts24, 3600000000
  %101 = srem i64 %ts24, 3600000000
  %.lobit.neg73 = ashr i64 %101, 63
  %102 = add nsw i64 %.lobit.neg73, %100
  %103 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %102, i64 3600000000)
  %104 = extractvalue { i64, i1 } %103, 0
  %105 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %104, i64 3600000000)
  %106 = extractvalue { i64, i1 } %105, 1
  %107 = extractvalue { i64, i1 } %103, 1
  %108 = or i1 %107, %106
  %109 = select i1 %108, i64 1, i64 %104
  %110 = extractvalue { i64, i1 } %105, 0
  %111 = select i1 %108, i64 0, i64 %110
  %112 = sdiv i64 %102, 24
  %113 = srem i64 %102, 24
  %.lobit.neg74 = ashr i64 %113, 63
  %114 = add nsw i64 %.lobit.neg74, %112
  %.neg75 = mul nsw i64 %114, -24
  %hour29 = add nsw i64 %.neg75, %102
  br label %bucket.done28

bucket.done28:                                    ; preds = %bucket.miss27, %match23
  %bucket.val.7 = phi i64 [ %hour29, %bucket.miss27 ], [ %bucket.val.5, %match23 ]
  %bucket.hi.7 = phi i64 [ %111, %bucket.miss27 ], [ %bucket.hi.5, %match23 ]
  %bucket.lo.7 = phi i64 [ %109, %bucket.miss27 ], [ %bucket.lo.5, %match23 ]
  %present31 = load i8, ptr %90, align 1
  %115 = icmp eq i8 %present31, 0
  %val32 = load double, ptr %92, align 8
  %116 = icmp eq ptr %last.slot.5, null
  %117 = zext i1 %116 to i64
  %118 = xor i64 %last.key.5, %bucket.val.7
  %119 = or i64 %118, %117
  %same.group34.not = icmp eq i64 %119, 0
  br i1 %same.group34.not, label %group36, label %group.miss35, !prof !0

group.miss35:                                     ; preds = %bucket.done28
  %120 = add i64 %bucket.val.7, -5361481901829929076
  %121 = xor i64 %120, 1748871778907606751
  %122 = lshr i64 %121, 30
  %123 = xor i64 %121, %122
  %124 = mul i64 %123, -4658895280553007687
  %125 = lshr i64 %124, 27
  %126 = xor i64 %124, %125
  %127 = mul i64 %126, -7723592293110705685
  %128 = lshr i64 %127, 31
  %129 = xor i64 %127, %128
  %tag38 = or i64 %129, -9223372036854775808
  br label %probe41

group36:                                          ; preds = %probe.tag42, %inserted50, %bucket.done28
  %last.key.7 = phi i64 [ %last.key.5, %bucket.done28 ], [ %bucket.val.7, %inserted50 ], [ %bucket.val.7, %probe.tag42 ]
  %last.slot.7 = phi ptr [ %last.slot.5, %bucket.done28 ], [ %new.slot49, %inserted50 ], [ %slot48, %probe.tag42 ]
  %cap.mask.8 = phi i64 [ %cap.mask.6, %bucket.done28 ], [ %146, %inserted50 ], [ %cap.mask.6, %probe.tag42 ]
  %slots.8 = phi ptr [ %slots.6, %bucket.done28 ], [ %slots51, %inserted50 ], [ %slots.6, %probe.tag42 ]
  %130 = getelementptr i8, ptr %last.slot.7, i64 24
  %131 = load i64, ptr %130, align 8
  %132 = add i64 %131, 1
  store i64 %132, ptr %130, align 8
  br i1 %115, label %event.next, label %agg.update55

probe41:                                          ; preds = %probe.next43, %group.miss35
  %tag38.pn = phi i64 [ %tag38, %group.miss35 ], [ %143, %probe.next43 ]
  %idx47 = and i64 %tag38.pn, %cap.mask.6
  %133 = mul i64 %idx47, 48
  %slot48 = getelementptr i8, ptr %slots.6, i64 %133
  %134 = load i64, ptr %slot48, align 8
  %135 = icmp eq i64 %134, %tag38
  br i1 %135, label %probe.tag42, label %probe.empty44

probe.tag42:                                      ; preds = %probe41
  %136 = getelementptr i8, ptr %slot48, i64 16
  %137 = load i64, ptr %136, align 8
  %138 = icmp eq i64 %137, 0
  %139 = getelementptr i8, ptr %slot48, i64 8
  %140 = load i64, ptr %139, align 8
  %141 = icmp eq i64 %140, %bucket.val.7
  %142 = and i1 %138, %141
  br i1 %142, label %group36, label %probe.next43

probe.next43:                                     ; preds = %probe.empty44, %probe.tag42
  %143 = add i64 %idx47, 1
  br label %probe41

probe.empty44:                                    ; preds = %probe41
  %144 = icmp eq i64 %134, 0
  br i1 %144, label %insert45, label %probe.next43

insert45:                                         ; preds = %probe.empty44
  store i64 %bucket.val.7, ptr %keys.tmp, align 8
  %new.slot49 = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %145 = icmp eq ptr %new.slot49, null
  br i1 %145, label %common.ret, label %inserted50, !prof !1

inserted50:                                       ; preds = %insert45
  %slots51 = load ptr, ptr %groups, align 8
  %cap52 = load i64, ptr %6, align 8
  %146 = add i64 %cap52, -1
  br label %group36

agg.update55:                                     ; preds = %group36
  %147 = getelementptr i8, ptr %last.slot.7, i64 32
  %148 = load double, ptr %147, align 8
  %149 = fadd double %148, %val32
  store double %149, ptr %147, align 8
  %150 = getelementptr i8, ptr %last.slot.7, i64 40
  %151 = load i64, ptr %150, align 8
  %152 = add i64 %151, 1
  store i64 %152, ptr %150, align 8
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
