// RUN: qopt %s --qnn-cpu-vectorize-contractions=vector-bits=128 --verify-diagnostics

// Only 256- and 512-bit vector registers have kernels.
// expected-error @+1 {{qnn-cpu-vectorize-contractions: vector-bits must be 256 or 512, got 128}}
func.func @f(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}
