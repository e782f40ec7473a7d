// End-to-end: max_pool2d, avg_pool2d and global_avg_pool through the CPU JIT.

// Float max pooling: strided with padding (floor output size), and dilated.
// RUN: %python -c "import qref as q; r = q.rng(1); x = r.standard_normal((2, 7, 7, 3)).astype('f4'); q.save('%t.m', x=x, a=q.max_pool2d(x, (3, 3), (2, 2), (1, 0, 1, 1)), b=q.max_pool2d(x, (2, 2), (1, 1), (1, 1, 1, 1), (2, 2)))"
// RUN: qrun %s --entry max_float --input %t.m.x.npy --expect %t.m.a.npy --expect %t.m.b.npy | FileCheck %s --check-prefix=TWO
func.func @max_float(%x: tensor<2x7x7x3xf32>) -> (tensor<2x3x4x3xf32>, tensor<2x7x7x3xf32>) {
  %0 = qnn.max_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 0, 1, 1>} : (tensor<2x7x7x3xf32>) -> tensor<2x3x4x3xf32>
  %1 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>, dilations = array<i64: 2, 2>} : (tensor<2x7x7x3xf32>) -> tensor<2x7x7x3xf32>
  return %0, %1 : tensor<2x3x4x3xf32>, tensor<2x7x7x3xf32>
}

// Quantized max pooling (storage values, per-axis type) and a dilated one.
// RUN: %python -c "import qref as q; r = q.rng(2); x = q.ints(r, -128, 127, (1, 6, 6, 2)); q.save('%t.mq', x=x, a=q.max_pool2d(x, (2, 2), (2, 2)), b=q.max_pool2d(x, (3, 3), (1, 1), (2, 2, 2, 2), (2, 2)))"
// RUN: qrun %s --entry max_quant --input %t.mq.x.npy --expect %t.mq.a.npy --expect %t.mq.b.npy | FileCheck %s --check-prefix=TWO
func.func @max_quant(%x: tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>) -> (tensor<1x3x3x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>, tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>) {
  %0 = qnn.max_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>) -> tensor<1x3x3x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>
  %1 = qnn.max_pool2d %x {kernel = array<i64: 3, 3>, padding = array<i64: 2, 2, 2, 2>, dilations = array<i64: 2, 2>} : (tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>) -> tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>
  return %0, %1 : tensor<1x3x3x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>, tensor<1x6x6x2x!quant.uniform<i8:f32:3, {0.1:3, 0.2:-1}>>
}

// Float average pooling: padding excluded from and included in the count,
// and global average pooling.
// RUN: %python -c "import qref as q; r = q.rng(3); x = r.standard_normal((2, 6, 5, 3)).astype('f4'); q.save('%t.a', x=x, a=q.avg_pool2d(x, (3, 3), (2, 2), (1, 1, 1, 1)), b=q.avg_pool2d(x, (3, 2), (1, 2), (1, 1, 0, 1), count_include_pad=True), g=q.global_avg_pool(x))"
// RUN: qrun %s --entry avg_float --input %t.a.x.npy --expect %t.a.a.npy --expect %t.a.b.npy --expect %t.a.g.npy | FileCheck %s --check-prefix=THREE
func.func @avg_float(%x: tensor<2x6x5x3xf32>) -> (tensor<2x3x3x3xf32>, tensor<2x6x3x3xf32>, tensor<2x1x1x3xf32>) {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x5x3xf32>) -> tensor<2x3x3x3xf32>
  %1 = qnn.avg_pool2d %x {kernel = array<i64: 3, 2>, strides = array<i64: 1, 2>, padding = array<i64: 1, 1, 0, 1>, count_include_pad = true} : (tensor<2x6x5x3xf32>) -> tensor<2x6x3x3xf32>
  %2 = qnn.global_avg_pool %x : (tensor<2x6x5x3xf32>) -> tensor<2x1x1x3xf32>
  return %0, %1, %2 : tensor<2x3x3x3xf32>, tensor<2x6x3x3xf32>, tensor<2x1x1x3xf32>
}

// Quantized average pooling (TOSA's reciprocal-multiplier division), same
// scale in and out, different zero points, both count modes, and global.
// RUN: %python -c "import qref as q; r = q.rng(4); x = q.ints(r, -128, 127, (2, 6, 5, 3)); q.save('%t.aq', x=x, a=q.avg_pool2d_q(x, -5, 7, (3, 3), (2, 2), (1, 1, 1, 1)), b=q.avg_pool2d_q(x, -5, 7, (3, 2), (1, 2), (1, 1, 0, 1), count_include_pad=True), g=q.global_avg_pool_q(x, -5, -2))"
// RUN: qrun %s --entry avg_quant --input %t.aq.x.npy --expect %t.aq.a.npy --expect %t.aq.b.npy --expect %t.aq.g.npy | FileCheck %s --check-prefix=THREE
func.func @avg_quant(%x: tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> (tensor<2x3x3x3x!quant.uniform<i8:f32, 0.1:7>>, tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>>, tensor<2x1x1x3x!quant.uniform<i8:f32, 0.1:-2>>) {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1, 1, 1>} : (tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x3x3x3x!quant.uniform<i8:f32, 0.1:7>>
  %1 = qnn.avg_pool2d %x {kernel = array<i64: 3, 2>, strides = array<i64: 1, 2>, padding = array<i64: 1, 1, 0, 1>, count_include_pad = true} : (tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>>
  %2 = qnn.global_avg_pool %x : (tensor<2x6x5x3x!quant.uniform<i8:f32, 0.1:-5>>) -> tensor<2x1x1x3x!quant.uniform<i8:f32, 0.1:-2>>
  return %0, %1, %2 : tensor<2x3x3x3x!quant.uniform<i8:f32, 0.1:7>>, tensor<2x6x3x3x!quant.uniform<i8:f32, 0.1:7>>, tensor<2x1x1x3x!quant.uniform<i8:f32, 0.1:-2>>
}

// Quantized 4-bit (narrow range) and 16-bit average pooling.
// RUN: %python -c "import qref as q; r = q.rng(5); x = q.ints(r, -8, 7, (1, 4, 4, 2)); y = q.ints(r, -32768, 32767, (1, 4, 4, 2), 'i2'); q.save('%t.an', x=x, y=y, a=q.avg_pool2d_q(x, 0, 3, (2, 2), (2, 2), qmin=-8, qmax=7), b=q.global_avg_pool_q(y, 0, 0, qmin=-32768, qmax=32767, dtype='i2'))"
// RUN: qrun %s --entry avg_narrow --input %t.an.x.npy --input %t.an.y.npy --expect %t.an.a.npy --expect %t.an.b.npy | FileCheck %s --check-prefix=TWO
func.func @avg_narrow(%x: tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.5>>, %y: tensor<1x4x4x2x!quant.uniform<i16:f32, 0.01>>) -> (tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, 0.5:3>>, tensor<1x1x1x2x!quant.uniform<i16:f32, 0.01>>) {
  %0 = qnn.avg_pool2d %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x4x4x2x!quant.uniform<i8<-8:7>:f32, 0.5>>) -> tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, 0.5:3>>
  %1 = qnn.global_avg_pool %y : (tensor<1x4x4x2x!quant.uniform<i16:f32, 0.01>>) -> tensor<1x1x1x2x!quant.uniform<i16:f32, 0.01>>
  return %0, %1 : tensor<1x2x2x2x!quant.uniform<i8<-8:7>:f32, 0.5:3>>, tensor<1x1x1x2x!quant.uniform<i16:f32, 0.01>>
}

// TWO: output 0 {{.*}}, 0 mismatches
// TWO: output 1 {{.*}}, 0 mismatches
// THREE: output 0 {{.*}}, 0 mismatches
// THREE: output 1 {{.*}}, 0 mismatches
// THREE: output 2 {{.*}}, 0 mismatches
