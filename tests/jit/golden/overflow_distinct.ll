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

common.ret:                                       ; preds = %object.next, %segment.stop, %insert, %distinct.add, %scan, %entry, %overflow
  %common.ret.op = phi i32 [ 1, %overflow ], [ 0, %entry ], [ 0, %scan ], [ 2, %distinct.add ], [ 2, %insert ], [ 3, %segment.stop ], [ 0, %object.next ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 16
  %obj.ids = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %chunk, i64 24
  %obj.starts = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %4, align 8
  %col.values = load ptr, ptr %cols, align 8
  %5 = getelementptr i8, ptr %cols, i64 8
  %col.present = load ptr, ptr %5, align 8
  %6 = getelementptr i8, ptr %groups, i64 48
  %budget = load ptr, ptr %6, align 8
  %7 = getelementptr i8, ptr %groups, i64 8
  %n.objects = load i64, ptr %chunk, align 8
  %8 = icmp eq i64 %n.objects, 0
  br i1 %8, label %common.ret, label %object.preheader

object.preheader:                                 ; preds = %scan
  %cap = load i64, ptr %7, align 8
  %9 = add i64 %cap, -1
  %slots1 = load ptr, ptr %groups, align 8
  %invariant.gep = getelementptr i8, ptr %col.values, i64 1024
  br label %object

object:                                           ; preds = %object.preheader, %object.next
  %next.check.0 = phi i64 [ %next.check.1, %object.next ], [ 0, %object.preheader ]
  %k.0 = phi i64 [ %10, %object.next ], [ 0, %object.preheader ]
  %last.slot.0 = phi ptr [ %last.slot.1, %object.next ], [ null, %object.preheader ]
  %cap.mask.0 = phi i64 [ %cap.mask.1, %object.next ], [ %9, %object.preheader ]
  %slots.0 = phi ptr [ %slots.1, %object.next ], [ %slots1, %object.preheader ]
  %10 = add nuw i64 %k.0, 1
  %11 = getelementptr i64, ptr %obj.starts, i64 %k.0
  %start = load i64, ptr %11, align 8
  %12 = getelementptr i64, ptr %obj.starts, i64 %10
  %end = load i64, ptr %12, align 8
  %13 = getelementptr i64, ptr %obj.ids, i64 %k.0
  %obj = load i64, ptr %13, align 8
  %14 = icmp ult i64 %start, %end
  br i1 %14, label %segment, label %object.next

object.next:                                      ; preds = %segment.more, %object
  %next.check.1 = phi i64 [ %next.check.0, %object ], [ %next.check.3, %segment.more ]
  %last.slot.1 = phi ptr [ %last.slot.0, %object ], [ %last.slot.5, %segment.more ]
  %cap.mask.1 = phi i64 [ %cap.mask.0, %object ], [ %cap.mask.5, %segment.more ]
  %slots.1 = phi ptr [ %slots.0, %object ], [ %slots.5, %segment.more ]
  %exitcond26.not = icmp eq i64 %10, %n.objects
  br i1 %exitcond26.not, label %common.ret, label %object

segment:                                          ; preds = %object, %segment.more
  %next.check.2 = phi i64 [ %next.check.3, %segment.more ], [ %next.check.0, %object ]
  %i.0 = phi i64 [ %i.1, %segment.more ], [ %start, %object ]
  %last.slot.2 = phi ptr [ %last.slot.5, %segment.more ], [ %last.slot.0, %object ]
  %cap.mask.2 = phi i64 [ %cap.mask.5, %segment.more ], [ %cap.mask.0, %object ]
  %slots.2 = phi ptr [ %slots.5, %segment.more ], [ %slots.0, %object ]
  %15 = call i64 @llvm.umin.i64(i64 %end, i64 %next.check.2)
  %16 = icmp ult i64 %i.0, %15
  br i1 %16, label %event, label %segment.end

event:                                            ; preds = %segment, %event.next
  %last.slot.3 = phi ptr [ %last.slot.4, %event.next ], [ %last.slot.2, %segment ]
  %cap.mask.3 = phi i64 [ %cap.mask.4, %event.next ], [ %cap.mask.2, %segment ]
  %slots.3 = phi ptr [ %slots.4, %event.next ], [ %slots.2, %segment ]
  %i3 = phi i64 [ %24, %event.next ], [ %i.0, %segment ]
  %17 = shl i64 %i3, 3
  %gep = getelementptr i8, ptr %invariant.gep, i64 %17
  call void @llvm.prefetch.p0(ptr %gep, i32 0, i32 3, i32 1)
  %18 = getelementptr i8, ptr %col.present, i64 %i3
  %present = load i8, ptr %18, align 1
  %19 = icmp eq i8 %present, 0
  %20 = getelementptr i64, ptr %col.values, i64 %i3
  %val = load i64, ptr %20, align 8
  %21 = add i64 %val, -1
  %22 = icmp ult i64 %21, 2
  %23 = or i1 %22, %19
  br i1 %23, label %match, label %event.next

event.next:                                       ; preds = %distinct.done, %agg.update, %event
  %last.slot.4 = phi ptr [ %last.slot.3, %event ], [ %last.slot.6, %agg.update ], [ %last.slot.6, %distinct.done ]
  %cap.mask.4 = phi i64 [ %cap.mask.3, %event ], [ %cap.mask.6, %agg.update ], [ %cap.mask.6, %distinct.done ]
  %slots.4 = phi ptr [ %slots.3, %event ], [ %slots.6, %agg.update ], [ %slots.6, %distinct.done ]
  %24 = add nuw i64 %i3, 1
  %exitcond.not = icmp eq i64 %24, %15
  br i1 %exitcond.not, label %segment.end, label %event

segment.end:                                      ; preds = %event.next, %segment
  %i.1 = phi i64 [ %i.0, %segment ], [ %24, %event.next ]
  %last.slot.5 = phi ptr [ %last.slot.2, %segment ], [ %last.slot.4, %event.next ]
  %cap.mask.5 = phi i64 [ %cap.mask.2, %segment ], [ %cap.mask.4, %event.next ]
  %slots.5 = phi ptr [ %slots.2, %segment ], [ %slots.4, %event.next ]
  %.not18 = icmp ult i64 %i.1, %next.check.2
  br i1 %.not18, label %segment.more, label %segment.stop, !prof !0

segment.stop:                                     ; preds = %segment.end
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not19 = icmp eq i32 %stop, 0
  br i1 %.not19, label %segment.go, label %common.ret, !prof !0

segment.go:                                       ; preds = %segment.stop
  %25 = add i64 %i.1, 65536
  br label %segment.more

segment.more:                                     ; preds = %segment.go, %segment.end
  %next.check.3 = phi i64 [ %25, %segment.go ], [ %next.check.2, %segment.end ]
  %26 = icmp ult i64 %i.1, %end
  br i1 %26, label %segment, label %object.next

match:                                            ; preds = %event
  %27 = add i64 %val, 4611686018427387904
  %28 = icmp sgt i64 %27, -1
  %.not16 = or i1 %28, %19
  br i1 %.not16, label %no.overflow, label %overflow, !prof !0

overflow:                                         ; preds = %match
  store i32 8, ptr %err_expr, align 4
  br label %common.ret

no.overflow:                                      ; preds = %match
  %29 = shl i64 %val, 1
  %.not = icmp eq ptr %last.slot.3, null
  br i1 %.not, label %group.miss, label %distinct.add, !prof !1

group.miss:                                       ; preds = %no.overflow
  %30 = and i64 %cap.mask.3, -7474500257947169057
  br label %probe

probe:                                            ; preds = %probe.next, %group.miss
  %idx = phi i64 [ %30, %group.miss ], [ %37, %probe.next ]
  %31 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.3, i64 %31
  %32 = load i64, ptr %slot, align 8
  switch i64 %32, label %probe.next [
    i64 -7474500257947169057, label %probe.tag
    i64 0, label %insert
  ]

probe.tag:                                        ; preds = %probe
  %33 = getelementptr i8, ptr %slot, i64 8
  %34 = load i64, ptr %33, align 8
  %35 = icmp eq i64 %34, 0
  br i1 %35, label %distinct.add, label %probe.next

probe.next:                                       ; preds = %probe, %probe.tag
  %36 = add i64 %idx, 1
  %37 = and i64 %36, %cap.mask.3
  br label %probe

insert:                                           ; preds = %probe
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 0)
  %38 = icmp eq ptr %new.slot, null
  br i1 %38, label %common.ret, label %inserted, !prof !1

inserted:                                         ; preds = %insert
  %slots10 = load ptr, ptr %groups, align 8
  %cap11 = load i64, ptr %7, align 8
  %39 = add i64 %cap11, -1
  br label %distinct.add

distinct.add:                                     ; preds = %probe.tag, %inserted, %no.overflow
  %last.slot.6 = phi ptr [ %last.slot.3, %no.overflow ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.6 = phi i64 [ %cap.mask.3, %no.overflow ], [ %39, %inserted ], [ %cap.mask.3, %probe.tag ]
  %slots.6 = phi ptr [ %slots.3, %no.overflow ], [ %slots10, %inserted ], [ %slots.3, %probe.tag ]
  %40 = getelementptr i8, ptr %last.slot.6, i64 16
  %41 = call i32 @sky_distinct_add(ptr %40, i64 %obj, ptr %budget)
  %.not17 = icmp eq i32 %41, 0
  br i1 %.not17, label %distinct.done, label %common.ret, !prof !0

distinct.done:                                    ; preds = %distinct.add
  br i1 %19, label %event.next, label %agg.update

agg.update:                                       ; preds = %distinct.done
  %42 = getelementptr i8, ptr %last.slot.6, i64 24
  %43 = load i64, ptr %42, align 8
  %44 = add i64 %43, %29
  %45 = icmp ult i64 %44, %43
  %46 = zext i1 %45 to i64
  %47 = ashr i64 %29, 63
  store i64 %44, ptr %42, align 8
  %48 = getelementptr i8, ptr %last.slot.6, i64 32
  %49 = load i64, ptr %48, align 8
  %50 = add i64 %49, %47
  %51 = add i64 %50, %46
  store i64 %51, ptr %48, align 8
  %52 = getelementptr i8, ptr %last.slot.6, i64 40
  %53 = load i64, ptr %52, align 8
  %54 = add i64 %53, 1
  store i64 %54, ptr %52, align 8
  br label %event.next
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite)
declare void @llvm.prefetch.p0(ptr nocapture readonly, i32 immarg, i32 immarg, i32 immarg) #1

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare { i64, i1 } @llvm.smul.with.overflow.i64(i64, i64) #2

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nounwind
declare i32 @sky_distinct_add(ptr, i64, ptr) #0

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #2

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite) }
attributes #2 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 2000, i32 1}
!1 = !{!"branch_weights", i32 1, i32 2000}
