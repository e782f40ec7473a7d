// RUN: qopt %s | qopt | FileCheck %s
// RUN: qopt %s --mlir-print-op-generic | qopt | FileCheck %s

// Float conv with bias, padding, stride and the default dilation/groups.
// CHECK-LABEL: func @conv2d_float
// CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} {padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x28x28x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x14x14x8xf32>
func.func @conv2d_float(%x: tensor<1x28x28x3xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x14x14x8xf32> {
  %0 = qnn.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<1x28x28x3xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x14x14x8xf32>
  return %0 : tensor<1x14x14x8xf32>
}

// Depthwise conv (groups == channels) without bias, dilated.
// CHECK-LABEL: func @conv2d_depthwise
// CHECK: qnn.conv2d %{{.*}}, %{{.*}} {dilations = array<i64: 2, 2>, groups = 16 : i64}
func.func @conv2d_depthwise(%x: tensor<1x14x14x16xf32>, %w: tensor<16x3x3x1xf32>) -> tensor<1x10x10x16xf32> {
  %0 = qnn.conv2d %x, %w {groups = 16 : i64, dilations = array<i64: 2, 2>} : (tensor<1x14x14x16xf32>, tensor<16x3x3x1xf32>) -> tensor<1x10x10x16xf32>
  return %0 : tensor<1x10x10x16xf32>
}

// Quantized conv: per-axis weights, int32 bias, asymmetric activations.
// CHECK-LABEL: func @conv2d_quant
// CHECK: qnn.conv2d {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-02:-3>>
func.func @conv2d_quant(%x: tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1:-128>>,
                        %w: tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.5, 0.25}>>,
                        %b: tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.025}>>)
    -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>> {
  %0 = qnn.conv2d %x, %w, %b : (tensor<1x4x4x1x!quant.uniform<i8:f32, 0.1:-128>>, tensor<2x1x1x1x!quant.uniform<i8:f32:0, {0.5, 0.25}>>, tensor<2x!quant.uniform<i32:f32:0, {0.05, 0.025}>>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>>
  return %0 : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:-3>>
}

// Dense on a 2-D input.
// CHECK-LABEL: func @dense
// CHECK: qnn.dense %{{.*}}, %{{.*}}, %{{.*}} : (tensor<4x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<4x10xf32>
func.func @dense(%x: tensor<4x64xf32>, %w: tensor<10x64xf32>, %b: tensor<10xf32>) -> tensor<4x10xf32> {
  %0 = qnn.dense %x, %w, %b : (tensor<4x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// Batch norm over the channel (last) dimension.
// CHECK-LABEL: func @batch_norm
// CHECK: qnn.batch_norm %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} {epsilon = 1.000000e-03 : f32}
func.func @batch_norm(%x: tensor<1x2x2x3xf32>, %s: tensor<3xf32>, %b: tensor<3xf32>, %m: tensor<3xf32>, %v: tensor<3xf32>) -> tensor<1x2x2x3xf32> {
  %0 = qnn.batch_norm %x, %s, %b, %m, %v {epsilon = 1.0e-3 : f32} : (tensor<1x2x2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x2x2x3xf32>
  return %0 : tensor<1x2x2x3xf32>
}

// Activations, float and quantized.
// CHECK-LABEL: func @activations
// CHECK: qnn.relu %{{.*}} : tensor<2x3xf32>
// CHECK: qnn.clip %{{.*}} {max = 6.000000e+00 : f32, min = 0.000000e+00 : f32} : tensor<2x3xf32>
// CHECK: qnn.relu %{{.*}} : tensor<2x3x!quant.uniform<i8:f32, 1.000000e-01:-128>>
// CHECK: qnn.softmax %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @activations(%x: tensor<2x3xf32>, %q: tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>) -> (tensor<2x3xf32>, tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>) {
  %0 = qnn.relu %x : tensor<2x3xf32>
  %1 = qnn.clip %0 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x3xf32>
  %2 = qnn.relu %q : tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>
  %3 = qnn.softmax %1 {axis = 1} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %3, %2 : tensor<2x3xf32>, tensor<2x3x!quant.uniform<i8:f32, 0.1:-128>>
}

// Binary ops broadcast like numpy.
// CHECK-LABEL: func @binary
// CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
// CHECK: qnn.mul %{{.*}}, %{{.*}} : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
func.func @binary(%x: tensor<1x4x4x8xf32>, %b: tensor<8xf32>) -> tensor<1x4x4x8xf32> {
  %0 = qnn.add %x, %b : (tensor<1x4x4x8xf32>, tensor<8xf32>) -> tensor<1x4x4x8xf32>
  %1 = qnn.mul %0, %x : (tensor<1x4x4x8xf32>, tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  return %1 : tensor<1x4x4x8xf32>
}

// Pooling ops.
// CHECK-LABEL: func @pooling
// CHECK: qnn.max_pool2d %{{.*}} {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>}
// CHECK: qnn.avg_pool2d %{{.*}} {count_include_pad = true, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>}
// CHECK: qnn.global_avg_pool %{{.*}} : (tensor<1x4x4x8xf32>) -> tensor<1x1x1x8xf32>
func.func @pooling(%x: tensor<1x8x8x8xf32>) -> tensor<1x1x1x8xf32> {
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x8x8x8xf32>) -> tensor<1x4x4x8xf32>
  %1 = qnn.avg_pool2d %0 {kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, count_include_pad = true} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4x8xf32>
  %2 = qnn.global_avg_pool %1 : (tensor<1x4x4x8xf32>) -> tensor<1x1x1x8xf32>
  return %2 : tensor<1x1x1x8xf32>
}

// Layout ops.
// CHECK-LABEL: func @layout
// CHECK: qnn.transpose %{{.*}} {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
// CHECK: qnn.reshape %{{.*}} : (tensor<1x4x5x3xf32>) -> tensor<1x60xf32>
// CHECK: qnn.concat %{{.*}}, %{{.*}} {axis = 1 : i64} : (tensor<1x60xf32>, tensor<1x60xf32>) -> tensor<1x120xf32>
// CHECK: qnn.pad %{{.*}} {padding = array<i64: 0, 0, 1, 2>, value = -1.000000e+00 : f32} : (tensor<1x120xf32>) -> tensor<1x123xf32>
func.func @layout(%x: tensor<1x3x4x5xf32>) -> tensor<1x123xf32> {
  %0 = qnn.transpose %x {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x4x5xf32>) -> tensor<1x4x5x3xf32>
  %1 = qnn.reshape %0 : (tensor<1x4x5x3xf32>) -> tensor<1x60xf32>
  %2 = qnn.concat %1, %1 {axis = 1} : (tensor<1x60xf32>, tensor<1x60xf32>) -> tensor<1x120xf32>
  %3 = qnn.pad %2 {padding = array<i64: 0, 0, 1, 2>, value = -1.0 : f32} : (tensor<1x120xf32>) -> tensor<1x123xf32>
  return %3 : tensor<1x123xf32>
}

// Quantization ops: observe (with and without a range), quantize,
// requantize, dequantize; a 4-bit type uses a narrow storage range.
// CHECK-LABEL: func @quant_ops
// CHECK: qnn.observe %{{.*}} {name = "x"} : tensor<4xf32>
// CHECK: qnn.observe %{{.*}} {max = 2.000000e+00 : f64, min = -1.000000e+00 : f64, name = "y"} : tensor<4xf32>
// CHECK: qnn.quantize %{{.*}} : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK: qnn.requantize %{{.*}} : (tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 5.000000e-01:1>>
// CHECK: qnn.dequantize %{{.*}} : (tensor<4x!quant.uniform<i8<-8:7>:f32, 5.000000e-01:1>>) -> tensor<4xf32>
func.func @quant_ops(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = qnn.observe %x {name = "x"} : tensor<4xf32>
  %1 = qnn.observe %0 {name = "y", min = -1.0, max = 2.0} : tensor<4xf32>
  %2 = qnn.quantize %1 : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %3 = qnn.requantize %2 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5:1>>
  %4 = qnn.dequantize %3 : (tensor<4x!quant.uniform<i8<-8:7>:f32, 0.5:1>>) -> tensor<4xf32>
  return %4 : tensor<4xf32>
}

// Lookup tables and per-channel calibration ranges round-trip.
// CHECK-LABEL: func @table
// CHECK: qnn.observe %{{.*}} {bits = 8 : i64, channel_max = array<f64: 1.000000e+00, 2.000000e+00>, channel_min = array<f64: 0.000000e+00, -1.000000e+00>, max = 2.000000e+00 : f64, min = -1.000000e+00 : f64, name = "x", symmetric = false} : tensor<2xf32>
// CHECK: qnn.table %{{.*}} {table = array<i32: -8, 0, 7, 7>} : (tensor<2x!quant.uniform<i8<-2:1>:f32, 5.000000e-01>>) -> tensor<2x!quant.uniform<i8<-8:7>:f32, 2.500000e-01:-8>>
func.func @table(%x: tensor<2xf32>, %q: tensor<2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>> {
  %0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0, channel_min = array<f64: 0.0, -1.0>, channel_max = array<f64: 1.0, 2.0>, bits = 8, symmetric = false} : tensor<2xf32>
  %1 = qnn.table %q {table = array<i32: -8, 0, 7, 7>} : (tensor<2x!quant.uniform<i8<-2:1>:f32, 0.5>>) -> tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
  return %1 : tensor<2x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
}

// A two-input table: 4 x 2 entries, the rhs broadcast.
// CHECK-LABEL: func @table2d
// CHECK: qnn.table2d %{{.*}}, %{{.*}} {table = array<i32: 0, 1, 2, 3, 4, 5, 6, 7>} : (tensor<2x3x!quant.uniform<i8<-2:1>:f32, 5.000000e-01>>, tensor<1x!quant.uniform<i8<-1:0>:f32, 2.500000e-01>>) -> tensor<2x3x!quant.uniform<i8<-8:7>:f32, 2.500000e-01:-8>>
func.func @table2d(%a: tensor<2x3x!quant.uniform<i8<-2:1>:f32, 0.5>>, %b: tensor<1x!quant.uniform<i8<-1:0>:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8<-8:7>:f32, 0.25:-8>> {
  %0 = qnn.table2d %a, %b {table = array<i32: 0, 1, 2, 3, 4, 5, 6, 7>} : (tensor<2x3x!quant.uniform<i8<-2:1>:f32, 0.5>>, tensor<1x!quant.uniform<i8<-1:0>:f32, 0.25>>) -> tensor<2x3x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
  return %0 : tensor<2x3x!quant.uniform<i8<-8:7>:f32, 0.25:-8>>
}

// qnn.unary: a function without parameters and one with alpha/beta.
// CHECK-LABEL: func @unary
// CHECK: qnn.unary sigmoid %{{.*}} : tensor<2x3xf32>
// CHECK: qnn.unary hard_sigmoid %{{.*}} {alpha = 2.000000e-01 : f32, beta = 5.000000e-01 : f32} : tensor<2x3xf32>
func.func @unary(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = qnn.unary sigmoid %x : tensor<2x3xf32>
  %1 = qnn.unary hard_sigmoid %0 {alpha = 0.2 : f32, beta = 0.5 : f32} : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// Float binary ops broadcast; prelu's slope broadcasts to the input.
// CHECK-LABEL: func @float_binary
// CHECK: qnn.sub {{.*}} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
// CHECK: qnn.div
// CHECK: qnn.pow
// CHECK: qnn.maximum
// CHECK: qnn.minimum
// CHECK: qnn.prelu {{.*}} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
func.func @float_binary(%x: tensor<2x3xf32>, %y: tensor<3xf32>, %s: tensor<2x1xf32>) -> tensor<2x3xf32> {
  %0 = qnn.sub %x, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = qnn.div %0, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %2 = qnn.pow %1, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = qnn.maximum %2, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = qnn.minimum %3, %y : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %5 = qnn.prelu %4, %s : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %5 : tensor<2x3xf32>
}

// Reductions with and without kept dims; log_softmax.
// CHECK-LABEL: func @reductions
// CHECK: qnn.reduce mean %{{.*}} {axes = array<i64: 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x1x1x8xf32>
// CHECK: qnn.reduce max %{{.*}} {axes = array<i64: 3>, keep_dims = false} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4xf32>
// CHECK: qnn.log_softmax %{{.*}} {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @reductions(%x: tensor<1x4x4x8xf32>, %y: tensor<2x3xf32>) -> (tensor<1x1x1x8xf32>, tensor<1x4x4xf32>, tensor<2x3xf32>) {
  %0 = qnn.reduce mean %x {axes = array<i64: 1, 2>} : (tensor<1x4x4x8xf32>) -> tensor<1x1x1x8xf32>
  %1 = qnn.reduce max %x {axes = array<i64: 3>, keep_dims = false} : (tensor<1x4x4x8xf32>) -> tensor<1x4x4xf32>
  %2 = qnn.log_softmax %y {axis = 1} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0, %1, %2 : tensor<1x1x1x8xf32>, tensor<1x4x4xf32>, tensor<2x3xf32>
}

// Slice with a negative stride, gather with 2-D indices, reflect padding,
// on float and quantized tensors.
// CHECK-LABEL: func @tensor_ops
// CHECK: qnn.slice %{{.*}} {offsets = array<i64: 0, 5>, strides = array<i64: 1, -2>} : (tensor<2x6xf32>) -> tensor<2x3xf32>
// CHECK: qnn.gather %{{.*}} {axis = 1 : i64, indices = dense<{{\[\[}}2, 0]]> : tensor<1x2xi64>} : (tensor<2x6xf32>) -> tensor<2x1x2xf32>
// CHECK: qnn.pad reflect %{{.*}} {padding = array<i64: 0, 0, 1, 1>}
// CHECK: qnn.pad edge %{{.*}} : (tensor<2x6x!quant.uniform<i8:f32, 1.000000e-01>>) -> tensor<2x7x!quant.uniform<i8:f32, 1.000000e-01>>
func.func @tensor_ops(%x: tensor<2x6xf32>, %q: tensor<2x6x!quant.uniform<i8:f32, 0.1>>) -> (tensor<2x3xf32>, tensor<2x1x2xf32>, tensor<2x8xf32>, tensor<2x7x!quant.uniform<i8:f32, 0.1>>) {
  %0 = qnn.slice %x {offsets = array<i64: 0, 5>, strides = array<i64: 1, -2>} : (tensor<2x6xf32>) -> tensor<2x3xf32>
  %1 = qnn.gather %x {axis = 1 : i64, indices = dense<[[2, 0]]> : tensor<1x2xi64>} : (tensor<2x6xf32>) -> tensor<2x1x2xf32>
  %2 = qnn.pad reflect %x {padding = array<i64: 0, 0, 1, 1>} : (tensor<2x6xf32>) -> tensor<2x8xf32>
  %3 = qnn.pad edge %q {padding = array<i64: 0, 0, 0, 1>} : (tensor<2x6x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x7x!quant.uniform<i8:f32, 0.1>>
  return %0, %1, %2, %3 : tensor<2x3xf32>, tensor<2x1x2xf32>, tensor<2x8xf32>, tensor<2x7x!quant.uniform<i8:f32, 0.1>>
}

// Batched matmul with a broadcast rhs; transposed convolution.
// CHECK-LABEL: func @matmul_conv_transpose
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
// CHECK: qnn.conv_transpose2d %{{.*}}, %{{.*}}, %{{.*}} {output_padding = array<i64: 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x10x10x3xf32>
func.func @matmul_conv_transpose(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>, %x: tensor<1x4x4x8xf32>, %w: tensor<3x3x3x8xf32>, %bias: tensor<3xf32>) -> (tensor<2x3x5xf32>, tensor<1x10x10x3xf32>) {
  %0 = qnn.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %1 = qnn.conv_transpose2d %x, %w, %bias {strides = array<i64: 2, 2>, output_padding = array<i64: 1, 1>} : (tensor<1x4x4x8xf32>, tensor<3x3x3x8xf32>, tensor<3xf32>) -> tensor<1x10x10x3xf32>
  return %0, %1 : tensor<2x3x5xf32>, tensor<1x10x10x3xf32>
}

// A user-defined op with attributes, several operands and results.
// CHECK-LABEL: func @custom
// CHECK: qnn.custom "PowerDifference"(%{{.*}}, %{{.*}}) {op_attrs = {pow = 3 : i64}} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
// CHECK: qnn.custom "my.domain::Split"(%{{.*}}) : (tensor<1x8xf32>) -> (tensor<1x4xf32>, tensor<1x4xi32>)
func.func @custom(%x: tensor<1x8xf32>, %y: tensor<1x8xf32>) -> (tensor<1x4xf32>, tensor<1x4xi32>) {
  %0 = qnn.custom "PowerDifference"(%x, %y) {op_attrs = {pow = 3 : i64}} : (tensor<1x8xf32>, tensor<1x8xf32>) -> tensor<1x8xf32>
  %1:2 = qnn.custom "my.domain::Split"(%0) : (tensor<1x8xf32>) -> (tensor<1x4xf32>, tensor<1x4xi32>)
  return %1#0, %1#1 : tensor<1x4xf32>, tensor<1x4xi32>
}

// Plain integer arithmetic (ONNX integer ops on run-time values): one
// integer type throughout; pow's exponent may have another type; qnn.cast
// converts between floats and integers.
// CHECK-LABEL: func @integer_arith
// CHECK: qnn.add %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
// CHECK: qnn.div %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
// CHECK: qnn.maximum %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
// CHECK: qnn.pow %{{.*}}, %{{.*}} : (tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<2x3xi64>
// CHECK: qnn.pow %{{.*}}, %{{.*}} : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
// CHECK: qnn.cast %{{.*}} : tensor<2x3xi64> to tensor<2x3xi8>
func.func @integer_arith(%a: tensor<2x3xi64>, %b: tensor<3xi64>, %f: tensor<2x3xf32>, %i: tensor<2x3xi32>) -> (tensor<2x3xi8>, tensor<2x3xf32>) {
  %0 = qnn.add %a, %b : (tensor<2x3xi64>, tensor<3xi64>) -> tensor<2x3xi64>
  %1 = qnn.div %0, %a : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  %2 = qnn.maximum %1, %a : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<2x3xi64>
  %3 = qnn.pow %2, %f : (tensor<2x3xi64>, tensor<2x3xf32>) -> tensor<2x3xi64>
  %4 = qnn.pow %f, %i : (tensor<2x3xf32>, tensor<2x3xi32>) -> tensor<2x3xf32>
  %5 = qnn.cast %3 : tensor<2x3xi64> to tensor<2x3xi8>
  return %5, %4 : tensor<2x3xi8>, tensor<2x3xf32>
}
