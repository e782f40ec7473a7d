// RUN: qopt %s --verify-diagnostics --qnn-legalize-bitwidth=target=%S/../Inputs/narrow-acc.json
// RUN: qopt %s --qnn-legalize-bitwidth=target=%S/../Inputs/narrow-acc.json --qnn-quantize 2>/dev/null | FileCheck %s

// A 12-bit accumulator: with 8-bit inputs, dense_0 (16 products of 4-bit
// weights, all 7) could reach 255 * 112 + bias (16 bits); the model input is
// narrowed to 4 bits (15 * 112 + 21 fits). dense_2 reads relu_1: its
// 8 products at 8 bits need 14 bits, so relu_1 becomes 4-bit.
// CHECK-LABEL: func @narrowed
// CHECK: qnn.quantize %arg0 {{.*}} -> tensor<1x16x!quant.uniform<i8<-8:7>:f32, 0.066666666666666666:-8>>
// CHECK: qnn.relu {{.*}} : tensor<1x8x!quant.uniform<i8<-8:7>:f32, 0.26666666666666666:-8>>
func.func @narrowed(%x: tensor<1x16xf32>) -> tensor<1x4xf32> {
  %x0 = qnn.observe %x {name = "x", min = 0.0, max = 1.0} : tensor<1x16xf32>
  %w1 = arith.constant dense<0.5> : tensor<8x16xf32>
  %b1 = arith.constant dense<0.1> : tensor<8xf32>
  // expected-remark @below {{layer 'dense_0': weight_bits 8 -> 4 (target 'narrow-acc' allows 4)}}
  // expected-remark @below {{layer 'dense_0': buffer_bits 32 -> 12 (target 'narrow-acc' accumulates in 12 bits)}}
  // expected-remark @below {{input_dtype int8 -> int4 (layer 'dense_0' accumulates up to 16 bits, target 'narrow-acc' has 12: its input is requantized to 4 bits)}}
  %d1 = qnn.dense %x0, %w1, %b1 : (tensor<1x16xf32>, tensor<8x16xf32>, tensor<8xf32>) -> tensor<1x8xf32>
  %d1o = qnn.observe %d1 {name = "d1", min = -1.0, max = 4.0} : tensor<1x8xf32>
  // expected-remark @below {{layer 'relu_1': activation_bits 8 -> 4 (layer 'dense_2' accumulates up to 15 bits, target 'narrow-acc' has 12: its input is requantized to 4 bits)}}
  %r = qnn.relu %d1o : tensor<1x8xf32>
  %ro = qnn.observe %r {name = "r", min = 0.0, max = 4.0} : tensor<1x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<4x8xf32>
  // expected-remark @below {{layer 'dense_2': weight_bits 8 -> 4 (target 'narrow-acc' allows 4)}}
  // expected-remark @below {{layer 'dense_2': buffer_bits 32 -> 12 (target 'narrow-acc' accumulates in 12 bits)}}
  %d2 = qnn.dense %ro, %w2 : (tensor<1x8xf32>, tensor<4x8xf32>) -> tensor<1x4xf32>
  %d2o = qnn.observe %d2 {name = "d2", min = -1.0, max = 1.0} : tensor<1x4xf32>
  return %d2o : tensor<1x4xf32>
}

