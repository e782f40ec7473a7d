// RUN: qopt %s --split-input-file --qnn-bias-correction="weight-bits=4 per-axis-weights=false" | FileCheck %s
// RUN: qopt %s --split-input-file --qnn-bias-correction="weight-bits=4 per-axis-weights=false" --qnn-quantize="weight-bits=4 per-axis-weights=false" | FileCheck %s --check-prefix=QUANT
// The same scheme from a config, as qnn-quantize reads it.
// RUN: echo '{"op_types": {"qnn.dense": {"weight_bits": 4, "per_tensor_weights": true}, "qnn.conv2d": {"weight_bits": 4, "per_tensor_weights": true}}}' > %t.json
// RUN: qopt %s --split-input-file --qnn-bias-correction="config=%t.json" | FileCheck %s
// Per-axis activations: qnn-quantize rescales the weights that read a
// per-axis tensor, so those layers are left alone.
// RUN: qopt %s --split-input-file --qnn-bias-correction="weight-bits=4 per-axis-weights=false per-tensor-activations=false" 2>&1 | FileCheck %s --check-prefix=PERAXIS

// No activation between: E[x] = beta = [1, 2]. 4-bit per-tensor weights:
// scale 0.7 / 7 = 0.1, W_q = [[0.7, 0.3], [-0.3, 0.1]], W_q - W =
// [[0, 0.04], [0.03, 0]], so the bias (none: 0) becomes -[0.08, 0.03].
// qnn-quantize, given the same options, produces exactly these W_q.
// CHECK-LABEL: func @no_activation
// CHECK: %[[B:.*]] = arith.constant dense<[-0.0800000429, -0.0300000012]> : tensor<2xf32>
// CHECK: qnn.dense %{{.*}}, %{{.*}}, %[[B]] :
// QUANT-LABEL: func @no_activation
// QUANT: arith.constant dense<{{\[\[}}7, 3], [-3, 1]]> : tensor<2x2xi8>
// QUANT: quant.scast {{.*}} to tensor<2x2x!quant.uniform<i8<-7:7>:f32, 0.0999999{{[0-9]*}}>>
// PERAXIS: remark: qnn-bias-correction: no layer in function 'no_activation'
func.func @no_activation(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %w1 = arith.constant dense<[[1.0, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %b1 = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %w2 = arith.constant dense<[[0.7, 0.26], [-0.33, 0.1]]> : tensor<2x2xf32>
  %x0 = qnn.observe %x {name = "x", min = -1.0 : f64, max = 1.0 : f64} : tensor<1x2xf32>
  %0 = qnn.dense %x0, %w1, %b1 {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[1.0, 2.0]> : tensor<2xf32>} : (tensor<1x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<1x2xf32>
  %1 = qnn.observe %0 {name = "a", min = -2.0 : f64, max = 4.0 : f64} : tensor<1x2xf32>
  %2 = qnn.dense %1, %w2 : (tensor<1x2xf32>, tensor<2x2xf32>) -> tensor<1x2xf32>
  %3 = qnn.observe %2 {name = "b", min = -1.0 : f64, max = 1.0 : f64} : tensor<1x2xf32>
  return %3 : tensor<1x2xf32>
}

// -----
// Through a probe, a ReLU6 and an average pool: E[x] is the mean of
// N(beta, gamma^2) clipped to [0, 6] (|gamma| for a negative gamma):
// E = [4.60841516, 0.69779655]. Scale 0.71 / 7, W_q = [0.3043, -0.71];
// the bias 0.5 becomes 0.5 - 0.0043 * 4.6084 = 0.48025.
// CHECK-LABEL: func @clipped
// CHECK: %[[B:.*]] = arith.constant dense<0.480249733> : tensor<1xf32>
// CHECK: qnn.conv2d %{{.*}}, %{{.*}}, %[[B]] :
func.func @clipped(%x: tensor<1x2x2x1xf32>) -> tensor<1x1x1x1xf32> {
  %w1 = arith.constant dense<[[[[1.0]]], [[[-1.0]]]]> : tensor<2x1x1x1xf32>
  %w2 = arith.constant dense<[[[[0.3, -0.71]]]]> : tensor<1x1x1x2xf32>
  %b2 = arith.constant dense<[0.5]> : tensor<1xf32>
  %0 = qnn.conv2d %x, %w1 {qnn.bn_scale = dense<[2.0, -1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[5.0, 0.5]> : tensor<2xf32>} : (tensor<1x2x2x1xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = qnn.observe %0 {name = "a", min = -1.0 : f64, max = 9.0 : f64} : tensor<1x2x2x2xf32>
  %2 = qnn.clip %1 {min = 0.0 : f32, max = 6.0 : f32} : tensor<1x2x2x2xf32>
  %3 = qnn.avg_pool2d %2 {kernel = array<i64: 2, 2>} : (tensor<1x2x2x2xf32>) -> tensor<1x1x1x2xf32>
  %4 = qnn.conv2d %3, %w2, %b2 : (tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>, tensor<1xf32>) -> tensor<1x1x1x1xf32>
  return %4 : tensor<1x1x1x1xf32>
}

// -----
// Through a flatten into a dense after a standalone batch norm (the add
// carries the statistics), E[relu(N(0, 1))] = 0.3989 for both features of
// each channel: -sum (W_q - W) E over the 4 features.
// W = [0.7, 0.1, 0.26, -0.33], W_q = [0.7, 0.1, 0.3, -0.3]:
// -(0.04 + 0.03) * 0.39894228 = -0.0279259.
// CHECK-LABEL: func @flatten
// CHECK: %[[B:.*]] = arith.constant dense<-0.02792{{[0-9]*}}> : tensor<1xf32>
// CHECK: qnn.dense %{{.*}}, %{{.*}}, %[[B]] :
func.func @flatten(%x: tensor<1x1x2x2xf32>) -> tensor<1x1xf32> {
  %a = arith.constant dense<[1.0, 1.0]> : tensor<2xf32>
  %b = arith.constant dense<[0.0, 0.0]> : tensor<2xf32>
  %w = arith.constant dense<[[0.7, 0.1, 0.26, -0.33]]> : tensor<1x4xf32>
  %0 = qnn.mul %x, %a : (tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  %1 = qnn.add %0, %b {qnn.bn_scale = dense<[1.0, 1.0]> : tensor<2xf32>, qnn.bn_shift = dense<[0.0, 0.0]> : tensor<2xf32>} : (tensor<1x1x2x2xf32>, tensor<2xf32>) -> tensor<1x1x2x2xf32>
  %2 = qnn.relu %1 : tensor<1x1x2x2xf32>
  %3 = qnn.reshape %2 : (tensor<1x1x2x2xf32>) -> tensor<1x4xf32>
  %4 = qnn.dense %3, %w : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x1xf32>
  return %4 : tensor<1x1xf32>
}
