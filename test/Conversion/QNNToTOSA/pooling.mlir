// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Max pooling keeps storage values; the trailing padding is trimmed to
// TOSA's divisibility rule.
// CHECK-LABEL: func @max_quant
// CHECK: tosa.max_pool2d %{{.*}} {kernel = array<i64: 3, 3>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x2xi8>) -> tensor<1x4x4x2xi8>
func.func @max_quant(%x: tensor<1x8x8x2x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:3>> {
  %0 = qnn.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x2x!quant.uniform<i8:f32, 0.1:3>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:3>>
  return %0 : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:3>>
}

// -----

// Dilated max pooling has no TOSA form: linalg.pooling_nhwc_max on an input
// padded with the lowest value.
// CHECK-LABEL: func @max_dilated
// CHECK: %[[LOW:.*]] = arith.constant -3.40282347E+38 : f32
// CHECK: %[[P:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[F:.*]] = linalg.fill ins(%[[LOW]] : f32)
// CHECK: linalg.pooling_nhwc_max {dilations = dense<2> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%[[P]], %{{.*}} : tensor<2x9x9x3xf32>, tensor<2x2xf32>) outs(%[[F]] : tensor<2x7x7x3xf32>)
func.func @max_dilated(%x: tensor<2x7x7x3xf32>) -> tensor<2x7x7x3xf32> {
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 2>} : (tensor<2x7x7x3xf32>) -> tensor<2x7x7x3xf32>
  return %0 : tensor<2x7x7x3xf32>
}

// -----

// Float average pooling excluding padding from the count.
// CHECK-LABEL: func @avg_float
// CHECK: tosa.avg_pool2d %{{.*}}, %{{.*}}, %{{.*}} {acc_type = f32, kernel = array<i64: 3, 3>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 1, 1>}
func.func @avg_float(%x: tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  return %0 : tensor<1x4x4x2xf32>
}

// -----

// Quantized average pooling counting the padding: explicit tosa.pad with the
// input zero point, then pooling without padding; zero points as operands.
// CHECK-LABEL: func @avg_quant_include_pad
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-5> : tensor<1xi8>}>
// CHECK: %[[P:.*]] = tosa.pad %{{.*}}, %{{.*}}, %[[IZP]] : {{.*}} -> tensor<2x8x6x3xi8>
// CHECK: tosa.avg_pool2d %[[P]], {{.*}} {acc_type = i32, kernel = array<i64: 3, 2>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 2>}
func.func @avg_quant_include_pad(%x: tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>> {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 3, 2>, strides = array<i64: 1, 2>, padding = array<i64: 1, 1, 0, 1>, count_include_pad = true} : (tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>>
  return %0 : tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>>
}

// -----

// Global average pooling is one window over H and W; a 4-bit output range
// gets a clamp.
// CHECK-LABEL: func @global_quant_narrow
// CHECK: %[[P:.*]] = tosa.avg_pool2d {{.*}} kernel = array<i64: 6, 5>{{.*}} -> tensor<2x1x1x3xi8>
// CHECK: tosa.clamp %[[P]] {max_val = 7 : i8, min_val = -8 : i8}
func.func @global_quant_narrow(%x: tensor<2x6x5x3x!quant.uniform<i8<-8:7>:f32, 0.1>>) -> tensor<2x1x1x3x!quant.uniform<i8<-8:7>:f32, 0.1:2>> {
  %0 = qnn.global_avg_pool %x : (tensor<2x6x5x3x!quant.uniform<i8<-8:7>:f32, 0.1>>) -> tensor<2x1x1x3x!quant.uniform<i8<-8:7>:f32, 0.1:2>>
  return %0 : tensor<2x1x1x3x!quant.uniform<i8<-8:7>:f32, 0.1:2>>
}

// -----

// An average pool into another scale: the int32 window sum of centered
// values (padding adds 0), requantized once per output position by
// s_in / (s_out * count): 0.1 / 0.03 / 4 at the corners (2^31 * 0.8333),
// / 6 on the edges, / 9 in the middle (2^32 * 0.3704).
// CHECK-LABEL: func @avg_quant_rescaled
// CHECK: %[[C:.*]] = tosa.cast %{{.*}} -> tensor<2x5x5x3xi32>
// CHECK: %[[X:.*]] = tosa.sub %[[C]]
// CHECK: %[[P:.*]] = tosa.pad %[[X]]{{.*}} -> tensor<2x7x7x3xi32>
// CHECK: linalg.pooling_nhwc_sum {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%[[P]]
// CHECK: dense<[1789569707, 1193046471, 1789569707, 1193046471, 1590728628, 1193046471, 1789569707, 1193046471, 1789569707]> : tensor<9xi32>
// CHECK: dense<[31, 31, 31, 31, 32, 31, 31, 31, 31]> : tensor<9xi8>
// CHECK: tosa.rescale {{.*}} -> tensor<2x3x9xi8>
func.func @avg_quant_rescaled(%x: tensor<2x5x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x3x3x3x!quant.uniform<i8:f32, 0.03:7>> {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x5x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x3x3x3x!quant.uniform<i8:f32, 0.03:7>>
  return %0 : tensor<2x3x3x3x!quant.uniform<i8:f32, 0.03:7>>
}
