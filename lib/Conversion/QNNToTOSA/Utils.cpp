//===- Utils.cpp - helpers shared by the qnn-to-TOSA patterns -------------===//

#include "Utils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn_to_tosa;

static constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
static constexpr int64_t kI32Max = std::numeric_limits<int32_t>::max();

//===----------------------------------------------------------------------===//
// Quantization parameters
//===----------------------------------------------------------------------===//

int64_t qnn_to_tosa::intTypeMin(IntegerType t) {
  return llvm::APInt::getSignedMinValue(t.getWidth()).getSExtValue();
}
int64_t qnn_to_tosa::intTypeMax(IntegerType t) {
  return llvm::APInt::getSignedMaxValue(t.getWidth()).getSExtValue();
}
static int64_t typeMin(IntegerType t) { return intTypeMin(t); }
static int64_t typeMax(IntegerType t) { return intTypeMax(t); }

int64_t qnn_to_tosa::maxAbsCentered(const QuantInfo &info) {
  int64_t m = 0;
  for (int64_t zp : info.zeroPoints)
    m = std::max({m, std::abs(typeMin(info.storageType) - zp),
                  std::abs(typeMax(info.storageType) - zp)});
  return m;
}

bool QuantInfo::isNarrow() const {
  return qmin > typeMin(storageType) || qmax < typeMax(storageType);
}

bool QuantInfo::hasUniformZeroPoint() const {
  return llvm::all_equal(zeroPoints);
}

std::optional<QuantInfo> qnn_to_tosa::getQuantInfo(Type type) {
  auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  if (!qt)
    return std::nullopt;
  QuantInfo info;
  info.qmin = qt.getStorageTypeMin();
  info.qmax = qt.getStorageTypeMax();
  info.storageType = dyn_cast<IntegerType>(qt.getStorageType());
  if (auto u = dyn_cast<quant::UniformQuantizedType>(qt)) {
    info.scales.push_back(u.getScale());
    info.zeroPoints.push_back(u.getZeroPoint());
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(qt)) {
    info.scales.assign(pa.getScales().begin(), pa.getScales().end());
    info.zeroPoints.assign(pa.getZeroPoints().begin(),
                           pa.getZeroPoints().end());
    info.axis = pa.getQuantizedDimension();
  }
  return info;
}

FailureOr<std::optional<QuantInfo>>
qnn_to_tosa::getSupportedQuantInfo(Operation *op, Type type, StringRef what) {
  auto qt = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  if (!qt)
    return std::optional<QuantInfo>();
  if (!isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(
          qt))
    return op->emitOpError() << what << " has quantized type " << qt
                             << ", which is not supported (only uniform "
                                "per-tensor and per-axis types are)";
  if (!qt.isSigned())
    return op->emitOpError()
           << what << " has unsigned storage type " << qt
           << ": unsigned storage is not supported yet";
  unsigned width = qt.getStorageTypeIntegralWidth();
  if (width != 8 && width != 16 && width != 32)
    return op->emitOpError()
           << what << " has " << width
           << "-bit storage: only i8, i16 and i32 storage (with narrow "
              "ranges for fewer bits) are supported";
  std::optional<QuantInfo> info = getQuantInfo(type);
  for (double s : info->scales)
    if (!(s > 0.0) || !std::isfinite(s))
      return op->emitOpError() << what << " has invalid scale " << s;
  return info;
}

FailureOr<QuantInfo> qnn_to_tosa::getPerTensorQuantInfo(Operation *op,
                                                        Type type,
                                                        StringRef what) {
  auto info = getSupportedQuantInfo(op, type, what);
  if (failed(info))
    return failure();
  if (!*info)
    return op->emitOpError() << what << " must be quantized";
  if ((*info)->isPerAxis())
    return op->emitOpError()
           << what << " is quantized per axis, which this op does not support";
  return **info;
}

bool qnn_to_tosa::scalesEqual(double a, double b) {
  return std::fabs(a - b) <= 1.0e-6 * std::max(std::fabs(a), std::fabs(b));
}

//===----------------------------------------------------------------------===//
// Type conversion
//===----------------------------------------------------------------------===//

QuantToStorageTypeConverter::QuantToStorageTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](quant::QuantizedType t) { return t.getStorageType(); });
  addConversion([](RankedTensorType t) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(t.getElementType()))
      return t.clone(q.getStorageType());
    return t;
  });
  auto materialize = [](OpBuilder &b, Type type, ValueRange inputs,
                        Location loc) -> Value {
    if (inputs.size() != 1)
      return Value();
    return UnrealizedConversionCastOp::create(b, loc, type, inputs)
        .getResult(0);
  };
  addSourceMaterialization(materialize);
  addTargetMaterialization(materialize);
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

RankedTensorType qnn_to_tosa::tensorOf(ArrayRef<int64_t> shape,
                                       Type elementType) {
  return RankedTensorType::get(shape, elementType);
}

Value qnn_to_tosa::constInt(OpBuilder &b, Location loc,
                            ArrayRef<int64_t> values, Type elementType,
                            ArrayRef<int64_t> shape) {
  auto type = tensorOf(shape, elementType);
  unsigned width = elementType.getIntOrFloatBitWidth();
  DenseElementsAttr attr;
  if (values.size() == 1) {
    attr = DenseElementsAttr::get(type, APInt(width, values[0], true, true));
  } else {
    SmallVector<APInt> ints;
    for (int64_t v : values)
      ints.push_back(APInt(width, v, /*isSigned=*/true, /*implicitTrunc=*/true));
    attr = DenseElementsAttr::get(type, ints);
  }
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value qnn_to_tosa::constFloat(OpBuilder &b, Location loc,
                              ArrayRef<double> values, Type elementType,
                              ArrayRef<int64_t> shape) {
  auto type = tensorOf(shape, elementType);
  SmallVector<APFloat> floats;
  for (double v : values)
    floats.push_back(FloatAttr::get(elementType, v).getValue());
  DenseElementsAttr attr = values.size() == 1
                               ? DenseElementsAttr::get(type, floats[0])
                               : DenseElementsAttr::get(type, floats);
  return tosa::ConstOp::create(b, loc, type, attr);
}

Value qnn_to_tosa::zeroPointConst(OpBuilder &b, Location loc, Type elementType,
                                  int64_t zp) {
  if (isa<FloatType>(elementType))
    return constFloat(b, loc, {static_cast<double>(zp)}, elementType, {1});
  return constInt(b, loc, {zp}, elementType, {1});
}

static SmallVector<int64_t> channelShape(int64_t count, int64_t rank,
                                         int64_t axis) {
  SmallVector<int64_t> shape(rank, 1);
  if (count > 1)
    shape[axis] = count;
  return shape;
}

Value qnn_to_tosa::channelConstInt(OpBuilder &b, Location loc,
                                   ArrayRef<int64_t> values, Type elementType,
                                   int64_t rank, int64_t axis) {
  if (llvm::all_equal(values))
    values = values.take_front();
  return constInt(b, loc, values, elementType,
                  channelShape(values.size(), rank, axis));
}

Value qnn_to_tosa::channelConstFloat(OpBuilder &b, Location loc,
                                     ArrayRef<double> values, Type elementType,
                                     int64_t rank, int64_t axis) {
  if (llvm::all_equal(values))
    values = values.take_front();
  return constFloat(b, loc, values, elementType,
                    channelShape(values.size(), rank, axis));
}

Value qnn_to_tosa::constShape(OpBuilder &b, Location loc,
                              ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({static_cast<int64_t>(values.size())},
                                    b.getIndexType());
  auto attr = DenseIntElementsAttr::get(type, values);
  return tosa::ConstShapeOp::create(
      b, loc, tosa::shapeType::get(b.getContext(), values.size()), attr);
}

Value qnn_to_tosa::reshape(OpBuilder &b, Location loc, Value v,
                           ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  if (DenseElementsAttr attr = getConstantElements(v)) {
    auto newType = type.clone(shape);
    return tosa::ConstOp::create(b, loc, newType, attr.reshape(newType));
  }
  return tosa::ReshapeOp::create(b, loc, type.clone(shape), v,
                                 constShape(b, loc, shape));
}

Value qnn_to_tosa::expandToRank(OpBuilder &b, Location loc, Value v,
                                int64_t rank) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getRank() >= rank)
    return v;
  SmallVector<int64_t> shape(rank - type.getRank(), 1);
  llvm::append_range(shape, type.getShape());
  return reshape(b, loc, v, shape);
}

Value qnn_to_tosa::elementwise(OpBuilder &b, Location loc, ValueRange inputs,
                               Type elementType, ScalarFn fn) {
  int64_t rank = cast<RankedTensorType>(inputs[0].getType()).getRank();
  SmallVector<int64_t> shape(rank, 1);
  for (Value v : inputs)
    for (auto [d, size] :
         llvm::enumerate(cast<RankedTensorType>(v.getType()).getShape()))
      if (size != 1)
        shape[d] = size;
  SmallVector<AffineMap> maps;
  for (Value v : inputs) {
    SmallVector<AffineExpr> exprs;
    for (auto [d, size] :
         llvm::enumerate(cast<RankedTensorType>(v.getType()).getShape()))
      exprs.push_back(size == 1 && shape[d] != 1 ? b.getAffineConstantExpr(0)
                                                 : b.getAffineDimExpr(d));
    maps.push_back(AffineMap::get(rank, 0, exprs, b.getContext()));
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(b, loc, shape, elementType);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc, fn(nb, nloc, args.drop_back()));
      });
  return generic.getResult(0);
}

DenseElementsAttr qnn_to_tosa::getConstantElements(Value v) {
  DenseElementsAttr attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}

/// Permutes the elements of a constant; null when the element type is not
/// byte-sized (the caller then emits a tosa.transpose).
static DenseElementsAttr transposeElements(DenseElementsAttr attr,
                                           ArrayRef<int64_t> perm,
                                           RankedTensorType outType) {
  if (attr.isSplat())
    return attr.resizeSplat(outType);
  Type elemType = attr.getElementType();
  if (!elemType.isIntOrFloat() || elemType.getIntOrFloatBitWidth() % 8 != 0)
    return {};
  size_t bytes = elemType.getIntOrFloatBitWidth() / 8;
  auto inType = cast<RankedTensorType>(attr.getType());
  ArrayRef<int64_t> inShape = inType.getShape();
  int64_t rank = inShape.size();
  SmallVector<int64_t> inStrides(rank, 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    inStrides[d] = inStrides[d + 1] * inShape[d + 1];
  ArrayRef<char> raw = attr.getRawData();
  int64_t n = inType.getNumElements();
  std::vector<char> out(n * bytes);
  SmallVector<int64_t> idx(rank, 0); // index into the output
  ArrayRef<int64_t> outShape = outType.getShape();
  for (int64_t o = 0; o < n; ++o) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += idx[d] * inStrides[perm[d]];
    std::memcpy(out.data() + o * bytes, raw.data() + src * bytes, bytes);
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return DenseElementsAttr::getFromRawBuffer(outType, out);
}

Value qnn_to_tosa::transpose(OpBuilder &b, Location loc, Value v,
                             ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto outType = type.clone(shape);
  if (DenseElementsAttr attr = getConstantElements(v))
    if (DenseElementsAttr t = transposeElements(attr, perm, outType))
      return tosa::ConstOp::create(b, loc, outType, t);
  SmallVector<int32_t> perms(perm.begin(), perm.end());
  return tosa::TransposeOp::create(b, loc, outType, v, perms);
}

Value qnn_to_tosa::reverse(OpBuilder &b, Location loc, Value v,
                           int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getDimSize(axis) <= 1)
    return v;
  if (DenseElementsAttr attr = getConstantElements(v)) {
    if (attr.isSplat())
      return v;
    Type elemType = attr.getElementType();
    if (elemType.isIntOrFloat() && elemType.getIntOrFloatBitWidth() % 8 == 0) {
      size_t bytes = elemType.getIntOrFloatBitWidth() / 8;
      int64_t outer = 1, inner = 1, size = type.getDimSize(axis);
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (d < axis)
          outer *= type.getDimSize(d);
        else if (d > axis)
          inner *= type.getDimSize(d);
      ArrayRef<char> raw = attr.getRawData();
      std::vector<char> out(raw.size());
      size_t row = inner * bytes;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < size; ++i)
          std::memcpy(out.data() + (o * size + i) * row,
                      raw.data() + (o * size + size - 1 - i) * row, row);
      return tosa::ConstOp::create(
          b, loc, type, DenseElementsAttr::getFromRawBuffer(type, out));
    }
  }
  return tosa::ReverseOp::create(b, loc, type, v,
                                 b.getI32IntegerAttr(static_cast<int32_t>(axis)));
}

Value qnn_to_tosa::slice(OpBuilder &b, Location loc, Value v,
                         ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
  auto type = cast<RankedTensorType>(v.getType());
  if (llvm::all_of(start, [](int64_t s) { return s == 0; }) &&
      type.getShape() == size)
    return v;
  return tosa::SliceOp::create(b, loc, type.clone(size), v,
                               constShape(b, loc, start),
                               constShape(b, loc, size));
}

Value qnn_to_tosa::castTo(OpBuilder &b, Location loc, Value v,
                        Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return tosa::CastOp::create(b, loc, type.clone(elementType), v);
}

Value qnn_to_tosa::clampInt(OpBuilder &b, Location loc, Value v, int64_t lo,
                            int64_t hi) {
  auto type = cast<RankedTensorType>(v.getType());
  auto elem = cast<IntegerType>(type.getElementType());
  lo = std::max(lo, typeMin(elem));
  hi = std::min(hi, typeMax(elem));
  if (lo == typeMin(elem) && hi == typeMax(elem))
    return v;
  return tosa::ClampOp::create(b, loc, type, v, b.getIntegerAttr(elem, lo),
                               b.getIntegerAttr(elem, hi));
}

Value qnn_to_tosa::clampIntPerChannel(OpBuilder &b, Location loc, Value v,
                                      ArrayRef<int64_t> lo,
                                      ArrayRef<int64_t> hi, int64_t axis) {
  if (llvm::all_equal(lo) && llvm::all_equal(hi))
    return clampInt(b, loc, v, lo[0], hi[0]);
  auto type = cast<RankedTensorType>(v.getType());
  auto elem = cast<IntegerType>(type.getElementType());
  auto fit = [&](ArrayRef<int64_t> vals) {
    SmallVector<int64_t> out;
    for (int64_t x : vals)
      out.push_back(std::clamp(x, typeMin(elem), typeMax(elem)));
    return out;
  };
  int64_t rank = type.getRank();
  v = maximum(b, loc, v,
              channelConstInt(b, loc, fit(lo), elem, rank, axis));
  return minimum(b, loc, v,
                 channelConstInt(b, loc, fit(hi), elem, rank, axis));
}

Value qnn_to_tosa::clampFloat(OpBuilder &b, Location loc, Value v, double lo,
                              double hi) {
  auto type = cast<RankedTensorType>(v.getType());
  Type elem = type.getElementType();
  return tosa::ClampOp::create(b, loc, type, v, b.getFloatAttr(elem, lo),
                               b.getFloatAttr(elem, hi));
}

/// The broadcast result type of two equal-rank operands.
static RankedTensorType broadcastType(Value x, Value y, Type elementType) {
  auto xt = cast<RankedTensorType>(x.getType());
  auto yt = cast<RankedTensorType>(y.getType());
  SmallVector<int64_t> shape;
  for (auto [a, c] : llvm::zip_equal(xt.getShape(), yt.getShape()))
    shape.push_back(a == 1 ? c : a);
  return RankedTensorType::get(shape, elementType);
}

static Type elementTypeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}

Value qnn_to_tosa::add(OpBuilder &b, Location loc, Value x, Value y) {
  return tosa::AddOp::create(b, loc, broadcastType(x, y, elementTypeOf(x)), x,
                             y);
}

Value qnn_to_tosa::sub(OpBuilder &b, Location loc, Value x, Value y) {
  return tosa::SubOp::create(b, loc, broadcastType(x, y, elementTypeOf(x)), x,
                             y);
}

Value qnn_to_tosa::mul(OpBuilder &b, Location loc, Value x, Value y) {
  Value shift = constInt(b, loc, {0}, b.getI8Type(), {1});
  return tosa::MulOp::create(b, loc, broadcastType(x, y, elementTypeOf(x)), x,
                             y, shift);
}

Value qnn_to_tosa::maximum(OpBuilder &b, Location loc, Value x, Value y) {
  return tosa::MaximumOp::create(b, loc,
                                 broadcastType(x, y, elementTypeOf(x)), x, y);
}

Value qnn_to_tosa::minimum(OpBuilder &b, Location loc, Value x, Value y) {
  return tosa::MinimumOp::create(b, loc,
                                 broadcastType(x, y, elementTypeOf(x)), x, y);
}

WindowFix qnn_to_tosa::fixWindow(int64_t size, int64_t kernel, int64_t stride,
                                 int64_t padLo, int64_t padHi) {
  int64_t span = size + padLo + padHi - kernel;
  int64_t rem = span > 0 ? span % stride : 0;
  if (rem <= padHi)
    return {padHi - rem, 0};
  return {0, rem - padHi};
}

Value qnn_to_tosa::fixWindows2d(OpBuilder &b, Location loc, Value x,
                                ArrayRef<int64_t> effectiveKernel,
                                ArrayRef<int64_t> stride,
                                ArrayRef<int64_t> padding,
                                SmallVectorImpl<int64_t> &tosaPad) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> size(type.getShape());
  tosaPad.assign(padding.begin(), padding.end());
  bool crop = false;
  for (int d = 0; d < 2; ++d) {
    WindowFix fix = fixWindow(type.getDimSize(1 + d), effectiveKernel[d],
                              stride[d], padding[2 * d], padding[2 * d + 1]);
    tosaPad[2 * d + 1] = fix.padHi;
    if (fix.crop) {
      size[1 + d] -= fix.crop;
      crop = true;
    }
  }
  if (!crop)
    return x;
  return slice(b, loc, x, {0, 0, 0, 0}, size);
}

//===----------------------------------------------------------------------===//
// Rescale
//===----------------------------------------------------------------------===//

/// applyRescale without saturation, in 128 bits.
static __int128 applyRescaleWide(int64_t v, qmath::Rescale r) {
  __int128 product = static_cast<__int128>(v) * r.multiplier;
  return (product + (static_cast<__int128>(1) << (r.shift - 1))) >> r.shift;
}

template <typename T>
static T channelValue(ArrayRef<T> values, int64_t c) {
  return values.size() == 1 ? values[0] : values[c];
}

static int64_t saturate32(int64_t v) { return std::clamp(v, kI32Min, kI32Max); }

/// The 64-bit path: exact for every input, used when a 32-bit intermediate
/// of tosa.rescale could overflow.
static Value emitRescaleWide(OpBuilder &b, Location loc, Value v,
                             const RescaleSpec &spec) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  Type i64 = b.getI64Type();
  Value x = castTo(b, loc, v, i64);
  if (llvm::any_of(spec.inZps, [](int64_t z) { return z != 0; })) {
    x = sub(b, loc, x,
            channelConstInt(b, loc, spec.inZps, i64, rank, spec.axis));
    x = clampInt(b, loc, x, kI32Min, kI32Max);
  }
  SmallVector<int64_t> mults, rounds, shifts;
  for (const qmath::Rescale &r : spec.rescales) {
    mults.push_back(r.multiplier);
    rounds.push_back(int64_t(1) << (r.shift - 1));
    shifts.push_back(r.shift);
  }
  x = mul(b, loc, x, channelConstInt(b, loc, mults, i64, rank, spec.axis));
  x = add(b, loc, x, channelConstInt(b, loc, rounds, i64, rank, spec.axis));
  Value shift = channelConstInt(b, loc, shifts, i64, rank, spec.axis);
  x = tosa::ArithmeticRightShiftOp::create(
      b, loc, broadcastType(x, shift, i64), x, shift, /*round=*/false);
  x = clampInt(b, loc, x, kI32Min, kI32Max);
  if (llvm::any_of(spec.outZps, [](int64_t z) { return z != 0; }))
    x = add(b, loc, x,
            channelConstInt(b, loc, spec.outZps, i64, rank, spec.axis));
  x = clampInt(b, loc, x, spec.qmin, spec.qmax);
  return castTo(b, loc, x, spec.outType);
}

RescaleSpec qnn_to_tosa::outputRescaleSpec(ArrayRef<qmath::Rescale> rescales,
                                           const QuantInfo &out, int64_t inLo,
                                           int64_t inHi) {
  RescaleSpec spec;
  spec.rescales.assign(rescales.begin(), rescales.end());
  spec.outZps = {out.zeroPoint()};
  spec.outType = out.storageType;
  spec.qmin = out.qmin;
  spec.qmax = out.qmax;
  spec.inLo = inLo;
  spec.inHi = inHi;
  return spec;
}

Value qnn_to_tosa::emitRescale(OpBuilder &b, Location loc, Value v,
                               const RescaleSpec &spec) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  int64_t channels = std::max({spec.rescales.size(), spec.inZps.size(),
                               spec.outZps.size()});
  auto inType = cast<IntegerType>(type.getElementType());
  Type i32 = b.getI32Type();

  // Ranges of v - inZp per channel, saturated as qmath::requantize does, and
  // whether every 32-bit intermediate of tosa.rescale stays in range.
  bool fast = true;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t zin = channelValue<int64_t>(spec.inZps, c);
    int64_t zout = channelValue<int64_t>(spec.outZps, c);
    qmath::Rescale r = channelValue<qmath::Rescale>(spec.rescales, c);
    __int128 lo = applyRescaleWide(saturate32(spec.inLo - zin), r);
    __int128 hi = applyRescaleWide(saturate32(spec.inHi - zin), r);
    if (lo < kI32Min || hi > kI32Max || lo + zout < kI32Min ||
        hi + zout > kI32Max)
      fast = false;
  }
  if (!fast)
    return emitRescaleWide(b, loc, v, spec);

  // tosa.rescale applies per-channel multipliers along the last dimension.
  bool perChannel = spec.rescales.size() > 1;
  if (perChannel && spec.axis != rank - 1) {
    SmallVector<int64_t> perm, inverse(rank);
    for (int64_t d = 0; d < rank; ++d)
      if (d != spec.axis)
        perm.push_back(d);
    perm.push_back(spec.axis);
    for (int64_t d = 0; d < rank; ++d)
      inverse[perm[d]] = d;
    RescaleSpec moved = spec;
    moved.axis = rank - 1;
    Value t = emitRescale(b, loc, transpose(b, loc, v, perm), moved);
    return transpose(b, loc, t, inverse);
  }

  // Input zero point: tosa.rescale takes a uniform one on i8 inputs only;
  // otherwise subtract it in 32 bits (saturating for i32 inputs).
  Value x = v;
  int64_t nativeInZp = 0;
  bool anyInZp = llvm::any_of(spec.inZps, [](int64_t z) { return z != 0; });
  if (anyInZp) {
    if (inType.getWidth() == 8 && llvm::all_equal(spec.inZps)) {
      nativeInZp = spec.inZps[0];
    } else {
      x = castTo(b, loc, x, i32);
      if (inType.getWidth() == 32) {
        SmallVector<int64_t> lo, hi;
        for (int64_t z : spec.inZps) {
          lo.push_back(z > 0 ? kI32Min + z : kI32Min);
          hi.push_back(z < 0 ? kI32Max + z : kI32Max);
        }
        x = clampIntPerChannel(b, loc, x, lo, hi, spec.axis);
      }
      x = sub(b, loc, x,
              channelConstInt(b, loc, spec.inZps, i32, rank, spec.axis));
    }
  }
  Type xElem = cast<RankedTensorType>(x.getType()).getElementType();

  SmallVector<int64_t> mults, shifts;
  for (const qmath::Rescale &r : spec.rescales) {
    mults.push_back(r.multiplier);
    shifts.push_back(r.shift);
  }
  int64_t n = spec.rescales.size();
  Value multiplier = constInt(b, loc, mults, i32, {n});
  Value shift = constInt(b, loc, shifts, b.getI8Type(), {n});

  // Output zero point: native when uniform on an i8 output, otherwise added
  // in 32 bits after clamping so that the addition cannot overflow.
  bool anyOutZp = llvm::any_of(spec.outZps, [](int64_t z) { return z != 0; });
  unsigned outWidth = spec.outType.getWidth();
  bool nativeOut = !anyOutZp || (outWidth == 8 && llvm::all_equal(spec.outZps));
  Type rescaleOut = nativeOut ? Type(spec.outType) : i32;
  int64_t outZp = nativeOut ? spec.outZps[0] : 0;
  Value r = tosa::RescaleOp::create(
      b, loc, type.clone(rescaleOut), x, multiplier, shift,
      zeroPointConst(b, loc, xElem, nativeInZp),
      zeroPointConst(b, loc, rescaleOut, outZp), /*scale32=*/true,
      tosa::RoundingMode::SINGLE_ROUND, perChannel, /*input_unsigned=*/false,
      /*output_unsigned=*/false);
  if (nativeOut)
    return clampInt(b, loc, r, spec.qmin, spec.qmax);
  SmallVector<int64_t> lo, hi;
  for (int64_t z : spec.outZps) {
    lo.push_back(std::max(spec.qmin - z, kI32Min));
    hi.push_back(std::min(spec.qmax - z, kI32Max));
  }
  r = clampIntPerChannel(b, loc, r, lo, hi, spec.axis);
  r = add(b, loc, r,
          channelConstInt(b, loc, spec.outZps, i32, rank, spec.axis));
  return castTo(b, loc, r, spec.outType);
}

FailureOr<SmallVector<qmath::Rescale, 1>>
qnn_to_tosa::computeRescales(Operation *op, ArrayRef<double> scales,
                             StringRef what) {
  SmallVector<qmath::Rescale, 1> out;
  for (double s : scales) {
    std::optional<qmath::Rescale> r = qmath::computeRescale(s);
    if (!r)
      return op->emitOpError()
             << "cannot represent the " << what << " scale ratio " << s
             << " as a 32-bit multiplier and shift";
    out.push_back(*r);
  }
  return out;
}

FailureOr<RescaleSpec> qnn_to_tosa::requantizeSpec(Operation *op,
                                                   const QuantInfo &in,
                                                   const QuantInfo &out) {
  if (in.isPerAxis() && out.isPerAxis() && in.axis != out.axis)
    return op->emitOpError() << "cannot requantize from axis " << in.axis
                             << " to axis " << out.axis;
  RescaleSpec spec;
  spec.axis = in.isPerAxis() ? in.axis : out.axis;
  int64_t channels = std::max(in.numChannels(), out.numChannels());
  SmallVector<double> ratios;
  for (int64_t c = 0; c < channels; ++c)
    ratios.push_back(in.scale(c) / out.scale(c));
  if (llvm::all_equal(ratios))
    ratios.resize(1);
  auto rescales = computeRescales(op, ratios, "requantization");
  if (failed(rescales))
    return failure();
  spec.rescales = *rescales;
  spec.inZps.assign(in.zeroPoints.begin(), in.zeroPoints.end());
  spec.outZps.assign(out.zeroPoints.begin(), out.zeroPoints.end());
  spec.outType = out.storageType;
  spec.qmin = out.qmin;
  spec.qmax = out.qmax;
  spec.inLo = typeMin(in.storageType);
  spec.inHi = typeMax(in.storageType);
  return spec;
}

//===----------------------------------------------------------------------===//
// Quantize / dequantize
//===----------------------------------------------------------------------===//

Value qnn_to_tosa::emitQuantize(OpBuilder &b, Location loc, Value x,
                                const QuantInfo &info) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  Type f32 = b.getF32Type();
  Type i32 = b.getI32Type();
  x = castTo(b, loc, x, f32);
  SmallVector<double> inverse;
  for (double s : info.scales)
    inverse.push_back(static_cast<float>(1.0 / s));
  Value y = mul(b, loc, x,
                channelConstFloat(b, loc, inverse, f32, rank, info.axis));
  // NaN quantizes to the zero point.
  auto yType = cast<RankedTensorType>(y.getType());
  Value notNaN = tosa::EqualOp::create(b, loc, yType.clone(b.getI1Type()), y, y);
  Value zero = constFloat(b, loc, {0.0}, f32, SmallVector<int64_t>(rank, 1));
  y = tosa::SelectOp::create(b, loc, yType, notNaN, y, zero);
  // Clamp before the (round half to even) cast so that adding the zero point
  // afterwards stays in range: clamp(round(y) + zp, qmin, qmax) ==
  // round(clamp(y, qmin - zp, qmax - zp)) + zp for integer bounds.
  if (info.hasUniformZeroPoint()) {
    int64_t zp = info.zeroPoint();
    y = clampFloat(b, loc, y, static_cast<double>(info.qmin - zp),
                   static_cast<double>(info.qmax - zp));
  } else {
    SmallVector<double> lo, hi;
    for (int64_t zp : info.zeroPoints) {
      lo.push_back(static_cast<double>(info.qmin - zp));
      hi.push_back(static_cast<double>(info.qmax - zp));
    }
    y = maximum(b, loc, y, channelConstFloat(b, loc, lo, f32, rank, info.axis));
    y = minimum(b, loc, y, channelConstFloat(b, loc, hi, f32, rank, info.axis));
  }
  Value q = castTo(b, loc, y, i32);
  if (llvm::any_of(info.zeroPoints, [](int64_t z) { return z != 0; }))
    q = add(b, loc, q,
            channelConstInt(b, loc, info.zeroPoints, i32, rank, info.axis));
  return castTo(b, loc, q, info.storageType);
}

Value qnn_to_tosa::emitDequantize(OpBuilder &b, Location loc, Value q,
                                  const QuantInfo &info, Type floatType) {
  auto type = cast<RankedTensorType>(q.getType());
  int64_t rank = type.getRank();
  Type f32 = b.getF32Type();
  bool anyZp = llvm::any_of(info.zeroPoints, [](int64_t z) { return z != 0; });
  // q - zp is exact in 32 bits for storage up to 16 bits, in 64 otherwise.
  Type wide = info.storageType.getWidth() >= 32 && anyZp ? b.getI64Type()
                                                          : b.getI32Type();
  Value x = castTo(b, loc, q, wide);
  if (anyZp)
    x = sub(b, loc, x,
            channelConstInt(b, loc, info.zeroPoints, wide, rank, info.axis));
  Value f = castTo(b, loc, x, f32);
  SmallVector<double> scales;
  for (double s : info.scales)
    scales.push_back(static_cast<float>(s));
  f = mul(b, loc, f, channelConstFloat(b, loc, scales, f32, rank, info.axis));
  return castTo(b, loc, f, floatType);
}

/// `table[indices]` for an i32 index tensor of any shape, through
/// tosa.gather on a [1, K, 1] constant.
int64_t qnn_to_tosa::reducedCount(ShapedType type, ArrayRef<int64_t> axes) {
  int64_t count = 1;
  for (int64_t a : axes)
    count *= type.getDimSize(a);
  return count;
}

Value qnn_to_tosa::gatherTable(OpBuilder &b, Location loc, Value indices,
                               ArrayRef<int64_t> table, Type elementType) {
  auto type = cast<RankedTensorType>(indices.getType());
  int64_t n = type.getNumElements(), k = table.size();
  Value values = constInt(b, loc, table, elementType, {1, k, 1});
  Value flat = reshape(b, loc, indices, {1, n});
  Value g = tosa::GatherOp::create(b, loc, tensorOf({1, n, 1}, elementType),
                                   values, flat);
  return reshape(b, loc, g, type.getShape());
}
