//===- QuantPlan.h - a quantization config resolved on a model --*- C++ -*-===//
//
// qnn-calibrate, qnn-quantize and qnn-dump-config agree on how each tensor
// and layer of a function is quantized by resolving the scheme and config
// here, once: which layers exist (by node name), which config keys apply to
// them, the bit width, symmetry and axis of every tensor, and which weights
// the first layers have. Errors (unknown layers, keys that do not apply,
// axes out of range) name the layer and the key.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_DIALECT_QNN_TRANSFORMS_QUANTPLAN_H
#define QMLIR_DIALECT_QNN_TRANSFORMS_QUANTPLAN_H

#include "qmlir/Quant/QuantConfig.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <string>

namespace qmlir::qnn {

/// How one float tensor is quantized.
struct TensorPlan {
  unsigned bits = 8;
  bool symmetric = false;
  /// Model inputs of an unsigned input_dtype: the range starts at 0.
  bool isUnsigned = false;
  /// Per-axis along `axis` (the last dimension), with per-channel ranges.
  bool perAxis = false;
  int64_t axis = -1;
  /// Scales rounded up to powers of two (power_of_two_scales).
  bool powerOfTwo = false;
};

/// The resolved scheme of one layer.
struct LayerPlan {
  std::string name;
  qconfig::LayerScheme scheme;
  /// Fed by a model input (through layout ops): its weights use
  /// input_weight_bits.
  bool firstLayer = false;
};

/// Layers with weights (conv2d, conv_transpose2d, dense; batch_norm before
/// it becomes a depthwise conv2d): weight_bits, output_bits, buffer_bits.
bool isWeightedOp(mlir::Operation *op);

/// Relu and clip (and any elementwise function of one input): their output
/// bits are activation_bits.
bool isActivationOp(mlir::Operation *op);

/// Layout ops (reshape, transpose, slice, gather): they move values without
/// changing them, so their output is quantized like their input.
bool isLayoutOp(mlir::Operation *op);

/// Ops whose quantized result keeps their input's type (pooling, padding,
/// layout).
bool keepsInputType(mlir::Operation *op);

/// Ops that have an entry in a config: qnn ops other than quantization and
/// layout ops.
bool isConfigurableLayer(mlir::Operation *op);

/// Skips calibration probes: the value a qnn.observe chain observes.
mlir::Value throughProbes(mlir::Value v);

/// The only user of `v`, looking through probes; null if there are several.
mlir::Operation *onlyUserThroughProbes(mlir::Value v);

class QuantPlan {
public:
  /// Resolves `config` (may be null) over `base` for every layer of
  /// `funcs` (single-block functions). `source` names the config in
  /// errors, which are emitted on the first function or on the op.
  static mlir::FailureOr<QuantPlan> build(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                                          const qconfig::Scheme &base,
                                          const qconfig::Config *config,
                                          llvm::StringRef source);

  /// The plan of a configurable layer, or null.
  const LayerPlan *layer(mlir::Operation *op) const;
  /// The plan of a float tensor (function argument or op result).
  TensorPlan tensor(mlir::Value value) const;
  const qconfig::Scheme &global() const { return globalScheme; }

  /// A config that reproduces this plan exactly: the resolved global
  /// defaults and every layer with every key that applies to it.
  qconfig::Config dump() const;

private:
  qconfig::Scheme globalScheme;
  llvm::DenseMap<mlir::Operation *, LayerPlan> layers;
  llvm::SmallVector<mlir::Operation *> order;
  llvm::DenseMap<mlir::Value, TensorPlan> tensors;
};

/// The module attribute that carries a config in the IR (a JSON string, as
/// a config file holds): qnn-legalize-bitwidth writes it, and every pass
/// that takes `config=` reads it when no file is given.
inline constexpr llvm::StringLiteral kQuantConfigAttrName = "qnn.quant_config";

/// Reads the config file at `path` (empty: the module's qnn.quant_config
/// attribute, if any) and builds the plan; errors are emitted on the first
/// function.
mlir::FailureOr<QuantPlan>
buildQuantPlan(llvm::ArrayRef<mlir::func::FuncOp> funcs,
               const qconfig::Scheme &base, llvm::StringRef path);

/// The scheme that qnn-quantize's options describe; an error on `op` when
/// an option is out of range.
mlir::FailureOr<qconfig::Scheme>
schemeFromOptions(mlir::Operation *op, unsigned weightBits,
                  unsigned activationBits, bool perAxisWeights,
                  bool symmetricActivations, bool perTensorActivations,
                  unsigned bufferBits);

/// The functions of `module` that have a body.
llvm::SmallVector<mlir::func::FuncOp> definedFunctions(mlir::ModuleOp module);

/// Writes `config` as JSON to `path`; emits an error on `op` on failure.
mlir::LogicalResult writeConfig(mlir::Operation *op,
                                const qconfig::Config &config,
                                llvm::StringRef path);

} // namespace qmlir::qnn

#endif // QMLIR_DIALECT_QNN_TRANSFORMS_QUANTPLAN_H
