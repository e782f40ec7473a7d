//===- QNNToNPU.cpp - quantized qnn ops a target runs to npu ops ----------===//
//
// Op by op, in program order: an op the target supports (kind, limits, bit
// widths, accumulator, scales, memory) becomes its npu op on integer
// storage; its operands come from the npu op that produced them, or cross
// from the CPU through an npu.transfer; its result crosses back through an
// npu.transfer for qnn users. Transfers nobody reads are erased at the end,
// so chains of npu ops talk to each other directly. The requantization
// numbers are computed exactly as the TOSA lowering computes them
// (lib/Conversion/QNNToTOSA), so both paths produce the same integers.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Conversion/Passes.h"

#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/IR/Tiling.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Quant/QuantMath.h"
#include "qmlir/Target/TargetDescription.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

#include <cmath>

namespace qmlir {
#define GEN_PASS_DEF_CONVERTQNNTONPUPASS
#include "qmlir/Conversion/Passes.h.inc"
} // namespace qmlir

using namespace mlir;
using namespace qmlir;
using qmlir::target::OpLimits;
using qmlir::target::TargetDescription;

namespace {

/// The per-channel parameters of a quantized type (one entry per tensor).
struct QInfo {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  int64_t qmin = 0, qmax = 0;
  unsigned bits = 0;
  IntegerType storage;
  bool perAxis = false;
  int32_t axis = -1;
  double scale(size_t c) const { return scales[scales.size() == 1 ? 0 : c]; }
  int64_t zp(size_t c) const {
    return zeroPoints[zeroPoints.size() == 1 ? 0 : c];
  }
};

/// The width of a storage range: 2^bits (asymmetric) or 2^bits - 1
/// (symmetric) levels.
unsigned bitsOfRange(int64_t qmin, int64_t qmax) {
  unsigned bits = 1;
  while ((int64_t(1) << bits) < qmax - qmin + 1)
    ++bits;
  return bits;
}

std::optional<QInfo> infoOf(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return std::nullopt;
  auto q = dyn_cast<quant::QuantizedType>(tensor.getElementType());
  if (!q || !q.isSigned() || !isa<IntegerType>(q.getStorageType()))
    return std::nullopt;
  QInfo info;
  info.qmin = q.getStorageTypeMin();
  info.qmax = q.getStorageTypeMax();
  info.bits = bitsOfRange(info.qmin, info.qmax);
  info.storage = cast<IntegerType>(q.getStorageType());
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    info.scales = {u.getScale()};
    info.zeroPoints = {u.getZeroPoint()};
    return info;
  }
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(q)) {
    info.scales.assign(pa.getScales().begin(), pa.getScales().end());
    info.zeroPoints.assign(pa.getZeroPoints().begin(),
                           pa.getZeroPoints().end());
    info.perAxis = true;
    info.axis = pa.getQuantizedDimension();
    return info;
  }
  return std::nullopt;
}

RankedTensorType storageTensor(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  auto q = cast<quant::QuantizedType>(tensor.getElementType());
  return tensor.clone(q.getStorageType());
}

/// The integer constant under `quant.scast(arith.constant)`.
Value integerConstant(Value v) {
  auto cast = v.getDefiningOp<quant::StorageCastOp>();
  if (!cast)
    return Value();
  Value in = cast.getInput();
  DenseIntElementsAttr attr;
  if (!matchPattern(in, m_Constant(&attr)))
    return Value();
  return in;
}

/// Σ|w| per output channel (dim 0) of an integer constant.
SmallVector<double> absSums(Value weights) {
  DenseIntElementsAttr attr;
  matchPattern(weights, m_Constant(&attr));
  int64_t out = cast<RankedTensorType>(weights.getType()).getDimSize(0);
  int64_t per = attr.getNumElements() / out;
  SmallVector<double> sums(out, 0.0);
  int64_t i = 0;
  for (const APInt &v : attr.getValues<APInt>())
    sums[i++ / per] += std::fabs(double(v.getSExtValue()));
  return sums;
}

SmallVector<double> absValues(Value bias, int64_t n) {
  SmallVector<double> out(n, 0.0);
  DenseIntElementsAttr attr;
  if (bias && matchPattern(bias, m_Constant(&attr))) {
    int64_t i = 0;
    for (const APInt &v : attr.getValues<APInt>())
      out[i++] = std::fabs(double(v.getSExtValue()));
  }
  return out;
}

/// The tiler's view of a quantized conv2d or dense (Tiling.h).
npu::LayerGeometry geometryOf(Operation *op, int64_t inBits, int64_t wBits,
                              int64_t outBits, bool bias) {
  npu::LayerGeometry g;
  g.inputBits = inBits;
  g.weightBits = wBits;
  g.outputBits = outBits;
  g.bias = bias;
  auto x = cast<RankedTensorType>(op->getOperand(0).getType());
  auto w = cast<RankedTensorType>(op->getOperand(1).getType());
  auto y = cast<RankedTensorType>(op->getResult(0).getType());
  g.O = w.getDimSize(0);
  if (auto conv = dyn_cast<qnn::Conv2dOp>(op)) {
    g.N = x.getDimSize(0);
    g.H = x.getDimSize(1);
    g.W = x.getDimSize(2);
    g.C = x.getDimSize(3);
    g.KH = w.getDimSize(1);
    g.KW = w.getDimSize(2);
    g.CG = w.getDimSize(3);
    g.OH = y.getDimSize(1);
    g.OW = y.getDimSize(2);
    g.strideH = conv.getStrides()[0];
    g.dilationH = conv.getDilations()[0];
    g.padTop = conv.getPadding()[0];
    g.groups = conv.getGroups();
    return g;
  }
  g.C = g.CG = w.getDimSize(1);
  g.H = g.OH = x.getNumElements() / g.C;
  return g;
}

class Converter {
public:
  Converter(ModuleOp module, const TargetDescription &target)
      : module(module), target(target), b(module.getContext()) {}
  void run(func::FuncOp func);

private:
  /// Why `op` cannot run on the target (empty: it can), with the
  /// requantization it needs.
  LogicalResult convert(Operation *op);
  LogicalResult convertLayer(Operation *op);
  LogicalResult convertRequant(qnn::RequantizeOp op);
  LogicalResult convertClamp(Operation *op);
  LogicalResult convertMaxPool(qnn::MaxPool2dOp op);
  LogicalResult convertReshape(qnn::ReshapeOp op);
  LogicalResult convertTranspose(qnn::TransposeOp op);
  LogicalResult convertAvgPool(Operation *op, ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides);
  LogicalResult convertAdd(qnn::AddOp op);
  LogicalResult convertConcat(qnn::ConcatOp op);
  LogicalResult convertPad(qnn::PadOp op);
  /// The channel (last dimension) limits of `limits` hold for `type`.
  bool channelsWithin(const OpLimits *limits, Type type) const {
    auto t = cast<RankedTensorType>(type);
    int64_t c = t.getRank() ? t.getShape().back() : 1;
    return (!limits->maxInputChannels || c <= *limits->maxInputChannels) &&
           (!limits->maxOutputChannels || c <= *limits->maxOutputChannels);
  }

  /// Activations of `type` the target can hold: per tensor, or per channel
  /// of the last dimension when the target allows per-axis activations.
  bool activationOk(const QInfo &q, Type type) const {
    if (!q.perAxis)
      return true;
    auto t = cast<RankedTensorType>(type);
    return !target.perTensorActivationsOnly && t.getRank() > 0 &&
           q.axis == t.getRank() - 1;
  }
  /// The per-channel zero points of a per-axis type (null: per tensor).
  DenseI64ArrayAttr channelZps(const QInfo &q) {
    return q.perAxis ? b.getDenseI64ArrayAttr(q.zeroPoints)
                     : DenseI64ArrayAttr();
  }

  bool bitsAllowed(ArrayRef<unsigned> allowed, unsigned bits) const {
    return llvm::is_contained(allowed, bits);
  }
  bool listed(ArrayRef<int64_t> allowed, ArrayRef<int64_t> values) const {
    if (allowed.empty())
      return true;
    return llvm::all_of(
        values, [&](int64_t v) { return llvm::is_contained(allowed, v); });
  }
  /// Multipliers/shifts for `ratios`; fails if one is not representable, or
  /// is not a pure shift on a power-of-two target.
  FailureOr<std::pair<SmallVector<int32_t>, SmallVector<int32_t>>>
  rescales(ArrayRef<double> ratios) const;
  Value toDevice(Value v);
  void replaceWithDevice(Operation *op, Value deviceResult);

  ModuleOp module;
  const TargetDescription &target;
  OpBuilder b;
  llvm::DenseMap<Operation *, std::string> names;
};

FailureOr<std::pair<SmallVector<int32_t>, SmallVector<int32_t>>>
Converter::rescales(ArrayRef<double> ratios) const {
  SmallVector<int32_t> mult, shift;
  for (double r : ratios) {
    std::optional<qmath::Rescale> rs = qmath::computeRescale(r);
    if (!rs)
      return failure();
    if (target.powerOfTwoScales && rs->multiplier != (1 << 30))
      return failure();
    mult.push_back(rs->multiplier);
    shift.push_back(rs->shift);
  }
  return std::make_pair(mult, shift);
}

/// `v` without the reinterpretation qnn-quantize puts in front of a
/// per-axis conv2d/dense input: quant.scast to the storage type and back to
/// a type of other scales (docs/Quantization.md, "Per-axis activations").
/// The integers are unchanged, so on the accelerator it is the same tensor.
Value throughReinterpretation(Value v) {
  auto outer = v.getDefiningOp<quant::StorageCastOp>();
  if (!outer || !isa<quant::QuantizedType>(
                    getElementTypeOrSelf(outer.getResult().getType())))
    return v;
  auto inner = outer.getInput().getDefiningOp<quant::StorageCastOp>();
  if (!inner || !isa<quant::QuantizedType>(
                    getElementTypeOrSelf(inner.getInput().getType())))
    return v;
  auto from = cast<quant::QuantizedType>(
      getElementTypeOrSelf(inner.getInput().getType()));
  auto to = cast<quant::QuantizedType>(
      getElementTypeOrSelf(outer.getResult().getType()));
  if (from.getStorageType() != to.getStorageType() ||
      from.getStorageTypeMin() != to.getStorageTypeMin() ||
      from.getStorageTypeMax() != to.getStorageTypeMax())
    return v;
  return inner.getInput();
}

Value Converter::toDevice(Value v) {
  v = throughReinterpretation(v);
  if (auto t = v.getDefiningOp<npu::TransferOp>())
    if (!t.isToDevice())
      return t.getInput();
  // One transfer per tensor: reuse one an earlier consumer created.
  Block *block = b.getInsertionBlock();
  for (Operation *user : v.getUsers())
    if (auto t = dyn_cast<npu::TransferOp>(user))
      if (t.isToDevice() && t->getBlock() == block &&
          t->isBeforeInBlock(&*b.getInsertionPoint()))
        return t.getOutput();
  return npu::TransferOp::create(b, v.getLoc(), storageTensor(v.getType()), v);
}

void Converter::replaceWithDevice(Operation *op, Value deviceResult) {
  Value back = npu::TransferOp::create(
      b, op->getLoc(), op->getResult(0).getType(), deviceResult);
  op->getResult(0).replaceAllUsesWith(back);
  op->erase();
}

LogicalResult Converter::convertLayer(Operation *op) {
  auto conv = dyn_cast<qnn::Conv2dOp>(op);
  const OpLimits *limits = target.lookup(op->getName().stripDialect());
  Value input = op->getOperand(0), weightQ = op->getOperand(1);
  Value biasQ = op->getNumOperands() > 2 ? op->getOperand(2) : Value();
  std::optional<QInfo> in = infoOf(input.getType()),
                       w = infoOf(weightQ.getType()),
                       out = infoOf(op->getResult(0).getType());
  if (!in || !w || !out || !activationOk(*in, input.getType()) ||
      !activationOk(*out, op->getResult(0).getType()))
    return failure();
  if (w->perAxis && w->axis != 0)
    return failure();
  // A per-axis input has one scale (qnn-quantize reinterprets it so) and a
  // zero point per channel, which must be the dense reduction's.
  if (in->perAxis && !llvm::all_equal(in->scales))
    return failure();
  if (in->perAxis && !conv &&
      cast<RankedTensorType>(op->getOperand(1).getType()).getDimSize(1) !=
          cast<RankedTensorType>(input.getType()).getShape().back())
    return failure();
  Value weights = integerConstant(weightQ);
  Value bias = biasQ ? integerConstant(biasQ) : Value();
  if (!weights || (biasQ && !bias))
    return failure();
  if (!bitsAllowed(target.activationBits, in->bits) ||
      !bitsAllowed(target.weightBits, w->bits) ||
      !bitsAllowed(target.outputBits, out->bits) ||
      (w->perAxis && !target.perAxisWeights))
    return failure();
  auto wType = cast<RankedTensorType>(weights.getType());
  int64_t outChannels = wType.getDimSize(0);
  int64_t inChannels =
      cast<RankedTensorType>(input.getType()).getShape().back();
  if ((limits->maxInputChannels && inChannels > *limits->maxInputChannels) ||
      (limits->maxOutputChannels && outChannels > *limits->maxOutputChannels))
    return failure();
  if (conv) {
    if (!listed(limits->kernelSizes, wType.getShape().slice(1, 2)) ||
        !listed(limits->strides, conv.getStrides()) ||
        llvm::any_of(conv.getDilations(), [](int64_t d) { return d != 1; }))
      return failure();
    if (conv.getGroups() > 1 &&
        !(conv.isDepthwise() ? limits->depthwise : limits->grouped))
      return failure();
  }
  // On-chip memory: the whole layer, or tiles of it (Tiling.h); a layer of
  // which not even one output channel of one output row fits stays on the
  // CPU.
  npu::LayerGeometry g = geometryOf(op, in->bits, w->bits, out->bits,
                                    static_cast<bool>(bias));
  g.inputZps = in->perAxis;
  g.outputZps = out->perAxis;
  std::optional<npu::TilePlan> plan =
      npu::planTiles(g, target.memoryBytes, target.macCols);
  if (!plan) {
    mlir::emitWarning(op->getLoc())
        << "layer '" << names.lookup(op) << "' cannot be tiled for the "
        << target.memoryBytes << " bytes of on-chip memory of target '"
        << target.name << "': one output channel of one output row needs "
        << npu::tileBytes(g, 1, 1) << " bytes (its weights, bias, input "
        << "rows and output): it stays on the CPU";
    return failure();
  }
  // The worst-case accumulator must fit.
  SmallVector<double> sums = absSums(weights),
                      biases = absValues(bias, outChannels);
  double maxIn = 0.0;
  for (int64_t zp : in->zeroPoints)
    maxIn = std::max(maxIn, double(std::max(in->qmax - zp, zp - in->qmin)));
  double worst = 0.0;
  for (int64_t o = 0; o < outChannels; ++o)
    worst = std::max(worst, sums[o] * maxIn + biases[o]);
  if (worst > std::ldexp(1.0, target.accumulatorBits - 1) - 1.0)
    return failure();
  // The TOSA lowering's ratios: s_in * s_w[c] / s_out[c] (per output
  // channel for per-axis weights or outputs).
  bool perChannel = w->perAxis || out->perAxis;
  SmallVector<double> ratios;
  for (int64_t c = 0; c < (perChannel ? outChannels : 1); ++c)
    ratios.push_back(in->scale(0) * w->scale(c) / out->scale(c));
  auto rs = rescales(ratios);
  if (failed(rs))
    return failure();

  b.setInsertionPoint(op);
  Value x = toDevice(input);
  Type resultType = storageTensor(op->getResult(0).getType());
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  Value result;
  if (conv) {
    result = npu::Conv2dOp::create(
        b, op->getLoc(), resultType, x, weights, bias, conv.getStridesAttr(),
        conv.getPaddingAttr(), conv.getDilationsAttr(), i64(conv.getGroups()),
        i64(in->zp(0)), i64(in->bits), i64(w->bits),
        i64(target.accumulatorBits), i64(out->zp(0)),
        b.getDenseI32ArrayAttr(rs->first), b.getDenseI32ArrayAttr(rs->second),
        i64(out->qmin), i64(out->qmax), i64(out->bits),
        /*tile_channels=*/nullptr, /*tile_rows=*/nullptr, channelZps(*in),
        channelZps(*out));
  } else {
    result = npu::DenseOp::create(
        b, op->getLoc(), resultType, x, weights, bias, i64(in->zp(0)),
        i64(in->bits), i64(w->bits), i64(target.accumulatorBits),
        i64(out->zp(0)), b.getDenseI32ArrayAttr(rs->first),
        b.getDenseI32ArrayAttr(rs->second), i64(out->qmin), i64(out->qmax),
        i64(out->bits), /*tile_channels=*/nullptr, /*tile_rows=*/nullptr,
        channelZps(*in), channelZps(*out));
  }
  if (plan->channels < g.O || plan->rows < g.OH) {
    Operation *layer = result.getDefiningOp();
    layer->setAttr("tile_channels", b.getI64IntegerAttr(plan->channels));
    layer->setAttr("tile_rows", b.getI64IntegerAttr(plan->rows));
    mlir::emitRemark(op->getLoc())
        << "layer '" << names.lookup(op) << "' (" << npu::wholeLayerBytes(g)
        << " bytes) is tiled for the " << target.memoryBytes
        << " bytes of on-chip memory of target '" << target.name
        << "': tiles of " << plan->channels << " of " << g.O
        << " output channels and " << plan->rows << " of " << g.OH
        << " output rows (" << npu::tileBytes(g, plan->channels, plan->rows)
        << " bytes each)";
  }
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convertRequant(qnn::RequantizeOp op) {
  std::optional<QInfo> in = infoOf(op.getInput().getType()),
                       out = infoOf(op.getOutput().getType());
  if (!in || !out || !activationOk(*in, op.getInput().getType()) ||
      !activationOk(*out, op.getOutput().getType()) ||
      !bitsAllowed(target.activationBits, in->bits) ||
      !bitsAllowed(target.activationBits, out->bits))
    return failure();
  // The TOSA lowering's ratios (requantizeSpec): s_in[c] / s_out[c] per
  // channel, one when they are all equal.
  int64_t channels = std::max(in->scales.size(), out->scales.size());
  SmallVector<double> ratios;
  for (int64_t c = 0; c < channels; ++c)
    ratios.push_back(in->scale(c) / out->scale(c));
  if (llvm::all_equal(ratios))
    ratios.resize(1);
  auto rs = rescales(ratios);
  if (failed(rs))
    return failure();
  b.setInsertionPoint(op);
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  Value result = npu::RescaleOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()),
      toDevice(op.getInput()), i64(in->zp(0)), i64(in->bits), i64(out->zp(0)),
      b.getDenseI32ArrayAttr(rs->first), b.getDenseI32ArrayAttr(rs->second),
      i64(out->qmin), i64(out->qmax), i64(out->bits), channelZps(*in),
      channelZps(*out));
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convertClamp(Operation *op) {
  std::optional<QInfo> in = infoOf(op->getOperand(0).getType());
  if (!in || !activationOk(*in, op->getOperand(0).getType()) ||
      !bitsAllowed(target.activationBits, in->bits))
    return failure();
  // Relu: max(q, zp); clip: the bounds quantized with the tensor's own
  // parameters (as the TOSA lowering does), per channel for per-axis
  // activations.
  SmallVector<int64_t> lo, hi;
  for (size_t c = 0; c < in->zeroPoints.size(); ++c) {
    lo.push_back(in->zp(c));
    hi.push_back(in->qmax);
    if (auto clip = dyn_cast<qnn::ClipOp>(op)) {
      lo.back() = qmath::quantize(clip.getMin().convertToFloat(), in->scale(c),
                                  in->zp(c), in->qmin, in->qmax);
      hi.back() = qmath::quantize(clip.getMax().convertToFloat(), in->scale(c),
                                  in->zp(c), in->qmin, in->qmax);
    }
  }
  b.setInsertionPoint(op);
  Value x = toDevice(op->getOperand(0));
  Value result = npu::ClampOp::create(
      b, op->getLoc(), x.getType(), x, b.getI64IntegerAttr(lo[0]),
      b.getI64IntegerAttr(hi[0]), b.getI64IntegerAttr(in->bits),
      in->perAxis ? b.getDenseI64ArrayAttr(lo) : DenseI64ArrayAttr(),
      in->perAxis ? b.getDenseI64ArrayAttr(hi) : DenseI64ArrayAttr());
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convertMaxPool(qnn::MaxPool2dOp op) {
  const OpLimits *limits = target.lookup("max_pool2d");
  std::optional<QInfo> in = infoOf(op.getInput().getType());
  if (!in || !activationOk(*in, op.getInput().getType()) ||
      !bitsAllowed(target.activationBits, in->bits) ||
      !listed(limits->kernelSizes, op.getKernel()) ||
      !listed(limits->strides, op.getStrides()) ||
      llvm::any_of(op.getDilations(), [](int64_t d) { return d != 1; }))
    return failure();
  b.setInsertionPoint(op);
  Value result = npu::MaxPool2dOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()),
      toDevice(op.getInput()), op.getKernelAttr(), op.getStridesAttr(),
      op.getPaddingAttr(), b.getI64IntegerAttr(in->bits));
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convertReshape(qnn::ReshapeOp op) {
  std::optional<QInfo> in = infoOf(op.getInput().getType()),
                       out = infoOf(op.getOutput().getType());
  // Per-axis: qnn keeps the per-channel type only where the channels stay
  // the last dimension (e.g. a flatten of 1x1xC).
  if (!in || !out || !activationOk(*in, op.getInput().getType()) ||
      !activationOk(*out, op.getOutput().getType()) ||
      !bitsAllowed(target.activationBits, in->bits))
    return failure();
  b.setInsertionPoint(op);
  Value result = npu::ReshapeOp::create(b, op.getLoc(),
                                        storageTensor(op.getOutput().getType()),
                                        toDevice(op.getInput()));
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convertTranspose(qnn::TransposeOp op) {
  std::optional<QInfo> in = infoOf(op.getInput().getType()),
                       out = infoOf(op.getOutput().getType());
  if (!in || !out || !activationOk(*in, op.getInput().getType()) ||
      !activationOk(*out, op.getOutput().getType()) ||
      !bitsAllowed(target.activationBits, in->bits))
    return failure();
  b.setInsertionPoint(op);
  Value result = npu::TransposeOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()),
      toDevice(op.getInput()), op.getPermutationAttr());
  replaceWithDevice(op, result);
  return success();
}

/// avg_pool2d without padding and global_avg_pool: TOSA AVG_POOL2D's integer
/// division (input and output share the scale, as qnn-quantize makes them).
LogicalResult Converter::convertAvgPool(Operation *op, ArrayRef<int64_t> kernel,
                                        ArrayRef<int64_t> strides) {
  std::optional<QInfo> in = infoOf(op->getOperand(0).getType()),
                       out = infoOf(op->getResult(0).getType());
  if (!in || !out || in->perAxis || out->perAxis ||
      !bitsAllowed(target.activationBits, in->bits) ||
      in->storage != out->storage || in->scale(0) != out->scale(0))
    return failure();
  b.setInsertionPoint(op);
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  Value result = npu::AvgPool2dOp::create(
      b, op->getLoc(), storageTensor(op->getResult(0).getType()),
      toDevice(op->getOperand(0)), b.getDenseI64ArrayAttr(kernel),
      b.getDenseI64ArrayAttr(strides), i64(in->zp(0)), i64(out->zp(0)),
      i64(out->qmin), i64(out->qmax), i64(in->bits));
  replaceWithDevice(op, result);
  return success();
}

/// Element-wise add of two same-shape per-tensor inputs: the CPU path's
/// rescales (qmath::computeAddRescale), its 32-bit sum within the
/// accumulator.
LogicalResult Converter::convertAdd(qnn::AddOp op) {
  const OpLimits *limits = target.lookup("add");
  std::optional<QInfo> a = infoOf(op.getLhs().getType()),
                       bIn = infoOf(op.getRhs().getType()),
                       out = infoOf(op.getOutput().getType());
  if (!a || !bIn || !out || a->perAxis || bIn->perAxis || out->perAxis ||
      a->storage != bIn->storage ||
      cast<RankedTensorType>(op.getLhs().getType()).getShape() !=
          op.getOutput().getType().getShape() ||
      cast<RankedTensorType>(op.getRhs().getType()).getShape() !=
          op.getOutput().getType().getShape() ||
      !bitsAllowed(target.activationBits, a->bits) ||
      !bitsAllowed(target.activationBits, bIn->bits) ||
      !bitsAllowed(target.outputBits, out->bits) ||
      !channelsWithin(limits, op.getOutput().getType()))
    return failure();
  // The storage ranges, as the CPU lowering takes them.
  auto range = [](const QInfo &q) {
    unsigned w = q.storage.getWidth();
    return qmath::AddInput{q.scale(0), q.zp(0), -(int64_t(1) << (w - 1)),
                           (int64_t(1) << (w - 1)) - 1};
  };
  std::optional<qmath::AddRescale> rs =
      qmath::computeAddRescale(range(*a), range(*bIn), out->scale(0), false);
  if (!rs)
    return failure();
  int64_t accLimit = int64_t(1) << (target.accumulatorBits - 1);
  if (rs->sumLo < -accLimit || rs->sumHi > accLimit - 1)
    return failure();
  for (qmath::Rescale r : {rs->lhs, rs->rhs, rs->output})
    if (target.powerOfTwoScales && r.multiplier != (1 << 30))
      return failure();
  b.setInsertionPoint(op);
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  Value lhs = toDevice(op.getLhs()), rhs = toDevice(op.getRhs());
  Value result = npu::AddOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()), lhs, rhs,
      i64(a->zp(0)), i64(bIn->zp(0)), i64(a->bits),
      b.getDenseI32ArrayAttr({rs->lhs.multiplier, rs->rhs.multiplier}),
      b.getDenseI32ArrayAttr({rs->lhs.shift, rs->rhs.shift}), i64(out->zp(0)),
      b.getDenseI32ArrayAttr({rs->output.multiplier}),
      b.getDenseI32ArrayAttr({rs->output.shift}), i64(out->qmin),
      i64(out->qmax), i64(out->bits));
  replaceWithDevice(op, result);
  return success();
}

/// Concatenation; inputs of another type than the output are requantized
/// to it first (an npu.rescale each), as the CPU lowering does.
LogicalResult Converter::convertConcat(qnn::ConcatOp op) {
  const OpLimits *limits = target.lookup("concat");
  std::optional<QInfo> out = infoOf(op.getOutput().getType());
  int64_t axis = static_cast<int64_t>(op.getAxis());
  int64_t numInputs = static_cast<int64_t>(op.getInputs().size());
  if (!out || out->perAxis || !bitsAllowed(target.activationBits, out->bits) ||
      !channelsWithin(limits, op.getOutput().getType()) ||
      (limits->maxInputs && numInputs > *limits->maxInputs) ||
      !listed(limits->axes, {axis}))
    return failure();
  SmallVector<std::pair<Value, std::optional<std::pair<SmallVector<int32_t>,
                                                       SmallVector<int32_t>>>>>
      plan;
  for (Value v : op.getInputs()) {
    std::optional<QInfo> in = infoOf(v.getType());
    if (!in || in->perAxis || !bitsAllowed(target.activationBits, in->bits) ||
        !channelsWithin(limits, v.getType()))
      return failure();
    if (cast<RankedTensorType>(v.getType()).getElementType() ==
        op.getOutput().getType().getElementType()) {
      plan.push_back({v, std::nullopt});
      continue;
    }
    auto rs = rescales({in->scale(0) / out->scale(0)});
    if (failed(rs))
      return failure();
    plan.push_back({v, *rs});
  }
  b.setInsertionPoint(op);
  auto i64 = [&](int64_t v) { return b.getI64IntegerAttr(v); };
  SmallVector<Value> inputs;
  for (auto &[v, rs] : plan) {
    Value x = toDevice(v);
    if (rs) {
      std::optional<QInfo> in = infoOf(v.getType());
      auto type = cast<RankedTensorType>(v.getType()).clone(out->storage);
      x = npu::RescaleOp::create(
          b, op.getLoc(), type, x, i64(in->zp(0)), i64(in->bits),
          i64(out->zp(0)), b.getDenseI32ArrayAttr(rs->first),
          b.getDenseI32ArrayAttr(rs->second), i64(out->qmin), i64(out->qmax),
          i64(out->bits), /*input_zps=*/nullptr, /*output_zps=*/nullptr);
    }
    inputs.push_back(x);
  }
  Value result = npu::ConcatOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()), inputs,
      i64(axis), i64(out->bits));
  replaceWithDevice(op, result);
  return success();
}

/// Constant padding of a per-tensor tensor: the pad value quantized with
/// the tensor's parameters, as the CPU lowering quantizes it.
LogicalResult Converter::convertPad(qnn::PadOp op) {
  std::optional<QInfo> in = infoOf(op.getInput().getType());
  if (!in || in->perAxis || op.getMode() != qnn::PadMode::Constant ||
      op.getInput().getType().getElementType() !=
          op.getOutput().getType().getElementType() ||
      !bitsAllowed(target.activationBits, in->bits) ||
      !channelsWithin(target.lookup("pad"), op.getOutput().getType()))
    return failure();
  int64_t value = qmath::quantize(op.getValue().convertToFloat(),
                                  in->scale(0), in->zp(0), in->qmin, in->qmax);
  b.setInsertionPoint(op);
  Value result = npu::PadOp::create(
      b, op.getLoc(), storageTensor(op.getOutput().getType()),
      toDevice(op.getInput()), op.getPaddingAttr(),
      b.getI64IntegerAttr(value), b.getI64IntegerAttr(in->bits));
  replaceWithDevice(op, result);
  return success();
}

LogicalResult Converter::convert(Operation *op) {
  if (!target.lookup(op->getName().stripDialect()))
    return failure();
  if (isa<qnn::Conv2dOp, qnn::DenseOp>(op))
    return convertLayer(op);
  if (auto r = dyn_cast<qnn::RequantizeOp>(op))
    return convertRequant(r);
  if (isa<qnn::ReluOp, qnn::ClipOp>(op))
    return convertClamp(op);
  if (auto p = dyn_cast<qnn::MaxPool2dOp>(op))
    return convertMaxPool(p);
  if (auto r = dyn_cast<qnn::ReshapeOp>(op))
    return convertReshape(r);
  if (auto t = dyn_cast<qnn::TransposeOp>(op))
    return convertTranspose(t);
  if (auto p = dyn_cast<qnn::AvgPool2dOp>(op)) {
    const OpLimits *limits = target.lookup("avg_pool2d");
    if (llvm::any_of(p.getPadding(), [](int64_t x) { return x != 0; }) ||
        !listed(limits->kernelSizes, p.getKernel()) ||
        !listed(limits->strides, p.getStrides()))
      return failure();
    return convertAvgPool(op, p.getKernel(), p.getStrides());
  }
  if (auto a = dyn_cast<qnn::AddOp>(op))
    return convertAdd(a);
  if (auto c = dyn_cast<qnn::ConcatOp>(op))
    return convertConcat(c);
  if (auto p = dyn_cast<qnn::PadOp>(op))
    return convertPad(p);
  if (auto g = dyn_cast<qnn::GlobalAvgPoolOp>(op)) {
    auto shape = g.getInput().getType().getShape();
    int64_t kernel[] = {shape[1], shape[2]};
    int64_t strides[] = {1, 1};
    return convertAvgPool(op, kernel, strides);
  }
  return failure();
}

void Converter::run(func::FuncOp func) {
  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (isa<qnn::QNNDialect>(op->getDialect()))
      ops.push_back(op);
  });
  // Names first: layerName counts the qnn ops before an op, which
  // conversion removes.
  for (Operation *op : ops)
    names[op] = qnn::layerName(op);
  for (Operation *op : ops)
    (void)convert(op);
  // Transfers, casts and constants nobody reads any more.
  bool changed = true;
  while (changed) {
    changed = false;
    SmallVector<Operation *> dead;
    func.walk([&](Operation *op) {
      if (isOpTriviallyDead(op))
        dead.push_back(op);
    });
    for (Operation *op : llvm::reverse(dead)) {
      op->erase();
      changed = true;
    }
  }
}

struct ConvertQNNToNPUPass
    : qmlir::impl::ConvertQNNToNPUPassBase<ConvertQNNToNPUPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (target.empty()) {
      module.emitError("convert-qnn-to-npu needs target=<file.json>");
      return signalPassFailure();
    }
    llvm::Expected<TargetDescription> desc = qmlir::target::readTarget(target);
    if (!desc) {
      module.emitError() << llvm::toString(desc.takeError());
      return signalPassFailure();
    }
    // What the simulator's cycle model needs about the target.
    Builder b(module.getContext());
    module->setAttr(
        "npu.target",
        b.getDictionaryAttr(
            {b.getNamedAttr("name", b.getStringAttr(desc->name)),
             b.getNamedAttr("mac_rows", b.getI64IntegerAttr(desc->macRows)),
             b.getNamedAttr("mac_cols", b.getI64IntegerAttr(desc->macCols)),
             b.getNamedAttr("clock_mhz", b.getF64FloatAttr(desc->clockMHz)),
             b.getNamedAttr("memory_bytes",
                            b.getI64IntegerAttr(desc->memoryBytes))}));
    Converter converter(module, *desc);
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        converter.run(func);
  }
};

} // namespace
