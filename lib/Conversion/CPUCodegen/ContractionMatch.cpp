//===- ContractionMatch.cpp - recognize contractions and epilogues --------===//
//
// Reads a linalg op through the LinalgOp interface only (named convolutions
// and matrix products, their _q forms and generic contractions look the
// same): the body must be `out + f(a) * g(b)` with f, g the identity (f32)
// or a sign extension from i8 minus a constant zero point (i32), the
// operands' indexing maps affine-linear, B a constant.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::cpu;

int64_t ContractionSpec::numRows() const {
  int64_t m = 1;
  for (unsigned d : rowDims)
    m *= extents[d];
  return m;
}

int64_t ContractionSpec::runLength() const {
  int64_t l = 1;
  for (unsigned d : runDims)
    l *= extents[d];
  return l;
}

int64_t ContractionSpec::numOuter() const {
  int64_t o = 1;
  for (unsigned d : outerDims)
    o *= extents[d];
  return o;
}

namespace {

/// Adds `scale * e` to the linear form (coef, constant); fails for
/// expressions that are not linear in the dimensions.
LogicalResult addLinear(AffineExpr e, int64_t scale,
                        SmallVectorImpl<int64_t> &coef, int64_t &constant) {
  switch (e.getKind()) {
  case AffineExprKind::DimId:
    coef[cast<AffineDimExpr>(e).getPosition()] += scale;
    return success();
  case AffineExprKind::Constant:
    constant += scale * cast<AffineConstantExpr>(e).getValue();
    return success();
  case AffineExprKind::Add: {
    auto bin = cast<AffineBinaryOpExpr>(e);
    if (failed(addLinear(bin.getLHS(), scale, coef, constant)))
      return failure();
    return addLinear(bin.getRHS(), scale, coef, constant);
  }
  case AffineExprKind::Mul: {
    auto bin = cast<AffineBinaryOpExpr>(e);
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return addLinear(bin.getLHS(), scale * c.getValue(), coef, constant);
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
      return addLinear(bin.getRHS(), scale * c.getValue(), coef, constant);
    return failure();
  }
  default:
    return failure();
  }
}

/// The flat row-major offset, in a tensor of `shape`, of the element `map`
/// selects, as a linear function of the map's dimensions.
LogicalResult linearize(AffineMap map, ArrayRef<int64_t> shape,
                        SmallVector<int64_t> &coef, int64_t &constant) {
  if (map.getNumSymbols() != 0 ||
      map.getNumResults() != static_cast<unsigned>(shape.size()))
    return failure();
  coef.assign(map.getNumDims(), 0);
  constant = 0;
  int64_t stride = 1;
  for (int64_t j = map.getNumResults() - 1; j >= 0; --j) {
    if (failed(addLinear(map.getResult(j), stride, coef, constant)))
      return failure();
    stride *= shape[j];
  }
  return success();
}

/// A statically shaped ranked tensor, or null.
RankedTensorType staticTensor(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() ? t : RankedTensorType();
}

/// One factor of the product: `arg` (f32) or `extsi(arg) [- zp]` with arg
/// of type i8 (i32). Records the ops it used.
struct Factor {
  BlockArgument arg;
  Value zeroPoint;
};

std::optional<Factor> matchFactor(Value v, bool isFloat,
                                  SmallPtrSetImpl<Operation *> &used) {
  Factor f;
  if (!isFloat) {
    if (auto sub = v.getDefiningOp<arith::SubIOp>()) {
      used.insert(sub);
      f.zeroPoint = sub.getRhs();
      v = sub.getLhs();
    }
    auto ext = v.getDefiningOp<arith::ExtSIOp>();
    if (!ext || !ext.getIn().getType().isInteger(8) ||
        !ext.getType().isInteger(32))
      return std::nullopt;
    used.insert(ext);
    v = ext.getIn();
  } else if (!v.getType().isF32()) {
    return std::nullopt;
  }
  f.arg = dyn_cast<BlockArgument>(v);
  if (!f.arg)
    return std::nullopt;
  return f;
}

/// The constant value of a zero point: an integer constant, or a block
/// argument of the op's body whose operand is one. 0 when absent.
std::optional<int64_t> constantZeroPoint(linalg::LinalgOp op, Value zp) {
  if (!zp)
    return 0;
  if (auto arg = dyn_cast<BlockArgument>(zp)) {
    if (arg.getOwner() != op.getBlock())
      return std::nullopt;
    zp = op->getOperand(arg.getArgNumber());
  }
  APInt v;
  if (!matchPattern(zp, m_ConstantInt(&v)))
    return std::nullopt;
  return v.getSExtValue();
}

/// Where the elements of `tensor`, indexed by `map` over the dimensions of
/// the contraction's result (as an all-parallel generic over the result's
/// shape indexes its operands), come from in terms of the contraction's
/// loop dimensions.
std::optional<ElementSource> sourceOverResult(Value value, AffineMap map,
                                              const ContractionSpec &s) {
  ElementSource src;
  if (!isa<ShapedType>(value.getType())) {
    src.scalar = value;
    return src;
  }
  RankedTensorType type = staticTensor(value);
  if (!type)
    return std::nullopt;
  SmallVector<int64_t> coef;
  int64_t constant;
  if (failed(linearize(map, type.getShape(), coef, constant)))
    return std::nullopt;
  src.tensor = value;
  src.coef.assign(s.extents.size(), 0);
  src.constant = constant;
  for (auto [j, c] : llvm::enumerate(coef)) {
    unsigned d = s.outMap.getDimPosition(j);
    if (s.extents[d] != 1)
      src.coef[d] += c;
  }
  if (src.coef[s.colDim] != 0 && src.coef[s.colDim] != 1)
    return std::nullopt;
  return src;
}

/// The initial value of C: the scalar of a fill, the source of a broadcast
/// (e.g. the bias), or the init tensor itself.
ElementSource initSource(linalg::LinalgOp op, const ContractionSpec &s) {
  Value init = op.getDpsInits()[0];
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    ElementSource src;
    src.scalar = fill.getInputs()[0];
    return src;
  }
  if (auto g = init.getDefiningOp<linalg::GenericOp>()) {
    // A fill written as a generic (yield of a value from above), or a
    // broadcast of its one input.
    Block *body = g.getBlock();
    if (g.getNumDpsInputs() <= 1 && g.getNumDpsInits() == 1 &&
        g.getNumParallelLoops() == g.getNumLoops() &&
        g.getNumLoops() == s.outMap.getNumResults() &&
        g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity() &&
        body->getOperations().size() == 1) {
      Value y = body->getTerminator()->getOperand(0);
      if (y.getParentBlock() != body) {
        ElementSource src;
        src.scalar = y;
        return src;
      }
      if (g.getNumDpsInputs() == 1 && y == body->getArgument(0)) {
        OpOperand *in = g.getDpsInputOperand(0);
        if (auto src = sourceOverResult(in->get(),
                                        g.getMatchingIndexingMap(in), s))
          return *src;
      }
    }
  }
  ElementSource src;
  src.tensor = init;
  src.coef = s.outCoef;
  return src;
}

} // namespace

FailureOr<ContractionSpec> qmlir::cpu::matchContraction(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || op->getNumRegions() != 1)
    return failure();
  ContractionSpec s;
  s.op = op;
  Type outElem = getElementTypeOrSelf(op->getResult(0).getType());
  if (outElem.isF32())
    s.isFloat = true;
  else if (outElem.isInteger(32))
    s.isFloat = false;
  else
    return failure();

  // The body: yield(out + f(a) * g(b)).
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return failure();
  BlockArgument outArg = body->getArgument(op.getNumDpsInputs());
  Operation *add = yield.getOperand(0).getDefiningOp();
  if (!add || add->getBlock() != body ||
      !(s.isFloat ? isa<arith::AddFOp>(add) : isa<arith::AddIOp>(add)))
    return failure();
  Value prod = add->getOperand(0) == outArg   ? add->getOperand(1)
               : add->getOperand(1) == outArg ? add->getOperand(0)
                                              : Value();
  Operation *mul = prod ? prod.getDefiningOp() : nullptr;
  if (!mul || mul->getBlock() != body ||
      !(s.isFloat ? isa<arith::MulFOp>(mul) : isa<arith::MulIOp>(mul)))
    return failure();
  SmallPtrSet<Operation *, 8> used = {add, mul};
  auto f0 = matchFactor(mul->getOperand(0), s.isFloat, used);
  auto f1 = matchFactor(mul->getOperand(1), s.isFloat, used);
  if (!f0 || !f1)
    return failure();
  for (Operation &o : body->without_terminator())
    if (!used.contains(&o))
      return failure();
  unsigned numInputs = op.getNumDpsInputs();
  if (f0->arg.getOwner() != body || f1->arg.getOwner() != body ||
      f0->arg.getArgNumber() >= numInputs ||
      f1->arg.getArgNumber() >= numInputs)
    return failure();

  // B is the constant operand.
  OpOperand *lhs = op.getDpsInputOperand(f0->arg.getArgNumber());
  OpOperand *rhs = op.getDpsInputOperand(f1->arg.getArgNumber());
  Value lhsZp = f0->zeroPoint, rhsZp = f1->zeroPoint;
  DenseIntOrFPElementsAttr rhsAttr;
  if (!matchPattern(rhs->get(), m_Constant(&rhsAttr))) {
    std::swap(lhs, rhs);
    std::swap(lhsZp, rhsZp);
    if (!matchPattern(rhs->get(), m_Constant(&rhsAttr)))
      return failure();
  }
  if (lhs == rhs)
    return failure();
  std::optional<int64_t> lzp = constantZeroPoint(op, lhsZp);
  std::optional<int64_t> rzp = constantZeroPoint(op, rhsZp);
  if (!lzp || !rzp || *rzp != 0)
    return failure();
  s.lhsZeroPoint = *lzp;
  s.lhs = lhs->get();
  s.rhs = rhsAttr;

  // Static shapes and affine-linear operand offsets.
  RankedTensorType lhsType = staticTensor(lhs->get());
  RankedTensorType rhsType = staticTensor(rhs->get());
  RankedTensorType outType = staticTensor(op->getResult(0));
  if (!lhsType || !rhsType || !outType)
    return failure();
  s.extents = op.getStaticLoopRanges();
  if (llvm::any_of(s.extents, ShapedType::isDynamic))
    return failure();
  s.outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!s.outMap.isProjectedPermutation(/*allowZeroInResults=*/false) ||
      s.outMap.getNumResults() != static_cast<unsigned>(outType.getRank()))
    return failure();
  int64_t outConstant;
  if (failed(linearize(op.getMatchingIndexingMap(lhs), lhsType.getShape(),
                       s.lhsCoef, s.lhsConstant)) ||
      failed(linearize(op.getMatchingIndexingMap(rhs), rhsType.getShape(),
                       s.rhsCoef, s.rhsConstant)) ||
      failed(linearize(s.outMap, outType.getShape(), s.outCoef, outConstant)))
    return failure();

  // Classify the loop dimensions.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<unsigned> reductionDims;
  std::optional<unsigned> col;
  for (unsigned d = 0; d < s.extents.size(); ++d) {
    if (s.extents[d] == 1) {
      s.lhsCoef[d] = s.rhsCoef[d] = s.outCoef[d] = 0;
      continue;
    }
    bool inA = s.lhsCoef[d] != 0, inB = s.rhsCoef[d] != 0,
         inC = s.outCoef[d] != 0;
    if (iterators[d] == utils::IteratorType::reduction) {
      if (!inA || !inB || inC)
        return failure();
      reductionDims.push_back(d);
      continue;
    }
    if (!inC || inA == inB)
      return failure(); // batch or broadcast dimensions of extent > 1
    if (inA) {
      s.rowDims.push_back(d);
    } else {
      if (col)
        return failure();
      col = d;
    }
  }
  if (!col || s.outCoef[*col] != 1 || reductionDims.empty())
    return failure();
  s.colDim = *col;
  llvm::stable_sort(s.rowDims, [&](unsigned a, unsigned b) {
    return s.outCoef[a] > s.outCoef[b];
  });

  // The contiguous run of A: the reduction dimension with coefficient 1,
  // then each one whose coefficient is the run's length so far.
  SmallVector<unsigned> byCoef(reductionDims);
  llvm::stable_sort(byCoef, [&](unsigned a, unsigned b) {
    return s.lhsCoef[a] < s.lhsCoef[b];
  });
  int64_t runLength = 1;
  for (unsigned d : byCoef) {
    if (s.lhsCoef[d] != runLength)
      break;
    s.runDims.insert(s.runDims.begin(), d);
    runLength *= s.extents[d];
  }
  for (unsigned d : reductionDims)
    if (!llvm::is_contained(s.runDims, d))
      s.outerDims.push_back(d);

  s.init = initSource(op, s);
  return s;
}

std::optional<EpilogueSpec> qmlir::cpu::matchEpilogue(const ContractionSpec &s) {
  Value result = s.op->getResult(0);
  if (!result.hasOneUse())
    return std::nullopt;
  OpOperand &use = *result.getUses().begin();
  auto g = dyn_cast<linalg::GenericOp>(use.getOwner());
  if (!g || !g.hasPureTensorSemantics() || g.getNumDpsInits() != 1 ||
      g->getNumResults() != 1 ||
      use.getOperandNumber() >= g.getNumDpsInputs() ||
      g.getNumParallelLoops() != g.getNumLoops())
    return std::nullopt;
  auto resType = cast<RankedTensorType>(result.getType());
  RankedTensorType gType = staticTensor(g->getResult(0));
  if (!gType || gType.getShape() != resType.getShape() ||
      !g.getMatchingIndexingMap(&use).isIdentity() ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;

  Block *body = g.getBlock();
  BlockArgument outArg = body->getArgument(g.getNumDpsInputs());
  if (!outArg.use_empty())
    return std::nullopt;
  for (Operation &o : body->without_terminator()) {
    // Elementwise scalar ops only; no integer division, which could trap
    // in lanes past the last column.
    if (!OpTrait::hasElementwiseMappableTraits(&o) || o.getNumRegions() ||
        isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(o))
      return std::nullopt;
    for (Type t : o.getResultTypes())
      if (!t.isIntOrFloat())
        return std::nullopt;
  }

  EpilogueSpec e;
  e.op = g;
  e.accArg = use.getOperandNumber();
  for (OpOperand *in : g.getDpsInputOperands()) {
    if (in == &use)
      continue;
    auto src = sourceOverResult(in->get(), g.getMatchingIndexingMap(in), s);
    if (!src)
      return std::nullopt;
    e.operands.push_back({in->getOperandNumber(), *src});
  }
  return e;
}
