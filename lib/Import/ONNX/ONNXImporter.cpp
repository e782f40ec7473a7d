//===- ONNXImporter.cpp - ONNX model loading and preparation --------------===//
//
// The library boundary: reads the model, lets libonnx check it, upgrade it to
// opset 13 and infer static shapes, then hands it to the GraphImporter.
// libonnx and protobuf report errors by throwing; every exception is caught
// here and becomes one diagnostic line naming the file.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Import/ONNX/ONNXImporter.h"

#include "GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include <onnx/checker.h>
#include <onnx/defs/parser.h>
#include <onnx/defs/schema.h>
#include <onnx/shape_inference/implementation.h>
#include <onnx/version_converter/convert.h>

#include <climits>
#include <exception>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::onnx_import;

/// The opset older models are converted to; handlers implement its
/// semantics (and those of 14..17, which are the same for supported ops).
static constexpr int kTargetOpset = 13;

namespace {
/// Reports failures as "<file>: <message>" on one line.
class Reporter {
public:
  Reporter(MLIRContext &ctx, StringRef file) : ctx(ctx), file(file) {}

  InFlightDiagnostic error() {
    return mlir::emitError(UnknownLoc::get(&ctx)) << file << ": ";
  }
  /// libonnx messages span lines and indent; diagnostics here are one line
  /// each, with runs of whitespace collapsed.
  static std::string oneLine(StringRef msg) {
    std::string s;
    for (char c : msg.trim()) {
      bool space = llvm::isSpace(c);
      if (!space)
        s += c;
      else if (!s.empty() && s.back() != ' ')
        s += ' ';
    }
    return s;
  }

private:
  MLIRContext &ctx;
  StringRef file;
};
} // namespace

/// ONNX text starts with '<' once whitespace and '#' comments are skipped; a
/// binary ModelProto starts with a field tag, never with those.
static bool isTextModel(StringRef bufferName, StringRef contents) {
  if (bufferName.ends_with(".onnxtxt"))
    return true;
  StringRef rest = contents;
  while (true) {
    rest = rest.ltrim();
    if (!rest.starts_with("#"))
      break;
    rest = rest.drop_until([](char c) { return c == '\n'; });
  }
  return rest.starts_with("<");
}

static int64_t defaultDomainOpset(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      return o.version();
  return -1;
}

/// Element types a graph input may have: float32, and the integer types of
/// quantized models (int8/uint8 data, int32 from ConvInteger-style ops) and
/// shape tensors (int64).
static bool isSupportedInputType(int32_t type) {
  return type == onnx::TensorProto::FLOAT || type == onnx::TensorProto::INT8 ||
         type == onnx::TensorProto::UINT8 || type == onnx::TensorProto::INT32 ||
         type == onnx::TensorProto::INT64;
}

/// Gives every graph input that is not an initializer a static shape: the
/// one in `options.inputShapes`, else the declared one with a symbolic or
/// unknown dim 0 set to `options.batchSize`. Any other unknown dim is an
/// error.
static LogicalResult fixInputDims(onnx::ModelProto &model,
                                  const ONNXImportOptions &options,
                                  Reporter &report) {
  onnx::GraphProto *graph = model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &t : graph->initializer())
    initializers.insert(t.name());
  llvm::StringSet<> inputs;
  for (onnx::ValueInfoProto &vi : *graph->mutable_input()) {
    if (initializers.contains(vi.name()))
      continue;
    inputs.insert(vi.name());
    if (!vi.type().has_tensor_type())
      return report.error() << "input '" << vi.name() << "' is not a tensor";
    onnx::TypeProto_Tensor *tt = vi.mutable_type()->mutable_tensor_type();
    if (!isSupportedInputType(tt->elem_type()))
      return report.error() << "input '" << vi.name() << "' has element type "
                            << elementTypeName(tt->elem_type())
                            << "; only FLOAT, INT8, UINT8, INT32 and INT64 "
                               "inputs are supported";
    auto given = options.inputShapes.find(vi.name());
    if (given != options.inputShapes.end()) {
      const std::vector<int64_t> &shape = given->second;
      onnx::TensorShapeProto *declared = tt->mutable_shape();
      if (tt->has_shape() &&
          declared->dim_size() != static_cast<int>(shape.size()))
        return report.error()
               << "input '" << vi.name() << "' has rank "
               << declared->dim_size() << " but --shape gives "
               << formatShape(shape);
      for (auto [i, d] : llvm::enumerate(shape)) {
        if (tt->has_shape() && declared->dim(i).has_dim_value() &&
            declared->dim(i).dim_value() != d)
          return report.error()
                 << "input '" << vi.name() << "' declares dimension " << i
                 << " as " << declared->dim(i).dim_value()
                 << " but --shape gives " << formatShape(shape);
      }
      declared->clear_dim();
      for (int64_t d : shape)
        declared->add_dim()->set_dim_value(d);
      continue;
    }
    if (!tt->has_shape())
      return report.error() << "input '" << vi.name()
                            << "' has no shape (give one with --shape)";
    for (auto [i, dim] : llvm::enumerate(*tt->mutable_shape()->mutable_dim())) {
      if (dim.has_dim_value() && dim.dim_value() >= 0)
        continue;
      if (i == 0) {
        dim.set_dim_value(options.batchSize);
        continue;
      }
      return report.error()
             << "input '" << vi.name() << "' has a non-static dimension " << i
             << (dim.has_dim_param() ? " ('" + dim.dim_param() + "')"
                                     : std::string())
             << "; only dimension 0 (the batch) may be symbolic unless "
                "--shape gives the input's shape";
    }
  }
  for (const auto &[name, shape] : options.inputShapes)
    if (!inputs.contains(name))
      return report.error() << "--shape names '" << name
                            << "', which is not an input of the model";
  return success();
}

/// Checks what libonnx's checker lets through but its version converter
/// assumes (it crashes otherwise): graph outputs are defined, and inputs that
/// have an initializer declare the initializer's type.
static LogicalResult checkConsistency(const onnx::ModelProto &model,
                                      Reporter &report) {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<const onnx::TensorProto *> initializers;
  for (const onnx::TensorProto &t : graph.initializer())
    initializers[t.name()] = &t;
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    auto it = initializers.find(vi.name());
    if (it == initializers.end() || !vi.type().has_tensor_type())
      continue;
    const onnx::TypeProto_Tensor &tt = vi.type().tensor_type();
    const onnx::TensorProto &init = *it->second;
    bool same = tt.elem_type() == init.data_type();
    if (tt.has_shape()) {
      same &= tt.shape().dim_size() == init.dims_size();
      for (int i = 0; same && i < init.dims_size(); ++i)
        same &= !tt.shape().dim(i).has_dim_value() ||
                tt.shape().dim(i).dim_value() == init.dims(i);
    }
    if (!same) {
      InFlightDiagnostic diag = report.error();
      diag << "input '" << vi.name() << "' is declared as "
           << elementTypeName(tt.elem_type()) << "[";
      if (tt.has_shape())
        llvm::interleave(
            tt.shape().dim(), diag,
            [&](const onnx::TensorShapeProto_Dimension &d) {
              if (d.has_dim_value())
                diag << d.dim_value();
              else
                diag << "?";
            },
            ",");
      diag << "] but its initializer is " << elementTypeName(init.data_type())
           << "[";
      llvm::interleave(init.dims(), diag, ",");
      diag << "]";
      for (auto [i, node] : llvm::enumerate(graph.node()))
        if (llvm::is_contained(node.input(), vi.name()))
          return diag << " (read by node '" << nodeName(node, i) << "')";
      return diag;
    }
  }
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &vi : graph.input())
    defined.insert(vi.name());
  for (const onnx::TensorProto &t : graph.initializer())
    defined.insert(t.name());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      defined.insert(out);
  for (const onnx::ValueInfoProto &vi : graph.output())
    if (!defined.contains(vi.name()))
      return report.error() << "graph output '" << vi.name()
                            << "' is not defined by any node, input or "
                               "initializer";
  return success();
}

/// Window and grouping attributes that must be positive in every ONNX op
/// that has them. libonnx's shape inference divides by them without a check
/// (strides = [0, 1] on a Conv is a SIGFPE inside libonnx, found by
/// fuzz-import-onnxtxt), so they are checked before it runs; window
/// attributes of any op are bounded in magnitude by 2^31.
///
/// Its convolution and pooling inference also dereferences missing dims when
/// the data input has rank < 3 or the weight's rank differs (a SIGSEGV, found
/// by fuzz-import-onnxtxt); the ranks declared in the model (inputs,
/// initializers, value_info) are checked here too.
static LogicalResult checkPositiveAttributes(const onnx::ModelProto &model,
                                             Reporter &report) {
  static const char *const kPositive[] = {"strides", "dilations", "group",
                                          "blocksize", "kernel_shape"};
  static const char *const kWindow[] = {"kernel_shape", "strides",
                                        "dilations",    "pads",
                                        "output_padding", "output_shape"};
  constexpr int64_t kMaxWindowValue = int64_t(1) << 31;
  const onnx::GraphProto &graph = model.graph();
  llvm::StringMap<int> ranks;
  for (const onnx::TensorProto &t : graph.initializer())
    ranks[t.name()] = t.dims_size();
  auto declare = [&](const onnx::ValueInfoProto &vi) {
    if (vi.type().has_tensor_type() && vi.type().tensor_type().has_shape())
      ranks.try_emplace(vi.name(),
                        vi.type().tensor_type().shape().dim_size());
  };
  llvm::for_each(graph.input(), declare);
  llvm::for_each(graph.value_info(), declare);
  // (data input, weight input or -1) of the ops libonnx infers with
  // convPoolShapeInference.
  static const llvm::StringMap<std::pair<int, int>> kWindowOps = {
      {"Conv", {0, 1}},        {"ConvTranspose", {0, 1}},
      {"ConvInteger", {0, 1}}, {"QLinearConv", {0, 3}},
      {"MaxPool", {0, -1}},    {"AveragePool", {0, -1}},
      {"LpPool", {0, -1}}};
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    auto window = kWindowOps.find(node.op_type());
    if (window != kWindowOps.end() && node.domain().empty()) {
      auto rankOf = [&, &node = node](int idx) {
        if (idx < 0 || idx >= node.input_size())
          return -1;
        auto it = ranks.find(node.input(idx));
        return it == ranks.end() ? -1 : it->second;
      };
      int x = rankOf(window->second.first), w = rankOf(window->second.second);
      if ((x >= 0 && x < 3) || (x >= 0 && w >= 0 && x != w))
        return report.error()
               << "node '" << nodeName(node, i) << "' (" << node.op_type()
               << "): input '" << node.input(window->second.first)
               << "' has rank " << x
               << (w >= 0 ? " and the weight rank " + std::to_string(w) : "")
               << "; expected N, C and at least one spatial dimension"
               << (w >= 0 ? ", the same rank for both" : "");
    }
    // Gemm's inference reads dims 0 and 1 of A and B without checking their
    // rank (a rank-1 B was a SIGSEGV inside libonnx, found by
    // fuzz-import-onnx).
    if (node.op_type() == "Gemm" && node.domain().empty())
      for (int idx : {0, 1}) {
        if (idx >= node.input_size())
          continue;
        auto it = ranks.find(node.input(idx));
        if (it != ranks.end() && it->second != 2)
          return report.error()
                 << "node '" << nodeName(node, i) << "' (Gemm): input '"
                 << node.input(idx) << "' has rank " << it->second
                 << "; expected rank 2";
      }
    // An `axis` far out of range (LayerNormalization axis = INT64_MAX) is a
    // SIGSEGV in libonnx's inference (found by fuzz-import-onnx); the
    // bound is loose ([-rank - 1, rank]) since ops differ at the edges.
    if (node.input_size() && ranks.count(node.input(0)))
      for (const onnx::AttributeProto &a : node.attribute()) {
        int64_t r = ranks.lookup(node.input(0));
        if (a.name() == "axis" && a.type() == onnx::AttributeProto::INT &&
            (a.i() > r || a.i() < -r - 1))
          return report.error()
                 << "node '" << nodeName(node, i) << "' (" << node.op_type()
                 << "): attribute 'axis' = " << a.i()
                 << " is out of range for input '" << node.input(0)
                 << "' of rank " << r;
      }
    for (const onnx::AttributeProto &a : node.attribute()) {
      auto any = [&](auto pred) {
        return a.type() == onnx::AttributeProto::INT
                   ? pred(a.i())
                   : llvm::any_of(a.ints(), pred);
      };
      // Window attributes are multiplied with each other and with sizes
      // (dilation * (kernel - 1), stride * (size - 1)) in int64_t, by
      // libonnx's inference and the importer: values of 2^31 or more would
      // overflow (dilations = INT64_MAX on a MaxPool, found by
      // fuzz-import-onnx). No real model comes near; pads may be negative
      // (Pad-2 crops).
      if (llvm::is_contained(kWindow, a.name()) && any([](int64_t v) {
            return v >= kMaxWindowValue || v <= -kMaxWindowValue;
          }))
        return report.error()
               << "node '" << nodeName(node, i) << "' (" << node.op_type()
               << "): attribute '" << a.name() << "' has a value of 2^31 or "
               << "more in magnitude";
      if (llvm::is_contained(kPositive, a.name()) &&
          any([](int64_t v) { return v < 1; }))
        return report.error()
               << "node '" << nodeName(node, i) << "' (" << node.op_type()
               << "): attribute '" << a.name() << "' must be positive";
    }
  }
  return success();
}

/// Ranks longer than this are refused before shape inference (the longest
/// shape of any real model is far shorter; MLIR and ONNX set no limit).
static constexpr int64_t kMaxShapeLength = 1024;

/// Checks, before libonnx's checker and shape inference see them, the
/// tensors stored in the model (initializers, Constant values: size limit,
/// as many values as their dims need) and the length of every value that
/// becomes a shape. libonnx's inference trusts both: a Constant declaring
/// dims [INT64_MAX] with one value, negated and fed to ConstantOfShape, made
/// it allocate one TensorShapeProto dimension per element (17.7 million
/// before running out of memory, found by fuzz-import-onnx). Lengths of 1-D
/// values are followed through the ops that keep, combine or gather them; a
/// shape input (ConstantOfShape, Expand, Reshape; Unsqueeze's axes) longer
/// than kMaxShapeLength is refused, naming the node.
static LogicalResult checkDeclaredTensors(const onnx::ModelProto &model,
                                          Reporter &report) {
  const onnx::GraphProto &graph = model.graph();
  // Declared lengths of 1-D values (absent: unknown or not 1-D).
  llvm::StringMap<int64_t> lengths;
  auto declareDims = [&](const std::string &name, auto dims) {
    if (dims.size() == 1 && dims[0] >= 0)
      lengths[name] = dims[0];
  };
  for (const onnx::TensorProto &t : graph.initializer()) {
    std::string error;
    if (failed(checkTensorData(t, error)))
      return report.error() << "initializer '" << t.name() << "' " << error;
    declareDims(t.name(), SmallVector<int64_t>(t.dims().begin(), t.dims().end()));
  }
  for (const onnx::ValueInfoProto &vi : graph.input()) {
    if (!vi.type().has_tensor_type() || !vi.type().tensor_type().has_shape())
      continue;
    const onnx::TensorShapeProto &shape = vi.type().tensor_type().shape();
    if (shape.dim_size() == 1 && shape.dim(0).has_dim_value())
      lengths.try_emplace(vi.name(), shape.dim(0).dim_value());
  }
  static const llvm::StringSet<> kKeepLength = {
      "Identity", "Neg", "Abs", "Cast", "Relu", "Sign", "Floor", "Ceil",
      "Round", "Clip", "Not", "CastLike"};
  static const llvm::StringSet<> kBroadcast = {
      "Add", "Sub", "Mul", "Div", "Max", "Min", "Pow", "Mod", "And", "Or",
      "Xor", "Where", "Sum", "Mean"};
  // (op, the input whose length is a rank: a shape, or Unsqueeze's axes,
  // each adding a dimension)
  static const llvm::StringMap<int> kShapeInput = {{"ConstantOfShape", 0},
                                                   {"Expand", 1},
                                                   {"Reshape", 1},
                                                   {"Unsqueeze", 1}};
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    if (!node.domain().empty() && node.domain() != "ai.onnx")
      continue;
    auto lengthOf = [&](int idx) -> int64_t {
      if (idx >= node.input_size())
        return -1;
      auto it = lengths.find(node.input(idx));
      return it == lengths.end() ? -1 : it->second;
    };
    auto shapeInput = kShapeInput.find(node.op_type());
    if (shapeInput != kShapeInput.end() &&
        lengthOf(shapeInput->second) > kMaxShapeLength)
      return report.error()
             << "node '" << nodeName(node, i) << "' (" << node.op_type()
             << "): shape input '" << node.input(shapeInput->second)
             << "' has " << lengthOf(shapeInput->second)
             << " elements, a rank above the limit of " << kMaxShapeLength;
    int64_t out = -1;
    if (node.op_type() == "Constant") {
      for (const onnx::AttributeProto &a : node.attribute()) {
        if (a.name() != "value" || !a.has_t())
          continue;
        std::string error;
        if (failed(checkTensorData(a.t(), error)))
          return report.error()
                 << "node '" << nodeName(node, i)
                 << "' (Constant): attribute 'value' " << error;
        if (a.t().dims_size() == 1)
          out = a.t().dims(0);
      }
    } else if (kKeepLength.contains(node.op_type())) {
      out = lengthOf(0);
    } else if (kBroadcast.contains(node.op_type())) {
      for (int k = 0; k < node.input_size(); ++k)
        out = std::max(out, lengthOf(k));
    } else if (node.op_type() == "Gather" && lengthOf(0) >= 0) {
      // A 1-D value gathered by 1-D indices has their length.
      out = lengthOf(1);
    } else if (node.op_type() == "Concat") {
      out = 0;
      for (int k = 0; k < node.input_size() && out >= 0; ++k)
        out = lengthOf(k) < 0 ? -1 : out + lengthOf(k);
    }
    if (out >= 0 && node.output_size() == 1)
      lengths[node.output(0)] = out;
  }
  return success();
}

/// Every node input must be a graph input, an initializer or the output of
/// an earlier node. libonnx's checker finds the same, but its message names
/// the node by its (often empty) name only; these name it as every other
/// import error does and say whether the graph has a cycle (a later node
/// defines the value) or misses the value altogether.
static LogicalResult checkNodeInputs(const onnx::ModelProto &model,
                                     Reporter &report) {
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> defined;
  for (const onnx::ValueInfoProto &vi : graph.input())
    defined.insert(vi.name());
  for (const onnx::TensorProto &t : graph.initializer())
    defined.insert(t.name());
  llvm::StringMap<size_t> producer;
  for (auto [i, node] : llvm::enumerate(graph.node()))
    for (const std::string &out : node.output())
      if (!out.empty())
        producer.try_emplace(out, i);
  for (auto [i, node] : llvm::enumerate(graph.node())) {
    for (const std::string &in : node.input()) {
      if (in.empty() || defined.contains(in))
        continue;
      InFlightDiagnostic diag = report.error();
      diag << "node '" << nodeName(node, i) << "': input '" << in << "' ";
      auto later = producer.find(in);
      if (later == producer.end())
        return diag << "is not a graph input, an initializer or the output "
                       "of any node";
      return diag << "is the output of node '"
                  << nodeName(graph.node(later->second), later->second)
                  << "', which comes later: the graph has a cycle or is not "
                     "topologically sorted";
    }
    for (const std::string &out : node.output())
      if (!out.empty())
        defined.insert(out);
  }
  return success();
}

static OwningOpRef<ModuleOp> importModel(StringRef contents,
                                         StringRef bufferName, MLIRContext &ctx,
                                         const ONNXImportOptions &options) {
  Reporter report(ctx, bufferName);
  if (options.batchSize < 1) {
    report.error() << "batch size must be positive, got " << options.batchSize;
    return nullptr;
  }

  onnx::ModelProto model;
  if (isTextModel(bufferName, contents)) {
    std::string text = contents.str();
    onnx::Common::Status status = onnx::OnnxParser::Parse(model, text.c_str());
    if (!status.IsOK()) {
      report.error() << "not a valid ONNX text model: "
                     << Reporter::oneLine(status.ErrorMessage());
      return nullptr;
    }
  } else if (contents.size() > INT_MAX ||
             !model.ParseFromArray(contents.data(),
                                   static_cast<int>(contents.size()))) {
    report.error() << "not a valid ONNX model (protobuf parsing failed: "
                      "truncated or corrupt file?)";
    return nullptr;
  }
  if (!model.has_graph()) {
    report.error() << "not a valid ONNX model (no graph)";
    return nullptr;
  }

  // The checker would look for external data relative to the working
  // directory; the importer does not read it anyway.
  for (const onnx::TensorProto &t : model.graph().initializer())
    if (t.data_location() == onnx::TensorProto::EXTERNAL) {
      report.error() << "initializer '" << t.name()
                     << "' uses external data, which is not supported";
      return nullptr;
    }

  // IR versions below 4 list every initializer as a graph input; some
  // exporters of that era did not. Declaring them is what those models mean.
  if (model.ir_version() < 4) {
    llvm::StringSet<> inputs;
    for (const onnx::ValueInfoProto &vi : model.graph().input())
      inputs.insert(vi.name());
    onnx::GraphProto *graph = model.mutable_graph();
    for (const onnx::TensorProto &t : graph->initializer()) {
      if (inputs.contains(t.name()))
        continue;
      onnx::ValueInfoProto *vi = graph->add_input();
      vi->set_name(t.name());
      onnx::TypeProto_Tensor *tt = vi->mutable_type()->mutable_tensor_type();
      tt->set_elem_type(t.data_type());
      onnx::TensorShapeProto *shape = tt->mutable_shape();
      for (int64_t d : t.dims())
        shape->add_dim()->set_dim_value(d);
    }
  }

  if (failed(checkNodeInputs(model, report)) ||
      failed(checkDeclaredTensors(model, report)) ||
      failed(checkPositiveAttributes(model, report)))
    return nullptr;

  try {
    onnx::checker::check_model(model);
  } catch (const std::exception &e) {
    report.error() << "ONNX checker failed: " << Reporter::oneLine(e.what());
    return nullptr;
  }

  if (failed(checkConsistency(model, report)))
    return nullptr;

  // Report unsupported ops with the model's own opset, before the converter
  // or shape inference trip over them.
  std::string unsupported = findUnsupportedOp(model);
  if (!unsupported.empty()) {
    report.error() << unsupported;
    return nullptr;
  }

  // Static input shapes first: the converter's adapters (Softmax 12 -> 13)
  // need the shapes it infers.
  if (failed(fixInputDims(model, options, report)))
    return nullptr;

  // Older models are upgraded. libonnx 1.12 has no adapters to go down from
  // 14..17, and every supported op means the same for float32 there as in
  // 13 (handlers check the attributes those versions added), so newer models
  // are imported as they are.
  int64_t opset = defaultDomainOpset(model);
  if (opset < 0) {
    report.error() << "the model imports no opset of the default ONNX domain";
    return nullptr;
  }
  if (opset < kTargetOpset) {
    try {
      // The adapters need the shapes of the values they rewrite; failures
      // here are reported by the strict inference after conversion.
      try {
        onnx::shape_inference::InferShapes(model);
      } catch (const std::exception &) {
      }
      model = onnx::version_conversion::ConvertVersion(model, kTargetOpset);
    } catch (const std::exception &e) {
      report.error() << "cannot convert from opset " << opset << " to "
                     << kTargetOpset << ": " << Reporter::oneLine(e.what());
      return nullptr;
    }
    // Upsample and Resize-10 map output pixel i to floor(i / scale)
    // ("asymmetric", "floor"); libonnx's adapters turn them into Resize
    // nodes without those attributes, which would mean Resize-11's
    // "half_pixel" instead. Every Resize of an opset-10-or-older model came
    // from them.
    if (opset < 11)
      for (onnx::NodeProto &node : *model.mutable_graph()->mutable_node()) {
        if (node.op_type() != "Resize")
          continue;
        bool hasTransform = false, hasNearest = false;
        for (const onnx::AttributeProto &a : node.attribute()) {
          hasTransform |= a.name() == "coordinate_transformation_mode";
          hasNearest |= a.name() == "nearest_mode";
        }
        if (!hasTransform) {
          onnx::AttributeProto *a = node.add_attribute();
          a->set_name("coordinate_transformation_mode");
          a->set_type(onnx::AttributeProto::STRING);
          a->set_s("asymmetric");
        }
        if (!hasNearest) {
          onnx::AttributeProto *a = node.add_attribute();
          a->set_name("nearest_mode");
          a->set_type(onnx::AttributeProto::STRING);
          a->set_s("floor");
        }
      }
  }


  try {
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(),
        onnx::ShapeInferenceOptions{/*check_type=*/true, /*strict_mode=*/1,
                                    /*data_prop=*/false});
  } catch (const std::exception &e) {
    report.error() << "shape inference failed: " << Reporter::oneLine(e.what());
    return nullptr;
  }

  ctx.loadDialect<arith::ArithDialect, func::FuncDialect, qnn::QNNDialect>();
  return GraphImporter(ctx, bufferName, model, options).run();
}

OwningOpRef<ModuleOp>
qmlir::importONNXString(StringRef contents, StringRef bufferName,
                        MLIRContext &ctx, const ONNXImportOptions &options) {
  Reporter report(ctx, bufferName);
  try {
    return importModel(contents, bufferName, ctx, options);
  } catch (const std::exception &e) {
    report.error() << "ONNX import failed: " << Reporter::oneLine(e.what());
  } catch (...) {
    report.error() << "ONNX import failed with an unknown exception";
  }
  return nullptr;
}

std::string qmlir::addInputShape(ONNXImportOptions &options, StringRef spec) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty() || spec.count('=') == 0)
    return "expected name=DIMS (e.g. input=1x3x224x224), got '" + spec.str() +
           "'";
  std::vector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d) || d < 0)
      return "bad dimension '" + p.str() + "' in '" + spec.str() + "'";
    shape.push_back(d);
  }
  if (options.inputShapes.count(name.str()))
    return "the shape of '" + name.str() + "' is given twice";
  options.inputShapes[name.str()] = std::move(shape);
  return "";
}

OwningOpRef<ModuleOp> qmlir::importONNXFile(StringRef path, MLIRContext &ctx,
                                            const ONNXImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    mlir::emitError(UnknownLoc::get(&ctx))
        << path << ": cannot open: " << buffer.getError().message();
    return nullptr;
  }
  return importONNXString((*buffer)->getBuffer(), path, ctx, options);
}
