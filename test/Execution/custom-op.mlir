// qnn.custom runs the implementation a plugin registers
// (test/Plugins/PowerDifference.c: (x - y)^pow).

// RUN: %python -c "import qref as q; r = q.rng(21); x = r.standard_normal((2, 4)).astype('f4'); y = r.standard_normal((2, 4)).astype('f4'); d = x - y; q.save('%t', x=x, y=y, z=(d * d * d) + 1)"
// RUN: qrun %s --load-plugin %power_difference_plugin --input %t.x.npy --input %t.y.npy --expect %t.z.npy | FileCheck %s
// CHECK: output 0 'z': max abs error {{.*}}, 0 mismatches of 8

// Without the plugin, compiling names the node and the op.
// RUN: not qrun %s --input %t.x.npy --input %t.y.npy 2>&1 | FileCheck %s --check-prefix=MISSING
// MISSING: qrun: error: node 'pd': custom op 'PowerDifference' has no implementation: load a plugin that registers it (--load-plugin)

// An implementation that fails (this one rejects a negative power) fails
// the run with the node, the op and its status.
// RUN: not qrun %s --entry negative --load-plugin %power_difference_plugin --input %t.x.npy --input %t.y.npy 2>&1 | FileCheck %s --check-prefix=FAILS
// FAILS: qrun: error: node 'bad': custom op 'PowerDifference' failed (the implementation returned 4)

// Plugin loading errors name the library.
// RUN: not qrun %s --load-plugin %t.missing.so --input %t.x.npy 2>&1 | FileCheck %s --check-prefix=NOFILE
// NOFILE: qrun: error: {{.*}}.missing.so: cannot load plugin: {{.*}}
// RUN: not qrun %s --load-plugin %power_difference_plugin --load-plugin %power_difference_plugin --input %t.x.npy 2>&1 | FileCheck %s --check-prefix=TWICE
// TWICE: qrun: error: {{.*}}power-difference-plugin.so: custom op 'PowerDifference' is already registered by {{.*}}power-difference-plugin.so

func.func @main(%x: tensor<2x4xf32> {qnn.name = "x"}, %y: tensor<2x4xf32> {qnn.name = "y"}) -> (tensor<2x4xf32> {qnn.name = "z"}) {
  %0 = qnn.custom "PowerDifference"(%x, %y) {op_attrs = {pow = 3 : i64}} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("pd")
  %one = arith.constant dense<1.0> : tensor<1xf32>
  %1 = qnn.add %0, %one : (tensor<2x4xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  return %1 : tensor<2x4xf32>
}

func.func @negative(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = qnn.custom "PowerDifference"(%x, %y) {op_attrs = {pow = -1 : i64}} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32> loc("bad")
  return %0 : tensor<2x4xf32>
}
