//===- ContractionMatch.cpp - recognize contractions and epilogues --------===//
//
// Reads a linalg op through the LinalgOp interface only (named convolutions,
// poolings and matrix products, their _q forms and generic contractions look
// the same): the body must be `out + f(a) * g(b)` with f, g the identity
// (f32) or a sign extension from i8 minus a constant zero point (i32) and B
// a constant, or `out (+) f(a)` with (+) an add, max or min; the operands'
// indexing maps affine-linear. Epilogues are chains of elementwise generics,
// possibly through reshapes that add or drop unit dimensions.
//
//===----------------------------------------------------------------------===//

#include "Contraction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
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

/// linearize() for an operand `value` of a static shape. If `value` is a
/// static, unit-stride, rank-preserving `tensor.extract_slice` that keeps
/// the innermost dimension whole (the interior of a padded tensor, which a
/// kernel wrote in place: see ContractionEmit.cpp), the offsets are into the
/// sliced tensor instead, and `value` becomes that tensor, so that reading
/// it needs no copy of the slice. Slices of such slices (a strided 1x1
/// convolution reads the top-left part of the interior) are followed to the
/// outermost tensor: reading the inner slice's source would leave a read of
/// the kernel's own result, which canonicalization makes of
/// `extract_slice(insert_slice(result))`, and bufferization then copies the
/// padded tensor's interior twice.
LogicalResult linearizeOperand(Value &value, AffineMap map,
                               SmallVector<int64_t> &coef,
                               int64_t &constant) {
  RankedTensorType type = staticTensor(value);
  if (!type)
    return failure();
  int64_t rank = type.getRank();
  SmallVector<int64_t> offsets(rank, 0);
  Value source = value;
  RankedTensorType base;
  while (auto slice = source.getDefiningOp<tensor::ExtractSliceOp>()) {
    RankedTensorType from = staticTensor(slice.getSource());
    if (!from || rank == 0 || from.getRank() != rank ||
        !slice.hasUnitStride() ||
        ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
        from.getShape().back() != type.getShape().back())
      break;
    for (int64_t j = 0; j < rank; ++j)
      offsets[j] += slice.getStaticOffsets()[j];
    source = slice.getSource();
    base = from;
  }
  if (!base)
    return linearize(map, type.getShape(), coef, constant);
  if (failed(linearize(map, base.getShape(), coef, constant)))
    return failure();
  int64_t stride = 1;
  for (int64_t j = rank - 1; j >= 0; --j) {
    constant += offsets[j] * stride;
    stride *= base.getShape()[j];
  }
  value = source;
  return success();
}

/// One factor of the product: `arg` or, when `extend`, `extsi(arg) [- zp]`
/// with arg of type i8. Records the ops it used.
struct Factor {
  BlockArgument arg;
  Value zeroPoint;
  bool extended = false;
};

std::optional<Factor> matchFactor(Value v, Type accType,
                                  SmallPtrSetImpl<Operation *> &used) {
  Factor f;
  if (accType.isInteger(32)) {
    if (auto sub = v.getDefiningOp<arith::SubIOp>()) {
      used.insert(sub);
      f.zeroPoint = sub.getRhs();
      v = sub.getLhs();
    }
    if (auto ext = v.getDefiningOp<arith::ExtSIOp>()) {
      if (!ext.getIn().getType().isInteger(8))
        return std::nullopt;
      used.insert(ext);
      v = ext.getIn();
      f.extended = true;
    }
    // Zero points only on extended bytes (the 16-bit path is i32 throughout).
    if (f.zeroPoint && !f.extended)
      return std::nullopt;
  }
  if (!f.extended && v.getType() != accType)
    return std::nullopt;
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

/// The combining op of the body `yield(combine(out, term))`.
std::optional<Combine> matchCombine(Operation *op, Type accType) {
  if (accType.isF32()) {
    if (isa<arith::AddFOp>(op))
      return Combine::Add;
    if (isa<arith::MaximumFOp>(op))
      return Combine::Max;
    if (isa<arith::MinimumFOp>(op))
      return Combine::Min;
    return std::nullopt;
  }
  if (!accType.isSignlessInteger())
    return std::nullopt;
  if (isa<arith::AddIOp>(op) && accType.isInteger(32))
    return Combine::Add;
  if (isa<arith::MaxSIOp>(op))
    return Combine::Max;
  if (isa<arith::MinSIOp>(op))
    return Combine::Min;
  return std::nullopt;
}

/// Where the elements of `value`, indexed by `map` over the dimensions of a
/// tensor whose dimension j is the reduction's loop dimension `dims[j]` (-1:
/// a unit dimension), come from in terms of the reduction's loop
/// dimensions.
std::optional<ElementSource> sourceOver(Value value, AffineMap map,
                                        ArrayRef<int64_t> dims,
                                        const ContractionSpec &s) {
  ElementSource src;
  if (!isa<ShapedType>(value.getType())) {
    src.scalar = value;
    return src;
  }
  SmallVector<int64_t> coef;
  int64_t constant;
  if (failed(linearizeOperand(value, map, coef, constant)))
    return std::nullopt;
  src.tensor = value;
  src.coef.assign(s.extents.size(), 0);
  src.constant = constant;
  for (auto [j, c] : llvm::enumerate(coef)) {
    if (dims[j] < 0)
      continue;
    src.coef[dims[j]] += c;
  }
  if (src.coef[s.colDim] != 0 && src.coef[s.colDim] != 1)
    return std::nullopt;
  return src;
}

/// The loop dimension of each dimension of the reduction's result.
SmallVector<int64_t> resultDimsOf(const ContractionSpec &s) {
  SmallVector<int64_t> dims;
  for (unsigned j = 0; j < s.outMap.getNumResults(); ++j) {
    unsigned d = s.outMap.getDimPosition(j);
    dims.push_back(s.extents[d] == 1 ? -1 : static_cast<int64_t>(d));
  }
  return dims;
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
        if (auto src = sourceOver(in->get(), g.getMatchingIndexingMap(in),
                                  resultDimsOf(s), s))
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
  Type accType = getElementTypeOrSelf(op->getResult(0).getType());
  s.isFloat = accType.isF32();
  if (!s.isFloat && !accType.isSignlessInteger())
    return failure();

  // The body: yield(combine(out, term)), term = f(a) * g(b) for MulAdd.
  Block *body = op.getBlock();
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return failure();
  BlockArgument outArg = body->getArgument(op.getNumDpsInputs());
  Operation *comb = yield.getOperand(0).getDefiningOp();
  if (!comb || comb->getBlock() != body || comb->getNumOperands() != 2)
    return failure();
  std::optional<Combine> combine = matchCombine(comb, accType);
  if (!combine)
    return failure();
  Value term = comb->getOperand(0) == outArg   ? comb->getOperand(1)
               : comb->getOperand(1) == outArg ? comb->getOperand(0)
                                               : Value();
  if (!term)
    return failure();
  SmallPtrSet<Operation *, 8> used = {comb};
  std::optional<Factor> lhsF, rhsF;
  Operation *mul = term.getDefiningOp();
  if (*combine == Combine::Add && mul && mul->getBlock() == body &&
      (s.isFloat ? isa<arith::MulFOp>(mul) : isa<arith::MulIOp>(mul))) {
    s.combine = Combine::MulAdd;
    used.insert(mul);
    lhsF = matchFactor(mul->getOperand(0), accType, used);
    rhsF = matchFactor(mul->getOperand(1), accType, used);
    if (!lhsF || !rhsF)
      return failure();
  } else {
    s.combine = *combine;
    lhsF = matchFactor(term, accType, used);
    if (!lhsF || lhsF->zeroPoint ||
        (lhsF->extended && s.combine != Combine::Add))
      return failure();
  }
  for (Operation &o : body->without_terminator())
    if (!used.contains(&o))
      return failure();
  unsigned numInputs = op.getNumDpsInputs();
  for (const std::optional<Factor> &f : {lhsF, rhsF})
    if (f && (f->arg.getOwner() != body || f->arg.getArgNumber() >= numInputs))
      return failure();

  // B is the constant operand of a product; both factors are extended or
  // neither.
  OpOperand *lhs = op.getDpsInputOperand(lhsF->arg.getArgNumber());
  OpOperand *rhs = nullptr;
  Value lhsZp = lhsF->zeroPoint;
  s.extendLhs = lhsF->extended;
  if (rhsF) {
    rhs = op.getDpsInputOperand(rhsF->arg.getArgNumber());
    Value rhsZp = rhsF->zeroPoint;
    DenseIntOrFPElementsAttr rhsAttr;
    if (!matchPattern(rhs->get(), m_Constant(&rhsAttr))) {
      std::swap(lhs, rhs);
      std::swap(lhsZp, rhsZp);
      if (!matchPattern(rhs->get(), m_Constant(&rhsAttr)))
        return failure();
    }
    std::optional<int64_t> rzp = constantZeroPoint(op, rhsZp);
    if (lhs == rhs || lhsF->extended != rhsF->extended || !rzp || *rzp != 0)
      return failure();
    // Integer products are of bytes (the kernels' packing and VNNI).
    if (!s.isFloat && !s.extendLhs)
      return failure();
    s.rhs = rhsAttr;
  }
  std::optional<int64_t> lzp = constantZeroPoint(op, lhsZp);
  if (!lzp)
    return failure();
  s.lhsZeroPoint = *lzp;
  s.lhs = lhs->get();

  // Static shapes and affine-linear operand offsets.
  RankedTensorType lhsType = staticTensor(lhs->get());
  RankedTensorType outType = staticTensor(op->getResult(0));
  if (!lhsType || !outType)
    return failure();
  s.extents = op.getStaticLoopRanges();
  if (llvm::any_of(s.extents, [](int64_t e) {
        return ShapedType::isDynamic(e) || e == 0;
      }))
    return failure();
  s.outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (!s.outMap.isProjectedPermutation(/*allowZeroInResults=*/false) ||
      s.outMap.getNumResults() != static_cast<unsigned>(outType.getRank()))
    return failure();
  int64_t outConstant;
  Value lhsValue = lhs->get();
  if (failed(linearizeOperand(lhsValue, op.getMatchingIndexingMap(lhs),
                              s.lhsCoef, s.lhsConstant)) ||
      failed(linearize(s.outMap, outType.getShape(), s.outCoef, outConstant)))
    return failure();
  s.lhs = lhsValue;
  s.rhsCoef.assign(s.extents.size(), 0);
  if (rhs) {
    RankedTensorType rhsType = staticTensor(rhs->get());
    if (!rhsType ||
        failed(linearize(op.getMatchingIndexingMap(rhs), rhsType.getShape(),
                         s.rhsCoef, s.rhsConstant)))
      return failure();
  }

  // Classify the loop dimensions. The column is C's innermost non-unit
  // dimension; it is in B (products), and in A only for channelwise ops.
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  std::optional<unsigned> col;
  for (unsigned d = 0; d < s.extents.size(); ++d) {
    if (s.extents[d] == 1) {
      s.lhsCoef[d] = s.rhsCoef[d] = s.outCoef[d] = 0;
      continue;
    }
    if (s.outCoef[d] == 1 && iterators[d] == utils::IteratorType::parallel)
      col = d;
  }
  if (!col || (rhs && s.rhsCoef[*col] == 0))
    return failure();
  s.colDim = *col;
  s.channelwise = s.lhsCoef[*col] != 0;
  if (s.channelwise ? s.lhsCoef[*col] != 1 : s.combine != Combine::MulAdd)
    return failure();
  SmallVector<unsigned> reductionDims;
  for (unsigned d = 0; d < s.extents.size(); ++d) {
    if (s.extents[d] == 1 || d == *col)
      continue;
    bool inA = s.lhsCoef[d] != 0, inB = s.rhsCoef[d] != 0,
         inC = s.outCoef[d] != 0;
    if (iterators[d] == utils::IteratorType::reduction) {
      if (!inA || inC || (rhs && !inB))
        return failure();
      reductionDims.push_back(d);
    } else if (inC && inA && !inB) {
      s.rowDims.push_back(d);
    } else {
      return failure(); // batch or broadcast dimensions of extent > 1
    }
  }
  // Ties in dimension order (rowDims is ascending); llvm::sort rather than
  // stable_sort, whose temporary buffer is a deprecation warning of
  // libstdc++ 12 under clang.
  llvm::sort(s.rowDims, [&](unsigned a, unsigned b) {
    return s.outCoef[a] != s.outCoef[b] ? s.outCoef[a] > s.outCoef[b] : a < b;
  });

  // Matrix kind: the contiguous run of A, the reduction dimension with
  // coefficient 1, then each one whose coefficient is the run's length so
  // far. Channelwise: every reduction dimension is a loop.
  if (reductionDims.empty())
    return failure(); // elementwise, not a reduction
  if (!s.channelwise) {
    SmallVector<unsigned> byCoef(reductionDims);
    llvm::sort(byCoef, [&](unsigned a, unsigned b) {
      return s.lhsCoef[a] != s.lhsCoef[b] ? s.lhsCoef[a] < s.lhsCoef[b] : a < b;
    });
    int64_t runLength = 1;
    for (unsigned d : byCoef) {
      if (s.lhsCoef[d] != runLength)
        break;
      s.runDims.insert(s.runDims.begin(), d);
      runLength *= s.extents[d];
    }
  }
  for (unsigned d : reductionDims)
    if (!llvm::is_contained(s.runDims, d))
      s.outerDims.push_back(d);

  s.init = initSource(op, s);
  return s;
}

namespace {

/// The loop dimension of each dimension of a reshape's result, when the
/// reshape only adds or drops unit dimensions (`dims` for its source).
std::optional<SmallVector<int64_t>> reshapeDims(Operation *op,
                                                ArrayRef<int64_t> dims) {
  auto collapse = dyn_cast<tensor::CollapseShapeOp>(op);
  auto expand = dyn_cast<tensor::ExpandShapeOp>(op);
  if (!collapse && !expand)
    return std::nullopt;
  RankedTensorType src = staticTensor(op->getOperand(0));
  RankedTensorType res = staticTensor(op->getResult(0));
  if (!src || !res)
    return std::nullopt;
  SmallVector<int64_t> out(res.getRank(), -1);
  SmallVector<ReassociationIndices> groups =
      collapse ? collapse.getReassociationIndices()
               : expand.getReassociationIndices();
  for (auto [k, group] : llvm::enumerate(groups)) {
    // The one non-unit dimension of the group (if any) on the wide side.
    ArrayRef<int64_t> wide = collapse ? src.getShape() : res.getShape();
    std::optional<int64_t> nonUnit;
    for (int64_t i : group)
      if (wide[i] != 1) {
        if (nonUnit)
          return std::nullopt;
        nonUnit = i;
      }
    if (!nonUnit)
      continue;
    if (collapse)
      out[k] = dims[*nonUnit];
    else
      out[*nonUnit] = dims[k];
  }
  return out;
}

/// Whether `g` can be a stage reading `value` (whose dimensions index the
/// loop dimensions `dims`); fills the stage.
std::optional<EpilogueStage> matchStage(linalg::GenericOp g, OpOperand &use,
                                        ArrayRef<int64_t> dims,
                                        const ContractionSpec &s) {
  if (!g.hasPureTensorSemantics() || g.getNumDpsInits() != 1 ||
      g->getNumResults() != 1 ||
      use.getOperandNumber() >= g.getNumDpsInputs() ||
      g.getNumParallelLoops() != g.getNumLoops())
    return std::nullopt;
  auto valueType = cast<RankedTensorType>(use.get().getType());
  RankedTensorType gType = staticTensor(g->getResult(0));
  if (!gType || gType.getShape() != valueType.getShape() ||
      !g.getMatchingIndexingMap(&use).isIdentity() ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity())
    return std::nullopt;
  Block *body = g.getBlock();
  if (!body->getArgument(g.getNumDpsInputs()).use_empty())
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
  EpilogueStage stage;
  stage.op = g;
  stage.accArg = use.getOperandNumber();
  for (OpOperand *in : g.getDpsInputOperands()) {
    if (in == &use)
      continue;
    auto src = sourceOver(in->get(), g.getMatchingIndexingMap(in), dims, s);
    if (!src)
      return std::nullopt;
    stage.operands.push_back({in->getOperandNumber(), *src});
  }
  return stage;
}

} // namespace

std::optional<EpilogueSpec>
qmlir::cpu::matchEpilogue(const ContractionSpec &s) {
  EpilogueSpec e;
  Value value = s.op->getResult(0);
  SmallVector<int64_t> dims = resultDimsOf(s);
  SmallVector<Operation *> pending;
  while (value.hasOneUse()) {
    OpOperand &use = *value.getUses().begin();
    Operation *user = use.getOwner();
    if (auto next = reshapeDims(user, dims)) {
      pending.push_back(user);
      dims = *next;
      value = user->getResult(0);
      continue;
    }
    auto g = dyn_cast<linalg::GenericOp>(user);
    std::optional<EpilogueStage> stage =
        g ? matchStage(g, use, dims, s) : std::nullopt;
    if (!stage)
      break;
    e.stages.push_back(*stage);
    e.ops.append(pending);
    pending.clear();
    e.ops.push_back(g);
    e.resultDims = dims;
    value = g->getResult(0);
  }
  if (e.stages.empty())
    return std::nullopt;
  return e;
}
