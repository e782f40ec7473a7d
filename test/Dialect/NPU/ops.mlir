// RUN: qopt %s | qopt | FileCheck %s

// Every npu op round-trips.
// CHECK-LABEL: func @all
// CHECK: npu.transfer %arg0 : tensor<1x4x4x1x!quant.uniform<i8:f32, 5.000000e-01:-3>> -> tensor<1x4x4x1xi8>
// CHECK: npu.segment 0(%{{.*}}) : (tensor<1x4x4x1xi8>) -> tensor<1x2xi8>
// CHECK: npu.conv2d
// CHECK: npu.clamp
// CHECK: npu.max_pool2d
// CHECK: npu.reshape
// CHECK: npu.dense
// CHECK: npu.rescale
// CHECK: npu.yield %{{.*}} : tensor<1x2xi8>
// CHECK: npu.transfer %{{.*}} : tensor<1x2xi8> -> tensor<1x2x!quant.uniform<i8:f32, 1.250000e-01:5>>
func.func @all(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.125:5>> {
  %t = npu.transfer %x : tensor<1x4x4x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x4x4x1xi8>
  %s = npu.segment 0 (%t) : (tensor<1x4x4x1xi8>) -> tensor<1x2xi8> {
  ^bb0(%a: tensor<1x4x4x1xi8>):
    %w = arith.constant dense<1> : tensor<2x3x3x1xi8>
    %b = arith.constant dense<[10, -20]> : tensor<2xi32>
    %c = npu.conv2d %a, %w, %b {acc_bits = 32, dilations = array<i64: 1, 1>, groups = 1, input_bits = 8, input_zp = -3, multiplier = array<i32: 1374389535, 1374389535>, output_bits = 8, output_zp = -128, padding = array<i64: 1, 1, 1, 1>, qmax = 127, qmin = -128, shift = array<i32: 36, 35>, strides = array<i64: 1, 1>, weight_bits = 8} : (tensor<1x4x4x1xi8>, tensor<2x3x3x1xi8>, tensor<2xi32>) -> tensor<1x4x4x2xi8>
    %r = npu.clamp %c {bits = 8, max = 127, min = -128} : tensor<1x4x4x2xi8>
    %p = npu.max_pool2d %r {bits = 8, kernel = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
    %f = npu.reshape %p : (tensor<1x2x2x2xi8>) -> tensor<1x8xi8>
    %w2 = arith.constant dense<1> : tensor<2x8xi8>
    %d = npu.dense %f, %w2 {acc_bits = 20, input_bits = 8, input_zp = -128, multiplier = array<i32: 1073741824>, output_bits = 4, output_zp = 0, qmax = 7, qmin = -8, shift = array<i32: 40>, weight_bits = 4} : (tensor<1x8xi8>, tensor<2x8xi8>) -> tensor<1x2xi8>
    %q = npu.rescale %d {input_bits = 4, input_zp = 0, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 5, qmax = 127, qmin = -128, shift = array<i32: 30>} : (tensor<1x2xi8>) -> tensor<1x2xi8>
    npu.yield %q : tensor<1x2xi8>
  }
  %o = npu.transfer %s : tensor<1x2xi8> -> tensor<1x2x!quant.uniform<i8:f32, 0.125:5>>
  return %o : tensor<1x2x!quant.uniform<i8:f32, 0.125:5>>
}

// CHECK-LABEL: func @pool_transpose
// CHECK: npu.avg_pool2d %arg0 {bits = 8 : i64, input_zp = -3 : i64, kernel = array<i64: 2, 2>, output_zp = -3 : i64, qmax = 127 : i64, qmin = -128 : i64, strides = array<i64: 2, 2>}
// CHECK: npu.transpose %{{.*}} {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
func.func @pool_transpose(%x: tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8> {
  %p = npu.avg_pool2d %x {bits = 8, input_zp = -3, kernel = array<i64: 2, 2>, output_zp = -3, qmax = 127, qmin = -128, strides = array<i64: 2, 2>} : (tensor<1x4x4x2xi8>) -> tensor<1x2x2x2xi8>
  %t = npu.transpose %p {permutation = array<i64: 0, 3, 1, 2>} : (tensor<1x2x2x2xi8>) -> tensor<1x2x2x2xi8>
  return %t : tensor<1x2x2x2xi8>
}

// Per-axis activations: per-channel zero points and clamp bounds.
// CHECK-LABEL: func @per_axis
// CHECK: npu.conv2d {{.*}}input_zps = array<i64: -128, 5>{{.*}}output_zps = array<i64: 1, -2, 3>
// CHECK: npu.clamp {{.*}}maxs = array<i64: 127, 100, 90>{{.*}}mins = array<i64: 1, -2, 3>
// CHECK: npu.rescale {{.*}}input_zps = array<i64: 1, -2, 3>
// CHECK: npu.dense {{.*}}input_zps = array<i64: 0, 1, 2, 3>{{.*}}output_zps = array<i64: 4, 5>
func.func @per_axis(%x: tensor<1x4x4x2xi8>, %v: tensor<1x4xi8>) -> (tensor<1x4x4x3xi8>, tensor<1x2xi8>) {
  %w = arith.constant dense<1> : tensor<3x1x1x2xi8>
  %c = npu.conv2d %x, %w {acc_bits = 32, dilations = array<i64: 1, 1>, groups = 1, input_bits = 8, input_zp = -128, input_zps = array<i64: -128, 5>, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 1, output_zps = array<i64: 1, -2, 3>, padding = array<i64: 0, 0, 0, 0>, qmax = 127, qmin = -128, shift = array<i32: 31>, strides = array<i64: 1, 1>, weight_bits = 8} : (tensor<1x4x4x2xi8>, tensor<3x1x1x2xi8>) -> tensor<1x4x4x3xi8>
  %r = npu.clamp %c {bits = 8, min = 1, max = 127, mins = array<i64: 1, -2, 3>, maxs = array<i64: 127, 100, 90>} : tensor<1x4x4x3xi8>
  %q = npu.rescale %r {input_bits = 8, input_zp = 1, input_zps = array<i64: 1, -2, 3>, multiplier = array<i32: 1073741824, 1073741824, 1073741824>, output_bits = 8, output_zp = 0, qmax = 127, qmin = -128, shift = array<i32: 31, 32, 33>} : (tensor<1x4x4x3xi8>) -> tensor<1x4x4x3xi8>
  %wd = arith.constant dense<1> : tensor<2x4xi8>
  %d = npu.dense %v, %wd {acc_bits = 32, input_bits = 8, input_zp = 0, input_zps = array<i64: 0, 1, 2, 3>, multiplier = array<i32: 1073741824>, output_bits = 8, output_zp = 4, output_zps = array<i64: 4, 5>, qmax = 127, qmin = -128, shift = array<i32: 31>, weight_bits = 8} : (tensor<1x4xi8>, tensor<2x4xi8>) -> tensor<1x2xi8>
  return %q, %d : tensor<1x4x4x3xi8>, tensor<1x2xi8>
}
