// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-parallelize{min-work=0}))" | FileCheck %s

// A kernel's marked row-tile loop becomes scf.parallel with the same body.
// CHECK-LABEL: func.func @tiles
// CHECK: scf.parallel (%[[T:.*]]) = (%c0) to (%c4) step (%c1)
// CHECK:   arith.muli %[[T]]
// CHECK:   vector.store
// CHECK-NOT: qnn.parallel
func.func @tiles(%out: memref<64x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %t = %c0 to %c4 step %c1 {
    %row = arith.muli %t, %c16 : index
    vector.store %v, %out[%row, %c0] : memref<64x16xf32>, vector<16xf32>
  } {qnn.parallel}
  return
}

// -----

// A marked loop whose body allocates (bufferization did not write in place)
// stays sequential; unmarked loops are left alone.
// CHECK-LABEL: func.func @not_in_place
// CHECK-NOT: scf.parallel
// CHECK: scf.for
// CHECK: memref.alloc
// CHECK: scf.for
func.func @not_in_place(%out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %t = %c0 to %c4 step %c1 {
    %tmp = memref.alloc() : memref<4x16xf32>
    vector.store %v, %tmp[%t, %c0] : memref<4x16xf32>, vector<16xf32>
    memref.copy %tmp, %out : memref<4x16xf32> to memref<4x16xf32>
  } {qnn.parallel}
  scf.for %t = %c0 to %c4 step %c1 {
    vector.store %v, %out[%t, %c0] : memref<4x16xf32>, vector<16xf32>
  }
  return
}

// -----

// Other linalg ops: parallel dimensions in one scf.parallel, reductions
// sequential inside; the parallel dimension after the reduction does not
// fork again (nested scf.parallel -> scf.for).
// CHECK-LABEL: func.func @reduce
// CHECK: scf.parallel (%{{.*}}) = (%c0) to (%c2) step (%c1)
// CHECK-NOT: scf.parallel
// CHECK:   scf.for
// CHECK:     scf.for
// CHECK:       arith.addf
// CHECK-NOT: linalg.generic
func.func @reduce(%in: memref<2x3x4xf32>, %out: memref<2x4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, r, c) -> (n, r, c)>,
                                   affine_map<(n, r, c) -> (n, c)>],
                  iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%in : memref<2x3x4xf32>) outs(%out : memref<2x4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %a, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// An elementwise op: parallel up to the first dimension with more than one
// iteration (the rows, as the batch is 1); the inner dimensions stay
// sequential loops.
// CHECK-LABEL: func.func @elementwise
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = (%c0{{.*}}, %c0{{.*}}) to (%c1, %c3) step
// CHECK-NOT: scf.parallel
// CHECK:   scf.for %{{.*}} = %c0{{.*}} to %c5
// CHECK:     scf.for %{{.*}} = %c0{{.*}} to %c7
// CHECK:       arith.maximumf
func.func @elementwise(%in: memref<1x3x5x7xf32>, %out: memref<1x3x5x7xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>,
                                   affine_map<(n, h, w, c) -> (n, h, w, c)>],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%in : memref<1x3x5x7xf32>) outs(%out : memref<1x3x5x7xf32>) {
  ^bb0(%a: f32, %b: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A loop over the chunks of a batch becomes scf.parallel although its body
// allocates (each iteration its own buffer); the kernel loop inside stays
// sequential.
// CHECK-LABEL: func.func @chunks
// CHECK: scf.parallel (%[[I:.*]]) = (%c0) to (%c8) step (%c2)
// CHECK:   memref.alloc
// CHECK:   scf.for
// CHECK-NOT: scf.parallel
// CHECK-NOT: qnn.parallel
func.func @chunks(%out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %i = %c0 to %c8 step %c2 {
    %tmp = memref.alloc() : memref<2x16xf32>
    scf.for %t = %c0 to %c2 step %c1 {
      vector.store %v, %tmp[%t, %c0] : memref<2x16xf32>, vector<16xf32>
    } {qnn.parallel}
    %dst = memref.subview %out[%i, 0] [2, 16] [1, 1] : memref<8x16xf32> to memref<2x16xf32, strided<[16, 1], offset: ?>>
    memref.copy %tmp, %dst : memref<2x16xf32> to memref<2x16xf32, strided<[16, 1], offset: ?>>
    memref.dealloc %tmp : memref<2x16xf32>
  } {qnn.parallel_batch}
  return
}
