//===- LayerUtils.cpp - constant layers and channel maps ------------------===//

#include "LayerUtils.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;

std::optional<ConstantLayer> qmlir::qnn::readConstantLayer(Operation *op) {
  if (!isa_and_nonnull<Conv2dOp, DenseOp>(op))
    return std::nullopt;
  Value weight = op->getOperand(1);
  auto type = dyn_cast<RankedTensorType>(weight.getType());
  auto values = readFloatConstant(weight);
  if (!type || !values)
    return std::nullopt;
  ConstantLayer layer;
  layer.op = op;
  dfq::LayerWeights &w = layer.weights;
  w.values = std::move(*values);
  w.outChannels = type.getDimSize(0);
  if (auto conv = dyn_cast<Conv2dOp>(op)) {
    w.spatial = type.getDimSize(1) * type.getDimSize(2);
    w.inPerGroup = type.getDimSize(3);
    w.groups = static_cast<int64_t>(conv.getGroups());
  } else {
    w.inPerGroup = type.getDimSize(1);
  }
  if (w.groups < 1 || w.outChannels % w.groups != 0)
    return std::nullopt;
  if (op->getNumOperands() > 2) {
    auto bias = readFloatConstant(op->getOperand(2));
    if (!bias || static_cast<int64_t>(bias->size()) != w.outChannels)
      return std::nullopt;
    layer.bias = std::move(*bias);
  }
  return layer;
}

void qmlir::qnn::writeConstantLayer(RewriterBase &rewriter,
                                    const ConstantLayer &layer, bool weights) {
  Operation *op = layer.op;
  auto weightType = cast<RankedTensorType>(op->getOperand(1).getType());
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Location loc = op->getLoc();
  SmallVector<Operation *> replaced;
  Value w;
  if (weights) {
    replaced.push_back(op->getOperand(1).getDefiningOp());
    w = createFloatConstant(rewriter, loc, weightType, layer.weights.values);
  }
  Value b;
  if (!layer.bias.empty()) {
    if (op->getNumOperands() > 2)
      replaced.push_back(op->getOperand(2).getDefiningOp());
    b = createFloatConstant(rewriter, loc,
                            RankedTensorType::get({layer.weights.outChannels},
                                                  weightType.getElementType()),
                            layer.bias);
  }
  rewriter.modifyOpInPlace(op, [&] {
    if (auto conv = dyn_cast<Conv2dOp>(op)) {
      if (w)
        conv.getWeightMutable().assign(w);
      if (b)
        conv.getBiasMutable().assign(b);
    } else {
      auto dense = cast<DenseOp>(op);
      if (w)
        dense.getWeightMutable().assign(w);
      if (b)
        dense.getBiasMutable().assign(b);
    }
  });
  for (Operation *old : replaced)
    if (old && old->use_empty())
      rewriter.eraseOp(old);
}

bool qmlir::qnn::hasPadding(Operation *layer) {
  auto conv = dyn_cast<Conv2dOp>(layer);
  return conv &&
         llvm::any_of(conv.getPadding(), [](int64_t p) { return p != 0; });
}

std::optional<BnStats> qmlir::qnn::readBnStats(Operation *op) {
  auto gamma = op->getAttrOfType<DenseFPElementsAttr>(kBnScaleAttr);
  auto beta = op->getAttrOfType<DenseFPElementsAttr>(kBnShiftAttr);
  if (!gamma || !beta || gamma.getNumElements() != beta.getNumElements())
    return std::nullopt;
  BnStats stats;
  for (APFloat v : gamma.getValues<APFloat>())
    stats.gamma.push_back(v.convertToDouble());
  for (APFloat v : beta.getValues<APFloat>())
    stats.beta.push_back(v.convertToDouble());
  return stats;
}

void qmlir::qnn::writeBnStats(Operation *op, const BnStats &stats) {
  auto type = RankedTensorType::get({static_cast<int64_t>(stats.gamma.size())},
                                    Float32Type::get(op->getContext()));
  auto toAttr = [&](const std::vector<double> &v) {
    std::vector<float> f(v.begin(), v.end());
    return DenseElementsAttr::get(type, llvm::ArrayRef<float>(f));
  };
  op->setAttr(kBnScaleAttr, toAttr(stats.gamma));
  op->setAttr(kBnShiftAttr, toAttr(stats.beta));
}

/// Permutes `data` of shape `shape` like qnn.transpose: output dim i is
/// input dim perm[i].
static std::vector<int32_t> transposeData(const std::vector<int32_t> &data,
                                          ArrayRef<int64_t> shape,
                                          ArrayRef<int64_t> perm) {
  int64_t rank = shape.size();
  SmallVector<int64_t> inStride(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStride[d] = inStride[d + 1] * shape[d + 1];
  SmallVector<int64_t> outShape, stride;
  for (int64_t p : perm) {
    outShape.push_back(shape[p]);
    stride.push_back(inStride[p]);
  }
  std::vector<int32_t> out(data.size());
  SmallVector<int64_t> index(rank, 0);
  int64_t in = 0;
  for (size_t o = 0; o < out.size(); ++o) {
    out[o] = data[in];
    // Advance the output multi-index (row-major), tracking the input offset.
    for (int64_t d = rank - 1; d >= 0; --d) {
      in += stride[d];
      if (++index[d] < outShape[d])
        break;
      in -= stride[d] * outShape[d];
      index[d] = 0;
    }
  }
  return out;
}

/// Makes `rel` the relation map from -> to if it is a function, else unset.
static void setIfFunction(std::optional<dfq::ChannelMap> &map, int64_t size,
                          const std::vector<int32_t> &from,
                          const std::vector<int32_t> &to) {
  dfq::ChannelMap m(size, -1);
  for (size_t p = 0; p < from.size(); ++p) {
    int64_t &slot = m[from[p]];
    if (slot == -1)
      slot = to[p];
    else if (slot != to[p])
      return;
  }
  map = std::move(m);
}

std::optional<ChannelRelation>
qmlir::qnn::relateChannels(RankedTensorType source,
                           ArrayRef<Operation *> layoutOps) {
  constexpr int64_t maxElements = int64_t(1) << 24;
  if (!source.hasStaticShape() || source.getRank() == 0 ||
      source.getNumElements() > maxElements)
    return std::nullopt;
  int64_t srcChannels = source.getShape().back();
  if (layoutOps.empty())
    return ChannelRelation{dfq::identityMap(srcChannels),
                           dfq::identityMap(srcChannels)};
  std::vector<int32_t> channel(source.getNumElements());
  for (size_t p = 0; p < channel.size(); ++p)
    channel[p] = static_cast<int32_t>(p % srcChannels);
  RankedTensorType type = source;
  for (Operation *op : layoutOps) {
    if (auto t = dyn_cast<TransposeOp>(op))
      channel = transposeData(channel, type.getShape(), t.getPermutation());
    else if (!isa<ReshapeOp>(op))
      return std::nullopt;
    type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0)
      return std::nullopt;
  }
  int64_t dstChannels = type.getShape().back();
  std::vector<int32_t> position(channel.size());
  for (size_t p = 0; p < position.size(); ++p)
    position[p] = static_cast<int32_t>(p % dstChannels);
  ChannelRelation rel;
  setIfFunction(rel.toDst, srcChannels, channel, position);
  setIfFunction(rel.toSrc, dstChannels, position, channel);
  return rel;
}

std::optional<InputTrace>
qmlir::qnn::traceInput(Value input, function_ref<bool(Operation *)> transparent,
                       bool singleUse) {
  InputTrace trace;
  Value v = input;
  while (Operation *def = v.getDefiningOp()) {
    if (!isa<ReshapeOp, TransposeOp>(def) && !transparent(def))
      break;
    if (def->getNumOperands() < 1 || def->getNumResults() != 1 ||
        (singleUse && !v.hasOneUse()))
      return std::nullopt;
    trace.chain.push_back(def);
    v = def->getOperand(0);
  }
  if (singleUse && !v.hasOneUse())
    return std::nullopt;
  std::reverse(trace.chain.begin(), trace.chain.end());
  trace.source = v;

  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() == 0 || !type.hasStaticShape())
    return std::nullopt;
  trace.map = dfq::identityMap(type.getShape().back());
  // Channels stay put through everything but runs of layout ops, which are
  // traced element by element.
  for (size_t i = 0; i < trace.chain.size();) {
    Operation *op = trace.chain[i];
    if (!isa<ReshapeOp, TransposeOp>(op)) {
      auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (!out || out.getRank() == 0 ||
          out.getShape().back() != static_cast<int64_t>(trace.map.size()))
        return std::nullopt;
      ++i;
      continue;
    }
    auto before = cast<RankedTensorType>(op->getOperand(0).getType());
    size_t end = i;
    while (end < trace.chain.size() &&
           isa<ReshapeOp, TransposeOp>(trace.chain[end]))
      ++end;
    auto rel = relateChannels(
        before, ArrayRef<Operation *>(trace.chain).slice(i, end - i));
    if (!rel || !rel->toSrc)
      return std::nullopt;
    dfq::ChannelMap composed(rel->toSrc->size());
    for (size_t j = 0; j < composed.size(); ++j)
      composed[j] = trace.map[(*rel->toSrc)[j]];
    trace.map = std::move(composed);
    i = end;
  }
  return trace;
}
