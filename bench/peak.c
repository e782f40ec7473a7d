// Peak multiply-accumulate throughput of one core, measured with
// hand-written loops of 16 independent accumulator chains (registers only):
//   fp32  vfmadd231ps zmm   16 MACs per instruction
//   int8  vpdpbusd zmm      64 MACs per instruction (AVX-512 VNNI)
// Prints one line per kind: "<kind> <GMAC/s>" (median of 9 runs, process
// CPU time, so that time the shared machine gives to others is not counted).
//
//   clang-22 -O2 -mavx512f -mavx512vnni bench/peak.c -o peak && ./peak

#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { kIters = 20000000, kRuns = 9 };

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

#define REP16(X)                                                               \
  X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)   \
      X(14) X(15)

static volatile float sinkF;
static volatile int sinkI;

static double fmaRun(void) {
#define DECL(i) __m512 a##i = _mm512_set1_ps(0.001f * i);
  REP16(DECL)
#undef DECL
  __m512 x = _mm512_set1_ps(0.999f), y = _mm512_set1_ps(1e-7f);
  double t0 = now();
  for (long it = 0; it < kIters; ++it) {
#define STEP(i) a##i = _mm512_fmadd_ps(a##i, x, y);
    REP16(STEP)
#undef STEP
    __asm__ volatile("" : "+v"(x));
  }
  double t = now() - t0;
  __m512 s = a0;
#define SUM(i) s = _mm512_add_ps(s, a##i);
  REP16(SUM)
#undef SUM
  sinkF = _mm512_reduce_add_ps(s);
  return 16.0 * 16.0 * kIters / t * 1e-9;
}

static double vnniRun(void) {
#define DECL(i) __m512i a##i = _mm512_set1_epi32(i);
  REP16(DECL)
#undef DECL
  __m512i x = _mm512_set1_epi8(3), y = _mm512_set1_epi8(-5);
  double t0 = now();
  for (long it = 0; it < kIters; ++it) {
#define STEP(i) a##i = _mm512_dpbusd_epi32(a##i, x, y);
    REP16(STEP)
#undef STEP
    __asm__ volatile("" : "+v"(x));
  }
  double t = now() - t0;
  __m512i s = a0;
#define SUM(i) s = _mm512_add_epi32(s, a##i);
  REP16(SUM)
#undef SUM
  sinkI = _mm512_reduce_add_epi32(s);
  return 64.0 * 16.0 * kIters / t * 1e-9;
}

static double median(double (*run)(void)) {
  double r[kRuns];
  for (int i = 0; i < kRuns; ++i)
    r[i] = run();
  qsort(r, kRuns, sizeof(double), cmp);
  return r[kRuns / 2];
}

int main(void) {
  printf("fp32-fma %.1f\n", median(fmaRun));
  printf("int8-vnni %.1f\n", median(vnniRun));
  return 0;
}
