//===- QuantizeTables.cpp - qnn-quantize: ops whose integer form is a table
//-===//
//
// Elementwise functions of one input (qnn.table), softmax (its exponential
// table), div and pow (qnn.table of the non-constant operand, qnn.table2d
// of both, or their log-domain form when an operand is wider than 8 bits).
// See docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#include "Quantizer.h"

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"
#include "qmlir/Dialect/QNN/Transforms/Encodings.h"
#include "qmlir/Quant/QuantMath.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/bit.h"

#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::quantize_utils;

/// The value of a constant whose elements are all equal (float or integer),
/// if `v` is one.
static std::optional<double> splatConstant(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  if (attr.isSplat()) {
    if (isa<FloatType>(attr.getElementType()))
      return attr.getSplatValue<APFloat>().convertToDouble();
    if (auto it = dyn_cast<IntegerType>(attr.getElementType()))
      return it.isUnsigned()
                 ? double(attr.getSplatValue<APInt>().getZExtValue())
                 : double(attr.getSplatValue<APInt>().getSExtValue());
    return std::nullopt;
  }
  std::optional<std::vector<float>> values = readFloatConstant(v);
  if (!values || values->empty() || llvm::any_of(*values, [&](float x) {
        return llvm::bit_cast<uint32_t>(x) !=
               llvm::bit_cast<uint32_t>(values->front());
      }))
    return std::nullopt;
  return double(values->front());
}

static qmath::QuantParams paramsOf(quant::UniformQuantizedType t) {
  return qmath::QuantParams{t.getScale(), t.getZeroPoint(),
                            t.getStorageTypeMin(), t.getStorageTypeMax()};
}

/// A per-tensor type of at most 8 bits (256 storage values), or null.
static quant::UniformQuantizedType tableInputType(Value quantized) {
  auto t = dyn_cast<quant::UniformQuantizedType>(elementTypeOf(quantized));
  if (!t || t.getStorageTypeMax() - t.getStorageTypeMin() + 1 > 256)
    return {};
  return t;
}

/// An elementwise function of one input as a lookup table, when the input is
/// per tensor with at most 16 bits (a table of up to 65,536 entries, one per
/// input storage value). Relu and clip use it only when they cannot share
/// their input's type (the input has other users), their own range gives
/// another type and the input has at most 8 bits; otherwise they clamp
/// storage values (exact at any width, no table needed).
/// Returns nullptr when the table does not apply.
FailureOr<Operation *> Quantizer::quantizeTable(Operation *op) {
  auto none = static_cast<Operation *>(nullptr);
  Value input = op->getOperand(0);
  if (isa<ReluOp, ClipOp>(op) && input.hasOneUse())
    return none;
  FailureOr<Value> q = getQuantized(input);
  if (failed(q))
    return failure();
  if (!*q)
    return none;
  auto in = dyn_cast<quant::UniformQuantizedType>(elementTypeOf(*q));
  if (!in)
    return none;
  int64_t entries = in.getStorageTypeMax() - in.getStorageTypeMin() + 1;
  if (entries > (isa<ReluOp, ClipOp>(op) ? 256 : qmath::kMaxLookupTableEntries))
    return none;
  FailureOr<Type> outType = activationElementType(op->getResult(0));
  if (failed(outType))
    return failure();
  auto out = dyn_cast_or_null<quant::UniformQuantizedType>(*outType);
  if (!out || (isa<ReluOp, ClipOp>(op) && out == in))
    return none;
  auto fn = cast<ElementwiseFunctionOpInterface>(op);
  std::vector<int64_t> table = qmath::buildLookupTable(
      [&](double x) { return fn.evaluate(x); }, paramsOf(in), paramsOf(out));
  builder.setInsertionPoint(op);
  return TableOp::create(builder, op->getLoc(),
                         withElementType(op->getResult(0), out), *q,
                         SmallVector<int32_t>(table.begin(), table.end()))
      .getOperation();
}

/// Softmax keeps its integer rule's output type (scale 2^-n, zero point
/// -2^(n-1)); it stays float when the axis is too long for a 32-bit sum.
FailureOr<Operation *> Quantizer::quantizeSoftmax(SoftmaxOp op) {
  auto none = static_cast<Operation *>(nullptr);
  FailureOr<Value> q = getQuantized(op.getInput());
  if (failed(q))
    return failure();
  if (!*q)
    return none;
  Value in = perTensor(*q);
  auto inType = cast<quant::UniformQuantizedType>(elementTypeOf(in));
  unsigned bits = tensorOf(op.getResult()).bits;
  qmath::SoftmaxTable table = qmath::softmaxTable(
      inType.getScale(),
      inType.getStorageTypeMax() - inType.getStorageTypeMin(), bits);
  auto type = op.getInput().getType();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += type.getRank();
  if (type.getDimSize(axis) > table.maxLength())
    return none;
  Type out = perTensorType(ctx, bits, qmath::softmaxOutputParams(bits),
                           type.getElementType());
  IRMapping mapping;
  mapping.map(op.getInput(), in);
  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op, mapping);
  clone->removeAttr(kWeightEncodingAttr);
  clone->getResult(0).setType(withElementType(op.getResult(), out));
  return clone;
}

/// Float div and pow: with one operand a constant c whose elements are all
/// equal and the other of the result's shape, a qnn.table of the other
/// operand (x / c, c / x, x ** c, c ** x, with c exact; x / c for c > 0 and
/// x wider than 8 bits: x reinterpreted with scale s_x / c and requantized;
/// other wider x: the log-domain form with c exact); otherwise, with both
/// operands quantized per tensor (a constant gets its own range, like any
/// constant operand), a qnn.table2d of both when each has at most 8 bits,
/// the log-domain form (a quantized qnn.div / qnn.pow) when one is wider.
FailureOr<Operation *> Quantizer::quantizeDivPow(Operation *op) {
  auto none = static_cast<Operation *>(nullptr);
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Value result = op->getResult(0);
  auto isFloat = [](Value v) {
    return isa<FloatType>(getElementTypeOrSelf(v.getType()));
  };
  if (!isFloat(result) || !isFloat(lhs))
    return none;
  bool isDiv = isa<DivOp>(op);
  auto f = [isDiv](double a, double b) {
    return isDiv ? a / b : std::pow(a, b);
  };
  std::optional<double> lc = splatConstant(lhs), rc = splatConstant(rhs);
  if (lc && rc)
    return none;
  FailureOr<Type> outType = activationElementType(result);
  if (failed(outType))
    return failure();
  auto out = dyn_cast_or_null<quant::UniformQuantizedType>(*outType);
  if (!out)
    return none;
  auto resultShape = cast<RankedTensorType>(result.getType()).getShape();

  // One constant operand: a table of the other one.
  Value x = lc ? rhs : rc ? lhs : Value();
  if (x && cast<RankedTensorType>(x.getType()).getShape() == resultShape &&
      isFloat(x)) {
    FailureOr<Value> q = getQuantized(x);
    if (failed(q))
      return failure();
    if (!*q)
      return none;
    Value in = perTensor(*q);
    auto inType = tableInputType(in);
    double c = lc ? *lc : *rc;
    // A division by a positive constant of a wider input: the input
    // reinterpreted with scale s_in / c (the same storage values, whose real
    // values are then x / c), requantized to the output's type.
    auto wide = dyn_cast<quant::UniformQuantizedType>(elementTypeOf(in));
    if (!inType && isDiv && rc && c > 0.0 && std::isfinite(c) && wide) {
      auto divided = quant::UniformQuantizedType::get(
          wide.getFlags(), wide.getStorageType(), wide.getExpressedType(),
          wide.getScale() / c, wide.getZeroPoint(), wide.getStorageTypeMin(),
          wide.getStorageTypeMax());
      builder.setInsertionPoint(op);
      Location loc = op->getLoc();
      Value storage = quant::StorageCastOp::create(
          builder, loc, withElementType(in, wide.getStorageType()), in);
      Value view = quant::StorageCastOp::create(
          builder, loc, withElementType(in, divided), storage);
      return RequantizeOp::create(builder, loc, withElementType(result, out),
                                  view)
          .getOperation();
    }
    bool constLhs = lc.has_value();
    if (!inType) {
      // A wider operand: the log-domain form, with the constant exact (one
      // storage value +-1 or 0 of scale |c|).
      if (!std::isfinite(c)) {
        op->emitRemark() << "stays float: its constant "
                         << (constLhs ? "lhs" : "rhs")
                         << " is not finite and its other operand is wider "
                            "than 8 bits";
        return none;
      }
      Value constant = constLhs ? lhs : rhs;
      qmath::QuantParams p{c == 0.0 ? 1.0 : std::fabs(c), 0, -128, 127};
      auto type = withElementType(
          constant, perTensorType(ctx, 8, p, builder.getF32Type()));
      builder.setInsertionPoint(op);
      Value exact = createQuantizedConstant(
          builder, constant.getLoc(), type,
          SmallVector<int64_t>(type.getNumElements(), c > 0.0   ? 1
                                                      : c < 0.0 ? -1
                                                                : 0));
      return createLogDomain(op, constLhs ? exact : in, constLhs ? in : exact,
                             out);
    }
    std::vector<int64_t> table = qmath::buildLookupTable(
        [&](double v) { return constLhs ? f(c, v) : f(v, c); },
        paramsOf(inType), paramsOf(out));
    builder.setInsertionPoint(op);
    return TableOp::create(builder, op->getLoc(), withElementType(result, out),
                           in, SmallVector<int32_t>(table.begin(), table.end()))
        .getOperation();
  }

  // Two quantized operands: a table of both.
  if (!isFloat(rhs))
    return none;
  FailureOr<Value> qa = getQuantized(lhs);
  if (failed(qa))
    return failure();
  FailureOr<Value> qb = getQuantized(rhs);
  if (failed(qb))
    return failure();
  if (!*qa || !*qb)
    return none;
  Value a = perTensor(*qa), b = perTensor(*qb);
  auto aType = tableInputType(a), bType = tableInputType(b);
  if (!aType || !bType)
    return createLogDomain(op, a, b, out);
  std::vector<int64_t> table = qmath::buildLookupTable2d(
      f, paramsOf(aType), paramsOf(bType), paramsOf(out));
  builder.setInsertionPoint(op);
  return Table2dOp::create(builder, op->getLoc(), withElementType(result, out),
                           a, b,
                           SmallVector<int32_t>(table.begin(), table.end()))
      .getOperation();
}

/// div or pow of the quantized (per tensor) `a` and `b` into `out`, in the
/// log domain (qmlir/Quant/LogDomain.h): the op itself on quantized types.
Operation *Quantizer::createLogDomain(Operation *op, Value a, Value b,
                                      quant::UniformQuantizedType out) {
  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op);
  clone->setOperands({a, b});
  clone->removeAttr(kWeightEncodingAttr);
  clone->getResult(0).setType(withElementType(op->getResult(0), out));
  return clone;
}

/// log_softmax: a per-tensor input and its own calibrated output type (the
/// rule takes any output scale); it stays float when the axis is too long
/// for the 32-bit sum of exponentials or the scales are too far apart.
FailureOr<Operation *> Quantizer::quantizeLogSoftmax(LogSoftmaxOp op) {
  auto none = static_cast<Operation *>(nullptr);
  FailureOr<Value> q = getQuantized(op.getInput());
  if (failed(q))
    return failure();
  if (!*q)
    return none;
  FailureOr<Type> outType = activationElementType(op.getResult());
  if (failed(outType))
    return failure();
  auto out = dyn_cast_or_null<quant::UniformQuantizedType>(*outType);
  if (!out)
    return none;
  Value in = perTensor(*q);
  auto inType = cast<quant::UniformQuantizedType>(elementTypeOf(in));
  std::optional<qmath::LogSoftmaxTables> tables = qmath::logSoftmaxTables(
      inType.getScale(),
      inType.getStorageTypeMax() - inType.getStorageTypeMin(), out.getScale());
  auto type = op.getInput().getType();
  int64_t axis = static_cast<int64_t>(op.getAxis());
  if (axis < 0)
    axis += type.getRank();
  if (!tables || type.getDimSize(axis) > tables->exp.maxLength())
    return none;
  IRMapping mapping;
  mapping.map(op.getInput(), in);
  builder.setInsertionPoint(op);
  Operation *clone = builder.clone(*op, mapping);
  clone->removeAttr(kWeightEncodingAttr);
  clone->getResult(0).setType(withElementType(op.getResult(), out));
  return clone;
}
