// RUN: qopt %s --qnn-quantize --split-input-file --verify-diagnostics | FileCheck %s

// pow by a constant exponent: a table of the base, the exponent exact (x
// in [-1, 2] has scale 3/255 and zero point -43; x^2 in [0, 4] scale 4/255
// and zero point -128: q = -128 is -1.0 and maps to -128 + 64).
// CHECK-LABEL: func @pow_const
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: %[[T:.*]] = qnn.table %[[X]] {table = array<i32: -64, -66, -67, -69, {{.*}}, 121, 124, 127>} : {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.015686274509803921:-128>>
// CHECK-NOT: qnn.pow
// CHECK: qnn.dequantize %[[T]]
func.func @pow_const(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %c = arith.constant dense<2.0> : tensor<f32>
  %0 = qnn.pow %x0, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "sq", min = 0.0, max = 4.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// A constant dividend: the table of 1 / y (y in [0.5, 2], scale 2/255, zero
// point -128: y = 0 divides by zero and saturates to 127).
// CHECK-LABEL: func @reciprocal
// CHECK: %[[Y:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
// CHECK: qnn.table %[[Y]] {table = array<i32: 127, 127, 127, 127, {{.*}}, -64, -64, -64>} : {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
func.func @reciprocal(%y: tensor<4xf32>) -> tensor<4xf32> {
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<1.0> : tensor<4xf32>
  %0 = qnn.div %c, %y0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "r", min = 0.25, max = 2.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// An integer exponent (ONNX Pow's T1) is exact too: x^3.
// CHECK-LABEL: func @pow_int
// CHECK: qnn.table %{{.*}} {table = array<i32: -128, -127, -126, -125, {{.*}}, 119, 123, 127>} : {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.035294117647058823:-100>>
func.func @pow_int(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %c = arith.constant dense<3> : tensor<1xi64>
  %0 = qnn.pow %x0, %c : (tensor<2x4xf32>, tensor<1xi64>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "cube", min = -1.0, max = 8.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// Two quantized tensors: one 65,536-entry table indexed by both storage
// values (x = -1.0 over y = 0 saturates to -128).
// CHECK-LABEL: func @div_tensors
// CHECK-DAG: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK-DAG: %[[Y:.*]] = qnn.quantize %arg1 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 0.0078431372549019607:-128>>
// CHECK: %[[D:.*]] = qnn.table2d %[[X]], %[[Y]] {table = array<i32: -128, -128, -128, -128, {{.*}}, 0, 0, -1>} : {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.023529411764705882:-43>>
// CHECK: qnn.dequantize %[[D]]
func.func @div_tensors(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 2.0} : tensor<4xf32>
  %0 = qnn.div %x0, %y0 : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "d", min = -2.0, max = 4.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// A constant exponent that is not one value is quantized like any constant
// operand (its own range), and the pow is a two-input table.
// CHECK-LABEL: func @pow_tensor_const
// CHECK: %[[E:.*]] = quant.scast %{{.*}} : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, {{.*}}>>
// CHECK: qnn.table2d %{{.*}}, %[[E]]
func.func @pow_tensor_const(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = 0.0, max = 2.0} : tensor<2x4xf32>
  %c = arith.constant dense<[1.0, 2.0, 0.5, 3.0]> : tensor<4xf32>
  %0 = qnn.pow %x0, %c : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "p", min = 0.0, max = 8.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// Integer division (plain integers) has its own integer semantics and stays.
// CHECK-LABEL: func @int_div
// CHECK: qnn.div %arg0, %arg1 : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
func.func @int_div(%x: tensor<4xi32>, %y: tensor<4xi32>) -> tensor<4xi32> {
  %0 = qnn.div %x, %y : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----
// Reductions: l1 and sum_square requantize their 32-bit sums, l2 and
// log_sum map them through a sum-indexed table, log_sum_exp adds the
// logarithm of its sum of exponentials to the maximum (no attributes: the
// lowering builds the tables from the types); each takes its own calibrated
// output type. prod sums fixed-point logarithms (the log-domain form).
// CHECK-LABEL: func @reduce_kinds
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x4x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: qnn.reduce l1 %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.031372549019607843:-128>>
// CHECK: qnn.reduce sum_square %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.062745098039215685:-128>>
// CHECK: qnn.reduce l2 %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.015686274509803921:-128>>
// CHECK: qnn.reduce log_sum %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.011764705882352941:-43>>
// CHECK: qnn.reduce log_sum_exp %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.011764705882352941:-128>>
// CHECK: qnn.reduce prod %[[X]] {{.*}} -> tensor<2x1x!quant.uniform<i8:f32, 0.078431372549019607:-77>>
func.func @reduce_kinds(%x: tensor<2x4xf32>) -> (tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>) {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %0 = qnn.reduce l1 %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %1 = qnn.observe %0 {name = "l1", min = 0.0, max = 8.0} : tensor<2x1xf32>
  %2 = qnn.reduce sum_square %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %3 = qnn.observe %2 {name = "ss", min = 0.0, max = 16.0} : tensor<2x1xf32>
  %4 = qnn.reduce l2 %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %5 = qnn.observe %4 {name = "l2", min = 0.0, max = 4.0} : tensor<2x1xf32>
  %6 = qnn.reduce log_sum %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %7 = qnn.observe %6 {name = "ls", min = -1.0, max = 2.0} : tensor<2x1xf32>
  %8 = qnn.reduce log_sum_exp %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %9 = qnn.observe %8 {name = "lse", min = 0.0, max = 3.0} : tensor<2x1xf32>
  %10 = qnn.reduce prod %x0 {axes = array<i64: 1>} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %11 = qnn.observe %10 {name = "prod", min = -4.0, max = 16.0} : tensor<2x1xf32>
  return %1, %3, %5, %7, %9, %11 : tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>, tensor<2x1xf32>
}

// -----
// log_softmax keeps its input's type and takes its own calibrated output
// type ([-7, 0]: scale 7/255, zero point 127).
// CHECK-LABEL: func @log_softmax
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x5x!quant.uniform<i8:f32, 0.023529411764705882:42>>
// CHECK: %[[L:.*]] = qnn.log_softmax %[[X]] {{.*}} -> tensor<2x5x!quant.uniform<i8:f32, 0.027450980392156862:127>>
// CHECK: qnn.dequantize %[[L]]
func.func @log_softmax(%x: tensor<2x5xf32>) -> tensor<2x5xf32> {
  %x0 = qnn.observe %x {name = "x", min = -4.0, max = 2.0} : tensor<2x5xf32>
  %0 = qnn.log_softmax %x0 : (tensor<2x5xf32>) -> tensor<2x5xf32>
  %1 = qnn.observe %0 {name = "ls", min = -7.0, max = 0.0} : tensor<2x5xf32>
  return %1 : tensor<2x5xf32>
}

// -----
// A prod whose 32-bit sum of logarithms could overflow (2^21 elements)
// stays float, with a remark.
// CHECK-LABEL: func @prod_too_long
// CHECK: qnn.reduce prod {{.*}} : (tensor<1x2097152xf32>) -> tensor<1x1xf32>
func.func @prod_too_long(%x: tensor<1x2097152xf32>) -> tensor<1x1xf32> {
  %x0 = qnn.observe %x {name = "x", min = -100.0, max = 100.0} : tensor<1x2097152xf32>
  // expected-remark @+1 {{stays float: a prod over 2097152 elements could overflow its 32-bit sum of logarithms}}
  %0 = qnn.reduce prod %x0 {axes = array<i64: 1>} : (tensor<1x2097152xf32>) -> tensor<1x1xf32>
  %1 = qnn.observe %0 {name = "p", min = -1.0, max = 1.0} : tensor<1x1xf32>
  return %1 : tensor<1x1xf32>
}
