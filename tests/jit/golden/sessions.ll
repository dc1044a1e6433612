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

common.ret:                                       ; preds = %object.next, %segment.stop, %insert, %scan, %entry
  %common.ret.op = phi i32 [ 0, %entry ], [ 0, %scan ], [ 2, %insert ], [ 3, %segment.stop ], [ 0, %object.next ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 16
  %obj.ids = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %chunk, i64 24
  %obj.starts = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %chunk, i64 32
  %ts.col = load ptr, ptr %4, align 8
  %5 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %5, align 8
  %6 = getelementptr i8, ptr %cols, i64 32
  %col.values = load ptr, ptr %6, align 8
  %7 = getelementptr i8, ptr %groups, i64 8
  %n.objects = load i64, ptr %chunk, align 8
  %8 = icmp eq i64 %n.objects, 0
  br i1 %8, label %common.ret, label %object.preheader

object.preheader:                                 ; preds = %scan
  %cap = load i64, ptr %7, align 8
  %9 = add i64 %cap, -1
  %slots1 = load ptr, ptr %groups, align 8
  br label %object

object:                                           ; preds = %object.preheader, %object.next
  %next.check.0 = phi i64 [ %next.check.1, %object.next ], [ 0, %object.preheader ]
  %k.0 = phi i64 [ %10, %object.next ], [ 0, %object.preheader ]
  %last.key.0 = phi i64 [ %last.key.1, %object.next ], [ -1, %object.preheader ]
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
  br i1 %14, label %object.first, label %object.next

object.first:                                     ; preds = %object
  %15 = getelementptr i64, ptr %ts.col, i64 %start
  %ts0 = load i64, ptr %15, align 8
  br label %segment

object.next:                                      ; preds = %segment.more, %object
  %next.check.1 = phi i64 [ %next.check.0, %object ], [ %next.check.3, %segment.more ]
  %last.key.1 = phi i64 [ %last.key.0, %object ], [ %last.key.4, %segment.more ]
  %last.slot.1 = phi ptr [ %last.slot.0, %object ], [ %last.slot.4, %segment.more ]
  %cap.mask.1 = phi i64 [ %cap.mask.0, %object ], [ %cap.mask.4, %segment.more ]
  %slots.1 = phi ptr [ %slots.0, %object ], [ %slots.4, %segment.more ]
  %exitcond28.not = icmp eq i64 %10, %n.objects
  br i1 %exitcond28.not, label %common.ret, label %object

segment:                                          ; preds = %segment.more, %object.first
  %prev.ts.0 = phi i64 [ %ts0, %object.first ], [ %prev.ts.2, %segment.more ]
  %next.check.2 = phi i64 [ %next.check.0, %object.first ], [ %next.check.3, %segment.more ]
  %i.0 = phi i64 [ %start, %object.first ], [ %i.1, %segment.more ]
  %last.key.2 = phi i64 [ %last.key.0, %object.first ], [ %last.key.4, %segment.more ]
  %last.slot.2 = phi ptr [ %last.slot.0, %object.first ], [ %last.slot.4, %segment.more ]
  %cap.mask.2 = phi i64 [ %cap.mask.0, %object.first ], [ %cap.mask.4, %segment.more ]
  %slots.2 = phi ptr [ %slots.0, %object.first ], [ %slots.4, %segment.more ]
  %session.0 = phi i64 [ 0, %object.first ], [ %session.2, %segment.more ]
  %reg.0 = phi i64 [ 0, %object.first ], [ %reg.2, %segment.more ]
  %16 = call i64 @llvm.umin.i64(i64 %end, i64 %next.check.2)
  %17 = icmp ult i64 %i.0, %16
  br i1 %17, label %event, label %segment.end

event:                                            ; preds = %segment, %count.done
  %prev.ts.1 = phi i64 [ %ts, %count.done ], [ %prev.ts.0, %segment ]
  %last.key.3 = phi i64 [ %last.key.5, %count.done ], [ %last.key.2, %segment ]
  %last.slot.3 = phi ptr [ %last.slot.5, %count.done ], [ %last.slot.2, %segment ]
  %cap.mask.3 = phi i64 [ %cap.mask.5, %count.done ], [ %cap.mask.2, %segment ]
  %slots.3 = phi ptr [ %slots.5, %count.done ], [ %slots.2, %segment ]
  %session.1 = phi i64 [ %24, %count.done ], [ %session.0, %segment ]
  %reg.1 = phi i64 [ %21, %count.done ], [ %reg.0, %segment ]
  %i3 = phi i64 [ %74, %count.done ], [ %i.0, %segment ]
  %18 = getelementptr i32, ptr %col.values, i64 %i3
  %code = load i32, ptr %18, align 4
  %19 = zext i32 %code to i64
  %20 = icmp eq i32 %code, 0
  %21 = select i1 %20, i64 %reg.1, i64 %19
  %22 = getelementptr i64, ptr %ts.col, i64 %i3
  %ts = load i64, ptr %22, align 8
  %gap = sub i64 %ts, %prev.ts.1
  %cut = icmp ugt i64 %gap, 1800000000
  %23 = zext i1 %cut to i64
  %24 = add i64 %session.1, %23
  %same.group.not = icmp eq i64 %last.key.3, %21
  br i1 %same.group.not, label %group, label %group.miss, !prof !0

segment.end:                                      ; preds = %count.done, %segment
  %prev.ts.2 = phi i64 [ %prev.ts.0, %segment ], [ %ts, %count.done ]
  %i.1 = phi i64 [ %i.0, %segment ], [ %74, %count.done ]
  %last.key.4 = phi i64 [ %last.key.2, %segment ], [ %last.key.5, %count.done ]
  %last.slot.4 = phi ptr [ %last.slot.2, %segment ], [ %last.slot.5, %count.done ]
  %cap.mask.4 = phi i64 [ %cap.mask.2, %segment ], [ %cap.mask.5, %count.done ]
  %slots.4 = phi ptr [ %slots.2, %segment ], [ %slots.5, %count.done ]
  %session.2 = phi i64 [ %session.0, %segment ], [ %24, %count.done ]
  %reg.2 = phi i64 [ %reg.0, %segment ], [ %21, %count.done ]
  %.not = icmp ult i64 %i.1, %next.check.2
  br i1 %.not, label %segment.more, label %segment.stop, !prof !0

segment.stop:                                     ; preds = %segment.end
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not15 = icmp eq i32 %stop, 0
  br i1 %.not15, label %segment.go, label %common.ret, !prof !0

segment.go:                                       ; preds = %segment.stop
  %25 = add i64 %i.1, 65536
  br label %segment.more

segment.more:                                     ; preds = %segment.go, %segment.end
  %next.check.3 = phi i64 [ %25, %segment.go ], [ %next.check.2, %segment.end ]
  %26 = icmp ult i64 %i.1, %end
  br i1 %26, label %segment, label %object.next

group.miss:                                       ; preds = %event
  %27 = icmp eq i64 %21, 0
  %28 = zext i1 %27 to i64
  %29 = xor i64 %28, 1554098975
  %30 = mul i64 %29, -4658895280553007687
  %31 = lshr i64 %30, 27
  %32 = xor i64 %30, %31
  %33 = mul i64 %32, -7723592293110705685
  %34 = lshr i64 %33, 31
  %35 = xor i64 %33, %34
  %36 = add i64 %21, -7046029254386353131
  %37 = shl i64 %35, 6
  %38 = add i64 %36, %37
  %39 = lshr i64 %35, 2
  %40 = add i64 %38, %39
  %41 = xor i64 %35, %40
  %42 = lshr i64 %41, 30
  %43 = xor i64 %41, %42
  %44 = mul i64 %43, -4658895280553007687
  %45 = lshr i64 %44, 27
  %46 = xor i64 %44, %45
  %47 = mul i64 %46, -7723592293110705685
  %48 = lshr i64 %47, 31
  %49 = xor i64 %47, %48
  %tag = or i64 %49, -9223372036854775808
  br label %probe

group:                                            ; preds = %probe.tag, %inserted, %event
  %last.key.5 = phi i64 [ %last.key.3, %event ], [ %21, %inserted ], [ %21, %probe.tag ]
  %last.slot.5 = phi ptr [ %last.slot.3, %event ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.5 = phi i64 [ %cap.mask.3, %event ], [ %70, %inserted ], [ %cap.mask.3, %probe.tag ]
  %slots.5 = phi ptr [ %slots.3, %event ], [ %slots7, %inserted ], [ %slots.3, %probe.tag ]
  %50 = getelementptr i8, ptr %last.slot.5, i64 32
  %51 = load i64, ptr %50, align 8
  %52 = icmp ne i64 %obj, %51
  %53 = getelementptr i8, ptr %last.slot.5, i64 40
  %54 = load i64, ptr %53, align 8
  %55 = icmp ne i64 %24, %54
  %56 = or i1 %52, %55
  br i1 %56, label %count.new, label %count.done, !prof !1

probe:                                            ; preds = %probe.next, %group.miss
  %tag.pn = phi i64 [ %tag, %group.miss ], [ %67, %probe.next ]
  %idx = and i64 %tag.pn, %cap.mask.3
  %57 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.3, i64 %57
  %58 = load i64, ptr %slot, align 8
  %59 = icmp eq i64 %58, %tag
  br i1 %59, label %probe.tag, label %probe.empty

probe.tag:                                        ; preds = %probe
  %60 = getelementptr i8, ptr %slot, i64 16
  %61 = load i64, ptr %60, align 8
  %62 = icmp eq i64 %61, %28
  %63 = getelementptr i8, ptr %slot, i64 8
  %64 = load i64, ptr %63, align 8
  %65 = icmp eq i64 %64, %21
  %66 = and i1 %62, %65
  br i1 %66, label %group, label %probe.next

probe.next:                                       ; preds = %probe.empty, %probe.tag
  %67 = add i64 %idx, 1
  br label %probe

probe.empty:                                      ; preds = %probe
  %68 = icmp eq i64 %58, 0
  br i1 %68, label %insert, label %probe.next

insert:                                           ; preds = %probe.empty
  store i64 %21, ptr %keys.tmp, align 8
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 %28)
  %69 = icmp eq ptr %new.slot, null
  br i1 %69, label %common.ret, label %inserted, !prof !1

inserted:                                         ; preds = %insert
  %slots7 = load ptr, ptr %groups, align 8
  %cap8 = load i64, ptr %7, align 8
  %70 = add i64 %cap8, -1
  br label %group

count.new:                                        ; preds = %group
  %71 = getelementptr i8, ptr %last.slot.5, i64 24
  store i64 %24, ptr %53, align 8
  %72 = load i64, ptr %71, align 8
  %73 = add i64 %72, 1
  store i64 %73, ptr %71, align 8
  store i64 %obj, ptr %50, align 8
  br label %count.done

count.done:                                       ; preds = %count.new, %group
  %74 = add nuw i64 %i3, 1
  %exitcond.not = icmp eq i64 %74, %16
  br i1 %exitcond.not, label %segment.end, label %event
}

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #1

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 2000, i32 1}
!1 = !{!"branch_weights", i32 1, i32 2000}
