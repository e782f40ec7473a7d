//===- TensorNames.cpp - stable names for tensors -------------------------===//

#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;

std::string qmlir::qnn::locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    // A folded layer carries the names of every op folded into it; the last
    // one is the op whose output the tensor now is.
    for (Location inner : llvm::reverse(fused.getLocations())) {
      std::string name = locationName(inner);
      if (!name.empty())
        return name;
    }
  }
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return locationName(callSite.getCallee());
  return "";
}

/// Ops that calibration and quantization insert or remove.
static bool isQuantizationOp(Operation *op) {
  return isa<qmlir::qnn::ObserveOp, qmlir::qnn::QuantizeOp, qmlir::qnn::DequantizeOp,
             qmlir::qnn::RequantizeOp>(op);
}

std::string qmlir::qnn::layerName(Operation *op) {
  std::string name = locationName(op->getLoc());
  if (!name.empty())
    return name;
  // Unnamed ops (hand-written IR): the op mnemonic and its position among
  // the layer ops of the block keep names unique and stable.
  unsigned position = 0;
  for (Operation &other : *op->getBlock()) {
    if (&other == op)
      break;
    if (isa<qmlir::qnn::QNNDialect>(other.getDialect()) && !isQuantizationOp(&other))
      ++position;
  }
  return op->getName().stripDialect().str() + "_" + std::to_string(position);
}

std::string qmlir::qnn::resultName(OpResult result) {
  return layerName(result.getOwner()) + ":" +
         std::to_string(result.getResultNumber());
}

std::string qmlir::qnn::argumentName(func::FuncOp func, unsigned index) {
  if (auto name = func.getArgAttrOfType<StringAttr>(index, "qnn.name"))
    return name.str();
  return "arg" + std::to_string(index);
}

/// Adds every name in `loc` (through fused and nested locations) to `names`.
static void collectLocNames(Location loc, llvm::StringSet<> &names) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    names.insert(name.getName().strref());
    collectLocNames(name.getChildLoc(), names);
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      collectLocNames(inner, names);
  }
}

std::string qmlir::qnn::parameterName(Operation *layer, unsigned operandIndex) {
  std::string role = operandIndex == 1   ? "weight"
                     : operandIndex == 2 ? "bias"
                                         : "param" + std::to_string(operandIndex);
  std::string fallback = layerName(layer) + "." + role;
  Operation *def = layer->getOperand(operandIndex).getDefiningOp();
  // An imported QDQ model dequantizes its weights in a node of their name
  // (and transposes them to OHWI after that).
  while (isa_and_nonnull<TransposeOp, ReshapeOp>(def))
    def = def->getOperand(0).getDefiningOp();
  if (auto dequantize = dyn_cast_or_null<DequantizeOp>(def)) {
    std::string name = locationName(dequantize.getLoc());
    return name.empty() ? fallback : name;
  }
  if (auto scast = dyn_cast_or_null<quant::StorageCastOp>(def))
    def = scast.getInput().getDefiningOp();
  if (!def)
    return fallback;
  auto loc = dyn_cast<NameLoc>(def->getLoc());
  if (!loc)
    return fallback;
  llvm::StringSet<> nodeNames;
  for (Operation &op : *layer->getBlock())
    if (isa<QNNDialect>(op.getDialect()))
      collectLocNames(op.getLoc(), nodeNames);
  if (nodeNames.contains(loc.getName().strref()))
    return fallback;
  return loc.getName().str();
}
