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

common.ret:                                       ; preds = %block.loopexit, %block.stop, %insert, %entry
  %common.ret.op = phi i32 [ 0, %entry ], [ 2, %insert ], [ 0, %block.loopexit ], [ 3, %block.stop ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 32
  %ts.col = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %cols, i64 32
  %col.values = load ptr, ptr %4, align 8
  %5 = getelementptr i8, ptr %cols, i64 40
  %col.present = load ptr, ptr %5, align 8
  %slots1 = load ptr, ptr %groups, align 8
  %6 = getelementptr i8, ptr %groups, i64 8
  %cap = load i64, ptr %6, align 8
  %7 = add i64 %cap, -1
  br label %block.stop

block.loopexit:                                   ; preds = %event.next
  %8 = icmp ult i64 %9, %n.events
  br i1 %8, label %block.stop, label %common.ret

block.pre:                                        ; preds = %block.stop
  %9 = add i64 %base27, 65536
  %10 = call i64 @llvm.umin.i64(i64 %9, i64 %n.events)
  br label %event

event:                                            ; preds = %event.next, %block.pre
  %last.key.1 = phi i64 [ %last.key.020, %block.pre ], [ %last.key.2, %event.next ]
  %last.slot.1 = phi ptr [ %last.slot.021, %block.pre ], [ %last.slot.2, %event.next ]
  %cap.mask.1 = phi i64 [ %cap.mask.022, %block.pre ], [ %cap.mask.2, %event.next ]
  %slots.1 = phi ptr [ %slots.023, %block.pre ], [ %slots.2, %event.next ]
  %bucket.val.1 = phi i64 [ %bucket.val.024, %block.pre ], [ %bucket.val.2, %event.next ]
  %bucket.hi.1 = phi i64 [ %bucket.hi.025, %block.pre ], [ %bucket.hi.2, %event.next ]
  %bucket.lo.1 = phi i64 [ %bucket.lo.026, %block.pre ], [ %bucket.lo.2, %event.next ]
  %i = phi i64 [ %base27, %block.pre ], [ %18, %event.next ]
  %11 = shl i64 %i, 3
  %12 = add i64 %11, 1024
  %ahead = getelementptr i8, ptr %col.values, i64 %12
  call void @llvm.prefetch.p0(ptr %ahead, i32 0, i32 3, i32 1)
  %ahead3 = getelementptr i8, ptr %ts.col, i64 %12
  call void @llvm.prefetch.p0(ptr %ahead3, i32 0, i32 3, i32 1)
  %13 = getelementptr i8, ptr %col.present, i64 %i
  %present = load i8, ptr %13, align 1
  %14 = icmp ne i8 %present, 0
  %15 = getelementptr double, ptr %col.values, i64 %i
  %val = load double, ptr %15, align 8
  %16 = fcmp ogt double %val, 1.000000e+02
  %17 = and i1 %16, %14
  br i1 %17, label %match, label %event.next

event.next:                                       ; preds = %group, %agg.update, %event
  %last.key.2 = phi i64 [ %last.key.1, %event ], [ %last.key.3, %agg.update ], [ %last.key.3, %group ]
  %last.slot.2 = phi ptr [ %last.slot.1, %event ], [ %last.slot.3, %agg.update ], [ %last.slot.3, %group ]
  %cap.mask.2 = phi i64 [ %cap.mask.1, %event ], [ %cap.mask.3, %agg.update ], [ %cap.mask.3, %group ]
  %slots.2 = phi ptr [ %slots.1, %event ], [ %slots.3, %agg.update ], [ %slots.3, %group ]
  %bucket.val.2 = phi i64 [ %bucket.val.1, %event ], [ %bucket.val.3, %agg.update ], [ %bucket.val.3, %group ]
  %bucket.hi.2 = phi i64 [ %bucket.hi.1, %event ], [ %bucket.hi.3, %agg.update ], [ %bucket.hi.3, %group ]
  %bucket.lo.2 = phi i64 [ %bucket.lo.1, %event ], [ %bucket.lo.3, %agg.update ], [ %bucket.lo.3, %group ]
  %18 = add i64 %i, 1
  %19 = icmp ult i64 %18, %10
  br i1 %19, label %event, label %block.loopexit

block.stop:                                       ; preds = %scan, %block.loopexit
  %base27 = phi i64 [ 0, %scan ], [ %10, %block.loopexit ]
  %bucket.lo.026 = phi i64 [ 1, %scan ], [ %bucket.lo.2, %block.loopexit ]
  %bucket.hi.025 = phi i64 [ 0, %scan ], [ %bucket.hi.2, %block.loopexit ]
  %bucket.val.024 = phi i64 [ 0, %scan ], [ %bucket.val.2, %block.loopexit ]
  %slots.023 = phi ptr [ %slots1, %scan ], [ %slots.2, %block.loopexit ]
  %cap.mask.022 = phi i64 [ %7, %scan ], [ %cap.mask.2, %block.loopexit ]
  %last.slot.021 = phi ptr [ null, %scan ], [ %last.slot.2, %block.loopexit ]
  %last.key.020 = phi i64 [ -1, %scan ], [ %last.key.2, %block.loopexit ]
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not = icmp eq i32 %stop, 0
  br i1 %.not, label %block.pre, label %common.ret, !prof !0

match:                                            ; preds = %event
  %20 = getelementptr i64, ptr %ts.col, i64 %i
  %ts = load i64, ptr %20, align 8
  %21 = icmp sge i64 %ts, %bucket.hi.1
  %22 = icmp slt i64 %ts, %bucket.lo.1
  %.not16 = or i1 %22, %21
  br i1 %.not16, label %bucket.miss, label %bucket.done, !prof !1

bucket.miss:                                      ; preds = %match
  %23 = sdiv i64 %ts, 3600000000
  %24 = srem i64 %ts, 3600000000
  %.lobit.neg = ashr i64 %24, 63
  %25 = add nsw i64 %.lobit.neg, %23
  %26 = call { i64, i1 } @llvm.smul.with.overflow.i64(i64 %25, i64 3600000000)
  %27 = extractvalue { i64, i1 } %26, 0
  %28 = call { i64, i1 } @llvm.sadd.with.overflow.i64(i64 %27, i64 3600000000)
  %29 = extractvalue { i64, i1 } %28, 1
  %30 = extractvalue { i64, i1 } %26, 1
  %31 = or i1 %30, %29
  %32 = select i1 %31, i64 1, i64 %27
  %33 = extractvalue { i64, i1 } %28, 0
  %34 = select i1 %31, i64 0, i64 %33
  %35 = sdiv i64 %25, 24
  %36 = srem i64 %25, 24
  %.lobit.neg17 = ashr i64 %36, 63
  %37 = add nsw i64 %.lobit.neg17, %35
  %.neg = mul nsw i64 %37, -24
  %hour = add nsw i64 %.neg, %25
  br label %bucket.done

bucket.done:                                      ; preds = %bucket.miss, %match
  %bucket.val.3 = phi i64 [ %hour, %bucket.miss ], [ %bucket.val.1, %match ]
  %bucket.hi.3 = phi i64 [ %34, %bucket.miss ], [ %bucket.hi.1, %match ]
  %bucket.lo.3 = phi i64 [ %32, %bucket.miss ], [ %bucket.lo.1, %match ]
  %present6 = load i8, ptr %13, align 1
  %38 = icmp eq i8 %present6, 0
  %val7 = load double, ptr %15, align 8
  %39 = icmp eq ptr %last.slot.1, null
  %40 = zext i1 %39 to i64
  %41 = xor i64 %last.key.1, %bucket.val.3
  %42 = or i64 %41, %40
  %same.group.not = icmp eq i64 %42, 0
  br i1 %same.group.not, label %group, label %group.miss, !prof !0

group.miss:                                       ; preds = %bucket.done
  %43 = add i64 %bucket.val.3, -5361481901829929076
  %44 = xor i64 %43, 1748871778907606751
  %45 = lshr i64 %44, 30
  %46 = xor i64 %44, %45
  %47 = mul i64 %46, -4658895280553007687
  %48 = lshr i64 %47, 27
  %49 = xor i64 %47, %48
  %50 = mul i64 %49, -7723592293110705685
  %51 = lshr i64 %50, 31
  %52 = xor i64 %50, %51
  %tag = or i64 %52, -9223372036854775808
  br label %probe

group:                                            ; preds = %probe.tag, %inserted, %bucket.done
  %last.key.3 = phi i64 [ %last.key.1, %bucket.done ], [ %bucket.val.3, %inserted ], [ %bucket.val.3, %probe.tag ]
  %last.slot.3 = phi ptr [ %last.slot.1, %bucket.done ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.3 = phi i64 [ %cap.mask.1, %bucket.done ], [ %69, %inserted ], [ %cap.mask.1, %probe.tag ]
  %slots.3 = phi ptr [ %slots.1, %bucket.done ], [ %slots10, %inserted ], [ %slots.1, %probe.tag ]
  %53 = getelementptr i8, ptr %last.slot.3, i64 24
  %54 = load i64, ptr %53, align 8
  %55 = add i64 %54, 1
  store i64 %55, ptr %53, align 8
  br i1 %38, label %event.next, label %agg.update

probe:                                            ; preds = %probe.next, %group.miss
  %tag.pn = phi i64 [ %tag, %group.miss ], [ %66, %probe.next ]
  %idx = and i64 %tag.pn, %cap.mask.1
  %56 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.1, i64 %56
  %57 = load i64, ptr %slot, align 8
  %58 = icmp eq i64 %57, %tag
  br i1 %58, label %probe.tag, label %probe.empty

probe.tag:                                        ; preds = %probe
  %59 = getelementptr i8, ptr %slot, i64 16
  %60 = load i64, ptr %59, align 8
  %61 = icmp eq i64 %60, 0
  %62 = getelementptr i8, ptr %slot, i64 8
  %63 = load i64, ptr %62, align 8
  %64 = icmp eq i64 %63, %bucket.val.3
  %65 = and i1 %61, %64
  br i1 %65, label %group, label %probe.next

probe.next:                                       ; preds = %probe.empty, %probe.tag
  %66 = add i64 %idx, 1
  br label %probe

probe.empty:                                      ; preds = %probe
  %67 = icmp eq i64 %57, 0
  br i1 %67, label %insert, label %probe.next

insert:                                           ; preds = %probe.empty
  store i64 %bucket.val.3, ptr %keys.tmp, align 8
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %68 = icmp eq ptr %new.slot, null
  br i1 %68, label %common.ret, label %inserted, !prof !1

inserted:                                         ; preds = %insert
  %slots10 = load ptr, ptr %groups, align 8
  %cap11 = load i64, ptr %6, align 8
  %69 = add i64 %cap11, -1
  br label %group

agg.update:                                       ; preds = %group
  %70 = getelementptr i8, ptr %last.slot.3, i64 32
  %71 = load double, ptr %70, align 8
  %72 = fadd double %71, %val7
  store double %72, ptr %70, align 8
  %73 = getelementptr i8, ptr %last.slot.3, i64 40
  %74 = load i64, ptr %73, align 8
  %75 = add i64 %74, 1
  store i64 %75, ptr %73, align 8
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
