//===- KernelSteps.cpp - the vector arithmetic of one kernel step ---------===//
//
// How a kernel's innermost step combines a vector of A (and of B) into an
// accumulator (ContractionEmit.cpp): FMA, integer multiply-add, the 4-way
// and 2-way dot products that become vpdpbusd / vpdpwssd, add, max, min;
// and an epilogue stage's body applied to an accumulator.
// The dot products are plain vector ops here (the intrinsics have unknown
// memory effects, which bufferization refuses); qnn-cpu-lower-vnni makes
// them the intrinsics after bufferization.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

Value qmlir::cpu::combineStep(OpBuilder &b, Location loc, Combine kind,
                              bool isFloat, bool pairs, Value acc, Value a,
                              Value bv) {
  switch (kind) {
  case Combine::MulAdd:
    if (isFloat)
      return vector::FMAOp::create(b, loc, a, bv, acc);
    if (pairs)
      return dotPairsStep(b, loc, a, bv, acc);
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, a, bv));
  case Combine::Add:
    if (isFloat)
      return arith::AddFOp::create(b, loc, acc, a);
    return arith::AddIOp::create(b, loc, acc, a);
  case Combine::Max:
    if (isFloat)
      return arith::MaximumFOp::create(b, loc, acc, a);
    return arith::MaxSIOp::create(b, loc, acc, a);
  case Combine::Min:
    if (isFloat)
      return arith::MinimumFOp::create(b, loc, acc, a);
    return arith::MinSIOp::create(b, loc, acc, a);
  }
  llvm_unreachable("unknown combine");
}

Value qmlir::cpu::dot4Step(OpBuilder &b, Location loc, Value a, Value bv,
                           Value acc) {
  int64_t kLanes = cast<VectorType>(acc.getType()).getDimSize(0);
  auto wide = VectorType::get({4 * kLanes}, b.getI32Type());
  Value prod =
      arith::MulIOp::create(b, loc, arith::ExtUIOp::create(b, loc, wide, a),
                            arith::ExtSIOp::create(b, loc, wide, bv));
  Value groups = vector::ShapeCastOp::create(
      b, loc, VectorType::get({kLanes, 4}, b.getI32Type()), prod);
  return vector::MultiDimReductionOp::create(b, loc, groups, acc,
                                             ArrayRef<bool>{false, true},
                                             vector::CombiningKind::ADD);
}

Value qmlir::cpu::dotPairsStep(OpBuilder &b, Location loc, Value a, Value bv,
                               Value acc) {
  int64_t kLanes = cast<VectorType>(acc.getType()).getDimSize(0);
  auto halves = VectorType::get({2 * kLanes}, b.getI16Type());
  auto wide = VectorType::get({2 * kLanes}, b.getI32Type());
  auto ext = [&](Value v) {
    return arith::ExtSIOp::create(
        b, loc, wide, vector::BitCastOp::create(b, loc, halves, v));
  };
  Value prod = arith::MulIOp::create(b, loc, ext(a), ext(bv));
  Value pairs = vector::ShapeCastOp::create(
      b, loc, VectorType::get({kLanes, 2}, b.getI32Type()), prod);
  return vector::MultiDimReductionOp::create(b, loc, pairs, acc,
                                             ArrayRef<bool>{false, true},
                                             vector::CombiningKind::ADD);
}

Value qmlir::cpu::applyEpilogueStage(
    OpBuilder &b, const EpilogueStage &stage, Value acc,
    ArrayRef<Value> operands, const llvm::DenseMap<Value, Value> &broadcasts,
    int64_t lanes) {
  Block *body = &stage.op->getRegion(0).front();
  IRMapping map;
  // Values from above (constants of the rescale, ...): their broadcasts.
  for (auto &[v, bc] : broadcasts)
    map.map(v, bc);
  map.map(body->getArgument(stage.accArg), acc);
  for (auto [k, entry] : llvm::enumerate(stage.operands))
    map.map(body->getArgument(entry.first), operands[k]);
  for (Operation &op : body->without_terminator()) {
    Operation *copy = b.clone(op, map);
    for (Value r : copy->getResults())
      r.setType(VectorType::get({lanes}, r.getType()));
  }
  return map.lookup(body->getTerminator()->getOperand(0));
}
