// Batch-norm folding keeps the float function: each rewrite of
// qnn-fold-batchnorm on small models, run before and after through qrun.
// Outputs are O(1), so atol 1e-5 is within 1e-5 of their scale.

// RUN: %python -c "import numpy as np; r = np.random.default_rng(1); np.save('%t.x.npy', r.uniform(-1, 1, (2, 6, 6, 3)).astype('f4')); np.save('%t.y.npy', r.uniform(-1, 1, (2, 3, 3, 2)).astype('f4'))"
// RUN: qopt %s --qnn-fold-batchnorm -o %t.folded.mlir
// RUN: FileCheck %s < %t.folded.mlir

// RUN: qrun %s --input %t.x.npy --output %t.main.npy
// RUN: qrun %t.folded.mlir --input %t.x.npy --expect %t.main.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s --check-prefix=SAME
// RUN: qrun %s --entry flatten --input %t.y.npy --output %t.flatten.npy
// RUN: qrun %t.folded.mlir --entry flatten --input %t.y.npy --expect %t.flatten.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s --check-prefix=SAME
// SAME: 0 mismatches

// conv -> bn (backward), depthwise -> bn (backward), bn -> 1x1 conv
// (forward), conv -> reshape -> bn (backward through the reshape), bn ->
// padded conv with a shift (mul + add).
// CHECK-LABEL: func.func @main
// CHECK-NOT: qnn.batch_norm
// CHECK: qnn.conv2d {{.*}}qnn.bn_scale
// CHECK: qnn.conv2d {{.*}}groups = 4 : i64{{.*}}qnn.bn_scale
// CHECK: qnn.relu
// CHECK: qnn.conv2d {{.*}}qnn.bn_scale
// CHECK: qnn.reshape
// CHECK: qnn.relu
// CHECK: qnn.reshape
// CHECK: qnn.mul
// CHECK: qnn.add {{.*}}qnn.bn_scale
// CHECK: qnn.conv2d
func.func @main(%x: tensor<2x6x6x3xf32>) -> tensor<2x2xf32> {
  %w1 = arith.constant dense<[[[[0.61, 0.6159, 0.0307], [-0.4284, -0.8921, -0.2333], [-0.1831, -0.9094, -0.9025]], [[0.9984, 0.3047, -0.531], [-0.1301, 0.9484, 0.7954], [0.6885, -0.2152, -0.014]], [[0.3534, -0.8784, 0.1112], [-0.4571, 0.7593, -0.8716], [0.3584, 0.7402, -0.5454]]], [[[0.7909, 0.7444, -0.963], [0.415, -0.9976, 0.0067], [-0.1267, -0.5935, -0.3501]], [[0.6124, -0.3671, -0.7019], [0.397, -0.1029, 0.5979], [-0.529, -0.3604, 0.5998]], [[0.0141, 0.0128, -0.5276], [-0.9709, 0.8664, -0.8283], [0.6899, -0.2642, 0.902]]], [[[-0.2011, 0.8729, 0.1123], [-0.5197, 0.4828, 0.3488], [0.3684, -0.0724, -0.5562]], [[0.2819, -0.7858, 0.3844], [0.2708, -0.247, 0.597], [-0.6119, -0.2191, 0.5959]], [[-0.239, 0.4265, 0.225], [0.882, 0.9834, 0.4474], [0.6177, -0.6943, 0.4258]]], [[[0.6952, -0.1975, 0.1065], [-0.041, 0.917, -0.3654], [-0.1958, -0.9982, -0.1596]], [[0.2629, 0.8699, 0.8474], [-0.3453, 0.9777, -0.6247], [0.6465, -0.6855, -0.1898]], [[-0.8531, 0.7161, 0.6576], [-0.7204, 0.0542, -0.4837], [-0.0164, 0.1064, -0.7875]]]]> : tensor<4x3x3x3xf32>
  %bn1_g = arith.constant dense<[1.797, 0.918, 1.171, 0.5859]> : tensor<4xf32>
  %bn1_b = arith.constant dense<[-0.9945, -0.6097, -0.3166, 0.8562]> : tensor<4xf32>
  %bn1_m = arith.constant dense<[0.3897, -0.0195, -0.0452, 0.167]> : tensor<4xf32>
  %bn1_v = arith.constant dense<[1.746, 0.8071, 1.629, 0.9182]> : tensor<4xf32>
  %w2 = arith.constant dense<[[[[0.1881], [0.4749], [0.0027]], [[0.3816], [0.3946], [-0.9886]], [[-0.9219], [-0.7019], [-0.5727]]], [[[-0.5936], [-0.9021], [-0.5656]], [[0.2019], [0.7722], [-0.301]], [[-0.2672], [-0.1665], [0.3607]]], [[[0.5705], [0.8819], [-0.2486]], [[0.4135], [-0.3167], [0.648]], [[-0.5387], [0.742], [0.0102]]], [[[0.4507], [0.07], [-0.3678]], [[-0.0114], [-0.8991], [-0.914]], [[0.0599], [-0.0457], [0.6663]]]]> : tensor<4x3x3x1xf32>
  %b2 = arith.constant dense<[-0.9598, 0.1138, -0.0187, 0.196]> : tensor<4xf32>
  %bn2_g = arith.constant dense<[1.594, 1.287, 1.345, 1.238]> : tensor<4xf32>
  %bn2_b = arith.constant dense<[0.2304, -0.5037, 0.1052, 0.3448]> : tensor<4xf32>
  %bn2_m = arith.constant dense<[-0.3089, 0.4904, 0.2465, 0.4553]> : tensor<4xf32>
  %bn2_v = arith.constant dense<[0.7291, 0.9983, 0.6706, 0.284]> : tensor<4xf32>
  %bn3_g = arith.constant dense<[0.525, 0.8701, 1.792, 0.7455]> : tensor<4xf32>
  %bn3_b = arith.constant dense<[0.3792, -0.5012, -0.8688, -0.615]> : tensor<4xf32>
  %bn3_m = arith.constant dense<[0.1779, 0.0017, 0.049, -0.0468]> : tensor<4xf32>
  %bn3_v = arith.constant dense<[0.6938, 1.079, 1.86, 0.5627]> : tensor<4xf32>
  %w3 = arith.constant dense<[[[[0.4655, -0.4977, -0.6132, -0.3523]]], [[[-0.8144, 0.8707, -0.2697, -0.6483]]], [[[-1.0, -0.8791, -0.5707, -0.1647]]], [[[0.2031, 0.9621, 0.781, -0.5155]]], [[[0.2231, 0.8431, -0.7968, 0.7081]]]]> : tensor<5x1x1x4xf32>
  %bn4_g = arith.constant dense<[1.094, 1.673, 0.9839, 1.439, 1.26]> : tensor<5xf32>
  %bn4_b = arith.constant dense<[-0.7912, 0.5196, 0.6459, -0.034, -0.224]> : tensor<5xf32>
  %bn4_m = arith.constant dense<[0.4475, -0.1257, 0.3796, -0.0814, -0.1265]> : tensor<5xf32>
  %bn4_v = arith.constant dense<[0.8506, 0.308, 0.6992, 0.6131, 0.3122]> : tensor<5xf32>
  %bn5_g = arith.constant dense<[1.312, 1.163, 0.5377, 0.7339, 1.878]> : tensor<5xf32>
  %bn5_b = arith.constant dense<[-0.7328, -0.2533, 0.9016, -0.7733, -0.1803]> : tensor<5xf32>
  %bn5_m = arith.constant dense<[0.3011, -0.4809, -0.4322, 0.4299, 0.1842]> : tensor<5xf32>
  %bn5_v = arith.constant dense<[0.6699, 1.064, 0.6481, 1.806, 1.91]> : tensor<5xf32>
  %w5 = arith.constant dense<[[[[-0.8579, 0.0482, -0.6319, -0.1912, 0.4824], [0.4267, -0.6204, -0.3354, -0.1495, -0.2274], [0.3643, 0.5767, -0.3291, -0.1176, -0.8654]], [[-0.2664, 0.8939, 0.0044, 0.1144, 0.2122], [0.1344, 0.6089, -0.4808, -0.3668, 0.7736], [-0.0001, 0.9197, -0.7221, 0.5663, -0.054]], [[-0.0523, 0.7622, -0.7387, 0.0289, -0.5008], [-0.3143, 0.6346, -0.2037, 0.5688, -0.973], [0.9987, 0.9105, 0.357, -0.6064, 0.3137]]], [[[-0.6195, -0.2532, -0.93, -0.8595, -0.6845], [-0.6363, 0.6769, -0.5119, 0.6509, -0.9876], [-0.8842, -0.8782, 0.8633, 0.6345, -0.9688]], [[0.8631, -0.5469, -0.4709, 0.1688, -0.5905], [0.9499, -0.2675, 0.1421, 0.145, -0.4367], [0.4692, 0.9846, 0.1913, -0.8325, 0.6161]], [[0.3336, -0.0204, 0.3086, -0.4773, -0.3924], [0.0306, -0.8632, 0.176, -0.6352, -0.4923], [0.7999, 0.1758, -0.5122, 0.398, 0.9932]]]]> : tensor<2x3x3x5xf32>
  %0 = qnn.conv2d %x, %w1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x3xf32>, tensor<4x3x3x3xf32>) -> tensor<2x6x6x4xf32>
  %1 = qnn.batch_norm %0, %bn1_g, %bn1_b, %bn1_m, %bn1_v : (tensor<2x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x6x6x4xf32>
  %2 = qnn.relu %1 : tensor<2x6x6x4xf32>
  %3 = qnn.conv2d %2, %w2, %b2 {groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x4xf32>, tensor<4x3x3x1xf32>, tensor<4xf32>) -> tensor<2x6x6x4xf32>
  %4 = qnn.batch_norm %3, %bn2_g, %bn2_b, %bn2_m, %bn2_v : (tensor<2x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x6x6x4xf32>
  %5 = qnn.relu %4 : tensor<2x6x6x4xf32>
  %6 = qnn.batch_norm %5, %bn3_g, %bn3_b, %bn3_m, %bn3_v : (tensor<2x6x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x6x6x4xf32>
  %7 = qnn.conv2d %6, %w3 : (tensor<2x6x6x4xf32>, tensor<5x1x1x4xf32>) -> tensor<2x6x6x5xf32>
  %8 = qnn.reshape %7 : (tensor<2x6x6x5xf32>) -> tensor<2x36x5xf32>
  %9 = qnn.batch_norm %8, %bn4_g, %bn4_b, %bn4_m, %bn4_v : (tensor<2x36x5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<2x36x5xf32>
  %10 = qnn.relu %9 : tensor<2x36x5xf32>
  %11 = qnn.reshape %10 : (tensor<2x36x5xf32>) -> tensor<2x6x6x5xf32>
  %12 = qnn.batch_norm %11, %bn5_g, %bn5_b, %bn5_m, %bn5_v : (tensor<2x6x6x5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>, tensor<5xf32>) -> tensor<2x6x6x5xf32>
  %13 = qnn.conv2d %12, %w5 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x6x5xf32>, tensor<2x3x3x5xf32>) -> tensor<2x6x6x2xf32>
  %14 = qnn.global_avg_pool %13 : (tensor<2x6x6x2xf32>) -> tensor<2x1x1x2xf32>
  %15 = qnn.reshape %14 : (tensor<2x1x1x2xf32>) -> tensor<2x2xf32>
  return %15 : tensor<2x2xf32>
}

// A batch norm over the flattened NCHW features of a conv (its channels do
// not map onto the conv's) folds forward into the dense after it; a batch
// norm before an NCHW flatten folds forward through transpose and reshape.
// CHECK-LABEL: func.func @flatten
// CHECK-NOT: qnn.batch_norm
// CHECK: qnn.conv2d
// CHECK: qnn.dense
// CHECK: qnn.transpose
// CHECK: qnn.dense
func.func @flatten(%y: tensor<2x3x3x2xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %w6 = arith.constant dense<[[[[0.61, 0.6159]]], [[[0.0307, -0.4284]]], [[[-0.8921, -0.2333]]], [[[-0.1831, -0.9094]]]]> : tensor<4x1x1x2xf32>
  %bn6_g = arith.constant dense<[0.5731, 1.999, 1.479, 0.8518, 1.152, 1.961, 1.847, 1.766, 1.089, 1.24, 1.515, 0.5912, 1.333, 0.9072, 1.819, 0.5963, 1.519, 1.805, 0.841, 1.843, 1.808, 0.5278, 1.561, 0.5018, 1.255, 1.155, 0.8049, 0.9874, 1.709, 0.9747, 0.7236, 1.548, 1.173, 1.698, 0.8533, 0.9797]> : tensor<36xf32>
  %bn6_b = arith.constant dense<[0.5998, 0.0141, 0.0128, -0.5276, -0.9709, 0.8664, -0.8283, 0.6899, -0.2642, 0.902, -0.2011, 0.8729, 0.1123, -0.5197, 0.4828, 0.3488, 0.3684, -0.0724, -0.5562, 0.2819, -0.7858, 0.3844, 0.2708, -0.247, 0.597, -0.6119, -0.2191, 0.5959, -0.239, 0.4265, 0.225, 0.882, 0.9834, 0.4474, 0.6177, -0.6943]> : tensor<36xf32>
  %bn6_m = arith.constant dense<[0.2129, 0.3476, -0.0988, 0.0533, -0.0205, 0.4585, -0.1827, -0.0979, -0.4991, -0.0798, 0.1314, 0.435, 0.4237, -0.1727, 0.4889, -0.3123, 0.3233, -0.3427, -0.0949, -0.4265, 0.358, 0.3288, -0.3602, 0.0271, -0.2419, -0.0082, 0.0532, -0.3937, 0.3644, -0.2213, -0.0529, -0.4427, -0.4973, -0.3048, -0.1583, 0.4281]> : tensor<36xf32>
  %bn6_v = arith.constant dense<[1.801, 1.065, 1.019, 1.401, 1.746, 0.8071, 1.629, 0.9182, 1.269, 1.527, 1.102, 1.443, 1.455, 0.2103, 0.2703, 0.4683, 0.5845, 0.5658, 0.2881, 0.591, 1.282, 1.795, 0.8291, 0.8595, 0.9501, 1.425, 1.613, 1.894, 0.8763, 1.472, 0.8149, 1.683, 0.6152, 1.768, 1.109, 1.506]> : tensor<36xf32>
  %w7 = arith.constant dense<[[0.07, -0.3678, -0.0114, -0.8991, -0.914, 0.0599, -0.0457, 0.6663, -0.9598, 0.1138, -0.0187, 0.196, 0.4592, 0.0495, 0.1261, -0.0164, 0.2304, -0.5037, 0.1052, 0.3448, -0.6178, 0.9807, 0.4929, 0.9107, -0.4121, -0.113, -0.4771, -0.9066, -0.9666, -0.5065, 0.7225, -0.6726, 0.3792, -0.5012, -0.8688, -0.615], [0.3559, 0.0033, 0.0981, -0.0937, -0.4513, -0.0233, 0.8449, -0.597, 0.4655, -0.4977, -0.6132, -0.3523, -0.8144, 0.8707, -0.2697, -0.6483, -1.0, -0.8791, -0.5707, -0.1647, 0.2031, 0.9621, 0.781, -0.5155, 0.2231, 0.8431, -0.7968, 0.7081, -0.2079, 0.5634, -0.3548, 0.2514, 0.014, -0.7912, 0.5196, 0.6459], [-0.034, -0.224, 0.895, -0.2514, 0.7592, -0.1629, -0.253, -0.2771, -0.88, -0.4454, -0.541, -0.8753, 0.0831, -0.1156, -0.9498, -0.6882, 0.8374, -0.7328, -0.2533, 0.9016, -0.7733, -0.1803, 0.6022, -0.9618, -0.8644, 0.8599, 0.3685, -0.4779, -0.0395, -0.5021, 0.7849, 0.8996, -0.8579, 0.0482, -0.6319, -0.1912]]> : tensor<3x36xf32>
  %bn7_g = arith.constant dense<[1.612, 1.57]> : tensor<2xf32>
  %bn7_b = arith.constant dense<[-0.6204, -0.3354]> : tensor<2xf32>
  %bn7_m = arith.constant dense<[-0.0747, -0.1137]> : tensor<2xf32>
  %bn7_v = arith.constant dense<[1.428, 1.619]> : tensor<2xf32>
  %w8 = arith.constant dense<[[-0.3291, -0.1176, -0.8654, -0.2664, 0.8939, 0.0044, 0.1144, 0.2122, 0.1344, 0.6089, -0.4808, -0.3668, 0.7736, -0.0001, 0.9197, -0.7221, 0.5663, -0.054], [-0.0523, 0.7622, -0.7387, 0.0289, -0.5008, -0.3143, 0.6346, -0.2037, 0.5688, -0.973, 0.9987, 0.9105, 0.357, -0.6064, 0.3137, -0.6195, -0.2532, -0.93], [-0.8595, -0.6845, -0.6363, 0.6769, -0.5119, 0.6509, -0.9876, -0.8842, -0.8782, 0.8633, 0.6345, -0.9688, 0.8631, -0.5469, -0.4709, 0.1688, -0.5905, 0.9499]]> : tensor<3x18xf32>
  %b8 = arith.constant dense<[-0.2675, 0.1421, 0.145]> : tensor<3xf32>
  %0 = qnn.conv2d %y, %w6 : (tensor<2x3x3x2xf32>, tensor<4x1x1x2xf32>) -> tensor<2x3x3x4xf32>
  %1 = qnn.transpose %0 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<2x3x3x4xf32>) -> tensor<2x4x3x3xf32>
  %2 = qnn.reshape %1 : (tensor<2x4x3x3xf32>) -> tensor<2x36xf32>
  %3 = qnn.batch_norm %2, %bn6_g, %bn6_b, %bn6_m, %bn6_v : (tensor<2x36xf32>, tensor<36xf32>, tensor<36xf32>, tensor<36xf32>, tensor<36xf32>) -> tensor<2x36xf32>
  %4 = qnn.dense %3, %w7 : (tensor<2x36xf32>, tensor<3x36xf32>) -> tensor<2x3xf32>
  %5 = qnn.batch_norm %y, %bn7_g, %bn7_b, %bn7_m, %bn7_v : (tensor<2x3x3x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<2x3x3x2xf32>
  %6 = qnn.transpose %5 {permutation = array<i64: 0, 3, 1, 2>} : (tensor<2x3x3x2xf32>) -> tensor<2x2x3x3xf32>
  %7 = qnn.reshape %6 : (tensor<2x2x3x3xf32>) -> tensor<2x18xf32>
  %8 = qnn.dense %7, %w8, %b8 : (tensor<2x18xf32>, tensor<3x18xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %4, %8 : tensor<2x3xf32>, tensor<2x3xf32>
}
