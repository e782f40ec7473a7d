// qrun --compare-to works with every quantization option: per-axis
// activations, narrow weights, histogram calibration, lookup tables (relu2,
// whose input fc2 also feeds the add), quantized softmax, and the
// fake-quantized simulation. Each run reports the same five tensors.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(0).uniform(-1, 1, (64, 4)).astype('f4'))"
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize -o %t.int8.mlir 2>/dev/null
// RUN: qrun %t.int8.mlir --input %t.x.npy --compare-to %s | FileCheck %s
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy per-tensor-activations=false" --qnn-quantize="per-tensor-activations=false weight-bits=4" -o %t.pa.mlir 2>/dev/null
// RUN: qrun %t.pa.mlir --input %t.x.npy --compare-to %s | FileCheck %s
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy method=entropy" --qnn-quantize -o %t.ent.mlir 2>/dev/null
// RUN: qrun %t.ent.mlir --input %t.x.npy --compare-to %s | FileCheck %s
// RUN: %qopt_locs %t.int8.mlir --qnn-fake-quantize -o %t.sim.mlir
// RUN: qrun %t.sim.mlir --input %t.x.npy --compare-to %s | FileCheck %s
// CHECK: per-layer error against {{.*}}compare-options.mlir (5 tensors, worst first):
// CHECK-DAG: relu1:0 qnn.relu {{[0-9]+\.[0-9]+}} 0.9{{[0-9]+}}
// CHECK-DAG: fc2:0 qnn.dense {{[0-9]+\.[0-9]+}} 0.9{{[0-9]+}}
// CHECK-DAG: relu2:0 qnn.{{relu|table}} {{[0-9]+\.[0-9]+}} 0.9{{[0-9]+}}
// CHECK-DAG: add:0 qnn.add {{[0-9]+\.[0-9]+}} 0.9{{[0-9]+}}
// CHECK-DAG: softmax:0 qnn.softmax {{[0-9]+\.[0-9]+}} 0.9{{[0-9]+}}
func.func @main(%x: tensor<8x4xf32> {qnn.name = "x"}) -> tensor<8x3xf32> {
  %w1 = arith.constant dense<[[0.5, -0.25, 1.0, 0.1], [0.3, 0.2, -0.7, 0.9], [-0.4, 0.6, 0.2, -0.1], [0.8, -0.9, 0.05, 0.3], [0.1, 0.1, 0.1, 0.1]]> : tensor<5x4xf32>
  %b1 = arith.constant dense<[0.1, -0.2, 0.0, 0.3, -0.1]> : tensor<5xf32>
  %0 = qnn.dense %x, %w1, %b1 : (tensor<8x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<8x5xf32> loc("fc1")
  %1 = qnn.relu %0 : tensor<8x5xf32> loc("relu1")
  %w2 = arith.constant dense<[[1.0, -1.0, 0.5, 0.25, -0.5], [0.2, 0.4, -0.6, 0.8, 0.1], [-0.3, 0.3, 0.9, -0.2, 0.7]]> : tensor<3x5xf32>
  %2 = qnn.dense %1, %w2 : (tensor<8x5xf32>, tensor<3x5xf32>) -> tensor<8x3xf32> loc("fc2")
  %3 = qnn.relu %2 : tensor<8x3xf32> loc("relu2")
  %4 = qnn.add %2, %3 : (tensor<8x3xf32>, tensor<8x3xf32>) -> tensor<8x3xf32> loc("add")
  %5 = qnn.softmax %4 : (tensor<8x3xf32>) -> tensor<8x3xf32> loc("softmax")
  return %5 : tensor<8x3xf32>
}
