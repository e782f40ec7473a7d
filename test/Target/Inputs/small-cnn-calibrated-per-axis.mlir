// small-cnn-calibrated.mlir with per-channel ranges on the layer outputs
// (what qnn-calibrate records for per-axis activations), for the per-axis
// target tests.
func.func @main(%x: tensor<1x4x4x1xf32> {qnn.name = "input"}) -> tensor<1x3xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x1xf32>
  %w1 = arith.constant dense<[[[[0.5], [-0.25], [0.125]], [[1.0], [0.75], [-0.5]], [[0.25], [0.0], [-1.0]]],
                              [[[-0.3], [0.6], [0.9]], [[0.1], [-0.2], [0.4]], [[0.7], [-0.8], [0.05]]]]> : tensor<2x3x3x1xf32>
  %b1 = arith.constant dense<[0.05, -0.1]> : tensor<2xf32>
  %c1 = qnn.conv2d %x0, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %c1o = qnn.observe %c1 {name = "conv1:0", min = -2.0, max = 3.0, channel_min = array<f64: -2.0, -1.0>, channel_max = array<f64: 3.0, 1.5>} : tensor<1x4x4x2xf32>
  %r1 = qnn.relu %c1o : tensor<1x4x4x2xf32> loc("relu1")
  %r1o = qnn.observe %r1 {name = "relu1:0", min = 0.0, max = 3.0, channel_min = array<f64: 0.0, 0.0>, channel_max = array<f64: 3.0, 1.5>} : tensor<1x4x4x2xf32>
  %f = qnn.reshape %r1o : (tensor<1x4x4x2xf32>) -> tensor<1x32xf32> loc("flatten")
  %w2 = arith.constant dense<0.25> : tensor<3x32xf32>
  %b2 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %d = qnn.dense %f, %w2, %b2 : (tensor<1x32xf32>, tensor<3x32xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
  %do = qnn.observe %d {name = "fc:0", min = -4.0, max = 4.0, channel_min = array<f64: -4.0, -2.0, -3.0>, channel_max = array<f64: 4.0, 2.0, 1.0>} : tensor<1x3xf32>
  return %do : tensor<1x3xf32>
}
