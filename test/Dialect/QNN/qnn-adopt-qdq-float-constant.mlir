// RUN: qopt %s --qnn-adopt-qdq --verify-diagnostics | FileCheck %s
// RUN: qopt %s --qnn-adopt-qdq --qnn-quantize --verify-diagnostics | FileCheck %s --check-prefix=Q
// RUN: qopt %s --qnn-adopt-qdq=calibrate-float-ops=true --qnn-quantize | FileCheck %s --check-prefix=CAL

// An add whose other operand is a plain float constant (not a dequantized
// one) stays float, as ONNX Runtime runs it (it fuses only node units whose
// inputs are all dequantized); its result still gets the model's type.
// With calibrate-float-ops, qnn-quantize quantizes it, constant included.
// CHECK-LABEL: func @float_constant_add
// CHECK:       qnn.add %{{.*}}, %{{.*}} {qnn.keep_float}
// Q-LABEL: func @float_constant_add
// Q:       %[[D:.*]] = qnn.dequantize
// Q:       %[[A:.*]] = qnn.add %[[D]], %{{.*}} : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
// Q-NOT:   keep_float
// Q:       qnn.quantize %[[A]] : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 2.000000e-02:4>>
// CAL-LABEL: func @float_constant_add
// CAL:       qnn.add %{{.*}}, %{{.*}} : (tensor<1x4x!quant.uniform<i8:f32, 5.000000e-02:1>>, tensor<1x4x!quant.uniform<i8:f32{{.*}}>>) -> tensor<1x4x!quant.uniform<i8:f32, 2.000000e-02:4>>
func.func @float_constant_add(%x: tensor<1x4xf32> {qnn.name = "x"}) -> tensor<1x4xf32> {
  %q = qnn.quantize %x : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.05:1>>
  %d = qnn.dequantize %q : (tensor<1x4x!quant.uniform<i8:f32, 0.05:1>>) -> tensor<1x4xf32>
  %c = arith.constant dense<[[0.3, -0.17, 0.011, 1.0]]> : tensor<1x4xf32>
  // expected-remark @+1 {{qnn-adopt-qdq: 'add_0' stays float: its operand 'constant_0:0' is a float constant, not a dequantized one}}
  %a = qnn.add %d, %c : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x4xf32>
  %aq = qnn.quantize %a : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.02:4>>
  %ad = qnn.dequantize %aq : (tensor<1x4x!quant.uniform<i8:f32, 0.02:4>>) -> tensor<1x4xf32>
  return %ad : tensor<1x4xf32>
}
