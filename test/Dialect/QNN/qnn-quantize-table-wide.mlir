// RUN: qopt %s --qnn-quantize=activation-bits=16 --split-input-file | FileCheck %s

// At 16 bits an elementwise function of one input is a qnn.table of 65,536
// entries (one per input storage value), not float.
// CHECK-LABEL: func @sigmoid
// CHECK: %[[Q:.*]] = qnn.quantize %arg0 : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i16:f32, [[SIN:.*]]>>
// sigmoid(-3.99993) = 0.017987 is entry 0, sigmoid(4.00005) the last one
// (the verifier checks there are 65,536).
// CHECK: %[[T:.*]] = qnn.table %[[Q]] {table = array<i32: -31589, -31589, {{.*}}, 31588>} : (tensor<2x3x!quant.uniform<i16:f32, [[SIN]]>>) -> tensor<2x3x!quant.uniform<i16:f32, {{.*}}:-32768>>
// CHECK: qnn.dequantize %[[T]]
func.func @sigmoid(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %x0 = qnn.observe %x {name = "x", min = -4.0, max = 4.0} : tensor<2x3xf32>
  %0 = qnn.unary sigmoid %x0 : tensor<2x3xf32>
  %1 = qnn.observe %0 {name = "s", min = 0.0, max = 1.0} : tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----
// A relu whose input has another user (a tanh table here) still clamps the
// storage values of its input's type: no table for relu or clip wider
// than 8 bits.
// CHECK-LABEL: func @relu_shared
// CHECK: %[[Q:.*]] = qnn.quantize %arg0
// CHECK: qnn.relu %[[Q]] : tensor<4x!quant.uniform<i16:f32
// CHECK: qnn.table %[[Q]] {{.*}} -> tensor<4x!quant.uniform<i16:f32, {{.*}}:-1>>
func.func @relu_shared(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %x0 = qnn.observe %x {name = "x", min = -1.0, max = 2.0} : tensor<4xf32>
  %0 = qnn.relu %x0 : tensor<4xf32>
  %1 = qnn.observe %0 {name = "r", min = 0.0, max = 2.0} : tensor<4xf32>
  %2 = qnn.unary tanh %x0 : tensor<4xf32>
  %3 = qnn.observe %2 {name = "t", min = -1.0, max = 1.0} : tensor<4xf32>
  return %1, %3 : tensor<4xf32>, tensor<4xf32>
}
