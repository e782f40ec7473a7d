//===- QNNOps.cpp - qnn op verifiers and folders --------------------------===//
//
// Verifiers state the shape rules of each op once; importers build result
// types with the same helpers so that the two never disagree.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "VerifyUtils.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::detail;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

int64_t qnn::slidingWindowOutputSize(int64_t in, int64_t kernel,
                                     int64_t stride, int64_t padLo,
                                     int64_t padHi, int64_t dilation) {
  if (ShapedType::isDynamic(in))
    return ShapedType::kDynamic;
  // Overflow-checked: the sizes come from model files (found by
  // fuzz-import-onnx). A non-positive stride or an overflowing window has
  // no output (0).
  int64_t window, padded, span;
  if (stride < 1 || llvm::MulOverflow(dilation, kernel - 1, window) ||
      llvm::AddOverflow(in, padLo, padded) ||
      llvm::AddOverflow(padded, padHi, padded) ||
      llvm::SubOverflow(padded, window, span) ||
      llvm::SubOverflow(span, int64_t(1), span))
    return 0;
  if (span < 0)
    return 0;
  return span / stride + 1;
}

static bool isQuantized(Type t) {
  return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
}

LogicalResult qnn::verifyQuantizedTensorTypes(Operation *op) {
  auto check = [&](Type t, StringRef what, unsigned idx) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(t);
    if (!tensor)
      return success();
    auto qt = dyn_cast<quant::QuantizedType>(tensor.getElementType());
    if (!qt)
      return success();
    if (!isa<FloatType>(qt.getExpressedType()))
      return op->emitOpError() << what << " #" << idx
                               << " must express a float type";
    auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(qt);
    if (!perAxis)
      return success();
    int64_t dim = perAxis.getQuantizedDimension();
    if (dim < 0 || dim >= tensor.getRank())
      return op->emitOpError()
             << what << " #" << idx << " is quantized along dimension " << dim
             << " but has rank " << tensor.getRank();
    int64_t size = tensor.getDimSize(dim);
    if (!ShapedType::isDynamic(size) &&
        size != static_cast<int64_t>(perAxis.getScales().size()))
      return op->emitOpError()
             << what << " #" << idx << " has " << perAxis.getScales().size()
             << " scales for dimension " << dim << " of size " << size;
    return success();
  };
  for (auto [i, t] : llvm::enumerate(op->getOperandTypes()))
    if (failed(check(t, "operand", i)))
      return failure();
  for (auto [i, t] : llvm::enumerate(op->getResultTypes()))
    if (failed(check(t, "result", i)))
      return failure();
  return success();
}

LogicalResult qnn::verifySameNumericKind(Operation *op) {
  std::optional<bool> quantized;
  for (Type t : llvm::concat<Type>(llvm::to_vector(op->getOperandTypes()),
                                   llvm::to_vector(op->getResultTypes()))) {
    bool q = isQuantized(t);
    if (quantized && *quantized != q)
      return op->emitOpError(
          "operands and results must be all float or all quantized");
    quantized = q;
  }
  return success();
}

LogicalResult qnn::detail::verifyShape(Operation *op, ArrayRef<int64_t> shape,
                                 ArrayRef<int64_t> expected, StringRef what) {
  auto fmt = [](ArrayRef<int64_t> s) {
    std::string str;
    llvm::raw_string_ostream os(str);
    llvm::interleave(
        s, os,
        [&](int64_t d) {
          if (ShapedType::isDynamic(d))
            os << "?";
          else
            os << d;
        },
        "x");
    return str;
  };
  bool ok = shape.size() == expected.size();
  for (size_t i = 0; ok && i < shape.size(); ++i)
    ok = ShapedType::isDynamic(shape[i]) ||
         ShapedType::isDynamic(expected[i]) || shape[i] == expected[i];
  if (!ok)
    return op->emitOpError() << what << " has shape " << fmt(shape)
                             << " but expected " << fmt(expected);
  return success();
}

LogicalResult qnn::detail::verifyRank(Operation *op, ShapedType t, int64_t rank,
                                StringRef what) {
  if (t.getRank() != rank)
    return op->emitOpError() << what << " must have rank " << rank
                             << ", got " << t.getRank();
  return success();
}

LogicalResult qnn::detail::verifyArraySize(Operation *op, ArrayRef<int64_t> arr,
                                     size_t size, StringRef name,
                                     int64_t minValue) {
  if (arr.size() != size)
    return op->emitOpError() << "'" << name << "' must have " << size
                             << " elements, got " << arr.size();
  for (int64_t v : arr)
    if (v < minValue)
      return op->emitOpError() << "'" << name << "' values must be >= "
                               << minValue << ", got " << v;
  return success();
}

/// A quantized bias must be 32-bit with zero point 0 on every axis.
LogicalResult qnn::detail::verifyBias(Operation *op, Value bias,
                                      int64_t channels) {
  if (!bias)
    return success();
  auto type = cast<RankedTensorType>(bias.getType());
  if (failed(verifyRank(op, type, 1, "bias")) ||
      failed(verifyShape(op, type.getShape(), {channels}, "bias")))
    return failure();
  auto qt = dyn_cast<quant::QuantizedType>(type.getElementType());
  if (!qt)
    return success();
  if (qt.getStorageTypeIntegralWidth() != 32)
    return op->emitOpError("quantized bias must have 32-bit storage");
  if (auto u = dyn_cast<quant::UniformQuantizedType>(qt);
      u && u.getZeroPoint() != 0)
    return op->emitOpError("quantized bias must have zero point 0");
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(qt);
      pa && llvm::any_of(pa.getZeroPoints(), [](int64_t z) { return z; }))
    return op->emitOpError("quantized bias must have zero point 0");
  return success();
}

//===----------------------------------------------------------------------===//
// Layer ops
//===----------------------------------------------------------------------===//

LogicalResult Conv2dOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto out = getOutput().getType();
  if (failed(verifyRank(*this, in, 4, "input")) ||
      failed(verifyRank(*this, w, 4, "weight")) ||
      failed(verifyRank(*this, out, 4, "output")) ||
      failed(verifyArraySize(*this, getStrides(), 2, "strides", 1)) ||
      failed(verifyArraySize(*this, getPadding(), 4, "padding", 0)) ||
      failed(verifyArraySize(*this, getDilations(), 2, "dilations", 1)))
    return failure();
  int64_t groups = getGroups();
  if (groups < 1)
    return emitOpError("'groups' must be >= 1");
  int64_t oc = w.getDimSize(0);
  int64_t ic = in.getDimSize(3);
  if (!ShapedType::isDynamic(ic) && ic != w.getDimSize(3) * groups)
    return emitOpError() << "input has " << ic << " channels but weight has "
                         << w.getDimSize(3) << " per group and " << groups
                         << " groups";
  if (oc % groups != 0)
    return emitOpError() << "output channels " << oc
                         << " are not divisible by groups " << groups;
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(
          w.getElementType());
      pa && pa.getQuantizedDimension() != 0)
    return emitOpError("per-axis weight must be quantized along dimension 0");
  ArrayRef<int64_t> s = getStrides(), p = getPadding(), d = getDilations();
  SmallVector<int64_t> expected = {
      in.getDimSize(0),
      slidingWindowOutputSize(in.getDimSize(1), w.getDimSize(1), s[0], p[0],
                              p[1], d[0]),
      slidingWindowOutputSize(in.getDimSize(2), w.getDimSize(2), s[1], p[2],
                              p[3], d[1]),
      oc};
  if (failed(verifyShape(*this, out.getShape(), expected, "output")))
    return failure();
  return verifyBias(*this, getBias(), oc);
}

LogicalResult DenseOp::verify() {
  auto in = getInput().getType();
  auto w = getWeight().getType();
  auto out = getOutput().getType();
  if (in.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  if (failed(verifyRank(*this, w, 2, "weight")))
    return failure();
  int64_t k = in.getDimSize(in.getRank() - 1);
  if (!ShapedType::isDynamic(k) && k != w.getDimSize(1))
    return emitOpError() << "input has " << k
                         << " features but weight expects " << w.getDimSize(1);
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(
          w.getElementType());
      pa && pa.getQuantizedDimension() != 0)
    return emitOpError("per-axis weight must be quantized along dimension 0");
  SmallVector<int64_t> expected(in.getShape().drop_back());
  expected.push_back(w.getDimSize(0));
  if (failed(verifyShape(*this, out.getShape(), expected, "output")))
    return failure();
  return verifyBias(*this, getBias(), w.getDimSize(0));
}

LogicalResult BatchNormOp::verify() {
  auto in = getInput().getType();
  if (in.getRank() < 1)
    return emitOpError("input must have rank >= 1");
  int64_t c = in.getDimSize(in.getRank() - 1);
  for (auto [name, v] :
       {std::pair<StringRef, Value>{"scale", getScale()},
        {"bias", getBias()},
        {"mean", getMean()},
        {"variance", getVariance()}}) {
    auto t = cast<RankedTensorType>(v.getType());
    if (failed(verifyRank(*this, t, 1, name)) ||
        failed(verifyShape(*this, t.getShape(), {c}, name)))
      return failure();
  }
  if (getOutput().getType() != in)
    return emitOpError("output type must equal input type");
  return success();
}

LogicalResult ClipOp::verify() {
  if (getMin().convertToFloat() > getMax().convertToFloat())
    return emitOpError("'min' must not exceed 'max'");
  return success();
}

//===----------------------------------------------------------------------===//
// ElementwiseFunctionOpInterface
//===----------------------------------------------------------------------===//

double ReluOp::evaluate(double x) { return x > 0.0 ? x : 0.0; }

double ClipOp::evaluate(double x) {
  return std::min(std::max(x, double(getMin().convertToFloat())),
                  double(getMax().convertToFloat()));
}

LogicalResult qnn::detail::verifyBroadcast(Operation *op) {
  auto lhs = cast<RankedTensorType>(op->getOperand(0).getType());
  auto rhs = cast<RankedTensorType>(op->getOperand(1).getType());
  auto out = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> shape;
  if (!mlir::OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape))
    return op->emitOpError("operand shapes are not broadcast-compatible");
  return verifyShape(op, out.getShape(), shape, "output");
}

LogicalResult qnn::detail::verifyIntegerOperands(Operation *op) {
  Type lhs = getElementTypeOrSelf(op->getOperand(0).getType());
  Type rhs = getElementTypeOrSelf(op->getOperand(1).getType());
  Type out = getElementTypeOrSelf(op->getResult(0).getType());
  if (!isa<IntegerType>(lhs) && !isa<IntegerType>(rhs) && !isa<IntegerType>(out))
    return success();
  if (lhs != out || rhs != out)
    return op->emitOpError("integer operands and result must have one "
                           "element type");
  return success();
}

LogicalResult AddOp::verify() {
  return failure(failed(verifyBroadcast(*this)) ||
                 failed(verifyIntegerOperands(*this)));
}
LogicalResult MulOp::verify() {
  return failure(failed(verifyBroadcast(*this)) ||
                 failed(verifyIntegerOperands(*this)));
}

/// Shared by max and average pooling.
static LogicalResult verifyPool2d(Operation *op, RankedTensorType in,
                                  RankedTensorType out,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> padding,
                                  ArrayRef<int64_t> dilations) {
  if (failed(verifyRank(op, in, 4, "input")) ||
      failed(verifyRank(op, out, 4, "output")) ||
      failed(verifyArraySize(op, kernel, 2, "kernel", 1)) ||
      failed(verifyArraySize(op, strides, 2, "strides", 1)) ||
      failed(verifyArraySize(op, padding, 4, "padding", 0)) ||
      failed(verifyArraySize(op, dilations, 2, "dilations", 1)))
    return failure();
  for (int i = 0; i < 4; ++i)
    if (padding[i] >= kernel[i / 2] * dilations[i / 2])
      return op->emitOpError("'padding' must be smaller than the kernel");
  SmallVector<int64_t> expected = {
      in.getDimSize(0),
      slidingWindowOutputSize(in.getDimSize(1), kernel[0], strides[0],
                              padding[0], padding[1], dilations[0]),
      slidingWindowOutputSize(in.getDimSize(2), kernel[1], strides[1],
                              padding[2], padding[3], dilations[1]),
      in.getDimSize(3)};
  return verifyShape(op, out.getShape(), expected, "output");
}

LogicalResult MaxPool2dOp::verify() {
  if (failed(verifyPool2d(*this, getInput().getType(), getOutput().getType(),
                          getKernel(), getStrides(), getPadding(),
                          getDilations())))
    return failure();
  if (getInput().getType().getElementType() !=
      getOutput().getType().getElementType())
    return emitOpError("output element type must equal input element type");
  return success();
}

LogicalResult AvgPool2dOp::verify() {
  int64_t one[] = {1, 1};
  return verifyPool2d(*this, getInput().getType(), getOutput().getType(),
                      getKernel(), getStrides(), getPadding(), one);
}

LogicalResult GlobalAvgPoolOp::verify() {
  auto in = getInput().getType();
  if (failed(verifyRank(*this, in, 4, "input")))
    return failure();
  return verifyShape(*this, getOutput().getType().getShape(),
                     {in.getDimSize(0), 1, 1, in.getDimSize(3)}, "output");
}

LogicalResult SoftmaxOp::verify() {
  auto in = getInput().getType();
  int64_t axis = getAxis();
  if (axis < -in.getRank() || axis >= in.getRank())
    return emitOpError() << "'axis' " << axis << " is out of range for rank "
                         << in.getRank();
  return verifyShape(*this, getOutput().getType().getShape(), in.getShape(),
                     "output");
}

//===----------------------------------------------------------------------===//
// Layout ops
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError("requires static shapes");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << in.getNumElements()
                         << " elements into " << out.getNumElements();
  if (in.getElementType() != out.getElementType() &&
      !isa<quant::UniformQuantizedPerAxisType>(in.getElementType()))
    return emitOpError("output element type must equal input element type");
  if (isa<quant::UniformQuantizedPerAxisType>(in.getElementType()) ||
      isa<quant::UniformQuantizedPerAxisType>(out.getElementType()))
    return emitOpError("cannot reshape a per-axis quantized tensor");
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  // reshape(reshape(x)) is one reshape.
  if (auto producer = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(producer.getInput());
    return getResult();
  }
  return {};
}

LogicalResult TransposeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  ArrayRef<int64_t> perm = getPermutation();
  if (static_cast<int64_t>(perm.size()) != in.getRank())
    return emitOpError() << "'permutation' must have " << in.getRank()
                         << " elements";
  SmallVector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError("'permutation' must be a permutation of the dims");
    seen[p] = true;
  }
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(in.getDimSize(p));
  if (failed(verifyShape(*this, out.getShape(), expected, "output")))
    return failure();
  auto inPA = dyn_cast<quant::UniformQuantizedPerAxisType>(in.getElementType());
  auto outPA =
      dyn_cast<quant::UniformQuantizedPerAxisType>(out.getElementType());
  if (inPA && outPA) {
    int64_t moved = llvm::find(perm, inPA.getQuantizedDimension()) -
                    perm.begin();
    if (outPA.getQuantizedDimension() != moved ||
        inPA.getScales() != outPA.getScales() ||
        inPA.getZeroPoints() != outPA.getZeroPoints())
      return emitOpError("per-axis quantization must follow the permutation");
    return success();
  }
  if (in.getElementType() != out.getElementType())
    return emitOpError("output element type must equal input element type");
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  ArrayRef<int64_t> perm = getPermutation();
  for (auto [i, p] : llvm::enumerate(perm))
    if (static_cast<int64_t>(i) != p)
      return {};
  return getInput();
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("requires at least one input");
  auto out = getOutput().getType();
  int64_t rank = out.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "'axis' " << axis << " is out of range for rank "
                         << rank;
  SmallVector<int64_t> expected(out.getShape());
  expected[axis] = 0;
  for (Value v : getInputs()) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank)
      return emitOpError("all inputs must have the output's rank");
    for (int64_t d = 0; d < rank; ++d) {
      if (d == axis)
        continue;
      if (!ShapedType::isDynamic(t.getDimSize(d)) &&
          !ShapedType::isDynamic(out.getDimSize(d)) &&
          t.getDimSize(d) != out.getDimSize(d))
        return emitOpError() << "input dimension " << d << " is "
                             << t.getDimSize(d) << " but output has "
                             << out.getDimSize(d);
    }
    if (ShapedType::isDynamic(t.getDimSize(axis)) ||
        ShapedType::isDynamic(expected[axis]))
      expected[axis] = ShapedType::kDynamic;
    else
      expected[axis] += t.getDimSize(axis);
  }
  return verifyShape(*this, out.getShape(), expected, "output");
}

LogicalResult PadOp::verify() {
  auto in = getInput().getType();
  ArrayRef<int64_t> pad = getPadding();
  if (failed(verifyArraySize(*this, pad, 2 * in.getRank(), "padding", 0)))
    return failure();
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t size = in.getDimSize(d);
    if (ShapedType::isDynamic(size)) {
      expected.push_back(ShapedType::kDynamic);
      continue;
    }
    bool padded = pad[2 * d] || pad[2 * d + 1];
    // Reflection never repeats the edge, so it needs more elements than it
    // mirrors; edge padding needs an edge.
    if (getMode() == PadMode::Reflect &&
        (pad[2 * d] >= size || pad[2 * d + 1] >= size))
      return emitOpError() << "reflect padding of dimension " << d
                           << " must be smaller than its size " << size;
    if (getMode() == PadMode::Edge && padded && size == 0)
      return emitOpError() << "edge padding of empty dimension " << d;
    expected.push_back(size + pad[2 * d] + pad[2 * d + 1]);
  }
  return verifyShape(*this, getOutput().getType().getShape(), expected,
                     "output");
}

//===----------------------------------------------------------------------===//
// User-defined ops
//===----------------------------------------------------------------------===//

LogicalResult CustomOp::verify() {
  if (getOpName().empty())
    return emitOpError("'op_name' must not be empty");
  if (getOutputs().empty())
    return emitOpError("must have at least one result");
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization ops
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getMin().has_value() != getMax().has_value())
    return emitOpError("'min' and 'max' must be given together");
  if (getMin() && *getMin() > *getMax())
    return emitOpError("'min' must not exceed 'max'");
  if (getChannelMin().has_value() != getChannelMax().has_value())
    return emitOpError("'channel_min' and 'channel_max' must be given together");
  if (getChannelMin()) {
    ArrayRef<double> lo = *getChannelMin(), hi = *getChannelMax();
    auto type = cast<RankedTensorType>(getInput().getType());
    int64_t channels = type.getRank() == 0 ? 1 : type.getShape().back();
    if (static_cast<int64_t>(lo.size()) != channels || hi.size() != lo.size())
      return emitOpError() << "'channel_min' and 'channel_max' need one value "
                              "per element of the last dimension ("
                           << channels << ")";
    for (auto [a, b] : llvm::zip_equal(lo, hi))
      if (a > b)
        return emitOpError("'channel_min' must not exceed 'channel_max'");
  }
  if (getBits().has_value() != getSymmetric().has_value())
    return emitOpError("'bits' and 'symmetric' must be given together");
  if (getBits() && (*getBits() < 1 || *getBits() > 16))
    return emitOpError("'bits' must be in [1, 16]");
  return success();
}

/// Quantize and dequantize convert between a float tensor and a quantized
/// tensor of the same shape that expresses that float type.
static LogicalResult verifyFloatQuantPair(Operation *op, RankedTensorType f,
                                          RankedTensorType q) {
  if (failed(verifyShape(op, q.getShape(), f.getShape(), "quantized tensor")))
    return failure();
  auto qt = cast<quant::QuantizedType>(q.getElementType());
  if (qt.getExpressedType() != f.getElementType())
    return op->emitOpError() << "quantized type expresses "
                             << qt.getExpressedType() << " but float tensor has "
                             << f.getElementType();
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyFloatQuantPair(*this, getInput().getType(),
                              getOutput().getType());
}

LogicalResult DequantizeOp::verify() {
  return verifyFloatQuantPair(*this, getOutput().getType(),
                              getInput().getType());
}

LogicalResult RequantizeOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (failed(verifyShape(*this, out.getShape(), in.getShape(), "output")))
    return failure();
  if (cast<quant::QuantizedType>(in.getElementType()).getExpressedType() !=
      cast<quant::QuantizedType>(out.getElementType()).getExpressedType())
    return emitOpError("input and output must express the same float type");
  return success();
}

/// A lookup table holds one entry per input value (or pair of values), each
/// in the output's storage range.
static LogicalResult verifyTableEntries(Operation *op, ArrayRef<int32_t> table,
                                        int64_t entries,
                                        quant::UniformQuantizedType out) {
  if (static_cast<int64_t>(table.size()) != entries)
    return op->emitOpError()
           << "table has " << table.size()
           << " entries but the input types hold " << entries << " values";
  for (int32_t v : table)
    if (v < out.getStorageTypeMin() || v > out.getStorageTypeMax())
      return op->emitOpError()
             << "table entry " << v << " is outside the output storage range ["
             << out.getStorageTypeMin() << ", " << out.getStorageTypeMax()
             << "]";
  return success();
}

LogicalResult TableOp::verify() {
  auto in = getInput().getType();
  auto out = getOutput().getType();
  if (failed(verifyShape(*this, out.getShape(), in.getShape(), "output")))
    return failure();
  auto inQ = dyn_cast<quant::UniformQuantizedType>(in.getElementType());
  auto outQ = dyn_cast<quant::UniformQuantizedType>(out.getElementType());
  if (!inQ || !outQ)
    return emitOpError("input and output must be quantized per tensor");
  int64_t entries = inQ.getStorageTypeMax() - inQ.getStorageTypeMin() + 1;
  if (entries > qmath::kMaxLookupTableEntries)
    return emitOpError() << "input has " << entries
                         << " storage values: a table takes inputs of at "
                            "most 16 bits ("
                         << qmath::kMaxLookupTableEntries << " entries)";
  return verifyTableEntries(*this, getTable(), entries, outQ);
}

LogicalResult Table2dOp::verify() {
  if (failed(verifyBroadcast(*this)))
    return failure();
  auto lhsQ = dyn_cast<quant::UniformQuantizedType>(
      getLhs().getType().getElementType());
  auto rhsQ = dyn_cast<quant::UniformQuantizedType>(
      getRhs().getType().getElementType());
  auto outQ = dyn_cast<quant::UniformQuantizedType>(
      getOutput().getType().getElementType());
  if (!lhsQ || !rhsQ || !outQ)
    return emitOpError("inputs and output must be quantized per tensor");
  int64_t entries = 1;
  for (auto [name, q] : {std::pair{"lhs", lhsQ}, std::pair{"rhs", rhsQ}}) {
    int64_t n = q.getStorageTypeMax() - q.getStorageTypeMin() + 1;
    if (n > 256)
      return emitOpError() << name << " has " << n
                           << " storage values: a 2-D table takes inputs of "
                              "at most 8 bits (256 values each)";
    entries *= n;
  }
  return verifyTableEntries(*this, getTable(), entries, outQ);
}

OpFoldResult RequantizeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  return {};
}

#include "qmlir/Dialect/QNN/IR/QNNInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
