// A tiny qnn model for standalone-opt.test.
func.func @main(%x: tensor<4xf32> {qnn.name = "x"}) -> tensor<4xf32> {
  %0 = qnn.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
