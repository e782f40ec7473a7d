// qnn-quantize with a per-layer JSON config: global defaults (QuantizeML's
// QuantizationParams), op-type defaults, layer overrides; the resolved
// config written by config-out / qnn-dump-config reproduces the model.

// The first layer's weights take input_weight_bits (4); the input is
// uint8 (zero point at the bottom of the range); relu1 is 4-bit and per
// axis, and conv1 shares its type; conv2 reads relu1 reinterpreted with
// one scale (the largest) and per-channel zero points, with the per-channel
// scale ratios (1/2, 1) folded into its 6-bit per-tensor weights; dense
// outputs are 12-bit (op type default).
// RUN: printf '%%s' '{"defaults": {"input_weight_bits": 4, "input_dtype": "uint8"}, "op_types": {"qnn.dense": {"output_bits": 12}}, "layers": {"conv2": {"weight_bits": 6, "per_tensor_weights": true}, "relu1": {"activation_bits": 4, "per_tensor_activations": false}}}' > %t.c.json
// RUN: qopt %s --qnn-quantize="config=%t.c.json config-out=%t.out.json" | FileCheck %s
// CHECK: qnn.quantize %arg0 {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.0039215686274509803:-128>>
// CHECK: arith.constant dense<{{\[\[\[\[}}7, -4]]], {{\[\[\[}}7, 5]]]]> : tensor<2x1x1x2xi8>
// CHECK: %[[W1:.*]] = quant.scast {{.*}} to tensor<2x1x1x2x!quant.uniform<i8<-7:7>:f32:0, {0.071428571428571425,0.14285714285714285}>>
// CHECK: %[[C1:.*]] = qnn.conv2d %{{.*}}, %[[W1]] {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32:3, {0.066666666666666666:-8,0.13333333333333333:-8}>>
// CHECK: %[[R1:.*]] = qnn.relu %[[C1]] : tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32:3, {0.066666666666666666:-8,0.13333333333333333:-8}>>
// CHECK: arith.constant dense<{{\[\[\[\[}}8, -16]]], {{\[\[\[}}4, 31]]]]> : tensor<2x1x1x2xi8>
// CHECK: %[[W2:.*]] = quant.scast {{.*}} to tensor<2x1x1x2x!quant.uniform<i8<-31:31>:f32, 0.032258064516129031>>
// CHECK: %[[B2:.*]] = quant.scast {{.*}} to tensor<2x!quant.uniform<i32:f32, 0.0043010752688172043>>
// CHECK: %[[S:.*]] = quant.scast %[[R1]] : {{.*}} to tensor<1x4x4x2xi8>
// CHECK: %[[RI:.*]] = quant.scast %[[S]] : tensor<1x4x4x2xi8> to tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32:3, {0.13333333333333333:-8,0.13333333333333333:-8}>>
// CHECK: qnn.conv2d %[[RI]], %[[W2]], %[[B2]]
// CHECK: qnn.dense {{.*}} -> tensor<1x3x!quant.uniform<i16<-2048:2047>:f32, 0.0019536019536019536:-1>>

// The written config, fed back, gives the same model and the same config.
// RUN: qopt %s --qnn-quantize="config=%t.c.json" -o %t.a.mlir
// RUN: qopt %s --qnn-quantize="config=%t.out.json config-out=%t.out2.json" -o %t.b.mlir
// RUN: diff %t.a.mlir %t.b.mlir
// RUN: diff %t.out.json %t.out2.json
// RUN: FileCheck %s --check-prefix=OUT < %t.out.json
// OUT: "defaults": {
// OUT: "input_dtype": "uint8",
// OUT: "input_weight_bits": 4,
// OUT: "conv1": {
// OUT-NEXT: "activation_axis": -1,
// OUT-NEXT: "buffer_bits": 32,
// OUT-NEXT: "op": "qnn.conv2d",
// OUT-NEXT: "output_bits": 8,
// OUT-NEXT: "per_tensor_activations": true,
// OUT-NEXT: "per_tensor_weights": false,
// OUT-NEXT: "power_of_two_scales": false,
// OUT-NEXT: "quantize": true,
// OUT-NEXT: "symmetric_activations": false,
// OUT-NEXT: "weight_axis": 0,
// OUT-NEXT: "weight_bits": 4
// OUT: "fc": {
// OUT: "output_bits": 12,
// OUT: "relu1": {
// OUT-NEXT: "activation_axis": -1,
// OUT-NEXT: "activation_bits": 4,
// OUT-NEXT: "op": "qnn.relu",
// OUT-NEXT: "per_tensor_activations": false,
// OUT-NEXT: "power_of_two_scales": false,
// OUT-NEXT: "quantize": true,
// OUT-NEXT: "symmetric_activations": false
// OUT-NEXT: }

// qnn-dump-config writes the same resolved config without quantizing.
// RUN: qopt %s --qnn-dump-config="config=%t.c.json out=%t.dump.json" | FileCheck %s --check-prefix=UNCHANGED
// RUN: diff %t.out.json %t.dump.json
// The textual pass-pipeline form writes the same file.
// RUN: qopt %s --pass-pipeline="builtin.module(qnn-dump-config{config=%t.c.json out=%t.dump2.json})" -o /dev/null
// RUN: diff %t.dump.json %t.dump2.json
// UNCHANGED: qnn.observe
// UNCHANGED-NOT: quant.uniform

// A layer the config excludes stays float between dequantize and quantize.
// RUN: printf '%%s' '{"layers": {"conv2": {"quantize": false}}}' > %t.float.json
// RUN: qopt %s --qnn-quantize="config=%t.float.json" | FileCheck %s --check-prefix=FLOAT
// FLOAT: %[[D:.*]] = qnn.dequantize {{.*}} -> tensor<1x4x4x2xf32>
// FLOAT: %[[C2:.*]] = qnn.conv2d %[[D]], {{.*}} : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32>
// FLOAT: qnn.quantize %[[C2]]
func.func @main(%x: tensor<1x4x4x2xf32> {qnn.name = "input"}) -> tensor<1x3xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x2xf32>
  %w1 = arith.constant dense<[[[[0.5, -0.25]]], [[[1.0, 0.75]]]]> : tensor<2x1x1x2xf32>
  %c1 = qnn.conv2d %x0, %w1 : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %c1o = qnn.observe %c1 {name = "conv1:0", min = -1.0, max = 2.0} : tensor<1x4x4x2xf32>
  %r1 = qnn.relu %c1o : tensor<1x4x4x2xf32> loc("relu1")
  %r1o = qnn.observe %r1 {name = "relu1:0", min = 0.0, max = 2.0, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 1.0, 2.0>} : tensor<1x4x4x2xf32>
  %w2 = arith.constant dense<[[[[0.5, -0.5]]], [[[0.25, 1.0]]]]> : tensor<2x1x1x2xf32>
  %b2 = arith.constant dense<[0.1, -0.2]> : tensor<2xf32>
  %c2 = qnn.conv2d %r1o, %w2, %b2 : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv2")
  %c2o = qnn.observe %c2 {name = "conv2:0", min = -2.0, max = 3.0} : tensor<1x4x4x2xf32>
  %f = qnn.reshape %c2o : (tensor<1x4x4x2xf32>) -> tensor<1x32xf32> loc("flatten")
  %w3 = arith.constant dense<0.5> : tensor<3x32xf32>
  %d = qnn.dense %f, %w3 : (tensor<1x32xf32>, tensor<3x32xf32>) -> tensor<1x3xf32> loc("fc")
  %do = qnn.observe %d {name = "fc:0", min = -4.0, max = 4.0} : tensor<1x3xf32>
  return %do : tensor<1x3xf32>
}
