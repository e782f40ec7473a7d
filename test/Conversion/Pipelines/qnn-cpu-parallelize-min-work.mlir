// RUN: qopt %s --split-input-file --pass-pipeline="builtin.module(func.func(qnn-cpu-parallelize{min-work=40}))" | FileCheck %s

// The work estimate counts a vector op as the 128-bit quarters of its
// widest vector: 8 iterations of a 512-bit store (4) and the yield (1),
// plus the loop (1), are 41 >= 40: parallel.
// CHECK-LABEL: func.func @vector_loop
// CHECK: scf.parallel
func.func @vector_loop(%out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant dense<1.0> : vector<16xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %v, %out[%i, %c0] : memref<8x16xf32>, vector<16xf32>
  } {qnn.parallel}
  return
}

// -----

// The same loop storing scalars counts 1 + 8 * 2 = 17 < 40: sequential.
// CHECK-LABEL: func.func @scalar_loop
// CHECK-NOT: scf.parallel
// CHECK: scf.for
func.func @scalar_loop(%out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %s = arith.constant 1.0 : f32
  scf.for %i = %c0 to %c8 step %c1 {
    memref.store %s, %out[%i, %c0] : memref<8x16xf32>
  } {qnn.parallel}
  return
}

// -----

// 128 bits or fewer count as one op: 1 + 8 * 2 = 17 < 40.
// CHECK-LABEL: func.func @narrow_vector_loop
// CHECK-NOT: scf.parallel
// CHECK: scf.for
func.func @narrow_vector_loop(%out: memref<8x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant dense<1.0> : vector<4xf32>
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %v, %out[%i, %c0] : memref<8x16xf32>, vector<4xf32>
  } {qnn.parallel}
  return
}

// -----

// Bits, not lanes: a store of 64 bytes counts 4 like 16 floats (41 >= 40),
// and one of 32 bytes counts 2 (1 + 8 * 3 = 25 < 40).
// CHECK-LABEL: func.func @byte_vectors
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK-NOT: scf.parallel
func.func @byte_vectors(%out: memref<8x64xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %v = arith.constant dense<1> : vector<64xi8>
  %w = arith.constant dense<1> : vector<32xi8>
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %v, %out[%i, %c0] : memref<8x64xi8>, vector<64xi8>
  } {qnn.parallel}
  scf.for %i = %c0 to %c8 step %c1 {
    vector.store %w, %out[%i, %c0] : memref<8x64xi8>, vector<32xi8>
  } {qnn.parallel}
  return
}
