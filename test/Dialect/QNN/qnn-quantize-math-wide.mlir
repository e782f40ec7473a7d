// RUN: qopt %s --qnn-quantize=activation-bits=12 --split-input-file --verify-diagnostics | FileCheck %s

// Operands wider than 8 bits would need tables of up to 2^32 entries: div
// and pow take their log-domain form, the op itself on quantized types
// (qmlir/Quant/LogDomain.h). A constant operand of one value c is exact:
// one storage value 1 (or -1, or 0) of scale |c|.
// CHECK-LABEL: func @pow_const
// CHECK: %[[Y:.*]] = qnn.add {{.*}} -> tensor<2x4x!quant.uniform<i16<-2048:2047>:f32, 0.0014652014652014652:-683>>
// CHECK: %[[C:.*]] = arith.constant dense<1> : tensor<i8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<i8> to tensor<!quant.uniform<i8:f32, 2.000000e+00>>
// CHECK: %[[P:.*]] = qnn.pow %[[Y]], %[[Q]] : ({{.*}}) -> tensor<2x4x!quant.uniform<i16<-2048:2047>:f32, 0.0039072039072039072:-2048>>
// CHECK: qnn.add %[[P]], %[[P]]
// CHECK-NOT: qnn.quantize
func.func @pow_const(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y = qnn.add %x0, %x0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = -2.0, max = 4.0} : tensor<2x4xf32>
  %c = arith.constant dense<2.0> : tensor<f32>
  %0 = qnn.pow %y0, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "sq", min = 0.0, max = 16.0} : tensor<2x4xf32>
  %2 = qnn.add %1, %1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = qnn.observe %2 {name = "z", min = 0.0, max = 32.0} : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----
// Two tensors, broadcast: each operand keeps its own type.
// CHECK-LABEL: func @div_tensors
// CHECK: %[[Y:.*]] = qnn.quantize %arg1 {{.*}} -> tensor<4x!quant.uniform<i16<-2048:2047>:f32, 4.884004884004884E-4:-2048>>
// CHECK: %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<2x4x!quant.uniform<i16<-2048:2047>:f32, 7.326007326007326E-4:-683>>
// CHECK: %[[D:.*]] = qnn.div %[[X]], %[[Y]] : ({{.*}}) -> tensor<2x4x!quant.uniform<i16<-2048:2047>:f32, 0.0014652014652014652:-683>>
// CHECK: qnn.dequantize %[[D]]
func.func @div_tensors(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 2.0} : tensor<4xf32>
  %0 = qnn.div %x0, %y0 : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "d", min = -2.0, max = 4.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

// -----
// pow of two tensors.
// CHECK-LABEL: func @pow_tensors
// CHECK: qnn.pow {{.*}} : (tensor<4x!quant.uniform<i16<-2048:2047>:f32, 4.884004884004884E-4:-2048>>, tensor<4x!quant.uniform<i16<-2048:2047>:f32, 9.768009768009768E-4:-1024>>) -> tensor<4x!quant.uniform<i16<-2048:2047>:f32, 0.0019536019536019536:-2048>>
func.func @pow_tensors(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = 0.0, max = 2.0} : tensor<4xf32>
  %y0 = qnn.observe %y {name = "y", min = -1.0, max = 3.0} : tensor<4xf32>
  %0 = qnn.pow %x0, %y0 : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "p", min = 0.0, max = 8.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// A constant that is not finite stays float, with a remark.
// CHECK-LABEL: func @pow_inf
// CHECK: qnn.pow {{.*}} : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
func.func @pow_inf(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<0x7F800000> : tensor<f32>
  // expected-remark @+1 {{stays float: its constant rhs is not finite and its other operand is wider than 8 bits}}
  %0 = qnn.pow %x0, %c : (tensor<4xf32>, tensor<f32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "p", min = 0.0, max = 8.0} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// A division by a positive constant needs no table: the input is
// reinterpreted with scale s_in / 4 and requantized (no remark).
// CHECK-LABEL: func @div_const
// CHECK: %[[I:.*]] = quant.scast %{{.*}} : tensor<4x!quant.uniform<i16<-2048:2047>:f32, {{.*}}>> to tensor<4xi16>
// CHECK: %[[V:.*]] = quant.scast %[[I]] : tensor<4xi16> to tensor<4x!quant.uniform<i16<-2048:2047>:f32, {{.*}}>>
// CHECK: qnn.requantize %[[V]]
func.func @div_const(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<4.0> : tensor<4xf32>
  %0 = qnn.div %x0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "d", min = -0.25, max = 0.5} : tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----
// A negative divisor has no such reinterpretation (scales are positive):
// the log-domain form, with the divisor exact (-1 of scale 4).
// CHECK-LABEL: func @div_negative_const
// CHECK: %[[C:.*]] = arith.constant dense<-1> : tensor<4xi8>
// CHECK: %[[Q:.*]] = quant.scast %[[C]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 4.000000e+00>>
// CHECK: qnn.div %{{.*}}, %[[Q]] : ({{.*}}) -> tensor<4x!quant.uniform<i16<-2048:2047>:f32, 1.8315018315018315E-4:682>>
func.func @div_negative_const(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<-4.0> : tensor<4xf32>
  %0 = qnn.div %x0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "d", min = -0.5, max = 0.25} : tensor<4xf32>
  return %1 : tensor<4xf32>
}
