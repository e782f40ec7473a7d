//===- GraphImporter.h - TF GraphDef to qnn (private) -----------*- C++ -*-===//
//
// The state shared by the graph walk and the op handlers. Every TF tensor
// ("node:i") maps to its MLIR value in TF's layout and/or, for rank-4 values
// whose TF layout is NCHW, in qnn's NHWC layout, or to data known at import
// time. Handlers ask for an input in the layout they need; conversions are
// created once and cached.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_IMPORT_TF_GRAPHIMPORTER_H
#define QMLIR_LIB_IMPORT_TF_GRAPHIMPORTER_H

#include "qmlir/Import/LayoutValues.h"
#include "qmlir/Import/TF/TFImporter.h"
#include "qmlir/Support/Shapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "tf_graph.pb.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace qmlir::tf_import {

namespace tfproto = ::qmlir::tfproto;

/// Where a value's dimensions are.
enum class Layout {
  /// As the graph declares it (NHWC or NCHW activations, HWIO filters).
  TF,
  /// The channel-last form of a rank-4 value whose TF layout is NCHW.
  NHWC,
};

//===----------------------------------------------------------------------===//
// Host tensors
//===----------------------------------------------------------------------===//

/// A tensor whose data the importer knows (Const nodes and folded shape
/// computations), in TF layout. Float tensors keep `floats`; integer and
/// boolean tensors keep `ints`, with their TF type in `dtype`.
struct HostTensor {
  llvm::SmallVector<int64_t> shape;
  tfproto::DataType dtype = tfproto::DT_FLOAT;
  std::vector<float> floats;
  std::vector<int64_t> ints;

  bool isFloat() const { return dtype == tfproto::DT_FLOAT; }
  int64_t numElements() const;
  /// Element `i` as a double, whatever the type.
  double get(int64_t i) const;
  /// The same data with dimensions permuted (output dim i = input dim
  /// perm[i]).
  HostTensor transposed(llvm::ArrayRef<int64_t> perm) const;
  /// The same data with another shape of as many elements.
  HostTensor reshaped(llvm::ArrayRef<int64_t> newShape) const;
  /// The same data with new leading 1-dims up to `rank`.
  HostTensor withRank(int64_t rank) const;
  /// An integer tensor.
  static HostTensor ofInts(llvm::ArrayRef<int64_t> shape,
                           std::vector<int64_t> values,
                           tfproto::DataType dtype = tfproto::DT_INT32);
};

/// Reads a TensorProto (tensor_content, or the typed values with TF's rule
/// that the last value repeats to fill the shape). Fails with a message in
/// `error` for unsupported types and data that does not match the shape.
mlir::FailureOr<HostTensor> readTensor(const tfproto::TensorProto &tensor,
                                       std::string &error);

/// "DT_FLOAT", or "data type N".
std::string dataTypeName(int dtype);
/// The MLIR element type of a TF type qnn can hold (f32, i1, i8, i16, i32,
/// i64), or null.
mlir::Type elementTypeOf(mlir::MLIRContext *ctx, int dtype);


//===----------------------------------------------------------------------===//
// Tensor names
//===----------------------------------------------------------------------===//

/// One entry of NodeDef.input: "node", "node:i" or "^node" (control).
struct TensorRef {
  std::string node;
  int index = 0;
  bool control = false;

  /// "node:i"; the key of the values table.
  std::string key() const { return node + ":" + std::to_string(index); }
  /// "node" for output 0, "node:i" otherwise, as TF prints names.
  std::string str() const;
};

/// Parses a tensor name; fails on a malformed output index.
mlir::FailureOr<TensorRef> parseTensorRef(llvm::StringRef name);

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

class NodeImporter;
/// Imports one node: creates its ops and defines its outputs, or emits an
/// error through NodeImporter::emitError and fails.
using OpHandler = mlir::LogicalResult (*)(NodeImporter &);
/// Handlers keyed by op type.
using HandlerTable = llvm::StringMap<OpHandler>;

/// The handler table, built once.
const HandlerTable &getHandlers();

/// One registration function per op family (one file each).
void registerConvPoolHandlers(HandlerTable &table);
void registerDenseHandlers(HandlerTable &table);
void registerElementwiseHandlers(HandlerTable &table);
void registerShapeHandlers(HandlerTable &table);
void registerTensorHandlers(HandlerTable &table);
void registerQuantHandlers(HandlerTable &table);

/// Imports a node of an unknown op as qnn.custom (CustomOps.cpp).
mlir::LogicalResult importCustomOp(NodeImporter &n);

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

/// Builds the func.func for a parsed GraphDef.
class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, llvm::StringRef fileName,
                const tfproto::GraphDef &graph, const TFImportOptions &options);

  /// Returns nullptr after emitting an error.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  /// An error prefixed with the file name.
  mlir::InFlightDiagnostic emitError();

private:
  friend class NodeImporter;

  struct Entry {
    /// Type in TF layout.
    mlir::RankedTensorType tfType;
    /// Layout the producer defined the value in.
    Layout native = Layout::TF;
    mlir::Value tf;
    mlir::Value nhwc;
    std::optional<HostTensor> constant;
    /// The node that computed `constant`: materializations are located there.
    std::string origin;
  };

  using ErrorFn = llvm::function_ref<mlir::InFlightDiagnostic()>;

  /// Node names, duplicate and malformed names, and the highest output index
  /// anything reads of each node.
  mlir::LogicalResult indexGraph();
  mlir::LogicalResult selectOutputs();
  mlir::LogicalResult selectInputs();
  /// The nodes the outputs need, producers first; reports dangling inputs
  /// and cycles.
  mlir::LogicalResult orderNodes();
  /// The static type of graph input `ref` (Placeholder shape, --shape,
  /// --batch), or null after an error.
  mlir::RankedTensorType inputType(const TensorRef &ref);
  mlir::LogicalResult importNode(const tfproto::NodeDef &node);

  /// The value of tensor `key` in `layout`, converting (once) if needed.
  mlir::Value getValue(llvm::StringRef key, Layout layout, ErrorFn emitError);
  /// An arith.constant holding `t`, shared by equal data.
  mlir::Value materialize(const HostTensor &t, mlir::Location loc,
                          ErrorFn emitError, llvm::StringRef name);
  mlir::Location nameLoc(llvm::StringRef name);
  /// The --shape given for tensor `ref`, if any.
  const llvm::SmallVector<int64_t> *shapeOption(const TensorRef &ref) const;

  mlir::MLIRContext &ctx;
  std::string fileName;
  const tfproto::GraphDef &graph;
  const TFImportOptions &options;
  mlir::OpBuilder builder;
  mlir::Location fileLoc;
  /// Location of the node being imported (conversions get it too).
  mlir::Location currentLoc;
  mlir::OwningOpRef<mlir::ModuleOp> module;

  /// Records that a node or the graph outputs read `ref`.
  void markRead(const TensorRef &ref);

  llvm::StringMap<const tfproto::NodeDef *> nodes;
  /// Position of each node in the GraphDef.
  llvm::StringMap<size_t> nodeIndex;
  /// Per node: which outputs something reads.
  llvm::StringMap<llvm::SmallVector<bool, 2>> outputsRead;
  /// Nodes named by a control input.
  llvm::StringSet<> controlRead;
  std::vector<TensorRef> outputRefs;
  std::vector<TensorRef> inputRefs;
  /// Nodes fed by the function arguments (their inputs are not followed).
  llvm::StringMap<bool> fedNodes;
  std::vector<const tfproto::NodeDef *> order;

  llvm::StringMap<std::shared_ptr<Entry>> values;
  llvm::DenseMap<mlir::Attribute, mlir::Value> constants;
};

/// What a handler sees of the node it imports.
class NodeImporter {
public:
  NodeImporter(GraphImporter &graph, const tfproto::NodeDef &node,
               mlir::Location loc);

  mlir::OpBuilder &builder;
  mlir::Location loc;

  const tfproto::NodeDef &proto() const { return node; }
  llvm::StringRef name() const { return node.name(); }
  llvm::StringRef opType() const { return node.op(); }
  mlir::MLIRContext *getContext() const { return builder.getContext(); }

  /// An error naming the file and the node.
  mlir::InFlightDiagnostic emitError();
  /// "unsupported attribute <attr> = <value> (<why>)".
  mlir::LogicalResult unsupportedAttr(llvm::StringRef attr,
                                      llvm::StringRef value,
                                      llvm::StringRef why);

  //===--------------------------------------------------------------------===//
  // Inputs (data inputs only; control inputs are not counted)
  //===--------------------------------------------------------------------===//

  unsigned numInputs() const { return inputs.size(); }
  /// Fails unless the node has between `min` and `max` data inputs.
  mlir::LogicalResult checkInputCount(unsigned min, unsigned max);
  /// The input's tensor name as TF prints it.
  std::string inputName(unsigned i) const { return inputs[i].str(); }
  /// Type of input `i` in TF layout.
  mlir::RankedTensorType inputType(unsigned i) const;
  /// Layout the producer of input `i` defined it in.
  Layout inputLayout(unsigned i) const;
  /// Input `i` in `layout` (NHWC needs rank 4). Null after an error.
  mlir::Value input(unsigned i, Layout layout);
  /// Input `i` in the layout its producer defined it in.
  mlir::Value inputAsIs(unsigned i) { return input(i, inputLayout(i)); }
  /// The data of input `i` if it is known at import time, else null.
  const HostTensor *constantInput(unsigned i) const;
  /// As constantInput, with an error naming `what` when it is not known.
  const HostTensor *requireConstant(unsigned i, llvm::StringRef what);
  /// A constant integer list input (axes, shapes, paddings), flattened.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  constantInts(unsigned i, llvm::StringRef what);

  /// An arith.constant for data computed by this node (located at it), or,
  /// with `fromInput`, derived from that input's data (located at its
  /// producer, e.g. a filter transposed on the host). Null after an error.
  mlir::Value materialize(const HostTensor &t,
                          std::optional<unsigned> fromInput = std::nullopt);

  //===--------------------------------------------------------------------===//
  // Outputs
  //===--------------------------------------------------------------------===//

  /// How many outputs anything reads (1 + the highest index read).
  int numOutputsRead() const;
  /// The float32 type of output `i` with the shape the importer computed
  /// (TF layout), after checking it against the node's `_output_shapes`
  /// when it has them; in `layout` (NHWC: permuted). Null after an error.
  mlir::RankedTensorType outputType(unsigned i,
                                    llvm::ArrayRef<int64_t> computed,
                                    Layout layout = Layout::TF);
  void setOutput(unsigned i, mlir::Value value, Layout layout = Layout::TF);
  void setConstantOutput(unsigned i, HostTensor tensor);
  /// Output `i` is input `inputIdx` (Identity).
  void forwardInput(unsigned i, unsigned inputIdx);
  /// Fails when an output from `first` on is read.
  mlir::LogicalResult checkNoOutputsReadFrom(unsigned first,
                                             llvm::StringRef what);
  /// The node's `_output_shapes` entry `i` (-1 for unknown dims), if any.
  std::optional<llvm::SmallVector<int64_t>> recordedShape(unsigned i) const;
  /// The --shape given for output `i`, if any.
  const llvm::SmallVector<int64_t> *shapeOption(unsigned i) const;
  /// The function arguments' batch size option.
  int64_t batchSize() const;

  //===--------------------------------------------------------------------===//
  // Attributes
  //===--------------------------------------------------------------------===//

  const tfproto::AttrValue *attr(llvm::StringRef attrName) const;
  /// Attribute readers: the default when absent, failure (with an error)
  /// when present with another kind.
  mlir::FailureOr<int64_t> intAttr(llvm::StringRef attrName, int64_t dflt);
  mlir::FailureOr<float> floatAttr(llvm::StringRef attrName, float dflt);
  mlir::FailureOr<bool> boolAttr(llvm::StringRef attrName, bool dflt);
  mlir::FailureOr<std::string> stringAttr(llvm::StringRef attrName,
                                          llvm::StringRef dflt);
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  intsAttr(llvm::StringRef attrName, llvm::ArrayRef<int64_t> dflt);
  mlir::FailureOr<int> typeAttr(llvm::StringRef attrName, int dflt);
  /// Fails unless type attribute `attrName` (if present) is DT_FLOAT.
  mlir::LogicalResult requireFloatType(llvm::StringRef attrName);
  /// Reads `data_format`: true for NCHW, false for NHWC, failure otherwise.
  mlir::FailureOr<bool> isNCHW();

private:
  GraphImporter &graph;
  const tfproto::NodeDef &node;
  llvm::SmallVector<TensorRef> inputs;
};

} // namespace qmlir::tf_import

#endif // QMLIR_LIB_IMPORT_TF_GRAPHIMPORTER_H
