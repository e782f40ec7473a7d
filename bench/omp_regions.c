// An OMPT tool (the OpenMP tools interface of libomp) that times every
// parallel region of a run and the sequential code between them: which
// layers of a compiled model are slow on several threads, how far apart
// the threads finish (imbalance), and what the calling thread runs alone
// (the gap before each region). docs/performance.md, "Session 2026-11-29".
//
// Build (omp-tools.h ships with clang 14's headers; copy it next to this
// file or point -I at a directory holding only it, since that directory's
// stdint.h would shadow the system one):
//   mkdir -p /tmp/ompt && cp /usr/lib/llvm-14/lib/clang/14.0.6/include/omp-tools.h /tmp/ompt/
//   clang-22 -O2 -shared -fPIC -I/tmp/ompt bench/omp_regions.c -o /tmp/ompt/libomp_regions.so
// Use (libomp loads it at start-up; the table goes to stderr at exit):
//   OMP_WAIT_POLICY=ACTIVE OMP_TOOL_LIBRARIES=/tmp/ompt/libomp_regions.so \
//     build/bin/qrun model.mlir --input x.npy --repeat 300 --threads 2
//
// Regions are keyed by their code address, in the order first seen (the
// order of the model's layers). Per call (region executions / count of the
// first region): wall time from fork to join, each thread's time in the
// work-sharing loop (the first four threads), their difference, and the
// time since the previous region ended. The callbacks themselves add a
// few microseconds to every region.

#include <stddef.h>
#include <stdint.h>

#include <omp-tools.h>
#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec * 1e-3;
}

#define MAX_REGIONS 1024
#define MAX_THREADS 4
typedef struct {
  const void *code;
  long runs;
  double wall, work[MAX_THREADS], gap;
} Region;
static Region regions[MAX_REGIONS];
static int numRegions;
static __thread int threadIndex = -1;
static atomic_int numThreads;
static __thread double loopStart;
static double forkTime, lastJoin;

static int regionOf(const void *code) {
  for (int i = 0; i < numRegions; ++i)
    if (regions[i].code == code)
      return i;
  if (numRegions == MAX_REGIONS)
    return MAX_REGIONS - 1;
  regions[numRegions].code = code;
  return numRegions++;
}

static void onThreadBegin(ompt_thread_t type, ompt_data_t *data) {
  threadIndex = atomic_fetch_add(&numThreads, 1);
}

static void onParallelBegin(ompt_data_t *task, const ompt_frame_t *frame,
                            ompt_data_t *parallel, unsigned int size,
                            int flags, const void *code) {
  double t = now_us();
  int r = regionOf(code);
  parallel->value = r;
  if (lastJoin > 0)
    regions[r].gap += t - lastJoin;
  forkTime = t;
}

static void onParallelEnd(ompt_data_t *parallel, ompt_data_t *task,
                          int flags, const void *code) {
  double t = now_us();
  Region *r = &regions[parallel->value];
  r->runs++;
  r->wall += t - forkTime;
  lastJoin = t;
}

static void onWork(ompt_work_t kind, ompt_scope_endpoint_t endpoint,
                   ompt_data_t *parallel, ompt_data_t *task, uint64_t count,
                   const void *code) {
  if (kind != ompt_work_loop)
    return;
  if (endpoint == ompt_scope_begin) {
    loopStart = now_us();
    return;
  }
  if (threadIndex >= 0 && threadIndex < MAX_THREADS)
    regions[parallel->value].work[threadIndex] += now_us() - loopStart;
}

static int initialize(ompt_function_lookup_t lookup, int device,
                      ompt_data_t *data) {
  ompt_set_callback_t set = (ompt_set_callback_t)lookup("ompt_set_callback");
  set(ompt_callback_thread_begin, (ompt_callback_t)onThreadBegin);
  set(ompt_callback_parallel_begin, (ompt_callback_t)onParallelBegin);
  set(ompt_callback_parallel_end, (ompt_callback_t)onParallelEnd);
  set(ompt_callback_work, (ompt_callback_t)onWork);
  return 1;
}

static void finalize(ompt_data_t *data) {
  double calls = numRegions && regions[0].runs ? regions[0].runs : 1;
  double wall = 0, gaps = 0, imbalance = 0;
  fprintf(stderr, "# region code calls wall_us t0_work_us t1_work_us "
                  "imbalance_us gap_before_us (per call)\n");
  for (int i = 0; i < numRegions; ++i) {
    Region *r = &regions[i];
    double w = r->wall / calls, a = r->work[0] / calls,
           b = r->work[1] / calls, g = r->gap / calls;
    double d = a > b ? a - b : b - a;
    wall += w;
    gaps += g;
    imbalance += d;
    fprintf(stderr, "%3d %p %5ld %8.1f %8.1f %8.1f %7.1f %7.1f\n", i,
            r->code, r->runs, w, a, b, d, g);
  }
  fprintf(stderr,
          "# per call: %.1f us in %d regions, %.1f us between them, "
          "imbalance %.1f us\n",
          wall, numRegions, gaps, imbalance);
}

ompt_start_tool_result_t *ompt_start_tool(unsigned int version,
                                          const char *runtime) {
  static ompt_start_tool_result_t result = {&initialize, &finalize, {0}};
  return &result;
}
