//===- QDQExporter.h - qnn to ONNX QDQ (private) ----------------*- C++ -*-===//
//
// The state of one export: every qnn value maps to one or more ONNX tensors
// holding it in some dimension order (qnn is NHWC inside, ONNX NCHW), so qnn
// transposes cost nothing and ONNX Transpose/Reshape nodes are only created
// where an ONNX op needs another order. QDQExport.cpp holds the graph,
// values and layouts; QDQOps.cpp one exporter per qnn op family.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_EXPORT_ONNX_QDQEXPORTER_H
#define QMLIR_LIB_EXPORT_ONNX_QDQEXPORTER_H

#include "qmlir/Dialect/QNN/IR/QNNOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::onnx_export {

using namespace mlir;

/// The opset the export targets: the first with per-axis QuantizeLinear and
/// DequantizeLinear, and the one qmlir's importer implements.
inline constexpr int64_t kOpset = 13;

using Perm = SmallVector<int64_t, 4>;

/// ONNX tensor `name` holds `transpose(value, perm)`: its dimension i is the
/// value's dimension perm[i].
struct Rep {
  std::string name;
  Perm perm;
};

/// The ONNX tensors that hold one qnn value.
struct ValueReps {
  /// The first is where the value was defined; others were derived from it.
  SmallVector<Rep, 2> reps;
  /// A tensor with the value's row-major data in another shape (the input
  /// of the Reshape that defined the value), or empty.
  std::string rowMajor;
  SmallVector<int64_t> rowMajorShape;
  /// For a quantized value: the integer tensor (a QuantizeLinear output)
  /// holding its storage in order `storagePerm`, or empty.
  std::string storage;
  Perm storagePerm;
};

/// A constant operand: integer storage values of a quantized constant, or
/// float values.
struct HostConst {
  SmallVector<int64_t> shape;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  /// Set for `quant.scast` of an integer constant.
  quant::QuantizedType qtype;
};

/// The identity permutation of `rank` dimensions.
Perm identity(int64_t rank);
/// The inverse permutation.
Perm inverse(ArrayRef<int64_t> perm);
/// result[i] = shape[perm[i]].
llvm::SmallVector<int64_t> permuted(ArrayRef<int64_t> shape,
                                    ArrayRef<int64_t> perm);
/// Whether `transpose(x, perm)` has the row-major data of x (only unit
/// dimensions move), so a Reshape can stand for the Transpose.
bool sameRowMajorData(ArrayRef<int64_t> shape, ArrayRef<int64_t> perm);

class QDQExporter {
public:
  explicit QDQExporter(func::FuncOp func) : func(func) {}

  LogicalResult run();
  onnx::ModelProto model;

private:
  onnx::GraphProto &graph() { return *model.mutable_graph(); }
  std::string uniqueTensor(StringRef base);
  std::string uniqueNode(StringRef base);
  onnx::NodeProto &addNode(StringRef opType, StringRef nodeName,
                           ArrayRef<std::string> inputs,
                           ArrayRef<std::string> outputs);
  std::string floatInit(StringRef base, ArrayRef<float> data,
                        ArrayRef<int64_t> shape);
  std::string intInit(StringRef base, int32_t dataType, ArrayRef<int64_t> data,
                      ArrayRef<int64_t> shape);

  InFlightDiagnostic error(Operation *op);
  /// The ONNX element type of quantized storage, or failure with an error.
  FailureOr<int32_t> storageType(quant::QuantizedType qtype, Operation *op,
                                 bool allow32);
  /// Scale and zero point initializers (and the per-axis ONNX axis) for
  /// `qtype` held in an ONNX tensor of dimension order `perm`.
  LogicalResult quantParams(quant::QuantizedType qtype, ArrayRef<int64_t> perm,
                            StringRef base, Operation *op, bool allow32,
                            std::string &scale, std::string &zeroPoint,
                            std::optional<int64_t> &axis);

  /// The constant behind `v`, or nullopt.
  std::optional<HostConst> constant(Value v);
  /// `v` as an ONNX tensor in dimension order `perm`, creating Transpose or
  /// Reshape nodes (or initializers, for constants) as needed. A constant of
  /// lower rank than `perm` first gets leading unit dimensions (numpy
  /// broadcasting). Empty after an error at `user`.
  std::string get(Value v, ArrayRef<int64_t> perm, Operation *user,
                  std::optional<unsigned> operandIndex = std::nullopt);
  /// The dimension order `v` was defined in.
  Perm primaryPerm(Value v);
  /// Records that ONNX tensor `name` holds the float result `v` in order
  /// `perm`, quantizing and dequantizing it when `v` is quantized.
  LogicalResult define(Value v, const std::string &name, Perm perm,
                       StringRef nodeBase, Operation *op);

  LogicalResult exportOp(Operation *op);
  /// `quant.scast` of a computed tensor: the same integers read with other
  /// parameters (qnn-quantize's per-axis input reinterpretation).
  LogicalResult exportStorageCast(quant::StorageCastOp op);
  LogicalResult exportConv(qnn::Conv2dOp op);
  LogicalResult exportDense(qnn::DenseOp op);
  LogicalResult exportElementwise(Operation *op, StringRef opType);
  LogicalResult exportPool(Operation *op);
  LogicalResult exportOutputs(func::ReturnOp ret);
  void pruneDeadNodes();

  func::FuncOp func;
  DenseMap<Value, ValueReps> values;
  /// Constants already materialized, by (value, dimension order).
  std::map<std::pair<void *, Perm>, std::string> constants;
  llvm::StringSet<> tensorNames;
  llvm::StringSet<> nodeNames;
};

} // namespace qmlir::onnx_export

#endif // QMLIR_LIB_EXPORT_ONNX_QDQEXPORTER_H
