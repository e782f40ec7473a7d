// The integer forms of pow by a constant, div and pow of two tensors (a
// two-input table), tanh (a table), log_softmax, and the l2, log_sum,
// log_sum_exp and prod
// reductions against the float model, layer by layer, on the calibration
// samples. Nothing stays float between the input's quantize and the
// outputs' dequantize. Every layer is above 40 dB SQNR (docs/Quantization.md
// has the measured figures, 40 to 57 dB). At 16 bits, div, pow and prod
// take their log-domain forms (qmlir/Quant/LogDomain.h), above 90 dB, and
// tanh is a 65,536-entry table, above 90 dB.
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.random.default_rng(0).uniform(-1, 1, (16, 10)).astype('f4'))"
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize -o %t.int8.mlir 2>/dev/null
// RUN: qopt %t.int8.mlir | FileCheck %s
// RUN: qrun %t.int8.mlir --input %t.x.npy --compare-to %s | FileCheck %s --check-prefix=SQNR
// RUN: %qopt_locs %s --qnn-insert-calibration --qnn-calibrate="samples=%t.x.npy" --qnn-quantize="activation-bits=16" -o %t.int16.mlir 2>/dev/null
// RUN: qopt %t.int16.mlir | FileCheck %s --check-prefix=WIDE
// RUN: qrun %t.int16.mlir --input %t.x.npy --compare-to %s | FileCheck %s --check-prefix=SQNR16
// CHECK-LABEL: func @main
// CHECK: qnn.quantize %arg0
// CHECK-NOT: qnn.quantize
// CHECK-NOT: qnn.dequantize {{.*}} -> tensor<16x10xf32>
// CHECK: qnn.table
// CHECK: qnn.add
// CHECK: qnn.table2d
// CHECK: qnn.log_softmax {{.*}} -> tensor<16x10x!quant.uniform
// CHECK: qnn.reduce l2 {{.*}} -> tensor<16x1x!quant.uniform
// CHECK: qnn.reduce log_sum {{.*}} -> tensor<16x1x!quant.uniform
// CHECK: qnn.reduce log_sum_exp {{.*}} -> tensor<16x1x!quant.uniform
// CHECK: qnn.reduce prod {{.*}} -> tensor<16x1x!quant.uniform
// CHECK: qnn.table2d {{.*}} -> tensor<16x10x!quant.uniform
// CHECK: qnn.table {{.*}} -> tensor<16x10x!quant.uniform
// SQNR: per-layer error against {{.*}} (10 tensors, worst first):
// SQNR-DAG: square:0 qnn.table {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: shift:0 qnn.add {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: ratio:0 qnn.table2d {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: logp:0 qnn.log_softmax {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: norm:0 qnn.reduce {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: logsum:0 qnn.reduce {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: lse:0 qnn.reduce {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: prod:0 qnn.reduce {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: power:0 qnn.table2d {{[4-9][0-9]\.[0-9]+}}
// SQNR-DAG: tanh:0 qnn.table {{[4-9][0-9]\.[0-9]+}}
// WIDE-LABEL: func @main
// WIDE: qnn.quantize %arg0
// WIDE-NOT: qnn.quantize
// WIDE: qnn.pow {{.*}} -> tensor<16x10x!quant.uniform<i16
// WIDE: qnn.div {{.*}} -> tensor<16x10x!quant.uniform<i16
// WIDE: qnn.reduce prod {{.*}} -> tensor<16x1x!quant.uniform<i16
// WIDE: qnn.pow {{.*}} -> tensor<16x10x!quant.uniform<i16
// WIDE: qnn.table {{.*}} -> tensor<16x10x!quant.uniform<i16
// WIDE-NOT: qnn.quantize
// SQNR16-DAG: square:0 qnn.pow {{(9[0-9]|1[0-9][0-9])\.[0-9]+}}
// SQNR16-DAG: ratio:0 qnn.div {{(9[0-9]|1[0-9][0-9])\.[0-9]+}}
// SQNR16-DAG: prod:0 qnn.reduce {{(9[0-9]|1[0-9][0-9])\.[0-9]+}}
// SQNR16-DAG: power:0 qnn.pow {{(9[0-9]|1[0-9][0-9])\.[0-9]+}}
// SQNR16-DAG: tanh:0 qnn.table {{(9[0-9]|1[0-9][0-9])\.[0-9]+}}
func.func @main(%x: tensor<16x10xf32> {qnn.name = "x"}) -> (tensor<16x10xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x10xf32>, tensor<16x10xf32>) {
  %two = arith.constant dense<2.0> : tensor<f32>
  %half = arith.constant dense<0.5> : tensor<f32>
  %0 = qnn.pow %x, %two : (tensor<16x10xf32>, tensor<f32>) -> tensor<16x10xf32> loc("square")
  %1 = qnn.add %0, %half : (tensor<16x10xf32>, tensor<f32>) -> tensor<16x10xf32> loc("shift")
  %2 = qnn.div %x, %1 : (tensor<16x10xf32>, tensor<16x10xf32>) -> tensor<16x10xf32> loc("ratio")
  %3 = qnn.log_softmax %2 : (tensor<16x10xf32>) -> tensor<16x10xf32> loc("logp")
  %4 = qnn.reduce l2 %x {axes = array<i64: 1>} : (tensor<16x10xf32>) -> tensor<16x1xf32> loc("norm")
  %5 = qnn.reduce log_sum %1 {axes = array<i64: 1>} : (tensor<16x10xf32>) -> tensor<16x1xf32> loc("logsum")
  %6 = qnn.reduce log_sum_exp %2 {axes = array<i64: 1>} : (tensor<16x10xf32>) -> tensor<16x1xf32> loc("lse")
  %7 = qnn.reduce prod %1 {axes = array<i64: 1>} : (tensor<16x10xf32>) -> tensor<16x1xf32> loc("prod")
  %8 = qnn.pow %1, %x : (tensor<16x10xf32>, tensor<16x10xf32>) -> tensor<16x10xf32> loc("power")
  %9 = qnn.unary tanh %2 : tensor<16x10xf32> loc("tanh")
  return %3, %4, %5, %6, %7, %8, %9 : tensor<16x10xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x1xf32>, tensor<16x10xf32>, tensor<16x10xf32>
}
