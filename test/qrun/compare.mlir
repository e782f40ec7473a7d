// qrun --compare-to prints the per-layer error of a quantized model against
// its float original, worst layer first, matching tensors by node name.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(0).uniform(-1, 1, (8, 4)).astype('f4'))"
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize -o %t.int8.mlir 2>/dev/null
// RUN: qrun %t.int8.mlir --input %t.x.npy --compare-to %s | FileCheck %s
// fc1's output is reported after relu1, which shares its quantization.
// CHECK: per-layer error against {{.*}}compare.mlir (2 tensors, worst first):
// CHECK-NEXT: tensor op SQNR (dB) cosine max |err|
// CHECK-NOT: fc1:0
// CHECK-DAG: relu1:0 qnn.relu {{[0-9]+\.[0-9]+}} 0.99{{[0-9]+}}
// CHECK-DAG: fc2:0 qnn.dense {{[0-9]+\.[0-9]+}} 0.99{{[0-9]+}}

// Without node names in the quantized file (printed without locations) no
// tensor matches, and the report says so instead of comparing wrong pairs.
// RUN: qopt %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize -o %t.noloc.mlir 2>/dev/null
// RUN: qrun %t.noloc.mlir --input %t.x.npy --compare-to %s | FileCheck %s --check-prefix=NOLOC
// NOLOC: per-layer error against {{.*}} (0 tensors, worst first)
func.func @main(%x: tensor<8x4xf32> {qnn.name = "x"}) -> tensor<8x3xf32> {
  %w1 = arith.constant dense<[[0.5, -0.25, 1.0, 0.1], [0.3, 0.2, -0.7, 0.9], [-0.4, 0.6, 0.2, -0.1], [0.8, -0.9, 0.05, 0.3], [0.1, 0.1, 0.1, 0.1]]> : tensor<5x4xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.0, 0.3, -0.1]> : tensor<5xf32>
  %0 = qnn.dense %x, %w1, %b1 : (tensor<8x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<8x5xf32> loc("fc1")
  %1 = qnn.relu %0 : tensor<8x5xf32> loc("relu1")
  %w2 = arith.constant dense<[[1.0, -1.0, 0.5, 0.25, -0.5], [0.2, 0.4, -0.6, 0.8, 0.1], [-0.3, 0.3, 0.9, -0.2, 0.7]]> : tensor<3x5xf32>
  %2 = qnn.dense %1, %w2 : (tensor<8x5xf32>, tensor<3x5xf32>) -> tensor<8x3xf32> loc("fc2")
  return %2 : tensor<8x3xf32>
}
