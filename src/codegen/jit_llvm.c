/* jit_llvm.c — the LLVM session of a sky_jit: native target setup, one ORC
 * LLJIT whose main JITDylib holds the C helpers as absolute symbols (no
 * -rdynamic, no process symbol search), the optimization pipeline, machine
 * code emission and the loading/unloading of each query's object file
 * under its own resource tracker.
 *
 * Why objects and not IR modules: each compile builds, optimizes and emits
 * machine code in its own LLVMContext with its own target machine, so
 * concurrent compiles share nothing but the final link into the LLJIT
 * (which ORC serializes itself). The LLJIT's own compile layer is unused.
 *
 * The only process-wide state is LLVM's native target registration, done
 * once under pthread_once. Every LLVMErrorRef is consumed into a sky_error;
 * ORC's asynchronous errors go to a reporter that records them.
 */
#include <llvm-c/Analysis.h>
#include <llvm-c/Target.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "codegen/aggs.h"
#include "codegen/groups.h"
#include "codegen/interp.h"
#include "codegen/jit_internal.h"
#include "codegen/runtime.h"
#include "common/alloc.h"
#include "common/error.h"

/* The optimization pipeline: promote the allocas (sroa), clean up, rotate
 * loops and hoist their invariants, canonicalize inductions, vectorize
 * (flat loops), clean up. Measured with callgrind on Q1-Q5 (bench_jit;
 * instructions per compile, then per event of Q1..Q5):
 *   this list                     45.3M   0.38 / 9.98 / 27.6 / 8.46 / 35.5
 *   default<O2>                   71.8M   0.38 / 10.0 / 27.7 / 7.51 / 35.6
 *   + reassociate, gvn, 2nd licm  49.3M   0.38 / 10.0 / 27.7 / 7.51 / 36.5
 *   without early-cse and licm    45.0M   0.38 / 10.0 / 32.3 / 8.46 / 34.7
 * Machine code is two thirds of a compile; its level changes nothing
 * between Less and Aggressive, None (20.8M) makes loops 4x slower, and
 * FastISel at Default (34.9M) costs 15-70% more instructions per event. */
static const char *const PIPELINE =
    "function(sroa,early-cse,instcombine<no-verify-fixpoint>,simplifycfg,loop-mssa(licm),loop(loop-rotate),"
    "indvars,loop-vectorize,instcombine<no-verify-fixpoint>,simplifycfg)";

static pthread_once_t g_target_once = PTHREAD_ONCE_INIT;
static int g_target_status = -1;

static void init_target(void) {
  if (LLVMInitializeNativeTarget() == 0 && LLVMInitializeNativeAsmPrinter() == 0) g_target_status = 0;
}

int jit_llvm_error(sky_error *err, LLVMErrorRef e, const char *what) {
  char *msg = LLVMGetErrorMessage(e); /* consumes e */
  sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: %s: %s", what, msg ? msg : "unknown error");
  LLVMDisposeErrorMessage(msg);
  return -1;
}

static void report_error(void *ctx, LLVMErrorRef e) {
  jit_llvm *L = ctx;
  char *msg = LLVMGetErrorMessage(e);
  pthread_mutex_lock(L->mu);
  L->reported_errors++;
  snprintf(L->last_report, sizeof L->last_report, "%s", msg ? msg : "");
  pthread_mutex_unlock(L->mu);
  LLVMDisposeErrorMessage(msg);
}

static LLVMTargetMachineRef new_target_machine(const jit_llvm *L, sky_error *err) {
  LLVMTargetMachineRef tm =
      LLVMCreateTargetMachine(L->target, L->triple, L->cpu, L->features, (LLVMCodeGenOptLevel)L->codegen_level,
                              LLVMRelocPIC, LLVMCodeModelSmall);
  if (!tm) sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: cannot create a target machine for %s", L->cpu);
  return tm;
}

LLVMTargetMachineRef jit_llvm_acquire_tm(jit_llvm *L, sky_error *err) {
  LLVMTargetMachineRef tm = NULL;
  pthread_mutex_lock(L->mu);
  if (L->n_idle_tms) tm = L->idle_tms[--L->n_idle_tms];
  pthread_mutex_unlock(L->mu);
  return tm ? tm : new_target_machine(L, err);
}

void jit_llvm_release_tm(jit_llvm *L, LLVMTargetMachineRef tm) {
  pthread_mutex_lock(L->mu);
  bool kept = L->n_idle_tms < sizeof L->idle_tms / sizeof *L->idle_tms;
  if (kept) L->idle_tms[L->n_idle_tms++] = tm;
  pthread_mutex_unlock(L->mu);
  if (!kept) LLVMDisposeTargetMachine(tm);
}

void jit_llvm_prepare_module(LLVMModuleRef mod, LLVMTargetMachineRef tm) {
  char *triple = LLVMGetTargetMachineTriple(tm);
  LLVMSetTarget(mod, triple);
  LLVMDisposeMessage(triple);
  LLVMTargetDataRef td = LLVMCreateTargetDataLayout(tm);
  LLVMSetModuleDataLayout(mod, td);
  LLVMDisposeTargetData(td);
}

/* Absolute symbols for every helper, defined once in the main JITDylib. */
static int define_helpers(jit_llvm *L, sky_error *err) {
  static const struct {
    const char *name;
    void *addr;
  } syms[] = {
#define JIT_X_SYM(id, sym, sig) {#sym, (void *)(uintptr_t)&sym},
      JIT_HELPERS(JIT_X_SYM)
#undef JIT_X_SYM
  };
  enum { N = sizeof syms / sizeof *syms };
  LLVMOrcCSymbolMapPair pairs[N];
  for (size_t i = 0; i < N; i++) {
    pairs[i].Name = LLVMOrcLLJITMangleAndIntern(L->lljit, syms[i].name);
    pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)syms[i].addr;
    pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
    pairs[i].Sym.Flags.TargetFlags = 0;
  }
  LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, N); /* takes the names */
  LLVMErrorRef e = LLVMOrcJITDylibDefine(L->jd, mu);                   /* takes mu */
  return e ? jit_llvm_error(err, e, "defining helper symbols") : 0;
}

static int create_lljit(jit_llvm *L, sky_error *err) {
  LLVMTargetMachineRef tm = new_target_machine(L, err);
  if (!tm) return -1;
  LLVMOrcJITTargetMachineBuilderRef jtmb = LLVMOrcJITTargetMachineBuilderCreateFromTargetMachine(tm); /* takes tm */
  LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
  LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb); /* takes jtmb */
  LLVMErrorRef e = LLVMOrcCreateLLJIT(&L->lljit, builder);      /* takes builder */
  if (e) {
    L->lljit = NULL;
    return jit_llvm_error(err, e, "creating the LLJIT");
  }
  LLVMOrcExecutionSessionSetErrorReporter(LLVMOrcLLJITGetExecutionSession(L->lljit), report_error, L);
  L->jd = LLVMOrcLLJITGetMainJITDylib(L->lljit);
  return define_helpers(L, err);
}

int jit_llvm_init(jit_llvm *L, const char *cpu, const char *features, sky_error *err) {
  memset(L, 0, sizeof *L);
  pthread_once(&g_target_once, init_target);
  if (g_target_status != 0)
    return sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: the native target is not available");
  L->mu = sky_malloc(sizeof(pthread_mutex_t));
  if (!L->mu) return sky_error_oom(err);
  pthread_mutex_init(L->mu, NULL);
  L->triple = LLVMGetDefaultTargetTriple();
  L->cpu = cpu ? LLVMCreateMessage(cpu) : LLVMGetHostCPUName();
  L->features = features ? LLVMCreateMessage(features) : cpu ? LLVMCreateMessage("") : LLVMGetHostCPUFeatures();
  L->passes = PIPELINE;
  L->codegen_level = LLVMCodeGenLevelDefault;
  char *msg = NULL;
  if (LLVMGetTargetFromTriple(L->triple, &L->target, &msg)) {
    sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: no target for %s: %s", L->triple, msg ? msg : "");
    LLVMDisposeMessage(msg);
    jit_llvm_free(L);
    return -1;
  }
  if (create_lljit(L, err) != 0) {
    jit_llvm_free(L);
    return -1;
  }
  return 0;
}

void jit_llvm_free(jit_llvm *L) {
  if (L->lljit) {
    LLVMErrorRef e = LLVMOrcDisposeLLJIT(L->lljit);
    if (e) report_error(L, e);
  }
  while (L->n_idle_tms) LLVMDisposeTargetMachine(L->idle_tms[--L->n_idle_tms]);
  if (L->triple) LLVMDisposeMessage(L->triple);
  if (L->cpu) LLVMDisposeMessage(L->cpu);
  if (L->features) LLVMDisposeMessage(L->features);
  if (L->mu) {
    pthread_mutex_destroy(L->mu);
    sky_free(L->mu);
  }
  memset(L, 0, sizeof *L);
}

int jit_llvm_optimize(const jit_llvm *L, LLVMModuleRef mod, LLVMTargetMachineRef tm, sky_error *err) {
  char *msg = NULL;
  if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg)) {
    sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: generated scan is invalid: %.400s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return -1;
  }
  LLVMDisposeMessage(msg);
  LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
  LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
  LLVMPassBuilderOptionsSetLoopInterleaving(opts, 1);
  LLVMErrorRef e = LLVMRunPasses(mod, L->passes, tm, opts);
  LLVMDisposePassBuilderOptions(opts);
  return e ? jit_llvm_error(err, e, "optimizing") : 0;
}

int jit_llvm_emit(LLVMModuleRef mod, LLVMTargetMachineRef tm, LLVMMemoryBufferRef *obj, sky_error *err) {
  char *msg = NULL;
  if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &msg, obj)) {
    sky_error_set(err, SKY_ERR_INTERNAL, 0, 0, "LLVM: code generation failed: %s", msg ? msg : "");
    LLVMDisposeMessage(msg);
    return -1;
  }
  return 0;
}

int jit_llvm_load(jit_llvm *L, LLVMMemoryBufferRef obj, const char *symbol, LLVMOrcResourceTrackerRef *tracker,
                  void **addr, sky_error *err) {
  LLVMOrcResourceTrackerRef rt = LLVMOrcJITDylibCreateResourceTracker(L->jd);
  LLVMErrorRef e = LLVMOrcLLJITAddObjectFileWithRT(L->lljit, rt, obj); /* takes obj */
  if (e) {
    LLVMOrcReleaseResourceTracker(rt);
    return jit_llvm_error(err, e, "adding the query's object");
  }
  LLVMOrcExecutorAddress a = 0;
  e = LLVMOrcLLJITLookup(L->lljit, &a, symbol);
  if (e) {
    jit_llvm_error(err, e, "linking the query");
    jit_llvm_unload(L, rt);
    return -1;
  }
  *tracker = rt;
  *addr = (void *)(uintptr_t)a;
  return 0;
}

void jit_llvm_unload(jit_llvm *L, LLVMOrcResourceTrackerRef tracker) {
  LLVMErrorRef e = LLVMOrcResourceTrackerRemove(tracker);
  if (e) report_error(L, e);
  LLVMOrcReleaseResourceTracker(tracker);
}
