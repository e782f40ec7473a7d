// RUN: qopt %s --pass-pipeline="builtin.module(func.func(convert-qnn-to-tosa))" --split-input-file | FileCheck %s

// Reshape and transpose move storage values.
// CHECK-LABEL: func @reshape_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xi8>)
// CHECK: %[[T:.*]] = tosa.transpose %[[X]] {perms = array<i32: 2, 0, 1>} : (tensor<2x3x4xi8>) -> tensor<4x2x3xi8>
// CHECK: tosa.reshape %[[T]], %{{.*}} : (tensor<4x2x3xi8>, !tosa.shape<2>) -> tensor<4x6xi8>
func.func @reshape_transpose(%x: tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4x6x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qnn.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4x2x3x!quant.uniform<i8:f32, 0.1:-3>>
  %1 = qnn.reshape %0 : (tensor<4x2x3x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<4x6x!quant.uniform<i8:f32, 0.1:-3>>
  return %1 : tensor<4x6x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// Concat requantizes the input whose type differs from the output's.
// CHECK-LABEL: func @concat_quant
// CHECK-SAME: (%[[X:.*]]: tensor<2x3xi8>, %[[Y:.*]]: tensor<2x2xi8>)
// CHECK: %[[R:.*]] = tosa.rescale %[[Y]], {{.*}} -> tensor<2x2xi8>
// CHECK: tosa.concat %[[X]], %[[R]] {axis = 1 : i32} : (tensor<2x3xi8>, tensor<2x2xi8>) -> tensor<2x5xi8>
func.func @concat_quant(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>>, %y: tensor<2x2x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<2x5x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qnn.concat %x, %y {axis = 1} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>>, tensor<2x2x!quant.uniform<i8:f32, 0.2:5>>) -> tensor<2x5x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<2x5x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// Pad: the real pad value 0.7 is quantized (0.7 / 0.1 - 3 = 4).
// CHECK-LABEL: func @pad_quant
// CHECK-DAG: %[[V:.*]] = "tosa.const"() <{values = dense<4> : tensor<1xi8>}>
// CHECK-DAG: %[[P:.*]] = tosa.const_shape {values = dense<[1, 0, 0, 1]> : tensor<4xindex>}
// CHECK: tosa.pad %{{.*}}, %[[P]], %[[V]] : (tensor<2x3xi8>, !tosa.shape<4>, tensor<1xi8>) -> tensor<3x4xi8>
func.func @pad_quant(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<3x4x!quant.uniform<i8:f32, 0.1:-3>> {
  %0 = qnn.pad %x {padding = array<i64: 1, 0, 0, 1>, value = 0.7 : f32} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<3x4x!quant.uniform<i8:f32, 0.1:-3>>
  return %0 : tensor<3x4x!quant.uniform<i8:f32, 0.1:-3>>
}

// -----

// Float pad.
// CHECK-LABEL: func @pad_float
// CHECK: %[[V:.*]] = "tosa.const"() <{values = dense<-1.500000e+00> : tensor<1xf32>}>
// CHECK: tosa.pad %{{.*}}, %{{.*}}, %[[V]]
func.func @pad_float(%x: tensor<2x3xf32>) -> tensor<2x6xf32> {
  %0 = qnn.pad %x {padding = array<i64: 0, 0, 1, 2>, value = -1.5 : f32} : (tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}
