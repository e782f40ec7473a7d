// qnn-quantize on a decoder-style chain: a transposed convolution (weights
// per output channel, int32 bias), a prelu with a per-channel slope (the
// slope a per-tensor constant, the output from its own range), a 1x1 conv,
// and two reductions of the prelu's output (a spatial sum and a channel
// max), each with its own output range. Nothing stays float between the
// input's quantize and the outputs' dequantize.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(0).uniform(-1, 1, (4, 4, 4, 3)).astype('f4'))"
// RUN: qopt %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize 2>/dev/null | FileCheck %s
// CHECK-LABEL: func @main
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x4x4x3x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[W:.*]] = quant.scast {{.*}} to tensor<4x2x2x3x!quant.uniform<i8<-127:127>:f32:0, {{.*}}>>
// CHECK: %[[B:.*]] = quant.scast {{.*}} to tensor<4x!quant.uniform<i32:f32:0, {{.*}}>>
// CHECK: %[[UP:.*]] = qnn.conv_transpose2d %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<4x8x8x4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[S:.*]] = quant.scast {{.*}} to tensor<4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[ACT:.*]] = qnn.prelu %[[UP]], %[[S]] {{.*}} -> tensor<4x8x8x4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[HEAD:.*]] = qnn.conv2d %[[ACT]], {{.*}} -> tensor<4x8x8x2x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[Y:.*]] = qnn.dequantize %[[HEAD]]
// CHECK: %[[SUM:.*]] = qnn.reduce sum %[[ACT]] {{.*}} -> tensor<4x1x1x4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[S2:.*]] = qnn.dequantize %[[SUM]]
// CHECK: %[[MAX:.*]] = qnn.reduce max %[[ACT]] {{.*}} -> tensor<4x8x8x1x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: %[[M2:.*]] = qnn.dequantize %[[MAX]]
// CHECK-NOT: qnn.dequantize
// CHECK: return %[[Y]], %[[S2]], %[[M2]]

// The integer model against the float one, layer by layer, on the
// calibration samples: every layer above 35 dB SQNR.
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize -o %t.int8.mlir 2>/dev/null
// RUN: qrun %t.int8.mlir --input %t.x.npy --compare-to %s | FileCheck %s --check-prefix=SQNR
// SQNR: per-layer error against {{.*}} (5 tensors, worst first):
// SQNR-DAG: up:0 qnn.conv_transpose2d {{[3-9][0-9]\.[0-9]+}} 0.999{{[0-9]+}}
// SQNR-DAG: act:0 qnn.prelu {{[3-9][0-9]\.[0-9]+}} 0.999{{[0-9]+}}
// SQNR-DAG: head:0 qnn.conv2d {{[3-9][0-9]\.[0-9]+}} 0.999{{[0-9]+}}
// SQNR-DAG: sum:0 qnn.reduce {{[3-9][0-9]\.[0-9]+}} 0.999{{[0-9]+}}
// SQNR-DAG: max:0 qnn.reduce {{[3-9][0-9]\.[0-9]+}} 0.999{{[0-9]+}}
func.func @main(%x: tensor<4x4x4x3xf32> {qnn.name = "x"}) -> (tensor<4x8x8x2xf32>, tensor<4x1x1x4xf32>, tensor<4x8x8x1xf32>) {
  %w = arith.constant dense<[[[[0.5, -0.25, 0.1], [0.3, 0.2, -0.7]], [[-0.4, 0.6, 0.2], [0.8, -0.9, 0.05]]], [[[0.1, 0.1, 0.1], [-0.3, 0.4, 0.2]], [[0.7, -0.2, -0.5], [0.25, 0.35, -0.15]]], [[[-0.6, 0.45, 0.3], [0.2, -0.1, 0.9]], [[0.05, 0.15, -0.8], [-0.35, 0.5, 0.6]]], [[[0.3, -0.3, 0.3], [0.1, 0.9, -0.2]], [[-0.7, 0.2, 0.4], [0.6, -0.5, 0.1]]]]> : tensor<4x2x2x3xf32>
  %b = arith.constant dense<[0.1, -0.2, 0.05, 0.0]> : tensor<4xf32>
  %0 = qnn.conv_transpose2d %x, %w, %b {strides = array<i64: 2, 2>} : (tensor<4x4x4x3xf32>, tensor<4x2x2x3xf32>, tensor<4xf32>) -> tensor<4x8x8x4xf32> loc("up")
  %s = arith.constant dense<[0.25, 0.1, -0.05, 0.0]> : tensor<4xf32>
  %1 = qnn.prelu %0, %s : (tensor<4x8x8x4xf32>, tensor<4xf32>) -> tensor<4x8x8x4xf32> loc("act")
  %v = arith.constant dense<[[[[0.5, -0.5, 0.25, 1.0]]], [[[-0.3, 0.8, 0.6, -0.2]]]]> : tensor<2x1x1x4xf32>
  %2 = qnn.conv2d %1, %v : (tensor<4x8x8x4xf32>, tensor<2x1x1x4xf32>) -> tensor<4x8x8x2xf32> loc("head")
  %3 = qnn.reduce sum %1 {axes = array<i64: 1, 2>} : (tensor<4x8x8x4xf32>) -> tensor<4x1x1x4xf32> loc("sum")
  %4 = qnn.reduce max %1 {axes = array<i64: 3>} : (tensor<4x8x8x4xf32>) -> tensor<4x8x8x1xf32> loc("max")
  return %2, %3, %4 : tensor<4x8x8x2xf32>, tensor<4x1x1x4xf32>, tensor<4x8x8x1xf32>
}
