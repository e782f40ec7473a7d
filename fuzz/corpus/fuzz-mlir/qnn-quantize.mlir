// RUN: qopt %s --qnn-quantize --split-input-file --verify-diagnostics | FileCheck %s
// RUN: qopt %s --qnn-quantize="per-axis-weights=false weight-bits=4 activation-bits=6" --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=W4

// A calibrated conv -> relu -> pool -> flatten -> softmax chain: the input is
// quantized, the conv takes the relu's range, pooling and layout ops keep
// their input's type, softmax gets its rule's output type (scale 2^-8, zero
// point -128) whatever its calibrated range.
// CHECK-LABEL: func @net
// CHECK: %[[X:.*]] = qnn.quantize %arg0 : (tensor<1x4x4x1xf32>) -> tensor<1x4x4x1x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK: %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}127]]], {{\[\[\[}}-127]]]]> : tensor<2x1x1x1xi8>
// CHECK: %[[W:.*]] = quant.scast %[[WI]] : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.003937007874015748,0.001968503937007874}>>
// CHECK: %[[BI:.*]] = arith.constant dense<[6477, -25908]> : tensor<2xi32>
// CHECK: %[[B:.*]] = quant.scast %[[BI]] : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {1.5439246564767639E-5,7.7196232823838196E-6}>>
// CHECK: %[[C:.*]] = qnn.conv2d %[[X]], %[[W]], %[[B]] {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.002352941176470588:-128>>
// CHECK: %[[R:.*]] = qnn.relu %[[C]] : tensor<1x4x4x2x!quant.uniform<i8:f32, 0.002352941176470588:-128>>
// CHECK: %[[G:.*]] = qnn.global_avg_pool %[[R]] {{.*}} -> tensor<1x1x1x2x!quant.uniform<i8:f32, 0.002352941176470588:-128>>
// CHECK: %[[F:.*]] = qnn.reshape %[[G]] {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 0.002352941176470588:-128>>
// CHECK: %[[S:.*]] = qnn.softmax %[[F]] {{.*}} -> tensor<1x2x!quant.uniform<i8:f32, 3.906250e-03:-128>>
// CHECK: %[[D:.*]] = qnn.dequantize %[[S]] {{.*}} -> tensor<1x2xf32>
// CHECK-NOT: qnn.observe
// CHECK: return %[[D]]
// W4-LABEL: func @net
// W4: qnn.quantize %arg0 {{.*}} -> tensor<1x4x4x1x!quant.uniform<i8<-32:31>:f32, 0.015873015873015872:-32>>
// W4: arith.constant dense<{{\[\[\[\[}}7]]], {{\[\[\[}}-4]]]]> : tensor<2x1x1x1xi8>
// W4: tensor<2x1x1x1x!quant.uniform<i8<-7:7>:f32, 0.071428571428571425>>
// W4: arith.constant dense<[88, -176]> : tensor<2xi32>
// W4: tensor<2x!quant.uniform<i32:f32, 0.001133786848072562{{[0-9]}}>>
func.func @net(%x: tensor<1x4x4x1xf32> {qnn.name = "input"}) -> tensor<1x2xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x1xf32>
  %w = arith.constant dense<[[[[0.5]]], [[[-0.25]]]]> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %0 = qnn.conv2d %x0, %w, %b : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %1 = qnn.observe %0 {name = "conv:0", min = -0.5, max = 0.6} : tensor<1x4x4x2xf32>
  %2 = qnn.relu %1 : tensor<1x4x4x2xf32> loc("relu")
  %3 = qnn.observe %2 {name = "relu:0", min = 0.0, max = 0.6} : tensor<1x4x4x2xf32>
  %4 = qnn.global_avg_pool %3 : (tensor<1x4x4x2xf32>) -> tensor<1x1x1x2xf32> loc("gap")
  %5 = qnn.observe %4 {name = "gap:0", min = 0.0, max = 0.5} : tensor<1x1x1x2xf32>
  %6 = qnn.reshape %5 : (tensor<1x1x1x2xf32>) -> tensor<1x2xf32> loc("flatten")
  %7 = qnn.softmax %6 : (tensor<1x2xf32>) -> tensor<1x2xf32> loc("softmax")
  %8 = qnn.observe %7 {name = "softmax:0", min = 0.0, max = 1.0} : tensor<1x2xf32>
  return %8 : tensor<1x2xf32>
}

// -----
// Add of two calibrated tensors: output from its own range; a constant
// operand is quantized with its own values.
// CHECK-LABEL: func @add_const
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: %[[CI:.*]] = arith.constant dense<[127, -128, -43, 42]> : tensor<4xi8>
// CHECK: %[[C:.*]] = quant.scast %[[CI]]
// CHECK: %[[A:.*]] = qnn.add %[[X]], %[[C]] {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.023529411764705882:-43>>
// CHECK: qnn.dequantize %[[A]]
func.func @add_const(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<[2.0, -1.0, 0.0, 1.0]> : tensor<4xf32>
  %0 = qnn.add %x0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "add", min = -2.0, max = 4.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// Concat inputs of different ranges are requantized to the output's type.
// CHECK-LABEL: func @concat
// CHECK-DAG: %[[A:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK-DAG: %[[B:.*]] = qnn.quantize %arg1 {{.*}} -> tensor<2x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
// CHECK: %[[RA:.*]] = qnn.requantize %[[A]] {{.*}} -> tensor<2x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
// CHECK: qnn.concat %[[RA]], %[[B]]
func.func @concat(%a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<4xf32> {
  %a0 = qnn.observe %a {name = "a", min = 0.0, max = 1.0} : tensor<2xf32>
  %b0 = qnn.observe %b {name = "b", min = 0.0, max = 2.0} : tensor<2xf32>
  %0 = qnn.concat %a0, %b0 {axis = 0} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "cat", min = 0.0, max = 2.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// A probe without a range is an error naming the tensor.
func.func @uncalibrated(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{tensor 'x' has no calibrated range: run qnn-calibrate first}}
  %0 = qnn.observe %x {name = "x"} : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// A relu whose input has another user cannot share its type: it becomes a
// lookup table from the input's type (range [-1, 2], zero point -43) to its
// own range's type ([0, 2]): inputs up to the zero point map to -128, then
// e.g. q = -42 (0.0118) maps to -128 + round(1.5) = -126.
// CHECK-LABEL: func @table_relu
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: %[[T:.*]] = qnn.table %[[X]] {table = array<i32: -128, {{(-128, )*}}-126, -125, -124, {{.*}}, 126, 127>} : {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
// CHECK: qnn.add %[[T]], %[[X]]
func.func @table_relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %0 = qnn.relu %x0 : tensor<4xf32> loc("relu")
  %1 = qnn.observe %0 {name = "relu:0", min = 0.0, max = 2.0} : tensor<4xf32>
  %2 = qnn.add %1, %x0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %3 = qnn.observe %2 {name = "add:0", min = -1.0, max = 4.0} : tensor<4xf32>
  return %3 : tensor<4xf32>
}

// -----
// An unfolded batch norm becomes the depthwise 1x1 conv2d it is (on the
// input viewed as [N, 1, 1, C]) and is quantized as one: weights
// a = scale / sqrt(var + eps) = [2, -0.5], bias = shift - mean * a.
// CHECK-LABEL: func @batch_norm
// CHECK: %[[X:.*]] = qnn.quantize %arg0
// CHECK: %[[R:.*]] = qnn.reshape %[[X]] {{.*}} -> tensor<3x1x1x2x!quant.uniform
// CHECK: %[[W:.*]] = quant.scast {{.*}} : tensor<2x1x1x1xi8> to tensor<2x1x1x1x!quant.uniform<i8<-127:127>:f32:0, {0.015748031496062992,0.003937007874015748}>>
// CHECK: %[[C:.*]] = qnn.conv2d %[[R]], %[[W]], %{{.*}} {{.*}}groups = 2 : i64{{.*}} -> tensor<3x1x1x2x!quant.uniform<i8:f32, 0.031372549019607843:-128>>
// CHECK: qnn.reshape %[[C]] {{.*}} -> tensor<3x2x!quant.uniform<i8:f32, 0.031372549019607843:-128>>
func.func @batch_norm(%x: tensor<3x2xf32>) -> tensor<3x2xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 1.0} : tensor<3x2xf32>
  %s = arith.constant dense<[4.0, -1.0]> : tensor<2xf32>
  %b = arith.constant dense<[1.0, 0.5]> : tensor<2xf32>
  %m = arith.constant dense<[0.5, 0.0]> : tensor<2xf32>
  %v = arith.constant dense<[4.0, 4.0]> : tensor<2xf32>
  %0 = qnn.batch_norm %x0, %s, %b, %m, %v {epsilon = 0.0 : f32} : (tensor<3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<3x2xf32> loc("bn")
  %1 = qnn.observe %0 {name = "bn:0", min = 0.0, max = 8.0} : tensor<3x2xf32>
  return %1 : tensor<3x2xf32>
}


// -----
// Elementwise functions of qnn.unary are lookup tables from the input's type
// to the output's: sigmoid at q = -128 (x = -1) is 0.2689, i.e.
// round(0.2689 / (1/255)) - 128 = -59.
// CHECK-LABEL: func @unary_table
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: qnn.table %[[X]] {table = array<i32: -59, {{.*}}>} : {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
func.func @unary_table(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %0 = qnn.unary sigmoid %x0 : tensor<4xf32> loc("sig")
  %1 = qnn.observe %0 {name = "sig:0", min = 0.0, max = 1.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// Sub is quantized like add; slice and gather move storage values (no type
// of their own); maximum and minimum compare storage values of one type, so
// their inputs are requantized to the output's (the sliced x has it already).
// CHECK-LABEL: func @sub_slice_max
// CHECK-DAG: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK-DAG: %[[Y:.*]] = qnn.quantize %arg1 {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.0078431372549019607:-1>>
// CHECK: %[[S:.*]] = qnn.sub %[[X]], %[[Y]] {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.015686274509803921:-1>>
// CHECK: %[[L:.*]] = qnn.slice %[[S]] {{.*}} -> tensor<2x2x!quant.uniform<i8:f32, 0.015686274509803921:-1>>
// CHECK: %[[G:.*]] = qnn.gather %[[L]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.015686274509803921:-1>>
// CHECK: %[[A:.*]] = qnn.requantize %[[G]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: %[[B:.*]] = qnn.slice %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: qnn.maximum %[[A]], %[[B]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
func.func @sub_slice_max(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x1xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = -1.0, max = 1.0} : tensor<2x4xf32>
  %0 = qnn.sub %x0, %y0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("sub")
  %1 = qnn.observe %0 {name = "sub:0", min = -2.0, max = 2.0} : tensor<2x4xf32>
  %2 = qnn.slice %1 {offsets = array<i64: 0, 1>, strides = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x2xf32>
  %3 = qnn.gather %2 {axis = 1 : i64, indices = dense<[1]> : tensor<1xi64>} : (tensor<2x2xf32>) -> tensor<2x1xf32>
  %4 = qnn.slice %x0 {offsets = array<i64: 0, 0>, strides = array<i64: 1, 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %5 = qnn.maximum %3, %4 : (tensor<2x1xf32>, tensor<2x1xf32>) -> tensor<2x1xf32> loc("max")
  %6 = qnn.observe %5 {name = "max:0", min = -1.0, max = 2.0} : tensor<2x1xf32>
  return %6 : tensor<2x1xf32>
}

// -----
// A matmul of two activations: both per tensor, the accumulator requantized
// to the output's type.
// CHECK-LABEL: func @matmul
// CHECK: qnn.matmul %{{.*}}, %{{.*}} : (tensor<2x3x!quant.uniform<i8:f32, {{.*}}>>, tensor<3x2x!quant.uniform<i8:f32, {{.*}}>>) -> tensor<2x2x!quant.uniform<i8:f32, 0.023529411764705882:-43>>
func.func @matmul(%a: tensor<2x3xf32>, %b: tensor<3x2xf32>) -> tensor<2x2xf32> {
  %a0 = qnn.observe %a {name = "a", min = -1.0, max = 1.0} : tensor<2x3xf32>
  %b0 = qnn.observe %b {name = "b", min = -1.0, max = 1.0} : tensor<3x2xf32>
  %0 = qnn.matmul %a0, %b0 : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32> loc("mm")
  %1 = qnn.observe %0 {name = "mm:0", min = -2.0, max = 4.0} : tensor<2x2xf32>
  return %1 : tensor<2x2xf32>
}
