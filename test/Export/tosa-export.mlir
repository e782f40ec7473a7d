// RUN: qopt %s --qnn-export-tosa --split-input-file --verify-diagnostics | FileCheck %s

// Weights become tosa.const; nothing but TOSA remains.
// CHECK-LABEL: func @dense_quant
// CHECK: "tosa.const"() <{values = dense<{{\[\[\[}}1, 3], [-2, 4]]]> : tensor<1x2x2xi8>}>
// CHECK-NOT: arith.constant
// CHECK: tosa.matmul
// CHECK: tosa.rescale
func.func @dense_quant(%x: tensor<1x2x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>> {
  %wi = arith.constant dense<[[1, -2], [3, 4]]> : tensor<2x2xi8>
  %w = quant.scast %wi : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.05>>
  %0 = qnn.dense %x, %w : (tensor<1x2x!quant.uniform<i8:f32, 0.1>>, tensor<2x2x!quant.uniform<i8<-127:127>:f32, 0.05>>) -> tensor<1x2x!quant.uniform<i8:f32, 0.2>>
  return %0 : tensor<1x2x!quant.uniform<i8:f32, 0.2>>
}

// -----
// A dilated max pool has no TOSA form: the error points at the qnn op.
func.func @dilated_pool(%x: tensor<1x5x5x1xf32>) -> tensor<1x3x3x1xf32> {
  // expected-error @+1 {{cannot be exported to TOSA: it lowers to 'arith.constant', which is not a TOSA op}}
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x5x5x1xf32>) -> tensor<1x3x3x1xf32>
  return %0 : tensor<1x3x3x1xf32>
}
