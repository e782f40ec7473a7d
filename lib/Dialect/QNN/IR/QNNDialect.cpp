//===- QNNDialect.cpp - qnn dialect registration --------------------------===//

#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"

using namespace qmlir::qnn;

#include "qmlir/Dialect/QNN/IR/QNNOpsDialect.cpp.inc"

void QNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "qmlir/Dialect/QNN/IR/QNNOps.cpp.inc"
      >();
}
