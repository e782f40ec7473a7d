// Calibration statistics: saved, loaded, and merged across sample shards.

// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.array([[1, -2], [3, 0.5], [-4, 2], [0, 0], [7, -1]], 'f4'))"

// Shards merge to the same result as one run. Moving statistics: the first
// shard holds whole batches.
// RUN: %python -c "import numpy as np; x = np.load('%t.x.npy'); np.save('%t.a.npy', x[:4]); np.save('%t.b.npy', x[4:])"
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=moving-average batch-size=2" -o %t.all.mlir 2>/dev/null
// RUN: qopt %s --qnn-calibrate="samples=%t.a.npy method=moving-average batch-size=2 stats-out=%t.a.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="samples=%t.b.npy method=moving-average batch-size=2 stats-out=%t.b.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="method=moving-average stats-in=%t.a.json,%t.b.json" -o %t.merged.mlir
// RUN: diff %t.all.mlir %t.merged.mlir
// Histograms: each shard uses the range of the merged min-max statistics.
// RUN: qopt %s --qnn-calibrate="samples=%t.a.npy stats-out=%t.a.mm.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="samples=%t.b.npy stats-out=%t.b.mm.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="stats-in=%t.a.mm.json,%t.b.mm.json stats-out=%t.mm.json" -o /dev/null
// RUN: qopt %s --qnn-calibrate="samples=%t.a.npy method=mse range-from=%t.mm.json stats-out=%t.a.h.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="samples=%t.b.npy method=mse range-from=%t.mm.json stats-out=%t.b.h.json" -o /dev/null 2>/dev/null
// RUN: qopt %s --qnn-calibrate="method=mse stats-in=%t.a.h.json,%t.b.h.json" -o %t.hmerged.mlir
// RUN: qopt %s --qnn-calibrate="samples=%t.x.npy method=mse" -o %t.hall.mlir 2>/dev/null
// RUN: diff %t.hall.mlir %t.hmerged.mlir
// A shard ending in a partial batch is merged with a warning.
// RUN: qopt %s --qnn-calibrate="method=moving-average stats-in=%t.b.json,%t.a.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=INEXACT
// INEXACT: warning: qnn-calibrate: a merged shard ends in a partial batch of the moving statistics, so the result differs from one run over all samples (give every shard but the last a multiple of 2 samples)
// Histograms over different ranges do not merge.
// RUN: qopt %s --qnn-calibrate="samples=%t.a.npy method=mse stats-out=%t.a.own.json" -o /dev/null 2>/dev/null
// RUN: not qopt %s --qnn-calibrate="method=mse stats-in=%t.a.own.json,%t.b.h.json" 2>&1 | FileCheck %s --check-prefix=RANGES
// RANGES: error: qnn-calibrate: {{.*}}b.h.json: histograms of tensor 'add:0' cover different ranges (7 and 15): calibrate every shard with the same range-from file

func.func @main(%x: tensor<2x2xf32> {qnn.name = "x"}) -> tensor<2x2xf32> {
  %0 = qnn.observe %x {name = "x"} : tensor<2x2xf32>
  %1 = qnn.relu %0 : tensor<2x2xf32>
  %2 = qnn.observe %1 {name = "relu:0"} : tensor<2x2xf32>
  %c = arith.constant dense<[[2.0, 2.0]]> : tensor<1x2xf32>
  %3 = qnn.mul %2, %c : (tensor<2x2xf32>, tensor<1x2xf32>) -> tensor<2x2xf32>
  %one = arith.constant dense<1.0> : tensor<1x1xf32>
  %4 = qnn.add %3, %one : (tensor<2x2xf32>, tensor<1x1xf32>) -> tensor<2x2xf32>
  %5 = qnn.observe %4 {name = "add:0"} : tensor<2x2xf32>
  return %5 : tensor<2x2xf32>
}
