// RUN: qopt %s --qnn-quantize=activation-bits=12 --split-input-file --verify-diagnostics | FileCheck %s

// Operands wider than 8 bits would need tables of up to 2^32 entries: div
// and pow stay float between dequantize and quantize, with a remark naming
// the op.
// CHECK-LABEL: func @pow_const
// CHECK: %[[X:.*]] = qnn.dequantize %{{.*}} : (tensor<2x4x!quant.uniform<i16<-2048:2047>:f32, {{.*}}>>) -> tensor<2x4xf32>
// CHECK: %[[P:.*]] = qnn.pow %[[X]], %{{.*}} : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
// CHECK: qnn.quantize %[[P]]
func.func @pow_const(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y = qnn.add %x0, %x0 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = -2.0, max = 4.0} : tensor<2x4xf32>
  %c = arith.constant dense<2.0> : tensor<f32>
  // expected-remark @+1 {{stays float: its lhs is not quantized per tensor with at most 8 bits (the integer form is a lookup table)}}
  %0 = qnn.pow %y0, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "sq", min = 0.0, max = 16.0} : tensor<2x4xf32>
  %2 = qnn.add %1, %1 : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = qnn.observe %2 {name = "z", min = 0.0, max = 32.0} : tensor<2x4xf32>
  return %3 : tensor<2x4xf32>
}

// -----
// CHECK-LABEL: func @div_tensors
// CHECK: qnn.div {{.*}} : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
func.func @div_tensors(%x: tensor<2x4xf32>, %y: tensor<4xf32>) -> tensor<2x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<2x4xf32>
  %y0 = qnn.observe %y {name = "y", min = 0.5, max = 2.0} : tensor<4xf32>
  // expected-remark @+1 {{stays float: its lhs is not quantized per tensor with at most 8 bits (the integer form is a lookup table)}}
  %0 = qnn.div %x0, %y0 : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %1 = qnn.observe %0 {name = "d", min = -2.0, max = 4.0} : tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
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
// A negative divisor has no such reinterpretation (scales are positive).
// CHECK-LABEL: func @div_negative_const
// CHECK: qnn.div {{.*}} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
func.func @div_negative_const(%x: tensor<4xf32>) -> tensor<4xf32> {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %c = arith.constant dense<-4.0> : tensor<4xf32>
  // expected-remark @+1 {{stays float: its lhs is not quantized per tensor with at most 8 bits (the integer form is a lookup table)}}
  %0 = qnn.div %x0, %c : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %1 = qnn.observe %0 {name = "d", min = -0.5, max = 0.25} : tensor<4xf32>
  return %1 : tensor<4xf32>
}
