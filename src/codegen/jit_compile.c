/* jit_compile.c — compiling one plan: a private LLVMContext and a target
 * machine of its own for the duration, IR generation (jit_loop.c and friends), verification, the
 * optimization pipeline, machine code emission to an in-memory object and
 * its link into the shared LLJIT under a new resource tracker. Each step
 * is timed (bench_jit reports the split).
 *
 * Everything LLVM allocates here is disposed before returning, on every
 * path; the object file's ownership moves to the JIT.
 */
#include <string.h>
#include <time.h>

#include "codegen/jit_internal.h"
#include "common/clock.h"
#include "common/error.h"

/* Generates and optimizes the module; on success *mod holds it. */
static int build_module(jit_llvm *L, LLVMContextRef ctx, LLVMTargetMachineRef tm, const sky_plan *plan,
                        const char *symbol, LLVMModuleRef *mod, jit_timing *t, sky_error *err) {
  double t0 = sky_clock_ms();
  jit_cg cg;
  memset(&cg, 0, sizeof cg);
  cg.ctx = ctx;
  cg.plan = plan;
  cg.err = err;
  cg.mod = LLVMModuleCreateWithNameInContext("sky_query", ctx);
  jit_llvm_prepare_module(cg.mod, tm);
  int rc = jit_codegen_scan(&cg, symbol);
  double t1 = sky_clock_ms();
  if (rc == 0) rc = jit_llvm_optimize(L, cg.mod, tm, err);
  double t2 = sky_clock_ms();
  t->build_ms = t1 - t0;
  t->optimize_ms = t2 - t1;
  if (rc != 0) {
    LLVMDisposeModule(cg.mod);
    return -1;
  }
  *mod = cg.mod;
  return 0;
}

int jit_compile(jit_llvm *L, const sky_plan *plan, const char *symbol, sky_buf *ir_out, sky_scan_fn *fn,
                LLVMOrcResourceTrackerRef *tracker, jit_timing *timing, sky_error *err) {
  if (!sky_jit_compiles(plan)) /* callers check first (exec_read.c, sky_jit_explain_ir) */
    return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "the JIT does not compile %s plans",
                         sky_plan_kind_name(plan->kind));
  jit_timing t = {0};
  double start = sky_clock_ms();
  LLVMTargetMachineRef tm = jit_llvm_acquire_tm(L, err);
  if (!tm) return -1;
  LLVMContextRef ctx = LLVMContextCreate();
  LLVMModuleRef mod = NULL;
  int rc = build_module(L, ctx, tm, plan, symbol, &mod, &t, err);
  LLVMMemoryBufferRef obj = NULL;
  if (rc == 0 && ir_out) {
    char *text = LLVMPrintModuleToString(mod);
    sky_buf_puts(ir_out, text);
    LLVMDisposeMessage(text);
    if (ir_out->failed) rc = sky_error_oom(err);
  } else if (rc == 0) {
    double t0 = sky_clock_ms();
    rc = jit_llvm_emit(mod, tm, &obj, err);
    t.emit_ms = sky_clock_ms() - t0;
  }
  if (mod) LLVMDisposeModule(mod);
  LLVMContextDispose(ctx);
  jit_llvm_release_tm(L, tm);
  if (rc == 0 && obj) {
    double t0 = sky_clock_ms();
    void *addr = NULL;
    rc = jit_llvm_load(L, obj, symbol, tracker, &addr, err);
    if (rc == 0) *fn = (sky_scan_fn)(uintptr_t)addr;
    t.link_ms = sky_clock_ms() - t0;
  }
  t.total_ms = sky_clock_ms() - start;
  if (timing) *timing = t;
  return rc;
}
