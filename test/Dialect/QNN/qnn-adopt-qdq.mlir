// RUN: qopt %s --qnn-adopt-qdq --split-input-file --verify-diagnostics | FileCheck %s
// RUN: qopt %s --qnn-adopt-qdq --qnn-quantize --split-input-file --verify-diagnostics | FileCheck %s --check-prefix=Q

// An ONNX QDQ conv: per-tensor activation pairs become probes with the
// pair's type; the int8 OIHW weights (per output channel, axis 0) behind the
// importer's transpose become one OHWI quantized constant; the int32 bias
// becomes a float constant of its real values. qnn-quantize then builds the
// integer conv with exactly those types and the weight -128 unchanged.
// CHECK-LABEL: func @conv
// CHECK-SAME:  (%[[X:.*]]: tensor<1x4x4x2xf32>
// CHECK:       %[[PX:.*]] = qnn.observe %[[X]] {max = 6.{{.*}}, min = -6.{{.*}}, name = "x", qnn.fixed_type = !quant.uniform<i8:f32, 5.000000e-02:1>}
// CHECK-DAG:   %[[B:.*]] = arith.constant dense<[1.000000e-01, -2.000000e-01]> : tensor<2xf32>
// CHECK-DAG:   %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}-128, 3]]], {{\[\[\[}}5, 7]]]]> : tensor<2x1x1x2xi8>
// CHECK:       %[[WQ:.*]] = quant.scast %[[WI]] : tensor<2x1x1x2xi8> to tensor<2x1x1x2x!quant.uniform<i8:f32:0, {1.000000e-02,2.000000e-02}>>
// CHECK:       %[[W:.*]] = qnn.dequantize %[[WQ]]
// CHECK:       %[[C:.*]] = qnn.conv2d %[[PX]], %[[W]], %[[B]]
// CHECK:       %[[PC:.*]] = qnn.observe %[[C]] {{{.*}}name = "conv:0", qnn.fixed_type = !quant.uniform<i8:f32, 1.000000e-01:-128>}
// CHECK-NOT:   qnn.quantize
// CHECK:       return %[[PC]]
// Q-LABEL: func @conv
// Q:       %[[X:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 5.000000e-02:1>>
// Q-DAG:   %[[WI:.*]] = arith.constant dense<{{\[\[\[\[}}-128, 3]]], {{\[\[\[}}5, 7]]]]> : tensor<2x1x1x2xi8>
// Q-DAG:   %[[BI:.*]] = arith.constant dense<[200, -200]> : tensor<2xi32>
// Q:       %[[C:.*]] = qnn.conv2d %[[X]], %{{.*}}, %{{.*}} : {{.*}} -> tensor<1x4x4x2x!quant.uniform<i8:f32, 1.000000e-01:-128>>
// Q:       %[[D:.*]] = qnn.dequantize %[[C]]
// Q-NOT:   qnn.observe
// Q:       return %[[D]]
func.func @conv(%x: tensor<1x4x4x2xf32> {qnn.name = "x"}) -> tensor<1x4x4x2xf32> {
  %q = qnn.quantize %x : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:1>> loc("x_Q")
  %d = qnn.dequantize %q : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.05:1>>) -> tensor<1x4x4x2xf32> loc("x_DQ")
  %wi = arith.constant dense<[[[[-128]], [[3]]], [[[5]], [[7]]]]> : tensor<2x2x1x1xi8>
  %wq = quant.scast %wi : tensor<2x2x1x1xi8> to tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>
  %wd = qnn.dequantize %wq : (tensor<2x2x1x1x!quant.uniform<i8:f32:0, {0.01, 0.02}>>) -> tensor<2x2x1x1xf32> loc("w_DQ")
  %w = qnn.transpose %wd {permutation = array<i64: 0, 2, 3, 1>} : (tensor<2x2x1x1xf32>) -> tensor<2x1x1x2xf32>
  %bi = arith.constant dense<[200, -200]> : tensor<2xi32>
  %bq = quant.scast %bi : tensor<2xi32> to tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>
  %b = qnn.dequantize %bq : (tensor<2x!quant.uniform<i32:f32:0, {5.0e-4, 1.0e-3}>>) -> tensor<2xf32> loc("b_DQ")
  %c = qnn.conv2d %d, %w, %b : (tensor<1x4x4x2xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv")
  %cq = qnn.quantize %c : (tensor<1x4x4x2xf32>) -> tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-128>> loc("c_Q")
  %cd = qnn.dequantize %cq : (tensor<1x4x4x2x!quant.uniform<i8:f32, 0.1:-128>>) -> tensor<1x4x4x2xf32> loc("c_DQ")
  return %cd : tensor<1x4x4x2xf32>
}

// -----

// A uint8 graph input (the importer's boundary requantize to the i8 form
// shifted by -128) read through a DequantizeLinear: the dequantized tensor
// gets the shifted type, and qnn-quantize reads the integers directly.
// A relu whose output has another type requantizes to it; a dense whose
// output the model does not quantize stays float, with a remark.
// CHECK-LABEL: func @uint8_input
// CHECK:       %[[D:.*]] = qnn.dequantize
// CHECK:       %[[P:.*]] = qnn.observe %[[D]] {{{.*}}qnn.fixed_type = !quant.uniform<i8:f32, 5.000000e-01>}
// CHECK:       %[[R:.*]] = qnn.relu %[[P]]
// CHECK:       qnn.observe %[[R]] {{{.*}}qnn.fixed_type = !quant.uniform<i8:f32, 2.500000e-01:-128>}
// Q-LABEL: func @uint8_input
// Q:       %[[A:.*]] = qnn.requantize %arg0 {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01>>
// Q:       %[[R:.*]] = qnn.relu %[[A]] : tensor<1x4x!quant.uniform<i8:f32, 5.000000e-01>>
// Q:       %[[R2:.*]] = qnn.requantize %[[R]] {{.*}} -> tensor<1x4x!quant.uniform<i8:f32, 2.500000e-01:-128>>
// Q:       %[[F:.*]] = qnn.dequantize %[[R2]]
// Q:       qnn.dense %[[F]], {{.*}} -> tensor<1x2xf32>
func.func @uint8_input(%x: tensor<1x4x!quant.uniform<u8:f32, 0.5:128>> {qnn.name = "x"}) -> tensor<1x2xf32> {
  %a = qnn.requantize %x : (tensor<1x4x!quant.uniform<u8:f32, 0.5:128>>) -> tensor<1x4x!quant.uniform<i8:f32, 0.5>>
  %d = qnn.dequantize %a : (tensor<1x4x!quant.uniform<i8:f32, 0.5>>) -> tensor<1x4xf32> loc("x_DQ")
  %r = qnn.relu %d : tensor<1x4xf32> loc("relu")
  %rq = qnn.quantize %r : (tensor<1x4xf32>) -> tensor<1x4x!quant.uniform<i8:f32, 0.25:-128>> loc("r_Q")
  %rd = qnn.dequantize %rq : (tensor<1x4x!quant.uniform<i8:f32, 0.25:-128>>) -> tensor<1x4xf32> loc("r_DQ")
  %w = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5]]> : tensor<2x4xf32>
  // expected-remark @+1 {{stays float: the model does not quantize its output}}
  %y = qnn.dense %rd, %w : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  return %y : tensor<1x2xf32>
}

// -----

// TF FakeQuant on weights: a float constant -> quantize -> dequantize (HWIO
// per output channel, axis 3) -> the importer's transpose to OHWI becomes a
// quantized constant computed on the host, per axis 0.
// CHECK-LABEL: func @fake_quant_weights
// CHECK:       arith.constant dense<{{\[\[\[\[}}127, -64]]], {{\[\[\[}}-127, 127]]]]> : tensor<2x1x1x2xi8>
// CHECK:       quant.scast {{.*}} to tensor<2x1x1x2x!quant.uniform<i8<-127:127>:f32:0, {0.0078740157480314959,0.015748031496062992}>>
// CHECK-NOT:   qnn.quantize
// Q-LABEL: func @fake_quant_weights
// Q:       qnn.conv2d {{.*}} -> tensor<1x3x3x2x!quant.uniform<i8:f32, 1.000000e-01:-28>>
func.func @fake_quant_weights(%x: tensor<1x3x3x2xf32> {qnn.name = "x"}) -> tensor<1x3x3x2xf32> {
  %xq = qnn.quantize %x : (tensor<1x3x3x2xf32>) -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05:-3>> loc("x_fq")
  %xd = qnn.dequantize %xq : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x3x3x2xf32> loc("x_fq")
  // HWIO [1, 1, 2, 2]: w[0][0][i][o].
  %w = arith.constant dense<[[[[1.0, -2.0], [-0.5, 2.0]]]]> : tensor<1x1x2x2xf32>
  %wq = qnn.quantize %w : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i8<-127:127>:f32:3, {0.0078740157480314959, 0.015748031496062992}>> loc("w_fq")
  %wd = qnn.dequantize %wq : (tensor<1x1x2x2x!quant.uniform<i8<-127:127>:f32:3, {0.0078740157480314959, 0.015748031496062992}>>) -> tensor<1x1x2x2xf32> loc("w_fq")
  %wt = qnn.transpose %wd {permutation = array<i64: 3, 0, 1, 2>} : (tensor<1x1x2x2xf32>) -> tensor<2x1x1x2xf32>
  %c = qnn.conv2d %xd, %wt : (tensor<1x3x3x2xf32>, tensor<2x1x1x2xf32>) -> tensor<1x3x3x2xf32> loc("conv")
  %cq = qnn.quantize %c : (tensor<1x3x3x2xf32>) -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1:-28>> loc("c_fq")
  %cd = qnn.dequantize %cq : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.1:-28>>) -> tensor<1x3x3x2xf32> loc("c_fq")
  return %cd : tensor<1x3x3x2xf32>
}

// -----

// A TF depthwise filter [H, W, C, M] = [1, 1, 2, 2] quantized per M: after
// the importer's transpose and reshape to [C*M, 1, 1, 1] the channels of M
// are no dimension of their own, so the layer gets the real values moved
// into its layout (w[c][m] at row c*M + m) and qnn-quantize quantizes them.
// CHECK-LABEL: func @depthwise_per_m
// CHECK:       %[[W:.*]] = arith.constant dense<{{\[\[\[\[}}{{.*}}]]], {{\[\[\[}}-{{[12]\.[0-9]+}}e+00]]], {{\[\[\[}}-5.0393{{[0-9]*}}e-01]]], {{.*}}]]]]> : tensor<4x1x1x1xf32>
// CHECK:       qnn.conv2d %{{.*}}, %[[W]] {groups = 2 : i64}
func.func @depthwise_per_m(%x: tensor<1x3x3x2xf32> {qnn.name = "x"}) -> tensor<1x3x3x4xf32> {
  %xq = qnn.quantize %x : (tensor<1x3x3x2xf32>) -> tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05:-3>>
  %xd = qnn.dequantize %xq : (tensor<1x3x3x2x!quant.uniform<i8:f32, 0.05:-3>>) -> tensor<1x3x3x2xf32>
  %w = arith.constant dense<[[[[1.0, -2.0], [-0.5, 2.0]]]]> : tensor<1x1x2x2xf32>
  %wq = qnn.quantize %w : (tensor<1x1x2x2xf32>) -> tensor<1x1x2x2x!quant.uniform<i8<-127:127>:f32:3, {0.0078740157480314959, 0.015748031496062992}>>
  %wd = qnn.dequantize %wq : (tensor<1x1x2x2x!quant.uniform<i8<-127:127>:f32:3, {0.0078740157480314959, 0.015748031496062992}>>) -> tensor<1x1x2x2xf32>
  %wt = qnn.transpose %wd {permutation = array<i64: 2, 3, 0, 1>} : (tensor<1x1x2x2xf32>) -> tensor<2x2x1x1xf32>
  %wr = qnn.reshape %wt : (tensor<2x2x1x1xf32>) -> tensor<4x1x1x1xf32>
  // expected-remark @+1 {{qnn-adopt-qdq: the model's per-axis weight scales do not follow the weights into the layer's layout; qnn-quantize quantizes the weights of}}
  %c = qnn.conv2d %xd, %wr {groups = 2 : i64} : (tensor<1x3x3x2xf32>, tensor<4x1x1x1xf32>) -> tensor<1x3x3x4xf32>
  %cq = qnn.quantize %c : (tensor<1x3x3x4xf32>) -> tensor<1x3x3x4x!quant.uniform<i8:f32, 0.1>>
  %cd = qnn.dequantize %cq : (tensor<1x3x3x4x!quant.uniform<i8:f32, 0.1>>) -> tensor<1x3x3x4xf32>
  return %cd : tensor<1x3x3x4xf32>
}

// -----

// A second pair on the same tensor with other parameters is a requantization
// the model asks for: it stays a float quantize/dequantize, with a remark.
// CHECK-LABEL: func @two_types
// CHECK:       qnn.observe %arg0 {{{.*}}qnn.fixed_type = !quant.uniform<i8:f32, 1.000000e-01>}
// CHECK:       qnn.quantize {{.*}} -> tensor<4x!quant.uniform<i8:f32, 2.000000e-01>>
// The tensor is still returned as its quantized values (the model's
// DequantizeLinear output), and the second quantize reads the float input.
// Q-LABEL: func @two_types
// Q:       %[[Q1:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 1.000000e-01>>
// Q:       %[[D1:.*]] = qnn.dequantize %[[Q1]]
// Q:       %[[Q2:.*]] = qnn.quantize %arg0 {{.*}} -> tensor<4x!quant.uniform<i8:f32, 2.000000e-01>>
// Q:       %[[D2:.*]] = qnn.dequantize %[[Q2]]
// Q:       return %[[D1]], %[[D2]]
func.func @two_types(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q1 = qnn.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d1 = qnn.dequantize %q1 : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  // expected-remark @+1 {{qnn-adopt-qdq: the tensor already has type '!quant.uniform<i8:f32, 1.000000e-01>'; this requantization to '!quant.uniform<i8:f32, 2.000000e-01>' is kept as float quantize/dequantize}}
  %q2 = qnn.quantize %x : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.2>>
  %d2 = qnn.dequantize %q2 : (tensor<4x!quant.uniform<i8:f32, 0.2>>) -> tensor<4xf32>
  return %d1, %d2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Per-axis activation quantization along another dimension than the
// channels (the last) has no integer rule: the pair stays, with a remark.
// CHECK-LABEL: func @per_axis_activation
// CHECK:       qnn.quantize %arg0
// CHECK:       qnn.dequantize
// CHECK-NOT:   qnn.observe
func.func @per_axis_activation(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-remark @+1 {{qnn-adopt-qdq: quantization per axis 0 (not the channel dimension) kept as float quantize/dequantize}}
  %q = qnn.quantize %x : (tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>
  %d = qnn.dequantize %q : (tensor<2x3x!quant.uniform<i8:f32:0, {0.1, 0.2}>>) -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

// Adopting after calibration probes were inserted is an error.
// expected-error @+1 {{qnn-adopt-qdq: the function already has qnn.observe probes: run qnn-adopt-qdq instead of qnn-insert-calibration, not after it}}
func.func @probed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %p = qnn.observe %x {name = "x"} : tensor<4xf32>
  %q = qnn.quantize %p : (tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.1>>
  %d = qnn.dequantize %q : (tensor<4x!quant.uniform<i8:f32, 0.1>>) -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// A dequantized constant operand of an add, behind the importer's transpose
// to NHWC: one quantized constant in the add's layout with the model's
// scale and zero point, which qnn-quantize uses as it is (its integers are
// not requantized with parameters of qnn-quantize's own).
// CHECK-LABEL: func @add_constant
// CHECK:       %[[CI:.*]] = arith.constant dense<{{\[\[\[}}[-7, 0, 100]]]]> : tensor<1x1x1x3xi8>
// CHECK:       %[[CQ:.*]] = quant.scast %[[CI]] : tensor<1x1x1x3xi8> to tensor<1x1x1x3x!quant.uniform<i8:f32, 3.000000e-02:5>>
// CHECK:       %[[C:.*]] = qnn.dequantize %[[CQ]]
// CHECK:       qnn.add %{{.*}}, %[[C]]
// Q-LABEL: func @add_constant
// Q:       %[[CQ:.*]] = quant.scast %{{.*}} : tensor<1x1x1x3xi8> to tensor<1x1x1x3x!quant.uniform<i8:f32, 3.000000e-02:5>>
// Q:       qnn.add %{{.*}}, %[[CQ]] : {{.*}} -> tensor<1x2x2x3x!quant.uniform<i8:f32, 1.000000e-01:-3>>
func.func @add_constant(%x: tensor<1x2x2x3xf32> {qnn.name = "x"}) -> tensor<1x2x2x3xf32> {
  %q = qnn.quantize %x : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.05:1>>
  %d = qnn.dequantize %q : (tensor<1x2x2x3x!quant.uniform<i8:f32, 0.05:1>>) -> tensor<1x2x2x3xf32>
  %ci = arith.constant dense<[[[[-7]], [[0]], [[100]]]]> : tensor<1x3x1x1xi8>
  %cq = quant.scast %ci : tensor<1x3x1x1xi8> to tensor<1x3x1x1x!quant.uniform<i8:f32, 0.03:5>>
  %cd = qnn.dequantize %cq : (tensor<1x3x1x1x!quant.uniform<i8:f32, 0.03:5>>) -> tensor<1x3x1x1xf32>
  %ct = qnn.transpose %cd {permutation = array<i64: 0, 2, 3, 1>} : (tensor<1x3x1x1xf32>) -> tensor<1x1x1x3xf32>
  %a = qnn.add %d, %ct : (tensor<1x2x2x3xf32>, tensor<1x1x1x3xf32>) -> tensor<1x2x2x3xf32>
  %aq = qnn.quantize %a : (tensor<1x2x2x3xf32>) -> tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1:-3>>
  %ad = qnn.dequantize %aq : (tensor<1x2x2x3x!quant.uniform<i8:f32, 0.1:-3>>) -> tensor<1x2x2x3xf32>
  return %ad : tensor<1x2x2x3xf32>
}

// -----

// An op the model leaves float whose integer rule would round into a type
// of qnn-quantize's own choosing (softmax, average pooling) stays float.
// CHECK-LABEL: func @float_softmax
// CHECK:       qnn.softmax %{{.*}} : (tensor<2x4xf32>) -> tensor<2x4xf32>
// Q-LABEL: func @float_softmax
// Q:       %[[Q:.*]] = qnn.quantize %arg0
// Q:       %[[D:.*]] = qnn.dequantize %[[Q]]
// Q:       qnn.softmax %[[D]] {{.*}} -> tensor<2x4xf32>
func.func @float_softmax(%x: tensor<2x4xf32> {qnn.name = "x"}) -> tensor<2x4xf32> {
  %q = qnn.quantize %x : (tensor<2x4xf32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.05:1>>
  %d = qnn.dequantize %q : (tensor<2x4x!quant.uniform<i8:f32, 0.05:1>>) -> tensor<2x4xf32>
  // expected-remark @+1 {{qnn-adopt-qdq: 'softmax_0' stays float: the model does not quantize its output}}
  %s = qnn.softmax %d : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}
