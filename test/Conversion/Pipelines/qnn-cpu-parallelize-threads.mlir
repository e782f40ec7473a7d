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

// -----

// The fills of the borders of a buffer whose interior a kernel loop writes
// run in its parallel loop, dealt round-robin: with a team of 2, slice 0
// fills the top row and the left column, slice 1 the bottom row and the
// right column.
// CHECK-LABEL: func.func @border_fills
// CHECK: %[[TOP:.*]] = memref.subview %{{.*}}[0, 0, 0, 0] [1, 1, 6, 16]
// CHECK: %[[BOTTOM:.*]] = memref.subview %{{.*}}[0, 3, 0, 0] [1, 1, 6, 16]
// CHECK: %[[LEFT:.*]] = memref.subview %{{.*}}[0, 1, 0, 0] [1, 2, 1, 16]
// CHECK: %[[RIGHT:.*]] = memref.subview %{{.*}}[0, 1, 5, 0] [1, 2, 1, 16]
// CHECK-NOT: memref.store
// CHECK: scf.parallel (%[[T:.*]]) = (%c0{{.*}}) to (%c2{{.*}}) step (%c1{{.*}})
// CHECK:   %[[K0:.*]] = arith.cmpi eq, %[[T]], %c0{{.*}} : index
// CHECK:   scf.if %[[K0]] {
// CHECK:     memref.store %{{.*}}, %[[TOP]]
// CHECK:   %[[K1:.*]] = arith.cmpi eq, %[[T]], %c1{{.*}} : index
// CHECK:   scf.if %[[K1]] {
// CHECK:     memref.store %{{.*}}, %[[BOTTOM]]
// CHECK:   %[[K2:.*]] = arith.cmpi eq, %[[T]], %c0{{.*}} : index
// CHECK:   scf.if %[[K2]] {
// CHECK:     memref.store %{{.*}}, %[[LEFT]]
// CHECK:   %[[K3:.*]] = arith.cmpi eq, %[[T]], %c1{{.*}} : index
// CHECK:   scf.if %[[K3]] {
// CHECK:     memref.store %{{.*}}, %[[RIGHT]]
// CHECK:   scf.for
// CHECK:     vector.store
// Without a known team the items are the parallel iterations, and item k
// (of 2) also runs fills k and k + 2.
// UNKNOWN-LABEL: func.func @border_fills
// UNKNOWN: %[[TOP:.*]] = memref.subview %{{.*}}[0, 0, 0, 0] [1, 1, 6, 16]
// UNKNOWN: %[[BOTTOM:.*]] = memref.subview %{{.*}}[0, 3, 0, 0] [1, 1, 6, 16]
// UNKNOWN: %[[LEFT:.*]] = memref.subview %{{.*}}[0, 1, 0, 0] [1, 2, 1, 16]
// UNKNOWN: %[[RIGHT:.*]] = memref.subview %{{.*}}[0, 1, 5, 0] [1, 2, 1, 16]
// UNKNOWN-NOT: memref.store
// UNKNOWN: scf.parallel (%[[I:.*]]) = (%c0{{.*}}) to (%c2{{.*}}) step (%c1{{.*}})
// UNKNOWN:   %[[K0:.*]] = arith.cmpi eq, %[[I]], %c0{{.*}} : index
// UNKNOWN:   scf.if %[[K0]] {
// UNKNOWN:     memref.store %{{.*}}, %[[TOP]]
// UNKNOWN:   %[[K1:.*]] = arith.cmpi eq, %[[I]], %c1{{.*}} : index
// UNKNOWN:   scf.if %[[K1]] {
// UNKNOWN:     memref.store %{{.*}}, %[[BOTTOM]]
// UNKNOWN:   %[[K2:.*]] = arith.cmpi eq, %[[I]], %c0{{.*}} : index
// UNKNOWN:   scf.if %[[K2]] {
// UNKNOWN:     memref.store %{{.*}}, %[[LEFT]]
// UNKNOWN:   %[[K3:.*]] = arith.cmpi eq, %[[I]], %c1{{.*}} : index
// UNKNOWN:   scf.if %[[K3]] {
// UNKNOWN:     memref.store %{{.*}}, %[[RIGHT]]
// UNKNOWN:   vector.store
func.func @border_fills() -> memref<1x4x6x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %v = arith.constant dense<1.0> : vector<16xf32>
  %buf = memref.alloc() : memref<1x4x6x16xf32>
  %top = memref.subview %buf[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x1x6x16xf32, strided<[384, 96, 16, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<1x1x6x16xf32, strided<[384, 96, 16, 1]>>)
  %bottom = memref.subview %buf[0, 3, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x1x6x16xf32, strided<[384, 96, 16, 1], offset: 288>>
  linalg.fill ins(%zero : f32) outs(%bottom : memref<1x1x6x16xf32, strided<[384, 96, 16, 1], offset: 288>>)
  %left = memref.subview %buf[0, 1, 0, 0] [1, 2, 1, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x2x1x16xf32, strided<[384, 96, 16, 1], offset: 96>>
  linalg.fill ins(%zero : f32) outs(%left : memref<1x2x1x16xf32, strided<[384, 96, 16, 1], offset: 96>>)
  %right = memref.subview %buf[0, 1, 5, 0] [1, 2, 1, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x2x1x16xf32, strided<[384, 96, 16, 1], offset: 176>>
  linalg.fill ins(%zero : f32) outs(%right : memref<1x2x1x16xf32, strided<[384, 96, 16, 1], offset: 176>>)
  %in = memref.subview %buf[0, 1, 1, 0] [1, 2, 4, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x2x4x16xf32, strided<[384, 96, 16, 1], offset: 112>>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %x = %c0 to %c4 step %c1 {
      vector.store %v, %in[%c0, %r, %x, %c0] : memref<1x2x4x16xf32, strided<[384, 96, 16, 1], offset: 112>>, vector<16xf32>
    }
  } {qnn.parallel, qnn.parallel_contiguous}
  return %buf : memref<1x4x6x16xf32>
}

// -----

// A fill that overlaps what the loop writes (here the whole buffer) must
// run before it: it stays outside the slices.
// CHECK-LABEL: func.func @overlapping_fill
// CHECK: memref.store
// CHECK: scf.parallel
// CHECK-NOT: memref.store
// CHECK: vector.store
func.func @overlapping_fill() -> memref<1x4x6x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  %v = arith.constant dense<1.0> : vector<16xf32>
  %buf = memref.alloc() : memref<1x4x6x16xf32>
  %all = memref.subview %buf[0, 0, 0, 0] [1, 4, 6, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x4x6x16xf32, strided<[384, 96, 16, 1]>>
  linalg.fill ins(%zero : f32) outs(%all : memref<1x4x6x16xf32, strided<[384, 96, 16, 1]>>)
  %in = memref.subview %buf[0, 1, 1, 0] [1, 2, 4, 16] [1, 1, 1, 1] : memref<1x4x6x16xf32> to memref<1x2x4x16xf32, strided<[384, 96, 16, 1], offset: 112>>
  scf.for %r = %c0 to %c2 step %c1 {
    scf.for %x = %c0 to %c4 step %c1 {
      vector.store %v, %in[%c0, %r, %x, %c0] : memref<1x2x4x16xf32, strided<[384, 96, 16, 1], offset: 112>>, vector<16xf32>
    }
  } {qnn.parallel, qnn.parallel_contiguous}
  return %buf : memref<1x4x6x16xf32>
}
