// RUN: qmlir-translate --export-encodings %s | FileCheck %s

// Activations by the names their probes have: the argument's qnn.name for
// the quantized input, `<node>:0` for layer outputs (per-axis ones with one
// encoding per channel); weights by their initializer name, or
// `<node>.weight`; biases, views (transpose, reshape) and requantizations
// have none. offset = qmin - zero point; min/max are the storage range's
// real ends (narrow for the symmetric weights).
// CHECK:      "activation_encodings": {
// CHECK-NEXT:   "fc:0": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "bitwidth": 8,
// CHECK-NEXT:       "dtype": "int",
// CHECK-NEXT:       "is_symmetric": "False",
// CHECK-NEXT:       "max": 2.3500000000000001,
// CHECK-NEXT:       "min": -0.20000000000000001,
// CHECK-NEXT:       "offset": -20,
// CHECK-NEXT:       "scale": 0.01
// CHECK-NEXT:     },
// CHECK-NEXT:     {
// CHECK-NEXT:       "bitwidth": 8,
// CHECK-NEXT:       "dtype": "int",
// CHECK-NEXT:       "is_symmetric": "False",
// CHECK-NEXT:       "max": 2.54,
// CHECK-NEXT:       "min": -2.5600000000000001,
// CHECK-NEXT:       "offset": -128,
// CHECK-NEXT:       "scale": 0.02
// CHECK-NEXT:     }
// CHECK-NEXT:   ],
// CHECK-NEXT:   "x": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "bitwidth": 8,
// CHECK-NEXT:       "dtype": "int",
// CHECK-NEXT:       "is_symmetric": "True",
// CHECK-NEXT:       "max": 12.700000000000001,
// CHECK-NEXT:       "min": -12.700000000000001,
// CHECK-NEXT:       "offset": -127,
// CHECK-NEXT:       "scale": 0.1
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
// CHECK-NEXT: },
// CHECK-NEXT: "excluded_layers": [],
// CHECK-NEXT: "param_encodings": {
// CHECK-NEXT:   "fc.weight": [
// CHECK-NEXT:     {
// CHECK-NEXT:       "bitwidth": 4,
// CHECK-NEXT:       "dtype": "int",
// CHECK-NEXT:       "is_symmetric": "True",
// CHECK-NEXT:       "max": 3.5,
// CHECK-NEXT:       "min": -3.5,
// CHECK-NEXT:       "offset": -7,
// CHECK-NEXT:       "scale": 0.5
// CHECK-NEXT:     }
// CHECK-NEXT:   ]
// CHECK-NEXT: },
// CHECK-NEXT: "version": "0.6.1"
// CHECK-NEXT: }
!qx = !quant.uniform<i8<-127:127>:f32, 0.1>
!qw = !quant.uniform<i8<-7:7>:f32, 0.5>
!qb = !quant.uniform<i32:f32, 0.05>
!qy = !quant.uniform<i8:f32:1, {0.01:-108, 0.02:0}>
!qt = !quant.uniform<i8:f32, 0.03:5>
func.func @main(%x: tensor<1x3xf32> {qnn.name = "x"}) -> tensor<2x1xf32> {
  %q = qnn.quantize %x : (tensor<1x3xf32>) -> tensor<1x3x!qx>
  %wi = arith.constant dense<1> : tensor<2x3xi8> loc("fc.weight")
  %w = quant.scast %wi : tensor<2x3xi8> to tensor<2x3x!qw> loc("fc.weight")
  %bi = arith.constant dense<3> : tensor<2xi32> loc("fc.bias")
  %b = quant.scast %bi : tensor<2xi32> to tensor<2x!qb> loc("fc.bias")
  %y = qnn.dense %q, %w, %b : (tensor<1x3x!qx>, tensor<2x3x!qw>, tensor<2x!qb>) -> tensor<1x2x!qy> loc("fc")
  %r = qnn.requantize %y : (tensor<1x2x!qy>) -> tensor<1x2x!qt>
  %t = qnn.transpose %r {permutation = array<i64: 1, 0>} : (tensor<1x2x!qt>) -> tensor<2x1x!qt>
  %d = qnn.dequantize %t : (tensor<2x1x!qt>) -> tensor<2x1xf32>
  return %d : tensor<2x1xf32>
}
