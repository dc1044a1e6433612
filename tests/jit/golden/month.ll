; ModuleID = 'sky_query'
source_filename = "sky_query"

; Function Attrs: nounwind
define i32 @sky_scan(ptr noalias %rt, ptr noalias %chunk, ptr noalias %groups, ptr noalias %err_expr) #0 {
entry:
  %keys.tmp = alloca [2 x i64], align 8
  %month.range = alloca [2 x i64], align 8
  %0 = getelementptr i8, ptr %chunk, i64 8
  %n.events = load i64, ptr %0, align 8
  %1 = icmp eq i64 %n.events, 0
  br i1 %1, label %common.ret, label %scan

common.ret:                                       ; preds = %object.next, %segment.stop, %insert, %scan, %entry
  %common.ret.op = phi i32 [ 0, %entry ], [ 0, %scan ], [ 2, %insert ], [ 3, %segment.stop ], [ 0, %object.next ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 24
  %obj.starts = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %chunk, i64 32
  %ts.col = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %4, align 8
  %col.values = load ptr, ptr %cols, align 8
  %5 = getelementptr i8, ptr %cols, i64 64
  %col.values1 = load ptr, ptr %5, align 8
  %6 = getelementptr i8, ptr %cols, i64 72
  %col.present2 = load ptr, ptr %6, align 8
  %7 = getelementptr i8, ptr %groups, i64 8
  %n.objects = load i64, ptr %chunk, align 8
  %8 = icmp eq i64 %n.objects, 0
  br i1 %8, label %common.ret, label %object.preheader

object.preheader:                                 ; preds = %scan
  %cap = load i64, ptr %7, align 8
  %9 = add i64 %cap, -1
  %slots3 = load ptr, ptr %groups, align 8
  %invariant.gep = getelementptr i8, ptr %col.values1, i64 1024
  %10 = getelementptr inbounds i8, ptr %month.range, i64 8
  %11 = getelementptr inbounds i8, ptr %keys.tmp, i64 8
  br label %object

object:                                           ; preds = %object.preheader, %object.next
  %next.check.0 = phi i64 [ %next.check.1, %object.next ], [ 0, %object.preheader ]
  %k.0 = phi i64 [ %12, %object.next ], [ 0, %object.preheader ]
  %last.key4.0 = phi i64 [ %last.key4.1, %object.next ], [ -1, %object.preheader ]
  %last.key.0 = phi i64 [ %last.key.1, %object.next ], [ -1, %object.preheader ]
  %last.slot.0 = phi ptr [ %last.slot.1, %object.next ], [ null, %object.preheader ]
  %cap.mask.0 = phi i64 [ %cap.mask.1, %object.next ], [ %9, %object.preheader ]
  %slots.0 = phi ptr [ %slots.1, %object.next ], [ %slots3, %object.preheader ]
  %bucket.val.0 = phi i64 [ %bucket.val.1, %object.next ], [ 0, %object.preheader ]
  %bucket.hi.0 = phi i64 [ %bucket.hi.1, %object.next ], [ 0, %object.preheader ]
  %bucket.lo.0 = phi i64 [ %bucket.lo.1, %object.next ], [ 1, %object.preheader ]
  %12 = add nuw i64 %k.0, 1
  %13 = getelementptr i64, ptr %obj.starts, i64 %k.0
  %start = load i64, ptr %13, align 8
  %14 = getelementptr i64, ptr %obj.starts, i64 %12
  %end = load i64, ptr %14, align 8
  %15 = icmp ult i64 %start, %end
  br i1 %15, label %segment, label %object.next

object.next:                                      ; preds = %segment.more, %object
  %next.check.1 = phi i64 [ %next.check.0, %object ], [ %next.check.3, %segment.more ]
  %last.key4.1 = phi i64 [ %last.key4.0, %object ], [ %last.key4.4, %segment.more ]
  %last.key.1 = phi i64 [ %last.key.0, %object ], [ %last.key.4, %segment.more ]
  %last.slot.1 = phi ptr [ %last.slot.0, %object ], [ %last.slot.4, %segment.more ]
  %cap.mask.1 = phi i64 [ %cap.mask.0, %object ], [ %cap.mask.4, %segment.more ]
  %slots.1 = phi ptr [ %slots.0, %object ], [ %slots.4, %segment.more ]
  %bucket.val.1 = phi i64 [ %bucket.val.0, %object ], [ %bucket.val.4, %segment.more ]
  %bucket.hi.1 = phi i64 [ %bucket.hi.0, %object ], [ %bucket.hi.4, %segment.more ]
  %bucket.lo.1 = phi i64 [ %bucket.lo.0, %object ], [ %bucket.lo.4, %segment.more ]
  %exitcond39.not = icmp eq i64 %12, %n.objects
  br i1 %exitcond39.not, label %common.ret, label %object

segment:                                          ; preds = %object, %segment.more
  %next.check.2 = phi i64 [ %next.check.3, %segment.more ], [ %next.check.0, %object ]
  %i.0 = phi i64 [ %i.1, %segment.more ], [ %start, %object ]
  %last.key4.2 = phi i64 [ %last.key4.4, %segment.more ], [ %last.key4.0, %object ]
  %last.key.2 = phi i64 [ %last.key.4, %segment.more ], [ %last.key.0, %object ]
  %last.slot.2 = phi ptr [ %last.slot.4, %segment.more ], [ %last.slot.0, %object ]
  %cap.mask.2 = phi i64 [ %cap.mask.4, %segment.more ], [ %cap.mask.0, %object ]
  %slots.2 = phi ptr [ %slots.4, %segment.more ], [ %slots.0, %object ]
  %bucket.val.2 = phi i64 [ %bucket.val.4, %segment.more ], [ %bucket.val.0, %object ]
  %bucket.hi.2 = phi i64 [ %bucket.hi.4, %segment.more ], [ %bucket.hi.0, %object ]
  %bucket.lo.2 = phi i64 [ %bucket.lo.4, %segment.more ], [ %bucket.lo.0, %object ]
  %reg.0 = phi i64 [ %reg.2, %segment.more ], [ 0, %object ]
  %16 = call i64 @llvm.umin.i64(i64 %end, i64 %next.check.2)
  %17 = icmp ult i64 %i.0, %16
  br i1 %17, label %event, label %segment.end

event:                                            ; preds = %segment, %agg.done
  %last.key4.3 = phi i64 [ %last.key4.5, %agg.done ], [ %last.key4.2, %segment ]
  %last.key.3 = phi i64 [ %last.key.5, %agg.done ], [ %last.key.2, %segment ]
  %last.slot.3 = phi ptr [ %last.slot.5, %agg.done ], [ %last.slot.2, %segment ]
  %cap.mask.3 = phi i64 [ %cap.mask.5, %agg.done ], [ %cap.mask.2, %segment ]
  %slots.3 = phi ptr [ %slots.5, %agg.done ], [ %slots.2, %segment ]
  %bucket.val.3 = phi i64 [ %bucket.val.5, %agg.done ], [ %bucket.val.2, %segment ]
  %bucket.hi.3 = phi i64 [ %bucket.hi.5, %agg.done ], [ %bucket.hi.2, %segment ]
  %bucket.lo.3 = phi i64 [ %bucket.lo.5, %agg.done ], [ %bucket.lo.2, %segment ]
  %reg.1 = phi i64 [ %22, %agg.done ], [ %reg.0, %segment ]
  %i6 = phi i64 [ %100, %agg.done ], [ %i.0, %segment ]
  %18 = shl i64 %i6, 3
  %gep = getelementptr i8, ptr %invariant.gep, i64 %18
  call void @llvm.prefetch.p0(ptr %gep, i32 0, i32 3, i32 1)
  %19 = getelementptr i32, ptr %col.values, i64 %i6
  %code = load i32, ptr %19, align 4
  %20 = zext i32 %code to i64
  %21 = icmp eq i32 %code, 0
  %22 = select i1 %21, i64 %reg.1, i64 %20
  %23 = icmp eq i64 %22, 0
  %24 = getelementptr i64, ptr %ts.col, i64 %i6
  %ts = load i64, ptr %24, align 8
  %25 = icmp sge i64 %ts, %bucket.hi.3
  %26 = icmp slt i64 %ts, %bucket.lo.3
  %.not20 = or i1 %26, %25
  br i1 %.not20, label %bucket.miss, label %bucket.done, !prof !0

segment.end:                                      ; preds = %agg.done, %segment
  %i.1 = phi i64 [ %i.0, %segment ], [ %100, %agg.done ]
  %last.key4.4 = phi i64 [ %last.key4.2, %segment ], [ %last.key4.5, %agg.done ]
  %last.key.4 = phi i64 [ %last.key.2, %segment ], [ %last.key.5, %agg.done ]
  %last.slot.4 = phi ptr [ %last.slot.2, %segment ], [ %last.slot.5, %agg.done ]
  %cap.mask.4 = phi i64 [ %cap.mask.2, %segment ], [ %cap.mask.5, %agg.done ]
  %slots.4 = phi ptr [ %slots.2, %segment ], [ %slots.5, %agg.done ]
  %bucket.val.4 = phi i64 [ %bucket.val.2, %segment ], [ %bucket.val.5, %agg.done ]
  %bucket.hi.4 = phi i64 [ %bucket.hi.2, %segment ], [ %bucket.hi.5, %agg.done ]
  %bucket.lo.4 = phi i64 [ %bucket.lo.2, %segment ], [ %bucket.lo.5, %agg.done ]
  %reg.2 = phi i64 [ %reg.0, %segment ], [ %22, %agg.done ]
  %.not = icmp ult i64 %i.1, %next.check.2
  br i1 %.not, label %segment.more, label %segment.stop, !prof !1

segment.stop:                                     ; preds = %segment.end
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not22 = icmp eq i32 %stop, 0
  br i1 %.not22, label %segment.go, label %common.ret, !prof !1

segment.go:                                       ; preds = %segment.stop
  %27 = add i64 %i.1, 65536
  br label %segment.more

segment.more:                                     ; preds = %segment.go, %segment.end
  %next.check.3 = phi i64 [ %27, %segment.go ], [ %next.check.2, %segment.end ]
  %28 = icmp ult i64 %i.1, %end
  br i1 %28, label %segment, label %object.next

bucket.miss:                                      ; preds = %event
  %month = call i64 @sky_jit_month_range(i64 %ts, ptr nonnull %month.range)
  %29 = load i64, ptr %month.range, align 8
  %30 = load i64, ptr %10, align 8
  br label %bucket.done

bucket.done:                                      ; preds = %bucket.miss, %event
  %bucket.val.5 = phi i64 [ %month, %bucket.miss ], [ %bucket.val.3, %event ]
  %bucket.hi.5 = phi i64 [ %30, %bucket.miss ], [ %bucket.hi.3, %event ]
  %bucket.lo.5 = phi i64 [ %29, %bucket.miss ], [ %bucket.lo.3, %event ]
  %31 = getelementptr i8, ptr %col.present2, i64 %i6
  %present = load i8, ptr %31, align 1
  %32 = icmp eq i8 %present, 0
  %33 = getelementptr double, ptr %col.values1, i64 %i6
  %val = load double, ptr %33, align 8
  %34 = icmp ne i64 %last.key.3, %22
  %35 = icmp ne i64 %last.key4.3, %bucket.val.5
  %same.group.not = or i1 %34, %35
  br i1 %same.group.not, label %group.miss, label %group, !prof !0

group.miss:                                       ; preds = %bucket.done
  %36 = add i64 %bucket.val.5, -96360
  %37 = icmp ult i64 %36, -120000
  %38 = zext i1 %23 to i64
  %key9 = select i1 %37, i64 0, i64 %bucket.val.5
  %39 = select i1 %37, i64 2, i64 0
  %40 = or disjoint i64 %39, %38
  %41 = xor i64 %40, 1554098975
  %42 = mul i64 %41, -4658895280553007687
  %43 = lshr i64 %42, 27
  %44 = xor i64 %42, %43
  %45 = mul i64 %44, -7723592293110705685
  %46 = lshr i64 %45, 31
  %47 = xor i64 %45, %46
  %48 = add i64 %22, -7046029254386353131
  %49 = shl i64 %47, 6
  %50 = add i64 %48, %49
  %51 = lshr i64 %47, 2
  %52 = add i64 %50, %51
  %53 = xor i64 %47, %52
  %54 = lshr i64 %53, 30
  %55 = xor i64 %53, %54
  %56 = mul i64 %55, -4658895280553007687
  %57 = lshr i64 %56, 27
  %58 = xor i64 %56, %57
  %59 = mul i64 %58, -7723592293110705685
  %60 = lshr i64 %59, 31
  %61 = xor i64 %59, %60
  %62 = add i64 %key9, -7046029254386353131
  %63 = shl i64 %61, 6
  %64 = add i64 %62, %63
  %65 = lshr i64 %61, 2
  %66 = add i64 %64, %65
  %67 = xor i64 %61, %66
  %68 = lshr i64 %67, 30
  %69 = xor i64 %67, %68
  %70 = mul i64 %69, -4658895280553007687
  %71 = lshr i64 %70, 27
  %72 = xor i64 %70, %71
  %73 = mul i64 %72, -7723592293110705685
  %74 = lshr i64 %73, 31
  %75 = xor i64 %73, %74
  %tag = or i64 %75, -9223372036854775808
  br label %probe

group:                                            ; preds = %probe.tag, %inserted, %bucket.done
  %last.key4.5 = phi i64 [ %last.key4.3, %bucket.done ], [ %bucket.val.5, %inserted ], [ %bucket.val.5, %probe.tag ]
  %last.key.5 = phi i64 [ %last.key.3, %bucket.done ], [ %22, %inserted ], [ %22, %probe.tag ]
  %last.slot.5 = phi ptr [ %last.slot.3, %bucket.done ], [ %new.slot, %inserted ], [ %slot, %probe.tag ]
  %cap.mask.5 = phi i64 [ %cap.mask.3, %bucket.done ], [ %93, %inserted ], [ %cap.mask.3, %probe.tag ]
  %slots.5 = phi ptr [ %slots.3, %bucket.done ], [ %slots12, %inserted ], [ %slots.3, %probe.tag ]
  br i1 %32, label %agg.done, label %agg.update

probe:                                            ; preds = %probe.next, %group.miss
  %tag.pn = phi i64 [ %tag, %group.miss ], [ %90, %probe.next ]
  %idx = and i64 %tag.pn, %cap.mask.3
  %76 = mul i64 %idx, 48
  %slot = getelementptr i8, ptr %slots.3, i64 %76
  %77 = load i64, ptr %slot, align 8
  %78 = icmp eq i64 %77, %tag
  br i1 %78, label %probe.tag, label %probe.empty

probe.tag:                                        ; preds = %probe
  %79 = getelementptr i8, ptr %slot, i64 24
  %80 = load i64, ptr %79, align 8
  %81 = icmp eq i64 %80, %40
  %82 = getelementptr i8, ptr %slot, i64 8
  %83 = load i64, ptr %82, align 8
  %84 = icmp eq i64 %83, %22
  %85 = and i1 %81, %84
  %86 = getelementptr i8, ptr %slot, i64 16
  %87 = load i64, ptr %86, align 8
  %88 = icmp eq i64 %87, %key9
  %89 = and i1 %85, %88
  br i1 %89, label %group, label %probe.next

probe.next:                                       ; preds = %probe.empty, %probe.tag
  %90 = add i64 %idx, 1
  br label %probe

probe.empty:                                      ; preds = %probe
  %91 = icmp eq i64 %77, 0
  br i1 %91, label %insert, label %probe.next

insert:                                           ; preds = %probe.empty
  store i64 %22, ptr %keys.tmp, align 8
  store i64 %key9, ptr %11, align 8
  %new.slot = call ptr @sky_groups_upsert(ptr nonnull %groups, ptr nonnull %keys.tmp, i64 %40)
  %92 = icmp eq ptr %new.slot, null
  br i1 %92, label %common.ret, label %inserted, !prof !0

inserted:                                         ; preds = %insert
  %slots12 = load ptr, ptr %groups, align 8
  %cap13 = load i64, ptr %7, align 8
  %93 = add i64 %cap13, -1
  br label %group

agg.update:                                       ; preds = %group
  %94 = getelementptr i8, ptr %last.slot.5, i64 32
  %95 = load double, ptr %94, align 8
  %96 = fadd double %95, %val
  store double %96, ptr %94, align 8
  %97 = getelementptr i8, ptr %last.slot.5, i64 40
  %98 = load i64, ptr %97, align 8
  %99 = add i64 %98, 1
  store i64 %99, ptr %97, align 8
  br label %agg.done

agg.done:                                         ; preds = %agg.update, %group
  %100 = add nuw i64 %i6, 1
  %exitcond.not = icmp eq i64 %100, %16
  br i1 %exitcond.not, label %segment.end, label %event
}

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite)
declare void @llvm.prefetch.p0(ptr nocapture readonly, i32 immarg, i32 immarg, i32 immarg) #1

; Function Attrs: nounwind
declare i64 @sky_jit_month_range(i64, ptr) #0

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #2

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite) }
attributes #2 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 1, i32 2000}
!1 = !{!"branch_weights", i32 2000, i32 1}
