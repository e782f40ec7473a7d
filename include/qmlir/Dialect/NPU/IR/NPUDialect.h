//===- NPUDialect.h - npu dialect -------------------------------*- C++ -*-===//

#ifndef QMLIR_DIALECT_NPU_IR_NPUDIALECT_H
#define QMLIR_DIALECT_NPU_IR_NPUDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "qmlir/Dialect/NPU/IR/NPUOpsDialect.h.inc"

#endif // QMLIR_DIALECT_NPU_IR_NPUDIALECT_H
