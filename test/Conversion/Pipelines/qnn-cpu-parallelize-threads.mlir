// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-parallelize{min-work=0 threads=2}))" | FileCheck %s
// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-parallelize{min-work=0}))" | FileCheck %s --check-prefix=UNKNOWN

// With a known team of 2, a kernel loop marked qnn.parallel_contiguous runs
// as 2 slices of contiguous iterations: [t*7/2, (t+1)*7/2).
// CHECK-LABEL: func.func @contiguous
// CHECK: scf.parallel (%[[T:.*]]) = (%c0{{.*}}) to (%c2{{.*}}) step (%c1{{.*}})
// CHECK:   %[[A:.*]] = arith.muli %[[T]], %c7{{.*}} : index
// CHECK:   %[[LB:.*]] = arith.divui %[[A]], %c2{{.*}} : index
// CHECK:   %[[T1:.*]] = arith.addi %[[T]], %c1{{.*}} : index
// CHECK:   %[[B:.*]] = arith.muli %[[T1]], %c7{{.*}} : index
// CHECK:   %[[UB:.*]] = arith.divui %[[B]], %c2{{.*}} : index
// CHECK:   scf.for %{{.*}} = %[[LB]] to %[[UB]] step %c1
// CHECK-NOT: qnn.parallel
// Without a known team it is one parallel loop over the iterations.
// UNKNOWN-LABEL: func.func @contiguous
// UNKNOWN: scf.parallel (%{{.*}}) = (%c0) to (%c7) step (%c1)
func.func @contiguous(%out: memref<7x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %t = %c0 to %c7 step %c1 {
    vector.store %v, %out[%t, %c0] : memref<7x16xf32>, vector<16xf32>
  } {qnn.parallel, qnn.parallel_contiguous}
  return
}

// -----

// Other marked kernel loops are dealt round-robin: thread t runs t, t+2, ...
// CHECK-LABEL: func.func @round_robin
// CHECK: scf.parallel (%[[T:.*]]) = (%c0{{.*}}) to (%c2{{.*}}) step (%c1{{.*}})
// CHECK:   %[[TWO:.*]] = arith.constant 2 : index
// CHECK:   scf.for %{{.*}} = %[[T]] to %c7 step %[[TWO]]
func.func @round_robin(%out: memref<7x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c7 = arith.constant 7 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %t = %c0 to %c7 step %c1 {
    vector.store %v, %out[%t, %c0] : memref<7x16xf32>, vector<16xf32>
  } {qnn.parallel}
  return
}
