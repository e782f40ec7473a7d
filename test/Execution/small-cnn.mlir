// End-to-end: a small quantized CNN (the bundled model's layer kinds) run in
// batches of 2 over 6 images, bit-exact against the NumPy reference.

// RUN: %python -c "import qref as q; r = q.rng(7); x = r.uniform(0, 1, (6, 8, 8, 1)).astype('f4'); w1 = q.ints(r, -127, 127, (4, 3, 3, 1)); b1 = q.ints(r, -500, 500, (4,), 'i4'); w2 = q.ints(r, -127, 127, (4, 3, 3, 1)); w3 = q.ints(r, -127, 127, (3, 4)); b3 = q.ints(r, -900, 900, (3,), 'i4'); s1 = [0.01, 0.02, 0.015, 0.005]; s2 = [0.03, 0.01, 0.02, 0.04]; s3 = [0.02, 0.01, 0.03]; v = q.quantize(x, 1 / 255, -128, -128, 127); v = q.relu_q(q.conv2d_q(v, -128, 1 / 255, w1, 0, s1, b1, -100, 0.02, padding=(1, 1, 1, 1)), -100); v = q.max_pool2d(v, (2, 2), (2, 2)); v = q.conv2d_q(v, -100, 0.02, w2, 0, s2, None, -128, 0.03, padding=(1, 1, 1, 1), groups=4); v = q.clip_q(v, 0.0, 6.0, 0.03, -128); v = q.avg_pool2d_q(v, -128, -128, (2, 2), (2, 2)); v = q.global_avg_pool_q(v, -128, -128).reshape(6, 4); v = q.dense_q(v, -128, 0.03, w3, 0, s3, b3, 5, 0.1); q.save('%t', x=x, w1=w1, b1=b1, w2=w2, w3=w3, b3=b3, e=q.dequantize(v, 0.1, 5))"
// RUN: qrun %s --input %t.x.npy --input %t.w1.npy --input %t.b1.npy --input %t.w2.npy --input %t.w3.npy --input %t.b3.npy --expect %t.e.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK: ran 'main' 3 times
// CHECK: output 0 'logits': max abs error 0, 0 mismatches of 18

!in = !quant.uniform<i8:f32, 0.00392156862745098:-128>
!a1 = !quant.uniform<i8:f32, 0.02:-100>
!a2 = !quant.uniform<i8:f32, 0.03:-128>
!a3 = !quant.uniform<i8:f32, 0.1:5>
!w1 = !quant.uniform<i8<-127:127>:f32:0, {0.01, 0.02, 0.015, 0.005}>
!w2 = !quant.uniform<i8<-127:127>:f32:0, {0.03, 0.01, 0.02, 0.04}>
!w3 = !quant.uniform<i8<-127:127>:f32:0, {0.02, 0.01, 0.03}>
!b1 = !quant.uniform<i32:f32:0, {3.92156862745098e-05, 7.84313725490196e-05, 5.88235294117647e-05, 1.96078431372549e-05}>
!b3 = !quant.uniform<i32:f32:0, {6.0e-4, 3.0e-4, 9.0e-4}>
func.func @main(%x: tensor<2x8x8x1xf32>, %w1: tensor<4x3x3x1x!w1>, %b1: tensor<4x!b1>, %w2: tensor<4x3x3x1x!w2>, %w3: tensor<3x4x!w3>, %b3: tensor<3x!b3>) -> (tensor<2x3xf32> {qnn.name = "logits"}) {
  %0 = qnn.quantize %x : (tensor<2x8x8x1xf32>) -> tensor<2x8x8x1x!in>
  %1 = qnn.conv2d %0, %w1, %b1 {padding = array<i64: 1, 1, 1, 1>} : (tensor<2x8x8x1x!in>, tensor<4x3x3x1x!w1>, tensor<4x!b1>) -> tensor<2x8x8x4x!a1>
  %2 = qnn.relu %1 : tensor<2x8x8x4x!a1>
  %3 = qnn.max_pool2d %2 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x8x8x4x!a1>) -> tensor<2x4x4x4x!a1>
  %4 = qnn.conv2d %3, %w2 {groups = 4 : i64, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x4x4x4x!a1>, tensor<4x3x3x1x!w2>) -> tensor<2x4x4x4x!a2>
  %5 = qnn.clip %4 {min = 0.0 : f32, max = 6.0 : f32} : tensor<2x4x4x4x!a2>
  %6 = qnn.avg_pool2d %5 {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<2x4x4x4x!a2>) -> tensor<2x2x2x4x!a2>
  %7 = qnn.global_avg_pool %6 : (tensor<2x2x2x4x!a2>) -> tensor<2x1x1x4x!a2>
  %8 = qnn.reshape %7 : (tensor<2x1x1x4x!a2>) -> tensor<2x4x!a2>
  %9 = qnn.dense %8, %w3, %b3 : (tensor<2x4x!a2>, tensor<3x4x!w3>, tensor<3x!b3>) -> tensor<2x3x!a3>
  %10 = qnn.dequantize %9 : (tensor<2x3x!a3>) -> tensor<2x3xf32>
  return %10 : tensor<2x3xf32>
}
