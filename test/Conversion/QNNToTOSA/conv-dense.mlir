// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Float conv: NHWC/OHWI map straight onto tosa.conv2d; a zero bias is
// materialized and the bottom/right padding is trimmed so that TOSA's
// divisibility rule holds ((8 + 2 - 3) is not a multiple of 2).
// CHECK-LABEL: func @conv_float
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x3xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>)
// CHECK-DAG: %[[ZP:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<1xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<0.000000e+00> : tensor<4xf32>}>
// CHECK: tosa.conv2d %[[X]], %[[W]], %[[B]], %[[ZP]], %[[ZP]] {acc_type = f32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 0>, stride = array<i64: 2, 2>}
// CHECK-SAME: -> tensor<1x4x4x4xf32>
func.func @conv_float(%x: tensor<1x8x8x3xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %0 = qnn.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x8x8x3xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// When trimming the padding is not enough, the unused input rows are sliced
// off: (6 + 0 - 2) = 4 leaves 1 for stride 3 and there is no padding.
// CHECK-LABEL: func @conv_crop
// CHECK: %[[S:.*]] = tosa.slice %{{.*}} : (tensor<1x6x6x1xf32>, !tosa.shape<4>, !tosa.shape<4>) -> tensor<1x5x5x1xf32>
// CHECK: tosa.conv2d %[[S]], {{.*}} pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 3, 3>
func.func @conv_crop(%x: tensor<1x6x6x1xf32>, %w: tensor<2x2x2x1xf32>) -> tensor<1x2x2x2xf32> {
  %0 = qnn.conv2d %x, %w {strides = array<i64: 3, 3>} : (tensor<1x6x6x1xf32>, tensor<2x2x2x1xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Depthwise conv with constant weights: the [C*M, KH, KW, 1] weights become
// a new [KH, KW, C, M] constant.
// CHECK-LABEL: func @depthwise_const
// CHECK: %[[DW:.*]] = "tosa.const"() <{values = dense<{{\[\[\[\[}}1.000000e+00, 1.000000e+00], [1.000000e+00, 1.000000e+00]]{{.*}}> : tensor<3x3x2x2xf32>}>
// CHECK: tosa.depthwise_conv2d %{{.*}}, %[[DW]], {{.*}} -> tensor<1x6x6x4xf32>
func.func @depthwise_const(%x: tensor<1x8x8x2xf32>) -> tensor<1x6x6x4xf32> {
  %w = arith.constant dense<[[[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]], [[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]], [[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]], [[[1.0], [2.0], [3.0]], [[4.0], [5.0], [6.0]], [[7.0], [8.0], [9.0]]]]> : tensor<4x3x3x1xf32>
  %0 = qnn.conv2d %x, %w {groups = 2 : i64} : (tensor<1x8x8x2xf32>, tensor<4x3x3x1xf32>) -> tensor<1x6x6x4xf32>
  return %0 : tensor<1x6x6x4xf32>
}

// -----

// Depthwise conv with runtime weights: transpose and reshape in TOSA.
// CHECK-LABEL: func @depthwise_arg
// CHECK: %[[T:.*]] = tosa.transpose %{{.*}} {perms = array<i32: 1, 2, 3, 0>} : (tensor<4x3x3x1xf32>) -> tensor<3x3x1x4xf32>
// CHECK: %[[R:.*]] = tosa.reshape %[[T]], %{{.*}} -> tensor<3x3x2x2xf32>
// CHECK: tosa.depthwise_conv2d %{{.*}}, %[[R]],
func.func @depthwise_arg(%x: tensor<1x8x8x2xf32>, %w: tensor<4x3x3x1xf32>) -> tensor<1x6x6x4xf32> {
  %0 = qnn.conv2d %x, %w {groups = 2 : i64} : (tensor<1x8x8x2xf32>, tensor<4x3x3x1xf32>) -> tensor<1x6x6x4xf32>
  return %0 : tensor<1x6x6x4xf32>
}

// -----

// Grouped conv: one tosa.conv2d per group on channel slices, concatenated.
// CHECK-LABEL: func @grouped
// CHECK-COUNT-2: tosa.conv2d {{.*}} -> tensor<1x3x3x2xf32>
// CHECK: tosa.concat {{.*}} {axis = 3 : i32} : (tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>) -> tensor<1x3x3x4xf32>
func.func @grouped(%x: tensor<1x5x5x4xf32>, %w: tensor<4x3x3x2xf32>) -> tensor<1x3x3x4xf32> {
  %0 = qnn.conv2d %x, %w {groups = 2 : i64} : (tensor<1x5x5x4xf32>, tensor<4x3x3x2xf32>) -> tensor<1x3x3x4xf32>
  return %0 : tensor<1x3x3x4xf32>
}

// -----

// Quantized conv: i8 operands with the zero points as TOSA operands, the
// int32 bias, and a per-channel rescale with multiplier/shift from
// computeRescale(0.05 * w_scale / 0.5).
// CHECK-LABEL: func @conv_quant
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x3xi8>, %[[W:.*]]: tensor<2x1x1x3xi8>, %[[B:.*]]: tensor<2xi32>) -> tensor<1x4x4x2xi8>
// CHECK-DAG: %[[IZP:.*]] = "tosa.const"() <{values = dense<-7> : tensor<1xi8>}>
// CHECK-DAG: %[[WZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi8>}>
// CHECK: %[[ACC:.*]] = tosa.conv2d %[[X]], %[[W]], %[[B]], %[[IZP]], %[[WZP]] {acc_type = i32, {{.*}}} : {{.*}} -> tensor<1x4x4x2xi32>
// CHECK-DAG: %[[M:.*]] = "tosa.const"() <{values = dense<1099511628> : tensor<2xi32>}>
// CHECK-DAG: %[[S:.*]] = "tosa.const"() <{values = dense<[40, 39]> : tensor<2xi8>}>
// CHECK-DAG: %[[AZP:.*]] = "tosa.const"() <{values = dense<0> : tensor<1xi32>}>
// CHECK-DAG: %[[OZP:.*]] = "tosa.const"() <{values = dense<4> : tensor<1xi8>}>
// CHECK: %[[R:.*]] = tosa.rescale %[[ACC]], %[[M]], %[[S]], %[[AZP]], %[[OZP]] {input_unsigned = false, output_unsigned = false, per_channel = true, rounding_mode = SINGLE_ROUND, scale32 = true} : {{.*}} -> tensor<1x4x4x2xi8>
// CHECK: return %[[R]] : tensor<1x4x4x2xi8>
func.func @conv_quant(%x: tensor<1x4x4x3x!quant.uniform<i8:f32, 0.05:-7>>, %w: tensor<2x1x1x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, %b: tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:4>> {
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.05:-7>>, tensor<2x1x1x3x!quant.uniform<i8:f32:0, {0.01, 0.02}>>, tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:4>>
  return %0 : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.5:4>>
}

// -----

// A 4-bit output (i8<-8:7>): tosa.rescale saturates to i8 only, so a clamp
// to the storage range follows.
// CHECK-LABEL: func @conv_quant_narrow
// CHECK: %[[R:.*]] = tosa.rescale
// CHECK: %[[C:.*]] = tosa.clamp %[[R]] {max_val = 7 : i8, min_val = -8 : i8}
// CHECK: return %[[C]]
func.func @conv_quant_narrow(%x: tensor<1x4x4x3x!quant.uniform<i8:f32, 0.05>>, %w: tensor<2x1x1x3x!quant.uniform<i8<-7:7>:f32, 0.1>>) -> tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.5>> {
  %0 = qnn.conv2d %x, %w : (tensor<1x4x4x3x!quant.uniform<i8:f32, 0.05>>, tensor<2x1x1x3x!quant.uniform<i8<-7:7>:f32, 0.1>>) -> tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.5>>
  return %0 : tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.5>>
}

// -----

// 16-bit activations: TOSA's i16 zero points must be 0, so input and weights
// are widened to i32 with the zero points subtracted up front.
// CHECK-LABEL: func @conv_quant16
// CHECK: %[[XC:.*]] = tosa.cast %{{.*}} : (tensor<1x3x3x1xi16>) -> tensor<1x3x3x1xi32>
// CHECK: %[[XS:.*]] = tosa.sub %[[XC]], %{{.*}} : (tensor<1x3x3x1xi32>, tensor<1x1x1x1xi32>)
// CHECK: %[[WC:.*]] = tosa.cast %{{.*}} : (tensor<1x1x1x1xi8>) -> tensor<1x1x1x1xi32>
// CHECK: tosa.conv2d %[[XS]], %[[WC]], {{.*}} -> tensor<1x3x3x1xi32>
// CHECK: tosa.rescale {{.*}} -> tensor<1x3x3x1xi32>
// CHECK: tosa.add {{.*}} -> tensor<1x3x3x1xi32>
// CHECK: tosa.cast {{.*}} -> tensor<1x3x3x1xi16>
func.func @conv_quant16(%x: tensor<1x3x3x1x!quant.uniform<i16:f32, 0.001:100>>, %w: tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x3x3x1x!quant.uniform<i16:f32, 0.002:-3>> {
  %0 = qnn.conv2d %x, %w : (tensor<1x3x3x1x!quant.uniform<i16:f32, 0.001:100>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 0.01>>) -> tensor<1x3x3x1x!quant.uniform<i16:f32, 0.002:-3>>
  return %0 : tensor<1x3x3x1x!quant.uniform<i16:f32, 0.002:-3>>
}

// -----

// Dense: the input becomes [1, rows, K], the [M, K] weight a [1, K, M]
// constant (transposed at compile time), and the bias is added after the
// matmul.
// CHECK-LABEL: func @dense_float
// CHECK: %[[A:.*]] = tosa.reshape %{{.*}} -> tensor<1x6x4xf32>
// CHECK: %[[B:.*]] = "tosa.const"() <{values = dense<{{\[\[\[}}1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]{{.*}}> : tensor<1x4x2xf32>}>
// CHECK: %[[MM:.*]] = tosa.matmul %[[A]], %[[B]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x6x2xf32>
// CHECK: %[[ADD:.*]] = tosa.add %[[MM]], %{{.*}} : (tensor<1x6x2xf32>, tensor<1x1x2xf32>) -> tensor<1x6x2xf32>
// CHECK: tosa.reshape %[[ADD]], %{{.*}} -> tensor<2x3x2xf32>
func.func @dense_float(%x: tensor<2x3x4xf32>, %b: tensor<2xf32>) -> tensor<2x3x2xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 5.0, 7.0], [3.0, 4.0, 6.0, 8.0]]> : tensor<2x4xf32>
  %0 = qnn.dense %x, %w, %b : (tensor<2x3x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<2x3x2xf32>
  return %0 : tensor<2x3x2xf32>
}

// -----

// Quantized dense: i8 matmul with zero points, rescale per output feature.
// CHECK-LABEL: func @dense_quant
// CHECK: tosa.matmul {{.*}} : (tensor<1x4x32xi8>, tensor<1x32x3xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x3xi32>
// CHECK: tosa.rescale {{.*}} per_channel = true{{.*}} -> tensor<1x4x3xi8>
// CHECK: tosa.reshape {{.*}} -> tensor<4x3xi8>
func.func @dense_quant(%x: tensor<4x32x!quant.uniform<i8:f32, 0.02:5>>, %w: tensor<3x32x!quant.uniform<i8:f32:0, {0.004, 0.01, 0.002}>>) -> tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>> {
  %0 = qnn.dense %x, %w : (tensor<4x32x!quant.uniform<i8:f32, 0.02:5>>, tensor<3x32x!quant.uniform<i8:f32:0, {0.004, 0.01, 0.002}>>) -> tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>>
  return %0 : tensor<4x3x!quant.uniform<i8:f32, 0.3:-20>>
}

// -----

// Batch norm with constant parameters folds to x * a + b.
// CHECK-LABEL: func @batch_norm_const
// CHECK-DAG: %[[A:.*]] = "tosa.const"() <{values = dense<[{{\[\[\[}}2.000000e+00, 5.000000e-01]]]]> : tensor<1x1x1x2xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{values = dense<[{{\[\[\[}}-1.000000e+00, 1.000000e+00]]]]> : tensor<1x1x1x2xf32>}>
// CHECK: %[[M:.*]] = tosa.mul %{{.*}}, %[[A]], %{{.*}}
// CHECK: tosa.add %[[M]], %[[B]]
func.func @batch_norm_const(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %s = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[0.0, 2.0]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 2.0]> : tensor<2xf32>
  %v = arith.constant dense<[0.25, 4.0]> : tensor<2xf32>
  %0 = qnn.batch_norm %x, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %0 : tensor<1x2x2x2xf32>
}

// -----

// Batch norm with runtime parameters: rsqrt(var + eps) in TOSA.
// CHECK-LABEL: func @batch_norm_args
// CHECK: tosa.rsqrt
// CHECK: tosa.mul
// CHECK: tosa.sub
func.func @batch_norm_args(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<4x3xf32> {
  %0 = qnn.batch_norm %x, %s, %b, %m, %v : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
