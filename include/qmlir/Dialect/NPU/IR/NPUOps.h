//===- NPUOps.h - npu dialect ops -------------------------------*- C++ -*-===//

#ifndef QMLIR_DIALECT_NPU_IR_NPUOPS_H
#define QMLIR_DIALECT_NPU_IR_NPUOPS_H

#include "qmlir/Dialect/NPU/IR/NPUDialect.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "qmlir/Dialect/NPU/IR/NPUOps.h.inc"

#endif // QMLIR_DIALECT_NPU_IR_NPUOPS_H
