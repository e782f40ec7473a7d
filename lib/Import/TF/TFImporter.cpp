//===- TFImporter.cpp - GraphDef loading ----------------------------------===//
//
// The library boundary: parses the GraphDef (binary, or protobuf's text
// format for .pbtxt), rejects what is not a GraphDef, and hands it to the
// GraphImporter. Protobuf may throw (allocation failures); every exception
// is caught here and becomes one diagnostic line naming the file.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Import/TF/TFImporter.h"

#include "GraphImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "qmlir/Dialect/QNN/IR/QNNDialect.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <google/protobuf/unknown_field_set.h>

#include <climits>
#include <exception>

using namespace mlir;
using namespace qmlir;
using namespace qmlir::tf_import;

llvm::Error qmlir::addTFShapeOption(TFImportOptions &options,
                                    llvm::StringRef spec) {
  auto [name, dims] = spec.split('=');
  auto bad = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--shape expects name=DxDx... (e.g. "
                                   "input=1x28x28x1), got '" +
                                       spec + "': " + why);
  };
  if (name.empty() || spec.size() == name.size())
    return bad("no '='");
  llvm::SmallVector<int64_t> shape;
  if (dims != "scalar") {
    llvm::SmallVector<llvm::StringRef> parts;
    dims.split(parts, 'x');
    for (llvm::StringRef p : parts) {
      int64_t d;
      if (p.getAsInteger(10, d) || d < 0 || d > (int64_t(1) << 31))
        return bad("'" + p + "' is not a dimension");
      shape.push_back(d);
    }
  }
  options.shapes.emplace_back(name.str(), std::move(shape));
  return llvm::Error::success();
}

namespace {
/// Keeps the first text-format parse error.
class FirstError : public google::protobuf::io::ErrorCollector {
public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string &message) override {
    if (first.empty())
      first = "line " + std::to_string(line + 1) + " column " +
              std::to_string(column + 1) + ": " + message;
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber,
                  const std::string &) override {}
  std::string first;
};
} // namespace

static bool isTextGraph(StringRef bufferName) {
  return bufferName.ends_with(".pbtxt") || bufferName.ends_with(".pbtext");
}

static OwningOpRef<ModuleOp> importGraph(StringRef contents,
                                         StringRef bufferName, MLIRContext &ctx,
                                         const TFImportOptions &options) {
  auto error = [&]() {
    return mlir::emitError(UnknownLoc::get(&ctx)) << bufferName << ": ";
  };
  if (options.batchSize < 1) {
    error() << "batch size must be positive, got " << options.batchSize;
    return nullptr;
  }
  if (contents.size() > INT_MAX) {
    error() << "file too large for protobuf";
    return nullptr;
  }
  tfproto::GraphDef graph;
  if (isTextGraph(bufferName)) {
    google::protobuf::TextFormat::Parser parser;
    FirstError errors;
    parser.RecordErrorsTo(&errors);
    // Fields of messages qmlir declares empty (function libraries, debug
    // info) are skipped; everything the importer reads is declared.
    parser.AllowUnknownField(true);
    if (!parser.ParseFromString(contents.str(), &graph)) {
      error() << "not a valid TensorFlow GraphDef in text format: "
              << errors.first;
      return nullptr;
    }
  } else {
    if (!graph.ParseFromArray(contents.data(),
                              static_cast<int>(contents.size()))) {
      error() << "not a TensorFlow GraphDef (protobuf parsing failed: "
                 "truncated or corrupt file?)";
      return nullptr;
    }
    // Any protobuf parses as a GraphDef whose fields are unknown; a real
    // GraphDef has no unknown fields at the top level.
    if (!graph.GetReflection()->GetUnknownFields(graph).empty()) {
      error() << "not a TensorFlow GraphDef (it has top-level fields a "
                 "GraphDef does not: another protobuf, e.g. a SavedModel or "
                 "an ONNX model?)";
      return nullptr;
    }
  }
  if (graph.node_size() == 0) {
    error() << "the GraphDef has no nodes";
    return nullptr;
  }
  ctx.loadDialect<arith::ArithDialect, func::FuncDialect, qnn::QNNDialect>();
  return GraphImporter(ctx, bufferName, graph, options).run();
}

OwningOpRef<ModuleOp>
qmlir::importTFGraphString(StringRef contents, StringRef bufferName,
                           MLIRContext &ctx, const TFImportOptions &options) {
  try {
    return importGraph(contents, bufferName, ctx, options);
  } catch (const std::exception &e) {
    mlir::emitError(UnknownLoc::get(&ctx))
        << bufferName << ": TensorFlow import failed: " << e.what();
  } catch (...) {
    mlir::emitError(UnknownLoc::get(&ctx))
        << bufferName << ": TensorFlow import failed with an unknown exception";
  }
  return nullptr;
}

OwningOpRef<ModuleOp> qmlir::importTFGraphFile(StringRef path, MLIRContext &ctx,
                                               const TFImportOptions &options) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    mlir::emitError(UnknownLoc::get(&ctx))
        << path << ": cannot open: " << buffer.getError().message();
    return nullptr;
  }
  return importTFGraphString((*buffer)->getBuffer(), path, ctx, options);
}
