// The three forms of the int8 epilogues' 64-bit rescale on vectors of 16 lanes
// (rescale-even-odd.test runs it).
func.func @main(%x: tensor<16xi32>, %m: tensor<16xi32>, %s: tensor<16xi8>) -> (tensor<16xi32>, tensor<16xi32>, tensor<16xi32>) {
  %c0 = arith.constant 0 : index
  %p32 = arith.constant 0 : i32
  %p8 = arith.constant 0 : i8
  %xv = vector.transfer_read %x[%c0], %p32 {in_bounds = [true]} : tensor<16xi32>, vector<16xi32>
  %mv = vector.transfer_read %m[%c0], %p32 {in_bounds = [true]} : tensor<16xi32>, vector<16xi32>
  %sv = vector.transfer_read %s[%c0], %p8 {in_bounds = [true]} : tensor<16xi8>, vector<16xi8>
  %x64 = arith.extsi %xv : vector<16xi32> to vector<16xi64>
  %m64 = arith.extsi %mv : vector<16xi32> to vector<16xi64>
  // constant multiplier, shift 40
  %k = arith.constant dense<1609876371> : vector<16xi64>
  %r40 = arith.constant dense<549755813888> : vector<16xi64>
  %s40 = arith.constant dense<40> : vector<16xi64>
  %a0 = arith.muli %x64, %k : vector<16xi64>
  %a1 = arith.addi %a0, %r40 : vector<16xi64>
  %a2 = arith.shrsi %a1, %s40 : vector<16xi64>
  %a = arith.trunci %a2 : vector<16xi64> to vector<16xi32>
  // per-lane multiplier, shift 12
  %r12 = arith.constant dense<2048> : vector<16xi64>
  %s12 = arith.constant dense<12> : vector<16xi64>
  %b0 = arith.muli %x64, %m64 : vector<16xi64>
  %b1 = arith.addi %r12, %b0 : vector<16xi64>
  %b2 = arith.shrsi %b1, %s12 : vector<16xi64>
  %bb = arith.trunci %b2 : vector<16xi64> to vector<16xi32>
  // per-lane multiplier and per-lane shift (the round is 2^(s-1))
  %one = arith.constant dense<1> : vector<16xi64>
  %s64 = arith.extui %sv : vector<16xi8> to vector<16xi64>
  %rr0 = arith.shli %one, %s64 : vector<16xi64>
  %rr = arith.shrui %rr0, %one : vector<16xi64>
  %c0v = arith.muli %m64, %x64 : vector<16xi64>
  %c1 = arith.addi %c0v, %rr : vector<16xi64>
  %c2 = arith.shrsi %c1, %s64 : vector<16xi64>
  %cc = arith.trunci %c2 : vector<16xi64> to vector<16xi32>
  %e = tensor.empty() : tensor<16xi32>
  %ta = vector.transfer_write %a, %e[%c0] {in_bounds = [true]} : vector<16xi32>, tensor<16xi32>
  %e2 = tensor.empty() : tensor<16xi32>
  %tb = vector.transfer_write %bb, %e2[%c0] {in_bounds = [true]} : vector<16xi32>, tensor<16xi32>
  %e3 = tensor.empty() : tensor<16xi32>
  %tc = vector.transfer_write %cc, %e3[%c0] {in_bounds = [true]} : vector<16xi32>, tensor<16xi32>
  return %ta, %tb, %tc : tensor<16xi32>, tensor<16xi32>, tensor<16xi32>
}
