// RUN: qopt %s --qnn-legalize-bitwidth=target=%qmlir_src/targets/edge-lowbit.json --verify-diagnostics | FileCheck %s --check-prefix=CFG
// RUN: qopt %s --qnn-legalize-bitwidth=target=%qmlir_src/targets/edge-lowbit.json --qnn-quantize 2>/dev/null | FileCheck %s

// The edge target (4-bit weights, 1-4-bit activations, power-of-two
// scales, 20-bit accumulators): every width is clamped, accumulators set to
// 20 bits, scales made powers of two; one remark per change. The result is
// the module's qnn.quant_config.
// CFG: module attributes {qnn.quant_config = "{\22defaults\22:{\22input_dtype\22:\22int4\22,\22power_of_two_scales\22:true}
// CFG-SAME: \22conv2d_0\22:{\22buffer_bits\22:20,\22output_bits\22:4,\22weight_bits\22:4}
// CFG-SAME: \22dense_3\22:{\22buffer_bits\22:20,\22output_bits\22:4,\22weight_bits\22:4}
// CFG-SAME: \22relu_1\22:{\22activation_bits\22:4}

// qnn-quantize reads it: 4-bit symmetric weights, 4-bit activations, every
// scale a power of two.
// CHECK: qnn.quantize %arg0 {{.*}} -> tensor<1x4x4x1x!quant.uniform<i8<-8:7>:f32, 1.250000e-01:-8>>
// CHECK: quant.scast {{.*}} to tensor<2x3x3x1x!quant.uniform<i8<-7:7>:f32:0, {2.500000e-01,2.500000e-01}>>
// CHECK: qnn.conv2d {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 2.500000e-01:-8>>
// CHECK: quant.scast {{.*}} to tensor<3x32x!quant.uniform<i8<-7:7>:f32:0, {6.250000e-02,6.250000e-02,6.250000e-02}>>
// CHECK: qnn.dense {{.*}} -> tensor<1x3x!quant.uniform<i8<-8:7>:f32, 1.000000e+00:-4>>

// expected-remark @below {{power_of_two_scales false -> true (target 'edge-lowbit' requantizes by shifts only)}}
// expected-remark @below {{input_dtype int8 -> int4 (target 'edge-lowbit' allows activation_bits 1, 2, 3, 4)}}
func.func @main(%x: tensor<1x4x4x1xf32> {qnn.name = "input"}) -> tensor<1x3xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x1xf32>
  %w1 = arith.constant dense<[[[[0.5], [-0.25], [0.125]], [[1.0], [0.75], [-0.5]], [[0.25], [0.0], [-1.0]]],
                              [[[-0.3], [0.6], [0.9]], [[0.1], [-0.2], [0.4]], [[0.7], [-0.8], [0.05]]]]> : tensor<2x3x3x1xf32>
  %b1 = arith.constant dense<[0.05, -0.1]> : tensor<2xf32>
  // expected-remark @below {{layer 'conv2d_0': weight_bits 8 -> 4 (target 'edge-lowbit' allows 4)}}
  // expected-remark @below {{layer 'conv2d_0': output_bits 8 -> 4 (target 'edge-lowbit' allows 1, 2, 3, 4)}}
  // expected-remark @below {{layer 'conv2d_0': buffer_bits 32 -> 20 (target 'edge-lowbit' accumulates in 20 bits)}}
  %c1 = qnn.conv2d %x0, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
  %c1o = qnn.observe %c1 {name = "conv1:0", min = -2.0, max = 3.0} : tensor<1x4x4x2xf32>
  // expected-remark @below {{layer 'relu_1': activation_bits 8 -> 4 (target 'edge-lowbit' allows 1, 2, 3, 4)}}
  %r1 = qnn.relu %c1o : tensor<1x4x4x2xf32>
  %r1o = qnn.observe %r1 {name = "relu1:0", min = 0.0, max = 3.0} : tensor<1x4x4x2xf32>
  %f = qnn.reshape %r1o : (tensor<1x4x4x2xf32>) -> tensor<1x32xf32>
  %w2 = arith.constant dense<0.25> : tensor<3x32xf32>
  %b2 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  // expected-remark @below {{layer 'dense_3': weight_bits 8 -> 4 (target 'edge-lowbit' allows 4)}}
  // expected-remark @below {{layer 'dense_3': output_bits 8 -> 4 (target 'edge-lowbit' allows 1, 2, 3, 4)}}
  // expected-remark @below {{layer 'dense_3': buffer_bits 32 -> 20 (target 'edge-lowbit' accumulates in 20 bits)}}
  %d = qnn.dense %f, %w2, %b2 : (tensor<1x32xf32>, tensor<3x32xf32>, tensor<3xf32>) -> tensor<1x3xf32>
  %do = qnn.observe %d {name = "fc:0", min = -4.0, max = 4.0} : tensor<1x3xf32>
  return %do : tensor<1x3xf32>
}
