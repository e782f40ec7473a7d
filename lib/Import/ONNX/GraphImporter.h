//===- GraphImporter.h - ONNX graph to qnn (private) ------------*- C++ -*-===//
//
// The state shared by the graph walk and the op handlers: every ONNX value
// name maps to its MLIR value in ONNX layout and/or in qnn's NHWC layout, or
// to a constant known at import time. Handlers ask for an input in the layout
// they need; conversions are created once and cached.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define QMLIR_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "qmlir/Import/LayoutValues.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"
#include "qmlir/Support/Shapes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::onnx_import {

/// Where a value's dimensions are.
enum class Layout {
  /// As the model declares it: NCHW activations, OIHW conv weights.
  ONNX,
  /// qnn's channel-last layout: NHWC activations, OHWI conv weights.
  NHWC,
};

/// A tensor whose data the importer knows (initializers, Constant nodes and
/// everything folded from them), in ONNX layout. FLOAT tensors keep
/// `floats`; integer and bool tensors keep their values in `ints` (uint8
/// as 0..255).
struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  /// The ONNX element type (onnx::TensorProto::FLOAT, INT64, ...).
  int32_t dataType = 1;
  std::vector<float> floats;
  std::vector<int64_t> ints;

  static HostTensor fromFloats(llvm::ArrayRef<int64_t> shape,
                               std::vector<float> values);
  static HostTensor fromInts(llvm::ArrayRef<int64_t> shape,
                             std::vector<int64_t> values, int32_t type = 7);

  bool isFloat() const;
  int64_t numElements() const;
  /// Element `i` (row-major) as a double.
  double value(int64_t i) const;
  /// Row-major strides of `shape`.
  llvm::SmallVector<int64_t> strides() const;
  /// A tensor of shape `newShape` whose element at each index is the element
  /// of this one at row-major position `sourceIndex(index)`.
  HostTensor
  gathered(llvm::ArrayRef<int64_t> newShape,
           llvm::function_ref<int64_t(llvm::ArrayRef<int64_t>)> sourceIndex)
      const;
  /// The same data with dimensions permuted (output dim i = input dim
  /// perm[i]).
  HostTensor transposed(llvm::ArrayRef<int64_t> perm) const;
  /// The same data with new leading 1-dims up to `rank`.
  HostTensor withRank(int64_t rank) const;
  /// The same data with another shape of as many elements.
  HostTensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  /// numpy broadcast_to.
  HostTensor broadcastTo(llvm::ArrayRef<int64_t> newShape) const;
  /// ONNX Cast to FLOAT or an integer type (floats truncate toward zero,
  /// integers wrap); failure for other types.
  mlir::FailureOr<HostTensor> castTo(int32_t type) const;
};

bool isFloatType(int32_t onnxType);
/// INT8..INT64, UINT8..UINT32 and BOOL.
bool isIntegerType(int32_t onnxType);
/// f32, or the signless integer type of the ONNX type's width (i1 for BOOL);
/// null for types the importer does not represent.
mlir::Type mlirElementType(mlir::MLIRContext *ctx, int32_t onnxType);

/// Checks an ONNX TensorProto without reading its values: non-negative
/// dims, the size limit (checkTensorSize), no external data, and as many
/// stored values as its shape needs. Fails with a message in `error`.
mlir::LogicalResult checkTensorData(const onnx::TensorProto &tensor,
                                    std::string &error);

/// Reads an ONNX TensorProto (after checkTensorData). Fails with a message in `error` on external
/// data, unsupported element types and data that does not match the shape.
mlir::FailureOr<HostTensor> readTensor(const onnx::TensorProto &tensor,
                                       std::string &error);

using import::permutedType;

/// The name of an ONNX element type (e.g. "INT64").
std::string elementTypeName(int32_t dataType);

class NodeImporter;
/// Imports one node: creates its ops and defines its outputs, or emits an
/// error through NodeImporter::emitError and fails.
using OpHandlerFn = mlir::LogicalResult (*)(NodeImporter &);
struct OpHandler {
  OpHandlerFn fn = nullptr;
  /// Whether the handler takes quantized (integer) values produced at run
  /// time; the others get float32 values only, which the graph walk checks
  /// before calling them.
  bool takesQuantized = false;
  /// Whether the handler takes plain integers computed at run time (INT64
  /// values, signless integer tensors); the graph walk reports them to the
  /// others.
  bool takesPlainIntegers = false;

  OpHandler() = default;
  OpHandler(OpHandlerFn fn, bool takesQuantized = false,
            bool takesPlainIntegers = false)
      : fn(fn), takesQuantized(takesQuantized),
        takesPlainIntegers(takesPlainIntegers) {}
};
/// Handlers keyed by op_type (default ONNX domain).
using HandlerTable = llvm::StringMap<OpHandler>;

/// The handler table, built once.
const HandlerTable &getHandlers();

/// The node's name, or "<op_type>_<index>" for nodes without one.
std::string nodeName(const onnx::NodeProto &node, size_t index);

/// "node '<name>': unsupported op '<domain>::<op_type>' (opset N)" for the
/// first node no handler imports, or "" when all are supported.
std::string findUnsupportedOp(const onnx::ModelProto &model);

//===----------------------------------------------------------------------===//
// Quantized values (QuantOps.cpp)
//===----------------------------------------------------------------------===//

/// The type of a graph input of ONNX integer type `dataType` (INT8, UINT8,
/// INT32), taken from the quantized op that reads it (DequantizeLinear,
/// QLinearConv, QLinearMatMul, ConvInteger, MatMulInteger), whose scale and
/// zero point must be known (`lookup` finds initializers), or scale 1 and
/// zero point 0 (raw integers) when no such op reads it. UINT8 inputs get
/// !quant.uniform<u8:...>. Fails with a message in `error`.
mlir::FailureOr<mlir::RankedTensorType> quantizedInputType(
    mlir::MLIRContext *ctx, const onnx::GraphProto &graph, llvm::StringRef name,
    llvm::ArrayRef<int64_t> shape, int32_t dataType,
    llvm::function_ref<const HostTensor *(llvm::StringRef)> lookup,
    std::string &error);
/// The !quant.uniform type of scale 1 and zero point 0 (-128 when `shifted`)
/// for raw integers of ONNX type `dataType` (INT8, UINT8 or INT32).
mlir::quant::UniformQuantizedType
rawQuantType(mlir::MLIRContext *ctx, int32_t dataType, bool shifted);
/// A uint8 graph input (u8 storage) as int8 storage with the zero point
/// moved by -128: the form every uint8 value takes inside the function.
mlir::Value fromUnsignedInput(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value u8);
/// The inverse, for graph outputs of type UINT8.
mlir::Value toUnsignedOutput(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value i8);

class NodeImporter;
/// Input `i` (integers computed at run time, e.g. a ConvInteger result) as
/// float32 values: ONNX Cast to FLOAT. Null after an error.
mlir::Value integersAsFloat(NodeImporter &n, unsigned i);

//===----------------------------------------------------------------------===//
// Plain integers (ElementwiseOps.cpp)
//===----------------------------------------------------------------------===//

/// The signless integer type ONNX integer arithmetic on `dataType` is done
/// in: i8 (INT8), i32 (INT32, and UINT8, whose results are wrapped back to
/// 0..255), i64 (INT64); null for other types.
mlir::IntegerType integerComputeType(mlir::MLIRContext *ctx, int32_t dataType);
/// Input `i` (ONNX layout) as plain integers of `type`: constants cast on
/// the host, INT64 values as they are, values held as quantized integers
/// through their storage (quant.scast; UINT8's u - 128 storage moved back),
/// with qnn.cast to `type`. Null after an error.
mlir::Value plainIntegers(NodeImporter &n, unsigned i, mlir::IntegerType type);
/// Plain integers `v` (of integerComputeType(dataType)) as the importer holds
/// an ONNX value of integer type `dataType`: INT64 as they are, INT8/INT32
/// as raw quantized values, UINT8 wrapped to 0..255 and shifted to int8.
mlir::Value fromPlainIntegers(NodeImporter &n, mlir::Value v, int32_t dataType);

/// BatchNormalization in training mode (NormalizationOps.cpp).
mlir::LogicalResult importBatchNormTraining(NodeImporter &n);

/// One registration function per op family (one file each).
void registerConvPoolHandlers(HandlerTable &table);
void registerDenseHandlers(HandlerTable &table);
void registerElementwiseHandlers(HandlerTable &table);
void registerTensorHandlers(HandlerTable &table);
void registerConstantHandlers(HandlerTable &table);
void registerNormalizationHandlers(HandlerTable &table);
void registerResizeHandlers(HandlerTable &table);
void registerQuantHandlers(HandlerTable &table);

/// A node of a non-default domain as qnn.custom `domain::op_type`
/// (CustomOps.cpp).
mlir::LogicalResult importCustomOp(NodeImporter &n);

/// The position of ONNX dimension `d` of a rank-4 tensor in its NHWC form.
inline int64_t nhwcPosition(int64_t d) {
  constexpr int64_t pos[] = {0, 3, 1, 2};
  return pos[d];
}

/// Builds the func.func for a checked, shape-inferred model of opset >= 13.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, llvm::StringRef fileName,
                const onnx::ModelProto &model,
                const ONNXImportOptions &options);

  /// Returns nullptr after emitting an error.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  /// An error prefixed with the file name.
  mlir::InFlightDiagnostic emitError();

private:
  friend class NodeImporter;

  struct Entry {
    /// MLIR type in ONNX layout (f32, or a quantized type whose storage
    /// holds the ONNX integers; see QuantOps.cpp).
    mlir::RankedTensorType onnxType;
    /// The ONNX element type.
    int32_t dataType = 1;
    /// Layout the producer defined the value in.
    Layout native = Layout::ONNX;
    mlir::Value onnx;
    mlir::Value nhwc;
    std::optional<HostTensor> constant;
  };

  using ErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

  mlir::LogicalResult importInitializers();
  /// Graph inputs that are not initializers become the function arguments.
  mlir::LogicalResult
  importInputs(llvm::SmallVectorImpl<mlir::Type> &argTypes,
               llvm::SmallVectorImpl<llvm::StringRef> &names,
               llvm::SmallVectorImpl<int32_t> &dataTypes);
  mlir::LogicalResult importNode(const onnx::NodeProto &node, size_t index);
  /// The value returned for graph output `name`.
  mlir::Value outputValue(llvm::StringRef name);
  /// A constant entry for an empty tensor (no data to compute).
  std::shared_ptr<Entry> emptyEntry(llvm::ArrayRef<int64_t> shape,
                                    int32_t dataType);
  /// Erases pure ops with empty results that nothing uses (the producers of
  /// values replaced by emptyEntry).
  void eraseDeadEmptyOps(mlir::func::FuncOp func);

  /// The value of `name` in `layout`, converting (once) if needed. Returns
  /// null after emitting an error with `emitError`.
  mlir::Value getValue(llvm::StringRef name, Layout layout, ErrorFn emitError);
  /// Creates an arith.constant holding `t` (float32 or a signless integer
  /// type).
  mlir::Value materialize(const HostTensor &t, mlir::Location loc,
                          ErrorFn emitError, llvm::StringRef name);
  /// The static tensor type ONNX inferred for `name` (ONNX layout, element
  /// type from mlirElementType), or null after emitting an error naming
  /// `what` (e.g. "input"). `dataType` receives the ONNX element type. Dims
  /// ONNX left unknown take the importer's `computed` shape when given (of
  /// the same rank).
  mlir::RankedTensorType inferredType(llvm::StringRef name,
                                      llvm::StringRef what, ErrorFn emitError,
                                      int32_t *dataType = nullptr,
                                      llvm::ArrayRef<int64_t> computed = {});
  mlir::Location nameLoc(llvm::StringRef name);

  mlir::MLIRContext &ctx;
  std::string fileName;
  const onnx::ModelProto &model;
  const ONNXImportOptions &options;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  /// Location of the node being imported (conversions get it too).
  mlir::Location currentLoc;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  /// Shared so that Identity outputs share their input's conversions.
  llvm::StringMap<std::shared_ptr<Entry>> values;
  /// Materialized constants by value.
  llvm::DenseMap<mlir::Attribute, mlir::Value> constants;
  llvm::StringMap<const onnx::TypeProto *> types;
  /// Value names that some node or the graph outputs read.
  llvm::StringSet<> used;
};

/// What a handler sees of the node it imports.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const onnx::NodeProto &node,
               llvm::StringRef name, mlir::Location loc)
      : builder(graph.builder), loc(loc), graph(graph), node(node),
        name(name.str()) {}

  mlir::OpBuilder &builder;
  mlir::Location loc;

  const onnx::NodeProto &proto() const { return node; }
  llvm::StringRef opType() const { return node.op_type(); }
  mlir::MLIRContext *context() const { return builder.getContext(); }
  /// The model's default-domain opset (after conversion).
  int64_t opset() const;

  /// An error naming the file and the node.
  mlir::InFlightDiagnostic emitError();
  /// "unsupported attribute <attr> = <value> (<why>)".
  mlir::LogicalResult unsupportedAttr(llvm::StringRef attr,
                                      llvm::StringRef value,
                                      llvm::StringRef why);

  //===--------------------------------------------------------------------===//
  // Inputs
  //===--------------------------------------------------------------------===//

  unsigned numInputs() const { return node.input_size(); }
  /// Whether optional input `i` is given.
  bool hasInput(unsigned i) const;
  llvm::StringRef inputName(unsigned i) const { return node.input(i); }
  /// Type of input `i` in ONNX layout.
  mlir::RankedTensorType inputType(unsigned i) const;
  llvm::ArrayRef<int64_t> inputShape(unsigned i) const {
    return inputType(i).getShape();
  }
  int64_t inputRank(unsigned i) const { return inputType(i).getRank(); }
  /// The ONNX element type of input `i`.
  int32_t inputDataType(unsigned i) const;
  /// Layout the producer of input `i` defined it in.
  Layout inputLayout(unsigned i) const;
  /// Input `i` in `layout` (NHWC needs rank 4). Null after an error.
  mlir::Value input(unsigned i, Layout layout);
  /// Input `i` in the layout its producer defined it in.
  mlir::Value inputAsIs(unsigned i) { return input(i, inputLayout(i)); }
  /// The data of input `i` if it is known at import time, else null.
  const HostTensor *constantInput(unsigned i) const;
  /// The data of input `i`, or null after an error saying that `what` (e.g.
  /// "shape") must be a constant.
  const HostTensor *requireConstant(unsigned i, llvm::StringRef what);
  /// Whether every given input is known at import time.
  bool allInputsConstant() const;

  /// An arith.constant for data derived from input `what` (e.g. a
  /// transposed weight), located at that name. Null after an error.
  mlir::Value materialize(const HostTensor &t, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Outputs
  //===--------------------------------------------------------------------===//

  unsigned numOutputs() const { return node.output_size(); }
  bool hasOutput(unsigned i) const;
  /// The static type ONNX inferred for output `i` (ONNX layout, f32 or a
  /// signless integer type), or null after an error.
  mlir::RankedTensorType outputType(unsigned i);
  /// The ONNX element type inferred for output `i` (0 if unknown).
  int32_t outputDataType(unsigned i) const;
  /// The type of output `i` in `layout` with element type `elementType`
  /// (default: the inferred one), after checking that the shape the importer
  /// computed (`computed`, ONNX layout) is the one ONNX inferred, so that a
  /// semantic mismatch never imports silently (dims ONNX could not infer are
  /// taken from `computed`). Null after an error.
  mlir::RankedTensorType outputType(unsigned i,
                                    llvm::ArrayRef<int64_t> computed,
                                    Layout layout = Layout::ONNX,
                                    mlir::Type elementType = {});
  void setOutput(unsigned i, mlir::Value value, Layout layout);
  void setConstantOutput(unsigned i, HostTensor tensor);
  /// Output `i` is input `inputIdx` (Identity, inference Dropout).
  void forwardInput(unsigned i, unsigned inputIdx);
  /// Fails unless the node's outputs from `first` on are absent.
  mlir::LogicalResult checkNoOutputsFrom(unsigned first, llvm::StringRef what);

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  const onnx::AttributeProto *attr(llvm::StringRef attrName) const;
  /// Attribute readers: the default when absent, failure (with an error)
  /// when present with the wrong type.
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef attrName, int64_t dflt);
  mlir::FailureOr<float> floatAttr(llvm::StringRef attrName, float dflt);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef attrName,
                                          llvm::StringRef dflt);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef attrName, llvm::ArrayRef<int64_t> dflt);
  mlir::FailureOr<llvm::SmallVector<float>>
  floatsAttr(llvm::StringRef attrName, llvm::ArrayRef<float> dflt);

  /// `axis` in [-rank, rank) made non-negative, or failure with an error
  /// naming attribute/input `what`.
  mlir::FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what);

private:
  GraphImporter &graph;
  const onnx::NodeProto &node;
  std::string name;
};

} // namespace qmlir::onnx_import

#endif // QMLIR_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
