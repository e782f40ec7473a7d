//===- NPUOps.cpp - npu dialect op verifiers ------------------------------===//

#include "qmlir/Dialect/NPU/IR/NPUOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace qmlir::npu;

#define GET_OP_CLASSES
#include "qmlir/Dialect/NPU/IR/NPUOps.cpp.inc"

namespace {

unsigned widthOf(Type t) {
  return cast<IntegerType>(cast<RankedTensorType>(t).getElementType())
      .getWidth();
}

/// A `bits`-wide value needs storage at least that wide.
LogicalResult checkBits(Operation *op, StringRef what, uint64_t rawBits,
                        Type storage) {
  int64_t bits = static_cast<int64_t>(rawBits);
  if (bits < 1 || bits > 32)
    return op->emitOpError() << what << " must be in [1, 32], got " << bits;
  if (static_cast<unsigned>(bits) > widthOf(storage))
    return op->emitOpError()
           << what << " " << bits << " does not fit its storage type "
           << cast<RankedTensorType>(storage).getElementType();
  return success();
}

/// The requantization attributes: one multiplier/shift (per tensor) or one
/// per output channel; shift in [2, 62] (qmath::computeRescale); the clamp
/// range within `output_bits` signed values and ordered.
template <typename OpTy>
LogicalResult verifyRequant(OpTy op, int64_t channels) {
  ArrayRef<int32_t> mult = op.getMultiplier(), shift = op.getShift();
  if (mult.size() != shift.size() ||
      (mult.size() != 1 && static_cast<int64_t>(mult.size()) != channels))
    return op.emitOpError()
           << "needs one multiplier and shift, or one per output channel ("
           << channels << "), got " << mult.size() << " and " << shift.size();
  for (int32_t s : shift)
    if (s < 2 || s > 62)
      return op.emitOpError() << "shift must be in [2, 62], got " << s;
  if (failed(checkBits(op, "output_bits", op.getOutputBits(),
                       op.getOutput().getType())))
    return failure();
  // I64Attr getters return the bits as uint64_t.
  int64_t bits = static_cast<int64_t>(op.getOutputBits());
  int64_t qmin = static_cast<int64_t>(op.getQmin());
  int64_t qmax = static_cast<int64_t>(op.getQmax());
  int64_t zp = static_cast<int64_t>(op.getOutputZp());
  int64_t lo = -(int64_t(1) << (bits - 1));
  int64_t hi = (int64_t(1) << (bits - 1)) - 1;
  if (qmin < lo || qmax > hi || qmin > qmax)
    return op.emitOpError() << "clamp range [" << qmin << ", " << qmax
                            << "] is not within " << bits << "-bit values";
  if (zp < lo || zp > hi)
    return op.emitOpError() << "output_zp " << zp << " is not a "
                            << op.getOutputBits() << "-bit value";
  return success();
}

template <typename OpTy> LogicalResult verifyLayer(OpTy op, int64_t channels) {
  if (failed(checkBits(op, "input_bits", op.getInputBits(),
                       op.getInput().getType())) ||
      failed(checkBits(op, "weight_bits", op.getWeightBits(),
                       op.getWeight().getType())))
    return failure();
  int64_t acc = static_cast<int64_t>(op.getAccBits());
  if (acc < 2 || acc > 32)
    return op.emitOpError() << "acc_bits must be in [2, 32], got " << acc;
  if (Value bias = op.getBias()) {
    auto type = cast<RankedTensorType>(bias.getType());
    if (type.getRank() != 1 || type.getDimSize(0) != channels ||
        widthOf(type) != 32)
      return op.emitOpError() << "bias must be tensor<" << channels << "xi32>";
  }
  return verifyRequant(op, channels);
}

/// tile_channels in [1, channels], tile_rows in [1, rows] when set.
template <typename OpTy>
LogicalResult verifyTiles(OpTy op, int64_t channels, int64_t rows) {
  if (auto c = op.getTileChannels())
    if (static_cast<int64_t>(*c) < 1 || static_cast<int64_t>(*c) > channels)
      return op.emitOpError() << "tile_channels must be in [1, " << channels
                              << "], got " << static_cast<int64_t>(*c);
  if (auto r = op.getTileRows())
    if (static_cast<int64_t>(*r) < 1 || static_cast<int64_t>(*r) > rows)
      return op.emitOpError() << "tile_rows must be in [1, " << rows
                              << "], got " << static_cast<int64_t>(*r);
  return success();
}

/// Per-channel zero points (per-axis activations): one per channel of the
/// input (its last dimension) and of the output. Input zero points, like
/// `input_zp`, are only counted; output zero points must be values of
/// `output_bits`, like `output_zp`.
template <typename OpTy>
LogicalResult verifyChannelZps(OpTy op, int64_t inChannels,
                               int64_t outChannels) {
  if (auto zps = op.getInputZps();
      zps && static_cast<int64_t>(zps->size()) != inChannels)
    return op.emitOpError() << "input_zps needs one zero point per input "
                            << "channel (" << inChannels << "), got "
                            << zps->size();
  auto zps = op.getOutputZps();
  if (!zps)
    return success();
  if (static_cast<int64_t>(zps->size()) != outChannels)
    return op.emitOpError() << "output_zps needs one zero point per output "
                            << "channel (" << outChannels << "), got "
                            << zps->size();
  int64_t bits = static_cast<int64_t>(op.getOutputBits());
  int64_t lo = -(int64_t(1) << (bits - 1)), hi = (int64_t(1) << (bits - 1)) - 1;
  for (int64_t zp : *zps)
    if (zp < lo || zp > hi)
      return op.emitOpError() << "output_zps " << zp << " is not a " << bits
                              << "-bit value";
  return success();
}

int64_t lastDim(Type t) {
  auto shape = cast<RankedTensorType>(t).getShape();
  return shape.empty() ? 1 : shape.back();
}

} // namespace

LogicalResult SegmentOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size() ||
      body.getArgumentTypes() != getInputs().getTypes())
    return emitOpError("body arguments must match the inputs");
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError("body must end with npu.yield");
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("npu.yield operands must match the results");
  return success();
}

LogicalResult TransferOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getShape() != out.getShape())
    return emitOpError("input and output shapes differ");
  auto storageOf = [](Type t) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(t))
      return q.getStorageType();
    return Type();
  };
  Type qIn = storageOf(in.getElementType()),
       qOut = storageOf(out.getElementType());
  bool toDevice = qIn && out.getElementType() == qIn;
  bool toHost = qOut && in.getElementType() == qOut;
  if (!toDevice && !toHost)
    return emitOpError("transfers a !quant tensor to the integer tensor of "
                       "its storage type, or back");
  return success();
}

LogicalResult Conv2dOp::verify() {
  if (getStrides().size() != 2 || getDilations().size() != 2 ||
      getPadding().size() != 4)
    return emitOpError("needs 2 strides, 2 dilations and 4 paddings");
  auto w = getWeight().getType();
  if (getInput().getType().getRank() != 4 || w.getRank() != 4 ||
      getOutput().getType().getRank() != 4)
    return emitOpError("input, weight and output must be 4-D (NHWC, OHWI)");
  if (failed(verifyTiles(*this, w.getDimSize(0),
                         getOutput().getType().getDimSize(1))))
    return failure();
  if (failed(verifyLayer(*this, w.getDimSize(0))))
    return failure();
  return verifyChannelZps(*this, lastDim(getInput().getType()),
                          w.getDimSize(0));
}

LogicalResult DenseOp::verify() {
  auto w = getWeight().getType();
  if (w.getRank() != 2)
    return emitOpError("weight must be 2-D [out, in]");
  int64_t k = w.getDimSize(1);
  int64_t rows = k > 0 ? getInput().getType().getNumElements() / k : 0;
  if (failed(verifyTiles(*this, w.getDimSize(0), rows)))
    return failure();
  if (failed(verifyLayer(*this, w.getDimSize(0))))
    return failure();
  if (getInputZps() && lastDim(getInput().getType()) != k)
    return emitOpError("input_zps need an input whose last dimension is the "
                       "reduction");
  return verifyChannelZps(*this, k, w.getDimSize(0));
}

LogicalResult RescaleOp::verify() {
  if (failed(
          checkBits(*this, "input_bits", getInputBits(), getInput().getType())))
    return failure();
  if (getInput().getType().getShape() != getOutput().getType().getShape())
    return emitOpError("input and output shapes differ");
  int64_t channels = lastDim(getOutput().getType());
  if (failed(verifyRequant(*this, channels)))
    return failure();
  return verifyChannelZps(*this, channels, channels);
}

LogicalResult ClampOp::verify() {
  if (failed(checkBits(*this, "bits", getBits(), getInput().getType())))
    return failure();
  int64_t lo = static_cast<int64_t>(getMin()),
          hi = static_cast<int64_t>(getMax());
  if (lo > hi)
    return emitOpError() << "min " << lo << " > max " << hi;
  std::optional<ArrayRef<int64_t>> mins = getMins(), maxs = getMaxs();
  if (!mins && !maxs)
    return success();
  int64_t channels = lastDim(getInput().getType());
  if (!mins || !maxs || static_cast<int64_t>(mins->size()) != channels ||
      static_cast<int64_t>(maxs->size()) != channels)
    return emitOpError() << "mins and maxs need one bound per channel ("
                         << channels << ") each";
  for (auto [l, h] : llvm::zip_equal(*mins, *maxs))
    if (l > h)
      return emitOpError() << "min " << l << " > max " << h;
  return success();
}

LogicalResult MaxPool2dOp::verify() {
  if (getKernel().size() != 2 || getStrides().size() != 2 ||
      getPadding().size() != 4)
    return emitOpError("needs a 2-D kernel, 2 strides and 4 paddings");
  if (getInput().getType().getElementType() !=
      getOutput().getType().getElementType())
    return emitOpError("input and output element types differ");
  return checkBits(*this, "bits", getBits(), getInput().getType());
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  if (in.getElementType() != out.getElementType() ||
      in.getNumElements() != out.getNumElements())
    return emitOpError("must keep the element type and count");
  return success();
}

LogicalResult AvgPool2dOp::verify() {
  if (getKernel().size() != 2 || getStrides().size() != 2)
    return emitOpError("needs a 2-D kernel and 2 strides");
  if (getInput().getType().getRank() != 4 ||
      getOutput().getType().getRank() != 4)
    return emitOpError("input and output must be 4-D (NHWC)");
  if (static_cast<int64_t>(getQmin()) > static_cast<int64_t>(getQmax()))
    return emitOpError("qmin > qmax");
  return checkBits(*this, "bits", getBits(), getInput().getType());
}

LogicalResult TransposeOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  ArrayRef<int64_t> perm = getPermutation();
  if (static_cast<int64_t>(perm.size()) != in.getRank() ||
      in.getRank() != out.getRank() ||
      in.getElementType() != out.getElementType())
    return emitOpError("needs one permutation entry per dimension and the "
                       "same element type");
  for (auto [i, p] : llvm::enumerate(perm))
    if (p < 0 || p >= in.getRank() || out.getDimSize(i) != in.getDimSize(p))
      return emitOpError("output dimension ")
             << i << " is not input dimension " << p;
  return success();
}

LogicalResult AddOp::verify() {
  auto out = getOutput().getType();
  if (getLhs().getType() != getRhs().getType() ||
      getLhs().getType().getShape() != out.getShape())
    return emitOpError("inputs must have one type and the output's shape");
  if (failed(checkBits(*this, "input_bits", getInputBits(),
                       getLhs().getType())))
    return failure();
  if (getInputMultiplier().size() != 2 || getInputShift().size() != 2)
    return emitOpError("needs two input multipliers and shifts");
  for (int32_t s : getInputShift())
    if (s < 2 || s > 62)
      return emitOpError() << "input shift must be in [2, 62], got " << s;
  return verifyRequant(*this, 1);
}

LogicalResult ConcatOp::verify() {
  auto out = getOutput().getType();
  int64_t axis = static_cast<int64_t>(getAxis());
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  if (axis < 0 || axis >= out.getRank())
    return emitOpError() << "axis " << axis << " is out of range";
  int64_t total = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getElementType() != out.getElementType() ||
        t.getRank() != out.getRank())
      return emitOpError("inputs must have the output's element type and "
                         "rank");
    for (int64_t d = 0; d < out.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != out.getDimSize(d))
        return emitOpError() << "input dimension " << d
                             << " differs from the output's";
    total += t.getDimSize(axis);
  }
  if (total != out.getDimSize(axis))
    return emitOpError() << "inputs sum to " << total << " along axis "
                         << axis << ", the output has "
                         << out.getDimSize(axis);
  return checkBits(*this, "bits", getBits(), out);
}

LogicalResult PadOp::verify() {
  auto in = getInput().getType(), out = getOutput().getType();
  ArrayRef<int64_t> pad = getPadding();
  if (in.getElementType() != out.getElementType() ||
      in.getRank() != out.getRank() ||
      static_cast<int64_t>(pad.size()) != 2 * in.getRank())
    return emitOpError("needs the input's element type and rank, and two "
                       "paddings per dimension");
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (pad[2 * d] < 0 || pad[2 * d + 1] < 0 ||
        out.getDimSize(d) != in.getDimSize(d) + pad[2 * d] + pad[2 * d + 1])
      return emitOpError() << "output dimension " << d
                           << " is not the input's plus its padding";
  if (failed(checkBits(*this, "bits", getBits(), in)))
    return failure();
  int64_t bits = static_cast<int64_t>(getBits());
  int64_t v = static_cast<int64_t>(getValue());
  if (v < -(int64_t(1) << (bits - 1)) || v >= (int64_t(1) << (bits - 1)))
    return emitOpError() << "value " << v << " is not a " << bits
                         << "-bit value";
  return success();
}
