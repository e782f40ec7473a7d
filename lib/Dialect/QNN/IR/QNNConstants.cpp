//===- QNNConstants.cpp - reading and building constant tensors -----------===//

#include "qmlir/Dialect/QNN/IR/QNNConstants.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

std::optional<std::vector<float>> qmlir::qnn::readFloatConstant(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return std::nullopt;
  if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    std::vector<float> out;
    out.reserve(type.getNumElements());
    for (float f : dense.getValues<float>())
      out.push_back(f);
    return out;
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != type.getNumElements())
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

Value qmlir::qnn::createFloatConstant(OpBuilder &b, Location loc,
                                      RankedTensorType type,
                                      ArrayRef<float> values) {
  auto attr = DenseElementsAttr::get(type, values);
  return arith::ConstantOp::create(b, loc, type, attr);
}

Value qmlir::qnn::createQuantizedConstant(OpBuilder &b, Location loc,
                                          RankedTensorType type,
                                          ArrayRef<int64_t> storage) {
  auto qt = cast<quant::QuantizedType>(type.getElementType());
  auto storageType = cast<IntegerType>(qt.getStorageType());
  auto intType = RankedTensorType::get(type.getShape(), storageType);
  SmallVector<APInt> ints;
  ints.reserve(storage.size());
  for (int64_t v : storage)
    ints.push_back(APInt(storageType.getWidth(), v, /*isSigned=*/true));
  Value raw = arith::ConstantOp::create(b, loc, intType,
                                        DenseElementsAttr::get(intType, ints));
  return quant::StorageCastOp::create(b, loc, type, raw);
}
