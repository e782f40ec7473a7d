//===- QNNDialect.cpp - qnn dialect registration --------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace mlir;
using namespace qmlir::qnn;

#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.cpp.inc"

void QNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
}

/// qnn.bn_scale and qnn.bn_shift: one f32 per channel of the op's result.
/// Other `qnn.` attributes are not checked here.
LogicalResult QNNDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  StringRef name = attr.getName().strref();
  if (name != kBnScaleAttr && name != kBnShiftAttr)
    return success();
  auto values = dyn_cast<DenseFPElementsAttr>(attr.getValue());
  auto result = op->getNumResults() == 1
                    ? dyn_cast<RankedTensorType>(op->getResult(0).getType())
                    : RankedTensorType();
  if (!result || result.getRank() == 0 ||
      ShapedType::isDynamic(result.getShape().back()))
    return op->emitOpError() << "'" << name
                             << "' needs one ranked result with a static "
                                "channel (last) dimension";
  int64_t channels = result.getShape().back();
  if (!values || values.getType().getRank() != 1 ||
      !values.getElementType().isF32() ||
      values.getNumElements() != channels)
    return op->emitOpError()
           << "'" << name << "' must be a dense f32 tensor of " << channels
           << " values (one per output channel), got " << attr.getValue();
  return success();
}
