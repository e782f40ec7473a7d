//===- QNNMathOps.cpp - verifiers of the float elementwise and reductions -===//
//
// qnn.unary, the float binary ops (sub, div, pow, maximum, minimum, prelu),
// qnn.reduce and qnn.log_softmax: ops with float semantics only, which
// qnn-quantize leaves between dequantize and quantize.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "VerifyUtils.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Traits.h"
#include "mlir/IR/TypeUtilities.h"

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

LogicalResult SubOp::verify() { return verifyBroadcast(*this); }
LogicalResult DivOp::verify() { return verifyBroadcast(*this); }
LogicalResult PowOp::verify() { return verifyBroadcast(*this); }
/// Quantized maximum/minimum compare storage values: one type throughout.
static LogicalResult verifyOrderOp(Operation *op) {
  if (failed(verifyBroadcast(op)))
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
