// End-to-end: qnn.unary, the float binary ops, qnn.reduce and
// qnn.log_softmax through the CPU JIT against NumPy.

// Every qnn.unary kind; positive inputs for log, sqrt, rsqrt.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(1); x = (3 * r.standard_normal((4, 9))).astype('f4'); p = np.abs(x) + np.float32(0.25); e = lambda v: np.exp(v.astype('f8')); sig = 1 / (1 + e(-x)); q.save_f32('%t.u', x=x, p=p, sig=sig, tanh=np.tanh(x), exp=e(x), log=np.log(p), sqrt=np.sqrt(p), rsqrt=1 / np.sqrt(p.astype('f8')), rec=1 / x.astype('f8'), abs=np.abs(x), neg=-x, floor=np.floor(x), ceil=np.ceil(x), sin=np.sin(x), cos=np.cos(x), softplus=np.log(e(x) + 1), softsign=x / (1 + np.abs(x)), hswish=x * np.clip(x / 6 + 0.5, 0, 1), hsig=np.clip(0.2 * x + 0.4, 0, 1), leaky=np.where(x < 0, 0.1 * x, x), elu=np.where(x < 0, 0.7 * (e(x) - 1), x), selu=1.05 * np.where(x <= 0, 1.67 * (e(x) - 1), x), celu=np.maximum(0, x) + np.minimum(0, 1.5 * (e(x / 1.5) - 1)), thr=np.where(x > 1.0, x, 0))"
// RUN: qrun %s --entry unary --input %t.u.x.npy --input %t.u.p.npy --atol 1e-6 --rtol 1e-5 \
// RUN:   --expect %t.u.sig.npy --expect %t.u.tanh.npy --expect %t.u.exp.npy --expect %t.u.log.npy --expect %t.u.sqrt.npy --expect %t.u.rsqrt.npy --expect %t.u.rec.npy \
// RUN:   --expect %t.u.abs.npy --expect %t.u.neg.npy --expect %t.u.floor.npy --expect %t.u.ceil.npy --expect %t.u.sin.npy --expect %t.u.cos.npy --expect %t.u.softplus.npy \
// RUN:   --expect %t.u.softsign.npy --expect %t.u.hswish.npy --expect %t.u.hsig.npy --expect %t.u.leaky.npy --expect %t.u.elu.npy --expect %t.u.selu.npy --expect %t.u.celu.npy --expect %t.u.thr.npy \
// RUN:   | FileCheck %s --check-prefix=UNARY
// UNARY-COUNT-22: 0 mismatches
func.func @unary(%x: tensor<4x9xf32>, %p: tensor<4x9xf32>) -> (tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>) {
  %0 = qnn.unary sigmoid %x : tensor<4x9xf32>
  %1 = qnn.unary tanh %x : tensor<4x9xf32>
  %2 = qnn.unary exp %x : tensor<4x9xf32>
  %3 = qnn.unary log %p : tensor<4x9xf32>
  %4 = qnn.unary sqrt %p : tensor<4x9xf32>
  %5 = qnn.unary rsqrt %p : tensor<4x9xf32>
  %6 = qnn.unary reciprocal %x : tensor<4x9xf32>
  %7 = qnn.unary abs %x : tensor<4x9xf32>
  %8 = qnn.unary neg %x : tensor<4x9xf32>
  %9 = qnn.unary floor %x : tensor<4x9xf32>
  %10 = qnn.unary ceil %x : tensor<4x9xf32>
  %11 = qnn.unary sin %x : tensor<4x9xf32>
  %12 = qnn.unary cos %x : tensor<4x9xf32>
  %13 = qnn.unary softplus %x : tensor<4x9xf32>
  %14 = qnn.unary softsign %x : tensor<4x9xf32>
  %15 = qnn.unary hard_swish %x : tensor<4x9xf32>
  %16 = qnn.unary hard_sigmoid %x {alpha = 0.2 : f32, beta = 0.4 : f32} : tensor<4x9xf32>
  %17 = qnn.unary leaky_relu %x {alpha = 0.1 : f32} : tensor<4x9xf32>
  %18 = qnn.unary elu %x {alpha = 0.7 : f32} : tensor<4x9xf32>
  %19 = qnn.unary selu %x {alpha = 1.67 : f32, beta = 1.05 : f32} : tensor<4x9xf32>
  %20 = qnn.unary celu %x {alpha = 1.5 : f32} : tensor<4x9xf32>
  %21 = qnn.unary thresholded_relu %x {alpha = 1.0 : f32} : tensor<4x9xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21 : tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>, tensor<4x9xf32>
}

// Float binary ops with broadcasting (rank 1 against rank 3).
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(2); x = r.standard_normal((2, 3, 4)).astype('f4'); y = (r.standard_normal(4) + 2).astype('f4'); p = np.abs(x) + np.float32(0.5); s = r.standard_normal((3, 1)).astype('f4'); q.save_f32('%t.b', x=x, y=y, p=p, s=s, sub=x - y, div=x / y, pow=p.astype('f8') ** y, max=np.maximum(x, y), min=np.minimum(x, y), prelu=np.where(x < 0, x * s, x))"
// RUN: qrun %s --entry binary --input %t.b.x.npy --input %t.b.y.npy --input %t.b.p.npy --input %t.b.s.npy --atol 1e-6 --rtol 1e-5 \
// RUN:   --expect %t.b.sub.npy --expect %t.b.div.npy --expect %t.b.pow.npy --expect %t.b.max.npy --expect %t.b.min.npy --expect %t.b.prelu.npy | FileCheck %s --check-prefix=BINARY
// BINARY-COUNT-6: 0 mismatches
func.func @binary(%x: tensor<2x3x4xf32>, %y: tensor<4xf32>, %p: tensor<2x3x4xf32>, %s: tensor<3x1xf32>) -> (tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>) {
  %0 = qnn.sub %x, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %1 = qnn.div %x, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %2 = qnn.pow %p, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %3 = qnn.maximum %x, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %4 = qnn.minimum %x, %y : (tensor<2x3x4xf32>, tensor<4xf32>) -> tensor<2x3x4xf32>
  %5 = qnn.prelu %x, %s : (tensor<2x3x4xf32>, tensor<3x1xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3, %4, %5 : tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>, tensor<2x3x4xf32>
}

// Every reduction, over two axes with keep_dims and over one axis without;
// log_softmax along the middle axis.
// RUN: %python -c "import numpy as np, qref as q; r = q.rng(3); x = r.standard_normal((2, 3, 4)).astype('f4'); p = np.abs(x) + np.float32(0.5); d = x.astype('f8'); k = dict(axis=(0, 2), keepdims=True); q.save_f32('%t.r', x=x, p=p, sum=d.sum(**k), mean=d.mean(**k), max=x.max(**k), min=x.min(**k), prod=p.astype('f8').prod(**k), ss=(d * d).sum(**k), l1=np.abs(d).sum(**k), l2=np.sqrt((d * d).sum(**k)), ls=np.log(p.astype('f8').sum(**k)), lse=np.log(np.exp(d).sum(**k)), m1=d.mean(axis=1), lsm=q.log_softmax(x, 1))"
// RUN: qrun %s --entry reduce --input %t.r.x.npy --input %t.r.p.npy --atol 1e-6 --rtol 1e-5 \
// RUN:   --expect %t.r.sum.npy --expect %t.r.mean.npy --expect %t.r.max.npy --expect %t.r.min.npy --expect %t.r.prod.npy --expect %t.r.ss.npy --expect %t.r.l1.npy --expect %t.r.l2.npy \
// RUN:   --expect %t.r.ls.npy --expect %t.r.lse.npy --expect %t.r.m1.npy --expect %t.r.lsm.npy | FileCheck %s --check-prefix=REDUCE
// REDUCE-COUNT-12: 0 mismatches
func.func @reduce(%x: tensor<2x3x4xf32>, %p: tensor<2x3x4xf32>) -> (tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<2x4xf32>, tensor<2x3x4xf32>) {
  %0 = qnn.reduce sum %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %1 = qnn.reduce mean %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %2 = qnn.reduce max %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %3 = qnn.reduce min %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %4 = qnn.reduce prod %p {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %5 = qnn.reduce sum_square %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %6 = qnn.reduce l1 %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %7 = qnn.reduce l2 %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %8 = qnn.reduce log_sum %p {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %9 = qnn.reduce log_sum_exp %x {axes = array<i64: 0, 2>} : (tensor<2x3x4xf32>) -> tensor<1x3x1xf32>
  %10 = qnn.reduce mean %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x3x4xf32>) -> tensor<2x4xf32>
  %11 = qnn.log_softmax %x {axis = 1 : i64} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<1x3x1xf32>, tensor<2x4xf32>, tensor<2x3x4xf32>
}
