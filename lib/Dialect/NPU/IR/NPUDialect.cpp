//===- NPUDialect.cpp - npu dialect registration --------------------------===//

#include "qmlir/Dialect/NPU/IR/NPUDialect.h"
#include "qmlir/Dialect/NPU/IR/NPUOps.h"

using namespace mlir;
using namespace qmlir::npu;

#include "qmlir/Dialect/NPU/IR/NPUOpsDialect.cpp.inc"

void NPUDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/NPU/IR/NPUOps.cpp.inc"
      >();
}
