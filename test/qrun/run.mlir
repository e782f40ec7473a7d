// qrun on text and bytecode modules: batched runs, named inputs, --output,
// --expect and --labels.

// RUN: %python -c "import numpy as np; x = np.arange(60, dtype='f4').reshape(15, 4) - 30; x[:, 2] += 100 * ((np.arange(15) & 1) == 0); np.save('%t.x.npy', x); np.save('%t.e.npy', 2 * x); np.save('%t.y.npy', np.full(15, 2))"
// RUN: qrun %s -i x=%t.x.npy --output %t.out.npy --expect %t.e.npy --labels %t.y.npy | FileCheck %s
// RUN: %python -c "import numpy as np; a = np.load('%t.out.npy'); b = np.load('%t.e.npy'); assert a.shape == (15, 4) and (a == b).all()"
// RUN: qopt %s --emit-bytecode -o %t.mlirbc
// RUN: qrun %t.mlirbc --input %t.x.npy --expect %t.e.npy | FileCheck %s --check-prefix=BC

// The compiled batch is 3: the 15 rows run in 5 calls.
// CHECK: ran 'main' 5 times in {{.*}} s
// CHECK: output 0 'y': 15x4 f32
// CHECK: output 0 'y': max abs error 0, 0 mismatches of 60
// Rows with an even index have their maximum in column 2 (the label), the
// others in column 3.
// CHECK: top-1: 0.5333 (8/15)
// BC: 0 mismatches of 60

func.func @main(%x: tensor<3x4xf32> {qnn.name = "x"}) -> (tensor<3x4xf32> {qnn.name = "y"}) {
  %0 = qnn.add %x, %x : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}
