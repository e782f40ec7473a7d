// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks=max-bytes=2000 | FileCheck %s
// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks=max-bytes=0 | FileCheck %s --check-prefix=OFF

// 8 samples of 400 + 400 bytes (the relu's operand and result): chunks of
// 2, the largest divisor of 8 whose working set fits in 2000 bytes; the
// body is cloned into the loop at batch 2, constants stay as they are.
// CHECK-LABEL: func.func @relu_add
// CHECK-SAME: (%[[X:.*]]: tensor<8x100xf32>) -> tensor<8x100xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<8x100xf32>
// CHECK: %[[C:.*]] = arith.constant dense<1.000000e+00> : tensor<1x100xf32>
// CHECK: %[[R:.*]] = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c2 iter_args(%[[A:.*]] = %[[E]])
// CHECK:   %[[S:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [2, 100] [1, 1] : tensor<8x100xf32> to tensor<2x100xf32>
// CHECK:   %[[Y:.*]] = qnn.relu %[[S]] : tensor<2x100xf32>
// CHECK:   %[[Z:.*]] = qnn.add %[[Y]], %[[C]] : (tensor<2x100xf32>, tensor<1x100xf32>) -> tensor<2x100xf32>
// CHECK:   %[[N:.*]] = tensor.insert_slice %[[Z]] into %[[A]][%[[I]], 0] [2, 100] [1, 1]
// CHECK:   scf.yield %[[N]]
// CHECK: return %[[R]] : tensor<8x100xf32>
// OFF-LABEL: func.func @relu_add
// OFF-NOT: scf.for
func.func @relu_add(%x: tensor<8x100xf32>) -> tensor<8x100xf32> {
  %c = arith.constant dense<1.0> : tensor<1x100xf32>
  %0 = qnn.relu %x : tensor<8x100xf32>
  %1 = qnn.add %0, %c : (tensor<8x100xf32>, tensor<1x100xf32>) -> tensor<8x100xf32>
  return %1 : tensor<8x100xf32>
}

// -----

// A quantized body with a reshape and a transpose that keep dimension 0:
// chunks of 4 (the quantize's 400 + 100 bytes per sample, times 4 is 2000).
// CHECK-LABEL: func.func @quantized
// CHECK: scf.for {{.*}} step %c4
// CHECK:   qnn.quantize %{{.*}} : (tensor<4x100xf32>) -> tensor<4x100x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK:   qnn.reshape %{{.*}} -> tensor<4x10x10x!quant
// CHECK:   qnn.transpose %{{.*}} -> tensor<4x10x10x!quant
// CHECK:   qnn.dequantize %{{.*}} -> tensor<4x10x10xf32>
func.func @quantized(%x: tensor<8x100xf32>) -> tensor<8x10x10xf32> {
  %0 = qnn.quantize %x : (tensor<8x100xf32>) -> tensor<8x100x!quant.uniform<i8:f32, 0.1>>
  %1 = qnn.reshape %0 : (tensor<8x100x!quant.uniform<i8:f32, 0.1>>) -> tensor<8x10x10x!quant.uniform<i8:f32, 0.1>>
  %2 = qnn.transpose %1 {permutation = array<i64: 0, 2, 1>} : (tensor<8x10x10x!quant.uniform<i8:f32, 0.1>>) -> tensor<8x10x10x!quant.uniform<i8:f32, 0.1>>
  %3 = qnn.dequantize %2 : (tensor<8x10x10x!quant.uniform<i8:f32, 0.1>>) -> tensor<8x10x10xf32>
  return %3 : tensor<8x10x10xf32>
}

// -----

// Left alone: samples that are not independent (a reduction over the
// batch, a transpose that moves it, a constant that varies along it), a
// batch that already fits, and a result that does not depend on the input.
// CHECK-LABEL: func.func @reduce_batch
// CHECK-NOT: scf.for
func.func @reduce_batch(%x: tensor<8x100xf32>) -> tensor<1x100xf32> {
  %0 = qnn.reduce sum %x {axes = array<i64: 0>} : (tensor<8x100xf32>) -> tensor<1x100xf32>
  return %0 : tensor<1x100xf32>
}
// CHECK-LABEL: func.func @transpose_batch
// CHECK-NOT: scf.for
func.func @transpose_batch(%x: tensor<8x100xf32>) -> tensor<100x8xf32> {
  %0 = qnn.transpose %x {permutation = array<i64: 1, 0>} : (tensor<8x100xf32>) -> tensor<100x8xf32>
  return %0 : tensor<100x8xf32>
}
// CHECK-LABEL: func.func @per_sample_constant
// CHECK-NOT: scf.for
func.func @per_sample_constant(%x: tensor<8x100xf32>) -> tensor<8x100xf32> {
  %c = arith.constant dense<1.0> : tensor<8x100xf32>
  %0 = qnn.add %x, %c : (tensor<8x100xf32>, tensor<8x100xf32>) -> tensor<8x100xf32>
  return %0 : tensor<8x100xf32>
}
// CHECK-LABEL: func.func @fits
// CHECK-NOT: scf.for
func.func @fits(%x: tensor<2x100xf32>) -> tensor<2x100xf32> {
  %0 = qnn.relu %x : tensor<2x100xf32>
  return %0 : tensor<2x100xf32>
}
// CHECK-LABEL: func.func @constant_result
// CHECK-NOT: scf.for
func.func @constant_result(%x: tensor<8x100xf32>) -> (tensor<8x100xf32>, tensor<8x100xf32>) {
  %c = arith.constant dense<1.0> : tensor<8x100xf32>
  %0 = qnn.relu %x : tensor<8x100xf32>
  return %0, %c : tensor<8x100xf32>, tensor<8x100xf32>
}

// -----

// Matrix products: rows of a batched left operand against a constant are
// chunked (440 bytes per sample: chunks of 4); a constant right operand
// that varies along the batch is not.
// CHECK-LABEL: func.func @matmul_rows
// CHECK: scf.for
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<4x100xf32>, tensor<100x10xf32>) -> tensor<4x10xf32>
func.func @matmul_rows(%x: tensor<8x100xf32>) -> tensor<8x10xf32> {
  %w = arith.constant dense<1.0> : tensor<100x10xf32>
  %0 = qnn.matmul %x, %w : (tensor<8x100xf32>, tensor<100x10xf32>) -> tensor<8x10xf32>
  return %0 : tensor<8x10xf32>
}
// CHECK-LABEL: func.func @matmul_per_sample_constant
// CHECK-NOT: scf.for
func.func @matmul_per_sample_constant(%x: tensor<8x2x100xf32>) -> tensor<8x2x10xf32> {
  %w = arith.constant dense<1.0> : tensor<8x100x10xf32>
  %0 = qnn.matmul %x, %w : (tensor<8x2x100xf32>, tensor<8x100x10xf32>) -> tensor<8x2x10xf32>
  return %0 : tensor<8x2x10xf32>
}
