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

common.ret:                                       ; preds = %block.stop, %done, %upsert.ok4, %entry, %local.load, %local.store
  %common.ret.op = phi i32 [ 2, %local.store ], [ 2, %local.load ], [ 0, %entry ], [ 0, %upsert.ok4 ], [ 0, %done ], [ 3, %block.stop ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 40
  %action.col = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %rt, i64 16
  %rc = load ptr, ptr %3, align 8
  %rconst = load i64, ptr %rc, align 8
  %4 = getelementptr i8, ptr %groups, i64 16
  %groups1 = load i64, ptr %4, align 8
  %existed.not = icmp eq i64 %groups1, 0
  br i1 %existed.not, label %local.ready, label %local.load, !prof !0

local.load:                                       ; preds = %scan
  %group = call ptr @sky_groups_upsert(ptr %groups, ptr nonnull %keys.tmp, i64 0)
  %5 = icmp eq ptr %group, null
  br i1 %5, label %common.ret, label %upsert.ok, !prof !1

local.ready:                                      ; preds = %upsert.ok, %scan
  %local.slot.sroa.2.0 = phi i64 [ %8, %upsert.ok ], [ 0, %scan ]
  %n.events2 = load i64, ptr %0, align 8
  %6 = trunc i64 %rconst to i32
  %.not20 = icmp eq i64 %n.events2, 0
  br i1 %.not20, label %done, label %block.stop

upsert.ok:                                        ; preds = %local.load
  %7 = getelementptr i8, ptr %group, i64 16
  %8 = load i64, ptr %7, align 8
  br label %local.ready

done:                                             ; preds = %block.end, %local.ready
  %local.slot.sroa.2.1.lcssa = phi i64 [ %local.slot.sroa.2.0, %local.ready ], [ %39, %block.end ]
  %9 = or i64 %groups1, %local.slot.sroa.2.1.lcssa
  %.not = icmp eq i64 %9, 0
  br i1 %.not, label %common.ret, label %local.store

block.pre:                                        ; preds = %block.stop
  %10 = add i64 %base11, 65536
  %11 = call i64 @llvm.umin.i64(i64 %10, i64 %n.events2)
  %12 = add i64 %base11, 1
  %umax = call i64 @llvm.umax.i64(i64 %11, i64 %12)
  %13 = sub i64 %umax, %base11
  %min.iters.check = icmp ult i64 %13, 32
  br i1 %min.iters.check, label %scalar.ph, label %vector.ph

vector.ph:                                        ; preds = %block.pre
  %n.vec = and i64 %13, -32
  %ind.end = add i64 %base11, %n.vec
  %broadcast.splatinsert = insertelement <8 x i32> poison, i32 %6, i64 0
  %broadcast.splat = shufflevector <8 x i32> %broadcast.splatinsert, <8 x i32> poison, <8 x i32> zeroinitializer
  br label %vector.body

vector.body:                                      ; preds = %vector.body, %vector.ph
  %index = phi i64 [ 0, %vector.ph ], [ %index.next, %vector.body ]
  %vec.phi = phi <8 x i32> [ zeroinitializer, %vector.ph ], [ %24, %vector.body ]
  %vec.phi12 = phi <8 x i32> [ zeroinitializer, %vector.ph ], [ %26, %vector.body ]
  %vec.phi13 = phi <8 x i32> [ zeroinitializer, %vector.ph ], [ %28, %vector.body ]
  %vec.phi14 = phi <8 x i32> [ zeroinitializer, %vector.ph ], [ %30, %vector.body ]
  %14 = getelementptr i32, ptr %action.col, i64 %base11
  %15 = getelementptr i32, ptr %14, i64 %index
  %16 = getelementptr i8, ptr %15, i64 32
  %17 = getelementptr i8, ptr %15, i64 64
  %18 = getelementptr i8, ptr %15, i64 96
  %wide.load = load <8 x i32>, ptr %15, align 4
  %wide.load15 = load <8 x i32>, ptr %16, align 4
  %wide.load16 = load <8 x i32>, ptr %17, align 4
  %wide.load17 = load <8 x i32>, ptr %18, align 4
  %19 = icmp eq <8 x i32> %wide.load, %broadcast.splat
  %20 = icmp eq <8 x i32> %wide.load15, %broadcast.splat
  %21 = icmp eq <8 x i32> %wide.load16, %broadcast.splat
  %22 = icmp eq <8 x i32> %wide.load17, %broadcast.splat
  %23 = zext <8 x i1> %19 to <8 x i32>
  %24 = add <8 x i32> %vec.phi, %23
  %25 = zext <8 x i1> %20 to <8 x i32>
  %26 = add <8 x i32> %vec.phi12, %25
  %27 = zext <8 x i1> %21 to <8 x i32>
  %28 = add <8 x i32> %vec.phi13, %27
  %29 = zext <8 x i1> %22 to <8 x i32>
  %30 = add <8 x i32> %vec.phi14, %29
  %index.next = add nuw i64 %index, 32
  %31 = icmp eq i64 %index.next, %n.vec
  br i1 %31, label %middle.block, label %vector.body, !llvm.loop !2

middle.block:                                     ; preds = %vector.body
  %bin.rdx = add <8 x i32> %26, %24
  %bin.rdx18 = add <8 x i32> %28, %bin.rdx
  %bin.rdx19 = add <8 x i32> %30, %bin.rdx18
  %32 = call i32 @llvm.vector.reduce.add.v8i32(<8 x i32> %bin.rdx19)
  %cmp.n = icmp eq i64 %13, %n.vec
  br i1 %cmp.n, label %block.end, label %scalar.ph

scalar.ph:                                        ; preds = %middle.block, %block.pre
  %bc.resume.val = phi i64 [ %ind.end, %middle.block ], [ %base11, %block.pre ]
  %bc.merge.rdx = phi i32 [ %32, %middle.block ], [ 0, %block.pre ]
  br label %event

event:                                            ; preds = %event, %scalar.ph
  %block.count.0 = phi i32 [ %bc.merge.rdx, %scalar.ph ], [ %spec.select, %event ]
  %i = phi i64 [ %bc.resume.val, %scalar.ph ], [ %36, %event ]
  %33 = getelementptr i32, ptr %action.col, i64 %i
  %action = load i32, ptr %33, align 4
  %34 = icmp eq i32 %action, %6
  %35 = zext i1 %34 to i32
  %spec.select = add i32 %block.count.0, %35
  %36 = add i64 %i, 1
  %37 = icmp ult i64 %36, %11
  br i1 %37, label %event, label %block.end, !llvm.loop !5

block.end:                                        ; preds = %middle.block, %event
  %spec.select.lcssa = phi i32 [ %spec.select, %event ], [ %32, %middle.block ]
  %38 = zext i32 %spec.select.lcssa to i64
  %39 = add i64 %local.slot.sroa.2.110, %38
  %40 = icmp ult i64 %10, %n.events2
  br i1 %40, label %block.stop, label %done

block.stop:                                       ; preds = %local.ready, %block.end
  %base11 = phi i64 [ %11, %block.end ], [ 0, %local.ready ]
  %local.slot.sroa.2.110 = phi i64 [ %39, %block.end ], [ %local.slot.sroa.2.0, %local.ready ]
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not8 = icmp eq i32 %stop, 0
  br i1 %.not8, label %block.pre, label %common.ret, !prof !0

local.store:                                      ; preds = %done
  %group3 = call ptr @sky_groups_upsert(ptr %groups, ptr nonnull %keys.tmp, i64 0)
  %41 = icmp eq ptr %group3, null
  br i1 %41, label %common.ret, label %upsert.ok4, !prof !1

upsert.ok4:                                       ; preds = %local.store
  %42 = getelementptr i8, ptr %group3, i64 16
  store i64 %local.slot.sroa.2.1.lcssa, ptr %42, align 8
  br label %common.ret
}

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #1

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umax.i64(i64, i64) #1

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i32 @llvm.vector.reduce.add.v8i32(<8 x i32>) #1

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 2000, i32 1}
!1 = !{!"branch_weights", i32 1, i32 2000}
!2 = distinct !{!2, !3, !4}
!3 = !{!"llvm.loop.isvectorized", i32 1}
!4 = !{!"llvm.loop.unroll.runtime.disable"}
!5 = distinct !{!5, !4, !3}
