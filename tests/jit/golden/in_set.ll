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

common.ret:                                       ; preds = %pos.stop, %block.stop, %done, %upsert.ok16, %entry, %local.load, %local.store
  %common.ret.op = phi i32 [ 2, %local.store ], [ 2, %local.load ], [ 0, %entry ], [ 0, %upsert.ok16 ], [ 0, %done ], [ 3, %block.stop ], [ 3, %pos.stop ]
  ret i32 %common.ret.op

scan:                                             ; preds = %entry
  %2 = getelementptr i8, ptr %chunk, i64 48
  %cols = load ptr, ptr %2, align 8
  %3 = getelementptr i8, ptr %cols, i64 64
  %col.values = load ptr, ptr %3, align 8
  %4 = getelementptr i8, ptr %cols, i64 72
  %col.present = load ptr, ptr %4, align 8
  %5 = getelementptr i8, ptr %groups, i64 16
  %groups1 = load i64, ptr %5, align 8
  %existed.not = icmp eq i64 %groups1, 0
  br i1 %existed.not, label %local.ready, label %local.load, !prof !0

local.load:                                       ; preds = %scan
  %group = call ptr @sky_groups_upsert(ptr %groups, ptr nonnull %keys.tmp, i64 0)
  %6 = icmp eq ptr %group, null
  br i1 %6, label %common.ret, label %upsert.ok, !prof !1

local.ready:                                      ; preds = %upsert.ok, %scan
  %local.slot.sroa.2.0 = phi i64 [ %13, %upsert.ok ], [ 0, %scan ]
  %cols2 = load ptr, ptr %2, align 8
  %7 = getelementptr i8, ptr %cols2, i64 80
  %col.pos = load ptr, ptr %7, align 8
  %8 = getelementptr i8, ptr %cols2, i64 88
  %col.npos = load i64, ptr %8, align 8
  %.not23 = icmp eq i64 %col.npos, -1
  %.not = icmp eq ptr %col.pos, null
  %9 = select i1 %.not, i64 -1, i64 %col.npos
  %10 = icmp eq ptr %col.pos, null
  %11 = select i1 %.not23, i1 true, i1 %10
  br i1 %11, label %dense, label %pos.block.preheader

pos.block.preheader:                              ; preds = %local.ready
  %last = add i64 %9, -1
  %.not38 = icmp eq i64 %9, 0
  br i1 %.not38, label %done, label %pos.stop

upsert.ok:                                        ; preds = %local.load
  %12 = getelementptr i8, ptr %group, i64 16
  %13 = load i64, ptr %12, align 8
  br label %local.ready

done:                                             ; preds = %pos.block.preheader, %pos.end, %dense, %block.end
  %local.slot.sroa.2.1 = phi i64 [ %local.slot.sroa.2.0, %dense ], [ %40, %block.end ], [ %local.slot.sroa.2.0, %pos.block.preheader ], [ %26, %pos.end ]
  %14 = or i64 %groups1, %local.slot.sroa.2.1
  %.not26 = icmp eq i64 %14, 0
  br i1 %.not26, label %common.ret, label %local.store

dense:                                            ; preds = %local.ready
  %n.events4 = load i64, ptr %0, align 8
  %invariant.gep = getelementptr i8, ptr %col.values, i64 1024
  %.not39 = icmp eq i64 %n.events4, 0
  br i1 %.not39, label %done, label %block.stop

pos.pre:                                          ; preds = %pos.stop
  %15 = add i64 %base34, 65536
  %16 = call i64 @llvm.umin.i64(i64 %15, i64 %9)
  br label %pos.event

pos.event:                                        ; preds = %helper.done, %pos.pre
  %block.count.0 = phi i32 [ 0, %pos.pre ], [ %block.count.1, %helper.done ]
  %j = phi i64 [ %base34, %pos.pre ], [ %32, %helper.done ]
  %17 = getelementptr i32, ptr %col.pos, i64 %j
  %pos = load i32, ptr %17, align 4
  %i = zext i32 %pos to i64
  %18 = add i64 %j, 16
  %19 = call i64 @llvm.umin.i64(i64 %18, i64 %last)
  %20 = getelementptr i32, ptr %col.pos, i64 %19
  %pos.ahead = load i32, ptr %20, align 4
  %21 = zext i32 %pos.ahead to i64
  %22 = shl nuw nsw i64 %21, 3
  %ahead = getelementptr i8, ptr %col.values, i64 %22
  call void @llvm.prefetch.p0(ptr %ahead, i32 0, i32 3, i32 1)
  %ahead3 = getelementptr i8, ptr %col.present, i64 %21
  call void @llvm.prefetch.p0(ptr %ahead3, i32 0, i32 3, i32 1)
  %23 = getelementptr i8, ptr %col.present, i64 %i
  %present = load i8, ptr %23, align 1
  %24 = icmp eq i8 %present, 0
  br i1 %24, label %helper.done, label %helper

pos.end:                                          ; preds = %helper.done
  %25 = zext i32 %block.count.1 to i64
  %26 = add i64 %local.slot.sroa.2.233, %25
  %27 = icmp ult i64 %15, %9
  br i1 %27, label %pos.stop, label %done

pos.stop:                                         ; preds = %pos.block.preheader, %pos.end
  %base34 = phi i64 [ %16, %pos.end ], [ 0, %pos.block.preheader ]
  %local.slot.sroa.2.233 = phi i64 [ %26, %pos.end ], [ %local.slot.sroa.2.0, %pos.block.preheader ]
  %stop = call i32 @sky_rt_should_stop(ptr %rt)
  %.not24 = icmp eq i32 %stop, 0
  br i1 %.not24, label %pos.pre, label %common.ret, !prof !0

helper:                                           ; preds = %pos.event
  %28 = getelementptr double, ptr %col.values, i64 %i
  %val25 = load i64, ptr %28, align 8
  %29 = call i64 @sky_rt_in_set(ptr %rt, i32 0, i64 %val25)
  br label %helper.done

helper.done:                                      ; preds = %helper, %pos.event
  %30 = phi i64 [ 0, %pos.event ], [ %29, %helper ]
  %in.set.not = icmp ne i64 %30, 0
  %31 = zext i1 %in.set.not to i32
  %block.count.1 = add i32 %block.count.0, %31
  %32 = add i64 %j, 1
  %33 = icmp ult i64 %32, %16
  br i1 %33, label %pos.event, label %pos.end

block.pre:                                        ; preds = %block.stop
  %34 = add i64 %base536, 65536
  %35 = call i64 @llvm.umin.i64(i64 %34, i64 %n.events4)
  br label %event

event:                                            ; preds = %helper.done12, %block.pre
  %block.count.2 = phi i32 [ 0, %block.pre ], [ %block.count.3, %helper.done12 ]
  %i7 = phi i64 [ %base536, %block.pre ], [ %46, %helper.done12 ]
  %36 = shl i64 %i7, 3
  %gep = getelementptr i8, ptr %invariant.gep, i64 %36
  call void @llvm.prefetch.p0(ptr %gep, i32 0, i32 3, i32 1)
  %37 = getelementptr i8, ptr %col.present, i64 %i7
  %present9 = load i8, ptr %37, align 1
  %38 = icmp eq i8 %present9, 0
  br i1 %38, label %helper.done12, label %helper11

block.end:                                        ; preds = %helper.done12
  %39 = zext i32 %block.count.3 to i64
  %40 = add i64 %local.slot.sroa.2.335, %39
  %41 = icmp ult i64 %34, %n.events4
  br i1 %41, label %block.stop, label %done

block.stop:                                       ; preds = %dense, %block.end
  %base536 = phi i64 [ %35, %block.end ], [ 0, %dense ]
  %local.slot.sroa.2.335 = phi i64 [ %40, %block.end ], [ %local.slot.sroa.2.0, %dense ]
  %stop6 = call i32 @sky_rt_should_stop(ptr %rt)
  %.not27 = icmp eq i32 %stop6, 0
  br i1 %.not27, label %block.pre, label %common.ret, !prof !0

helper11:                                         ; preds = %event
  %42 = getelementptr double, ptr %col.values, i64 %i7
  %val1028 = load i64, ptr %42, align 8
  %43 = call i64 @sky_rt_in_set(ptr %rt, i32 0, i64 %val1028)
  br label %helper.done12

helper.done12:                                    ; preds = %helper11, %event
  %44 = phi i64 [ 0, %event ], [ %43, %helper11 ]
  %in.set13.not = icmp ne i64 %44, 0
  %45 = zext i1 %in.set13.not to i32
  %block.count.3 = add i32 %block.count.2, %45
  %46 = add i64 %i7, 1
  %47 = icmp ult i64 %46, %35
  br i1 %47, label %event, label %block.end

local.store:                                      ; preds = %done
  %group15 = call ptr @sky_groups_upsert(ptr %groups, ptr nonnull %keys.tmp, i64 0)
  %48 = icmp eq ptr %group15, null
  br i1 %48, label %common.ret, label %upsert.ok16, !prof !1

upsert.ok16:                                      ; preds = %local.store
  %49 = getelementptr i8, ptr %group15, i64 16
  store i64 %local.slot.sroa.2.1, ptr %49, align 8
  br label %common.ret
}

; Function Attrs: nounwind
declare ptr @sky_groups_upsert(ptr, ptr, i64) #0

; Function Attrs: nounwind
declare i32 @sky_rt_should_stop(ptr) #0

; Function Attrs: nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite)
declare void @llvm.prefetch.p0(ptr nocapture readonly, i32 immarg, i32 immarg, i32 immarg) #1

; Function Attrs: nounwind
declare i64 @sky_rt_in_set(ptr, i32, i64) #0

; Function Attrs: nocallback nofree nosync nounwind speculatable willreturn memory(none)
declare i64 @llvm.umin.i64(i64, i64) #2

attributes #0 = { nounwind }
attributes #1 = { nocallback nofree nosync nounwind willreturn memory(argmem: readwrite, inaccessiblemem: readwrite) }
attributes #2 = { nocallback nofree nosync nounwind speculatable willreturn memory(none) }

!0 = !{!"branch_weights", i32 2000, i32 1}
!1 = !{!"branch_weights", i32 1, i32 2000}
