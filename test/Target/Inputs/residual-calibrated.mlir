// A calibrated float model (probes with ranges) with a residual add of two
// branches of different ranges and a concat of tensors of different
// ranges: conv1 -> relu1 and conv2 (1x1) of the input, add, relu, concat
// with conv2's output along the channels, flatten, dense. For the
// accelerator add/concat tests (test/Target/residual-npu.test).
func.func @main(%x: tensor<1x4x4x1xf32> {qnn.name = "input"}) -> tensor<1x3xf32> {
  %x0 = qnn.observe %x {name = "input", min = 0.0, max = 1.0} : tensor<1x4x4x1xf32>
  %w1 = arith.constant dense<[[[[0.5], [-0.25], [0.125]], [[1.0], [0.75], [-0.5]], [[0.25], [0.0], [-1.0]]],
                              [[[-0.3], [0.6], [0.9]], [[0.1], [-0.2], [0.4]], [[0.7], [-0.8], [0.05]]]]> : tensor<2x3x3x1xf32>
  %b1 = arith.constant dense<[0.05, -0.1]> : tensor<2xf32>
  %c1 = qnn.conv2d %x0, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<1x4x4x1xf32>, tensor<2x3x3x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv1")
  %c1o = qnn.observe %c1 {name = "conv1:0", min = -2.0, max = 3.0} : tensor<1x4x4x2xf32>
  %r1 = qnn.relu %c1o : tensor<1x4x4x2xf32> loc("relu1")
  %r1o = qnn.observe %r1 {name = "relu1:0", min = 0.0, max = 3.0} : tensor<1x4x4x2xf32>
  %w2 = arith.constant dense<[[[[0.9]]], [[[-0.7]]]]> : tensor<2x1x1x1xf32>
  %b2 = arith.constant dense<[-0.2, 0.3]> : tensor<2xf32>
  %c2 = qnn.conv2d %x0, %w2, %b2 : (tensor<1x4x4x1xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x4x4x2xf32> loc("conv2")
  %c2o = qnn.observe %c2 {name = "conv2:0", min = -0.6, max = 0.8} : tensor<1x4x4x2xf32>
  %s = qnn.add %r1o, %c2o : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("add")
  %so = qnn.observe %s {name = "add:0", min = -0.8, max = 3.5} : tensor<1x4x4x2xf32>
  %r2 = qnn.relu %so : tensor<1x4x4x2xf32> loc("relu2")
  %r2o = qnn.observe %r2 {name = "relu2:0", min = 0.0, max = 3.5} : tensor<1x4x4x2xf32>
  %cat = qnn.concat %r2o, %c2o {axis = 3 : i64} : (tensor<1x4x4x2xf32>, tensor<1x4x4x2xf32>) -> tensor<1x4x4x4xf32> loc("concat")
  %cato = qnn.observe %cat {name = "concat:0", min = -0.6, max = 3.5} : tensor<1x4x4x4xf32>
  %f = qnn.reshape %cato : (tensor<1x4x4x4xf32>) -> tensor<1x64xf32> loc("flatten")
  %wd = arith.constant dense<0.0625> : tensor<3x64xf32>
  %b3 = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %d = qnn.dense %f, %wd, %b3 : (tensor<1x64xf32>, tensor<3x64xf32>, tensor<3xf32>) -> tensor<1x3xf32> loc("fc")
  %do = qnn.observe %d {name = "fc:0", min = -4.0, max = 4.0} : tensor<1x3xf32>
  return %do : tensor<1x3xf32>
}
