//===- LayoutValues.h - values in two layouts, shared by the importers -*- C++ -*-===//
//
// The ONNX and TF importers keep each model value in the layout its producer
// defined it in (the model's own: NCHW for ONNX, NHWC or NCHW for TF) and/or
// in qnn's NHWC layout, converting once on demand, and materialize host
// constants as one arith.constant per distinct value. This is that one
// implementation; each importer keeps its own value table and host tensor
// type.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_IMPORT_LAYOUTVALUES_H
#define QMLIR_IMPORT_LAYOUTVALUES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace qmlir::import {

/// `type` with its dimensions permuted (result dim i = dim perm[i]); a
/// per-axis quantized element type follows its axis.
mlir::RankedTensorType permutedType(mlir::RankedTensorType type,
                                    llvm::ArrayRef<int64_t> perm);

/// The form of a value of rank `rank` in the model's layout (`nhwc` false)
/// or in NHWC (rank 4 only), cached in `modelForm` / `nhwcForm`: a constant
/// from `materializeConstant(nhwc)` when the value is known at import time
/// (null function otherwise), else a qnn.transpose of the other form, each
/// created once. Null after an error through `emitError` naming `name`.
mlir::Value
valueInLayout(mlir::OpBuilder &builder, mlir::Location loc,
              mlir::Value &modelForm, mlir::Value &nhwcForm, bool nhwc,
              int64_t rank, llvm::StringRef name,
              llvm::function_ref<mlir::Value(bool nhwc)> materializeConstant,
              llvm::function_ref<mlir::InFlightDiagnostic()> emitError);

/// An arith.constant of type `type` (f32 or a signless integer type) holding
/// `floats` (f32) or `ints` (truncated to the integer width), one per
/// distinct value: `cache` maps the attribute to the op created for it.
mlir::Value
materializeHostConstant(mlir::OpBuilder &builder, mlir::Location loc,
                        mlir::RankedTensorType type,
                        llvm::ArrayRef<float> floats,
                        llvm::ArrayRef<int64_t> ints,
                        llvm::DenseMap<mlir::Attribute, mlir::Value> &cache);

} // namespace qmlir::import

#endif // QMLIR_IMPORT_LAYOUTVALUES_H
