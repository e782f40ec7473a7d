// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-omp-schedule))" | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-omp-schedule{chunk=4}))" | FileCheck %s --check-prefix=FOUR
// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-omp-schedule{chunk=0}))" | FileCheck %s --check-prefix=NONE
// RUN: not qopt %s --pass-pipeline="builtin.module(func.func(qnn-cpu-omp-schedule{chunk=-1}))" 2>&1 | FileCheck %s --check-prefix=BAD

// A work-sharing loop without a schedule gets static round-robin chunks of
// one iteration (or `chunk`); chunk=0 leaves the runtime's default.
// CHECK-LABEL: func.func @loop
// CHECK: %[[ONE:.*]] = arith.constant 1 : i64
// CHECK: omp.wsloop schedule(static = %[[ONE]] : i64)
// FOUR: %[[FOUR:.*]] = arith.constant 4 : i64
// FOUR: omp.wsloop schedule(static = %[[FOUR]] : i64)
// NONE-LABEL: func.func @loop
// NONE: omp.wsloop {
// BAD: qnn-cpu-omp-schedule: chunk must be >= 0, got -1
func.func @loop(%out: memref<42xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c42 = arith.constant 42 : index
  %v = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c42) step (%c1) {
        memref.store %v, %out[%i] : memref<42xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}

// -----

// A loop that already has a schedule keeps it.
// CHECK-LABEL: func.func @scheduled
// CHECK: omp.wsloop schedule(dynamic)
// CHECK-NOT: static
func.func @scheduled(%out: memref<42xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c42 = arith.constant 42 : index
  %v = arith.constant 1.0 : f32
  omp.parallel {
    omp.wsloop schedule(dynamic) {
      omp.loop_nest (%i) : index = (%c0) to (%c42) step (%c1) {
        memref.store %v, %out[%i] : memref<42xf32>
        omp.yield
      }
    }
    omp.terminator
  }
  return
}
