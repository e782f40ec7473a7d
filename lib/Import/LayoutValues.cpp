//===- LayoutValues.cpp - values in two layouts, shared by the importers --===//

#include "qmlir/Import/LayoutValues.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Support/Shapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;

RankedTensorType qmlir::import::permutedType(RankedTensorType type,
                                             ArrayRef<int64_t> perm) {
  Type elementType = type.getElementType();
  if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(elementType)) {
    int64_t axis = llvm::find(perm, pa.getQuantizedDimension()) - perm.begin();
    elementType = quant::UniformQuantizedPerAxisType::get(
        pa.getFlags(), pa.getStorageType(), pa.getExpressedType(),
        pa.getScales(), pa.getZeroPoints(), axis, pa.getStorageTypeMin(),
        pa.getStorageTypeMax());
  }
  return RankedTensorType::get(permuteShape(type.getShape(), perm),
                               elementType);
}

Value qmlir::import::valueInLayout(
    OpBuilder &builder, Location loc, Value &modelForm, Value &nhwcForm,
    bool nhwc, int64_t rank, StringRef name,
    function_ref<Value(bool nhwc)> materializeConstant,
    function_ref<InFlightDiagnostic()> emitError) {
  Value &slot = nhwc ? nhwcForm : modelForm;
  if (slot)
    return slot;
  if (nhwc && rank != 4) {
    emitError() << "value '" << name << "' of rank " << rank
                << " has no NHWC form";
    return {};
  }
  if (materializeConstant)
    return slot = materializeConstant(nhwc);
  Value from = nhwc ? modelForm : nhwcForm;
  ArrayRef<int64_t> perm = nhwc ? kToNHWC : kToNCHW;
  auto type = permutedType(cast<RankedTensorType>(from.getType()), perm);
  return slot = qnn::TransposeOp::create(builder, loc, type, from, perm);
}

Value qmlir::import::materializeHostConstant(
    OpBuilder &builder, Location loc, RankedTensorType type,
    ArrayRef<float> floats, ArrayRef<int64_t> ints,
    DenseMap<Attribute, Value> &cache) {
  DenseElementsAttr attr;
  if (type.getElementType().isF32()) {
    attr = DenseElementsAttr::get(type, floats);
  } else {
    unsigned width = type.getElementType().getIntOrFloatBitWidth();
    SmallVector<APInt> values;
    for (int64_t v : ints)
      values.push_back(APInt(width, static_cast<uint64_t>(v),
                             /*isSigned=*/width > 1, /*implicitTrunc=*/true));
    attr = DenseElementsAttr::get(type, values);
  }
  // Attributes are uniqued: one arith.constant per distinct tensor, however
  // many initializers, nodes or host transposes produce it.
  Value &cached = cache[attr];
  if (!cached)
    cached = arith::ConstantOp::create(builder, loc, attr);
  return cached;
}
