// RUN: qopt %s --qnn-cpu-bufferize --split-input-file | FileCheck %s

// Results become out-parameters and the result buffer is the caller's: the
// generic writes straight into it.
// CHECK-LABEL: func @main
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} ins(%[[X]] : memref<4xf32>) outs(%[[OUT]] : memref<4xf32>)
// CHECK: return
func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %0 = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %1 = arith.addf %in, %in : f32
    linalg.yield %1 : f32
  } -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Arguments of public functions are read-only: an update of the input is
// made on a copy (a linalg.copy, not memref.copy).
// CHECK-LABEL: func @read_only_args
// CHECK-SAME: (%[[X:.*]]: memref<4xf32>, %[[OUT:.*]]: memref<4xf32>)
// CHECK: linalg.copy ins(%[[X]] : memref<4xf32>) outs(%[[OUT]] : memref<4xf32>)
// CHECK: memref.store %{{.*}}, %[[OUT]]
// CHECK-NOT: bufferization.writable
func.func @read_only_args(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c = arith.constant 1.0 : f32
  %i = arith.constant 0 : index
  %0 = tensor.insert %c into %x[%i] : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Copies into strided views are linalg.copy too (no memrefCopy call later).
// CHECK-LABEL: func @concat
// CHECK-NOT: memref.copy
// CHECK-COUNT-2: linalg.copy
func.func @concat(%x: tensor<2x2xf32>) -> tensor<2x4xf32> {
  %0 = tensor.concat dim(1) %x, %x : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
