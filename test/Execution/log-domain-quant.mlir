// End-to-end: the log-domain integer forms (qmlir/Quant/LogDomain.h) through
// the CPU JIT against NumPy (test/Inputs/qref.py), bit for bit: quantized
// reduce prod over some axes (keep_dims or not), all axes, no axes (the
// identity), an 8-bit and a 16-bit input; div and pow of two 16-bit tensors,
// broadcast, with zeros, negative bases and integer exponents (scale 1/4);
// pow by integer exponents of scale 1 up to 32767, whose product with the
// base's logarithm keeps only 11 fraction bits (F < 16).

// RUN: %python -c "import qref as q; r = q.rng(7); x = q.ints(r, -128, 127, (2, 3, 5, 4)); w = q.ints(r, -3000, 3000, (3, 4), dtype=q.np.int16); w[0, 0] = 0; a = q.ints(r, -4000, 4000, (3, 6), dtype=q.np.int16); a[0, :2] = 0; b = q.ints(r, -40, 40, (1, 6), dtype=q.np.int16); b[0, 1] = 0; b[0, 3] = 0; c = q.ints(r, -20, 20, (3, 6), dtype=q.np.int16); i8 = (0.02, 7, -128, 127); i16 = (0.0005, 0, -32767, 32767); pb = (0.25, 0, -32767, 32767); q.save('%t', x=x, w=w, a=a, b=b, c=c, p1=q.reduce_prod_q(x, i8, (0.05, -10, -128, 127), (3,)), p2=q.reduce_prod_q(x, i8, (0.02, 0, -128, 127), (1, 2), keepdims=False), p3=q.reduce_prod_q(x, i8, (0.001, 3, -128, 127), (0, 1, 2, 3)), p4=q.reduce_prod_q(x, i8, (0.03, 0, -128, 127), ()), p5=q.reduce_prod_q(w, i16, (0.0001, 100, -32768, 32767), (1,), dtype=q.np.int16), div=q.div_q(a, b, i16, pb, (0.01, -5, -128, 127)), pow=q.pow_q(a, b, i16, pb, (0.002, 0, -32767, 32767), dtype=q.np.int16), pow2=q.pow_q(a, c, i16, (1.0, 0, -32767, 32767), (0.01, 0, -128, 127)))"
// RUN: qrun %s --input %t.x.npy --input %t.w.npy --input %t.a.npy --input %t.b.npy --input %t.c.npy --expect %t.p1.npy --expect %t.p2.npy --expect %t.p3.npy --expect %t.p4.npy --expect %t.p5.npy --expect %t.div.npy --expect %t.pow.npy --expect %t.pow2.npy --atol 0 --rtol 0 | FileCheck %s
// CHECK-COUNT-8: 0 mismatches
!i8 = !quant.uniform<i8:f32, 0.02:7>
!i16 = !quant.uniform<i16<-32767:32767>:f32, 0.0005>
!b16 = !quant.uniform<i16<-32767:32767>:f32, 0.25>
!p1 = !quant.uniform<i8:f32, 0.05:-10>
!p2 = !quant.uniform<i8:f32, 0.02>
!p3 = !quant.uniform<i8:f32, 0.001:3>
!p4 = !quant.uniform<i8:f32, 0.03>
!p5 = !quant.uniform<i16:f32, 0.0001:100>
!d = !quant.uniform<i8:f32, 0.01:-5>
!o16 = !quant.uniform<i16<-32767:32767>:f32, 0.002>
!c16 = !quant.uniform<i16<-32767:32767>:f32, 1.0>
!o8 = !quant.uniform<i8:f32, 0.01>
func.func @main(%x: tensor<2x3x5x4x!i8>, %w: tensor<3x4x!i16>, %a: tensor<3x6x!i16>, %b: tensor<1x6x!b16>, %c: tensor<3x6x!c16>) -> (tensor<2x3x5x1x!p1>, tensor<2x4x!p2>, tensor<1x1x1x1x!p3>, tensor<2x3x5x4x!p4>, tensor<3x1x!p5>, tensor<3x6x!d>, tensor<3x6x!o16>, tensor<3x6x!o8>) {
  %0 = qnn.reduce prod %x {axes = array<i64: 3>} : (tensor<2x3x5x4x!i8>) -> tensor<2x3x5x1x!p1>
  %1 = qnn.reduce prod %x {axes = array<i64: 1, 2>, keep_dims = false} : (tensor<2x3x5x4x!i8>) -> tensor<2x4x!p2>
  %2 = qnn.reduce prod %x {axes = array<i64: 0, 1, 2, 3>} : (tensor<2x3x5x4x!i8>) -> tensor<1x1x1x1x!p3>
  %3 = qnn.reduce prod %x {axes = array<i64>} : (tensor<2x3x5x4x!i8>) -> tensor<2x3x5x4x!p4>
  %4 = qnn.reduce prod %w {axes = array<i64: 1>} : (tensor<3x4x!i16>) -> tensor<3x1x!p5>
  %5 = qnn.div %a, %b : (tensor<3x6x!i16>, tensor<1x6x!b16>) -> tensor<3x6x!d>
  %6 = qnn.pow %a, %b : (tensor<3x6x!i16>, tensor<1x6x!b16>) -> tensor<3x6x!o16>
  %7 = qnn.pow %a, %c : (tensor<3x6x!i16>, tensor<3x6x!c16>) -> tensor<3x6x!o8>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<2x3x5x1x!p1>, tensor<2x4x!p2>, tensor<1x1x1x1x!p3>, tensor<2x3x5x4x!p4>, tensor<3x1x!p5>, tensor<3x6x!d>, tensor<3x6x!o16>, tensor<3x6x!o8>
}
