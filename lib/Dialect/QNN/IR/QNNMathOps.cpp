//===- QNNMathOps.cpp - verifiers of the float elementwise and reductions -===//
//
// qnn.unary, the binary ops (sub, div, pow, maximum, minimum, prelu),
// qnn.reduce and qnn.log_softmax. qnn-quantize turns unary, div and pow into
// lookup tables; reduce (all kinds but prod) and log_softmax have quantized
// forms of their own (docs/Quantization.md).
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "VerifyUtils.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/TypeUtilities.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::qnn;
using namespace qmlir::qnn::detail;

#include "qmlir/Dialect/QNN/IR/QNNEnums.cpp.inc"

//===----------------------------------------------------------------------===//
// unary
//===----------------------------------------------------------------------===//

std::pair<bool, bool> UnaryOp::takesAlphaBeta(UnaryKind kind) {
  switch (kind) {
  case UnaryKind::HardSigmoid:
  case UnaryKind::Selu:
    return {true, true};
  case UnaryKind::LeakyRelu:
  case UnaryKind::Elu:
  case UnaryKind::Celu:
  case UnaryKind::ThresholdedRelu:
    return {true, false};
  default:
    return {false, false};
  }
}

double UnaryOp::evaluate(double x) {
  double alpha = getAlpha() ? getAlpha()->convertToDouble() : 0.0;
  double beta = getBeta() ? getBeta()->convertToDouble() : 0.0;
  switch (getKind()) {
  case UnaryKind::Sigmoid:
    return 1.0 / (1.0 + std::exp(-x));
  case UnaryKind::Tanh:
    return std::tanh(x);
  case UnaryKind::Exp:
    return std::exp(x);
  case UnaryKind::Log:
    return std::log(x);
  case UnaryKind::Sqrt:
    return std::sqrt(x);
  case UnaryKind::Rsqrt:
    return 1.0 / std::sqrt(x);
  case UnaryKind::Reciprocal:
    return 1.0 / x;
  case UnaryKind::Abs:
    return std::fabs(x);
  case UnaryKind::Neg:
    return -x;
  case UnaryKind::Floor:
    return std::floor(x);
  case UnaryKind::Ceil:
    return std::ceil(x);
  case UnaryKind::Sin:
    return std::sin(x);
  case UnaryKind::Cos:
    return std::cos(x);
  case UnaryKind::Softplus:
    return std::log1p(std::exp(x));
  case UnaryKind::Softsign:
    return x / (1.0 + std::fabs(x));
  case UnaryKind::HardSwish:
    return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5));
  case UnaryKind::HardSigmoid:
    return std::max(0.0, std::min(1.0, alpha * x + beta));
  case UnaryKind::LeakyRelu:
    return x < 0.0 ? alpha * x : x;
  case UnaryKind::Elu:
    return x < 0.0 ? alpha * (std::exp(x) - 1.0) : x;
  case UnaryKind::Selu:
    return beta * (x <= 0.0 ? alpha * (std::exp(x) - 1.0) : x);
  case UnaryKind::Celu:
    return std::max(0.0, x) + std::min(0.0, alpha * (std::exp(x / alpha) - 1.0));
  case UnaryKind::ThresholdedRelu:
    return x > alpha ? x : 0.0;
  }
  llvm_unreachable("unknown unary kind");
}

LogicalResult UnaryOp::verify() {
  auto [alpha, beta] = takesAlphaBeta(getKind());
  StringRef kind = stringifyUnaryKind(getKind());
  if (alpha != getAlpha().has_value())
    return emitOpError() << "'" << kind << "' "
                         << (alpha ? "requires" : "takes no") << " 'alpha'";
  if (beta != getBeta().has_value())
    return emitOpError() << "'" << kind << "' "
                         << (beta ? "requires" : "takes no") << " 'beta'";
  if (getKind() == UnaryKind::Celu && getAlpha()->isZero())
    return emitOpError("'celu' requires a nonzero 'alpha'");
  return success();
}

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

LogicalResult SubOp::verify() {
  return failure(failed(verifyBroadcast(*this)) ||
                 failed(verifyIntegerOperands(*this)));
}
/// Quantized div and pow: operands and result all quantized per tensor.
static LogicalResult verifyLogDomainOp(Operation *op) {
  auto isQuant = [](Type t) {
    return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
  };
  if (!llvm::any_of(op->getOperandTypes(), isQuant) &&
      !isQuant(op->getResult(0).getType()))
    return success();
  auto perTensor = [](Type t) {
    return isa<quant::UniformQuantizedType>(getElementTypeOrSelf(t));
  };
  if (!llvm::all_of(op->getOperandTypes(), perTensor) ||
      !perTensor(op->getResult(0).getType()))
    return op->emitOpError("quantized operands and result must all be "
                           "quantized per tensor");
  return success();
}
LogicalResult DivOp::verify() {
  return failure(failed(verifyBroadcast(*this)) ||
                 failed(verifyIntegerOperands(*this)) ||
                 failed(verifyLogDomainOp(*this)));
}
/// The exponent may have another type than the base (ONNX's T and T1); the
/// result has the base's (quantized: its own type).
LogicalResult PowOp::verify() {
  if (failed(verifyBroadcast(*this)) || failed(verifyLogDomainOp(*this)))
    return failure();
  if (isa<quant::QuantizedType>(getElementTypeOrSelf(getLhs().getType())))
    return success();
  if (getElementTypeOrSelf(getLhs().getType()) !=
      getElementTypeOrSelf(getOutput().getType()))
    return emitOpError("result must have the base's (lhs) element type");
  return success();
}
/// Quantized maximum/minimum compare storage values: one type throughout.
static LogicalResult verifyOrderOp(Operation *op) {
  if (failed(verifyBroadcast(op)) || failed(verifyIntegerOperands(op)))
    return failure();
  Type et = getElementTypeOrSelf(op->getResult(0).getType());
  if (isa<quant::QuantizedType>(et) &&
      (getElementTypeOrSelf(op->getOperand(0).getType()) != et ||
       getElementTypeOrSelf(op->getOperand(1).getType()) != et))
    return op->emitOpError("quantized operands and result must have one "
                           "element type");
  return success();
}

LogicalResult MaximumOp::verify() { return verifyOrderOp(*this); }
LogicalResult MinimumOp::verify() { return verifyOrderOp(*this); }

LogicalResult PReluOp::verify() {
  auto in = getLhs().getType();
  if (llvm::any_of(getOperation()->getOperandTypes(), [](Type t) {
        return isa<IntegerType>(getElementTypeOrSelf(t));
      }))
    return emitOpError("takes float or quantized tensors, not plain integers");
  SmallVector<int64_t> shape;
  if (!mlir::OpTrait::util::getBroadcastedShape(
          in.getShape(), getRhs().getType().getShape(), shape) ||
      ArrayRef<int64_t>(shape) != in.getShape())
    return emitOpError("slope must broadcast to the input's shape");
  return verifyShape(*this, getOutput().getType().getShape(), in.getShape(),
                     "output");
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  auto in = getInput().getType();
  ArrayRef<int64_t> axes = getAxes();
  if (isa<quant::QuantizedType>(in.getElementType())) {
    if (!isa<quant::UniformQuantizedType>(in.getElementType()) ||
        !isa<quant::UniformQuantizedType>(
            getOutput().getType().getElementType()))
      return emitOpError("quantized input and output must be per tensor");
  }
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (a < 0 || a >= in.getRank())
      return emitOpError() << "axis " << a << " is out of range for rank "
                           << in.getRank();
    if (i > 0 && a <= axes[i - 1])
      return emitOpError("'axes' must be sorted and distinct");
  }
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      expected.push_back(in.getDimSize(d));
    else if (getKeepDims())
      expected.push_back(1);
  }
  return verifyShape(*this, getOutput().getType().getShape(), expected,
                     "output");
}

LogicalResult LogSoftmaxOp::verify() {
  auto in = getInput().getType();
  int64_t axis = getAxis();
  if (axis < -in.getRank() || axis >= in.getRank())
    return emitOpError() << "'axis' " << axis << " is out of range for rank "
                         << in.getRank();
  return verifyShape(*this, getOutput().getType().getShape(), in.getShape(),
                     "output");
}
