//===- QmlirModule.cpp - the qmlir._qmlir Python extension ----------------===//
//
// A thin binding: load a model, run it on numpy arrays, run pass pipelines
// on it, print it. The Python-level API (qmlir/__init__.py) builds the user
// interface on top. Every compiler error becomes a qmlir.Error carrying the
// compiler's one-line message; nothing aborts the interpreter.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "qmlir/Analysis/LayerErrors.h"
#include "qmlir/Analysis/ModelSummary.h"
#include "qmlir/Conversion/Passes.h"
#include "qmlir/Dialect/NPU/Artifact/Compile.h"
#include "qmlir/Dialect/NPU/IR/NPUDialect.h"
#include "qmlir/Dialect/NPU/IR/NPUOps.h"
#include "qmlir/Dialect/NPU/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/IR/QNNOps.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"
#include "qmlir/Dialect/QNN/Transforms/TensorNames.h"
#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Quant/QuantConfig.h"
#include "qmlir/Runtime/Allocator.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Support/OutputFile.h"
#include "qmlir/Support/ProgressBar.h"
#include "qmlir/Target/Transforms/Passes.h"
#include "qmlir/Target/Transforms/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/ViewOpGraph.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <mutex>

namespace py = pybind11;
using namespace qmlir;
using namespace qmlir::python;
using mlir::dyn_cast;
using mlir::isa;

/// The Python exception type `qmlir.Error` (a ValueError).
static py::object *errorType = nullptr;

void python::raise(const std::string &message) {
  PyErr_SetString(errorType->ptr(), message.c_str());
  throw py::error_already_set();
}

mlir::MLIRContext &python::context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    registerModelDialects(registry);
    registry.insert<npu::NPUDialect>();
    auto *c = new mlir::MLIRContext(registry);
    c->loadAllAvailableDialects();
    // Passes may be run concurrently from several Python threads.
    c->disableMultithreading();
    return c;
  }();
  return *ctx;
}

python::DiagnosticCollector::DiagnosticCollector()
    : handler(&context(), [this](mlir::Diagnostic &d) {
        switch (d.getSeverity()) {
        case mlir::DiagnosticSeverity::Error:
          if (firstError.empty())
            firstError = d.str();
          break;
        case mlir::DiagnosticSeverity::Warning:
          collected.emplace_back("warning", d.str());
          break;
        case mlir::DiagnosticSeverity::Remark:
          collected.emplace_back("remark", d.str());
          break;
        case mlir::DiagnosticSeverity::Note:
          break;
        }
        return mlir::success();
      }) {}

py::list python::DiagnosticCollector::messages() const {
  py::list out;
  for (const auto &[kind, text] : collected)
    out.append(py::make_tuple(kind, text));
  return out;
}

py::dtype python::toDtype(ElementType t) {
  switch (t) {
  case ElementType::F32:
    return py::dtype::of<float>();
  case ElementType::F64:
    return py::dtype::of<double>();
  case ElementType::I8:
    return py::dtype::of<int8_t>();
  case ElementType::U8:
    return py::dtype::of<uint8_t>();
  case ElementType::I16:
    return py::dtype::of<int16_t>();
  case ElementType::I32:
    return py::dtype::of<int32_t>();
  case ElementType::I64:
    return py::dtype::of<int64_t>();
  case ElementType::I1:
    return py::dtype::of<bool>();
  }
  return py::dtype::of<float>();
}

namespace {

/// A model: its IR and, once run, its compiled form.
class Model {
public:
  explicit Model(mlir::OwningOpRef<mlir::ModuleOp> module)
      : module(std::move(module)) {}

  static std::shared_ptr<Model> load(const std::string &path, int64_t batch) {
    if (batch < 1)
      raise("batch must be >= 1, got " + std::to_string(batch));
    LoadOptions options;
    options.batchSize = batch;
    auto module = loadModel(path, context(), options);
    if (!module)
      raise(takeMessage(module.takeError()));
    return std::make_shared<Model>(std::move(*module));
  }

  static std::shared_ptr<Model> parse(const std::string &text) {
    std::string firstError;
    mlir::ScopedDiagnosticHandler handler(&context(), [&](mlir::Diagnostic &d) {
      if (firstError.empty())
        firstError = d.str();
      return mlir::success();
    });
    auto module = mlir::parseSourceString<mlir::ModuleOp>(text, &context());
    if (!module)
      raise("cannot parse MLIR: " + firstError);
    return std::make_shared<Model>(std::move(module));
  }

  std::string str(bool withLocations) const {
    std::string s;
    llvm::raw_string_ostream os(s);
    mlir::OpPrintingFlags flags;
    if (withLocations)
      flags.enableDebugInfo();
    module->print(os, flags);
    return s;
  }

  py::bytes bytecode() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    if (mlir::failed(mlir::writeBytecodeToFile(*module, os)))
      raise("cannot write bytecode");
    return py::bytes(s);
  }

  /// A copy of this model transformed by a textual pass pipeline on the
  /// module, without the `builtin.module(...)` wrapper, e.g.
  /// "func.func(qnn-fold-batchnorm),qnn-calibrate{samples=x.npy}".
  /// Returns the new model and the warnings and remarks the passes
  /// emitted, as (kind, text) tuples.
  std::pair<std::shared_ptr<Model>, py::list>
  transform(const std::string &pipeline) const {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    DiagnosticCollector diagnostics;
    mlir::PassManager pm(&context());
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, errs)))
      raise("invalid pass pipeline '" + pipeline + "': " + parseErrors);
    if (mlir::failed(pm.run(*copy)))
      raise(diagnostics.error("pass pipeline '" + pipeline + "' failed"));
    return {std::make_shared<Model>(std::move(copy)),
            diagnostics.messages()};
  }

  /// An accelerator artifact of a copy of this model (npu::compileArtifact,
  /// as qmlir-compile -o m.qart): quantized for `target` first when the
  /// model is float (with `samples`). Returns the artifact and the
  /// warnings and remarks, as (kind, text) tuples.
  std::pair<py::object, py::list> compile(const std::string &target,
                                          const std::string &samples,
                                          const std::string &entry,
                                          const std::string &source) const {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    DiagnosticCollector diagnostics;
    npu::ArtifactCompileOptions options;
    options.targetPath = target;
    options.samplesPath = samples;
    options.entry = entry;
    options.source = source;
    options.producer = "qmlir (Python) " + source;
    // The interpreter lock stays held, as for transform(): the passes run
    // on the shared context, whose locks are off (disableMultithreading).
    llvm::Expected<npu::Artifact> artifact =
        npu::compileArtifact(*copy, options);
    if (!artifact)
      raise(diagnostics.error(takeMessage(artifact.takeError())));
    return {wrapArtifact(std::move(*artifact), source),
            diagnostics.messages()};
  }

  /// Where each layer would run on `target`: a copy lowered and partitioned
  /// (convert-qnn-to-npu, npu-partition), then {layer name: "npu <k>" or
  /// "cpu"} for the layers of the entry function, with the warnings and
  /// remarks of the passes.
  std::pair<py::dict, py::list> placement(const std::string &target,
                                          const std::string &entry) const {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    DiagnosticCollector diagnostics;
    mlir::PassManager pm(&context());
    ConvertQNNToNPUPassOptions lower;
    lower.target = target;
    pm.addPass(createConvertQNNToNPUPass(lower));
    pm.addPass(npu::createNPUPartitionPass());
    if (mlir::failed(pm.run(*copy)))
      raise(diagnostics.error("lowering for target " + target + " failed"));
    auto func = copy->lookupSymbol<mlir::func::FuncOp>(entry);
    if (!func || func.isExternal())
      raise("no function '" + entry + "' with a body");
    py::dict where;
    auto note = [&](mlir::Operation *op, const std::string &device) {
      std::string name = qnn::layerName(op);
      if (!name.empty() && !where.contains(name))
        where[py::str(name)] = device;
    };
    for (mlir::Operation &op : func.getBody().front()) {
      if (auto seg = dyn_cast<npu::SegmentOp>(op)) {
        for (mlir::Operation &inner : seg.getBody().front())
          note(&inner, "npu " + std::to_string(seg.getIndex()));
        continue;
      }
      // Layers are qnn ops (as in summarizeModel); constants and storage
      // casts carry their layer's name but are not layers.
      if (!isa<qnn::QNNDialect>(op.getDialect()) ||
          isa<qnn::QuantizeOp, qnn::DequantizeOp>(op))
        continue;
      note(&op, "cpu");
    }
    return {where, diagnostics.messages()};
  }

  /// The op graph in Graphviz form, by upstream MLIR's op-graph printer.
  std::string graph() const {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    std::string dot;
    llvm::raw_string_ostream os(dot);
    mlir::PassManager pm(&context());
    pm.addPass(mlir::createPrintOpGraphPass(os));
    if (mlir::failed(pm.run(*copy)))
      raise("cannot print the op graph");
    os.flush();
    return dot;
  }

  /// summarizeModel's rows as tuples.
  py::list summary(const std::string &entry) const {
    auto layers = summarizeModel(*module, entry);
    if (!layers)
      raise(takeMessage(layers.takeError()));
    py::list rows;
    for (const LayerSummary &l : *layers)
      rows.append(py::make_tuple(l.name, l.op, py::tuple(py::cast(l.outputShape)),
                                 py::tuple(py::cast(l.kernelShape)),
                                 l.weightBits, l.inputBits, l.outputBits,
                                 l.parameters));
    return rows;
  }

  /// Per-layer error of this model against `reference` on the inputs.
  py::list compare(const Model &reference, const std::vector<py::array> &arrays,
                   const std::string &entry) {
    std::vector<HostTensor> inputs = toHostTensors(arrays);
    // The interpreter lock stays held: compareLayers clones the modules and
    // compiles them on the shared context, whose locks are off
    // (disableMultithreading), so no other Python thread may use it
    // meanwhile.
    llvm::Expected<std::vector<LayerError>> errors =
        compareLayers(*reference.module, *module, entry, inputs);
    if (!errors)
      raise(takeMessage(errors.takeError()));
    py::list rows;
    for (const LayerError &e : *errors)
      rows.append(py::make_tuple(e.name, e.op, e.sqnrDb, e.cosine,
                                 e.maxAbsError, e.elements));
    return rows;
  }

  /// The weights of layer `name` as a dict: "values" (float, dequantized
  /// for a quantized layer), and for a quantized layer "storage" (integers),
  /// "scales", "zero_points", "axis" (-1 per tensor), "qmin", "qmax".
  py::dict weights(const std::string &name) const {
    mlir::Operation *layer = nullptr;
    module->walk([&](mlir::Operation *op) {
      if (!layer &&
          isa<qnn::Conv2dOp, qnn::DenseOp, qnn::ConvTranspose2dOp>(op) &&
          qnn::layerName(op) == name)
        layer = op;
    });
    if (!layer)
      raise("no layer named '" + name + "' with weights");
    mlir::Value w = layer->getOperand(1);
    auto quantType = dyn_cast<mlir::quant::QuantizedType>(
        mlir::getElementTypeOrSelf(w.getType()));
    if (auto cast = w.getDefiningOp<mlir::quant::StorageCastOp>())
      w = cast.getInput();
    mlir::DenseElementsAttr attr;
    if (!mlir::matchPattern(w, mlir::m_Constant(&attr)))
      raise("the weights of layer '" + name + "' are not a constant");
    auto shapeOf = [&] {
      auto s = attr.getType().getShape();
      return std::vector<py::ssize_t>(s.begin(), s.end());
    };
    py::dict d;
    if (!quantType) {
      py::array_t<float> values(shapeOf());
      float *out = values.mutable_data();
      for (const llvm::APFloat &v : attr.getValues<llvm::APFloat>())
        *out++ = v.convertToFloat();
      d["values"] = values;
      return d;
    }
    py::array_t<int64_t> storage(shapeOf());
    int64_t *out = storage.mutable_data();
    for (const llvm::APInt &v : attr.getValues<llvm::APInt>())
      *out++ = v.getSExtValue();
    std::vector<double> scales;
    std::vector<int64_t> zeroPoints;
    int64_t axis = -1;
    if (auto pt = dyn_cast<mlir::quant::UniformQuantizedType>(quantType)) {
      scales = {pt.getScale()};
      zeroPoints = {pt.getZeroPoint()};
    } else if (auto pa = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
                   quantType)) {
      scales.assign(pa.getScales().begin(), pa.getScales().end());
      zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
      axis = pa.getQuantizedDimension();
    } else {
      raise("layer '" + name + "' has weights of an unsupported quantized type");
    }
    d["storage"] = storage;
    d["scales"] = scales;
    d["zero_points"] = zeroPoints;
    d["axis"] = axis;
    d["qmin"] = quantType.getStorageTypeMin();
    d["qmax"] = quantType.getStorageTypeMax();
    return d;
  }

  JITModule &compiled() {
    std::lock_guard<std::mutex> lock(compileMutex);
    if (!jit) {
      JITOptions options;
      options.threads = threads;
      auto compiledOrErr = JITModule::compile(*module, "main", options);
      if (!compiledOrErr)
        raise(takeMessage(compiledOrErr.takeError()));
      jit = std::move(*compiledOrErr);
    }
    return *jit;
  }

  /// Threads of the compiled code (JITOptions::threads: 0 every core, the
  /// default); the next run compiles again with the new count.
  void setThreads(unsigned n) {
    std::lock_guard<std::mutex> lock(compileMutex);
    if (n != threads)
      jit.reset();
    threads = n;
  }
  unsigned getThreads() const { return threads; }

  py::list specs(bool inputs) {
    py::list out;
    JITModule &m = compiled();
    for (const TensorSpec &s : inputs ? m.inputs() : m.outputs())
      out.append(py::make_tuple(s.name, py::tuple(py::cast(std::vector<int64_t>(
                                            s.shape.begin(), s.shape.end()))),
                                toDtype(s.type)));
    return out;
  }

  /// Copies numpy arrays into host tensors of the entry's input types.
  /// The arrays as C-contiguous arrays of the entry's input dtypes (count
  /// and dtypes checked; the caller keeps them alive while refs are used).
  std::vector<py::array> checkedInputs(const std::vector<py::array> &arrays) {
    JITModule &m = compiled();
    if (arrays.size() != m.inputs().size())
      raise("model takes " + std::to_string(m.inputs().size()) +
            " inputs, got " + std::to_string(arrays.size()));
    std::vector<py::array> contiguous;
    for (auto [i, a] : llvm::enumerate(arrays)) {
      const TensorSpec &spec = m.inputs()[i];
      if (!a.dtype().is(toDtype(spec.type)))
        raise("input '" + spec.name + "' must be " +
              std::string(stringifyElementType(spec.type)) + ", got dtype " +
              std::string(py::str(a.dtype())));
      contiguous.push_back(py::array::ensure(a, py::array::c_style));
    }
    return contiguous;
  }

  static llvm::SmallVector<int64_t, 4> shapeOf(const py::array &a) {
    return llvm::SmallVector<int64_t, 4>(a.shape(), a.shape() + a.ndim());
  }

  /// Copies of the arrays (for analyses that take HostTensors).
  std::vector<HostTensor> toHostTensors(const std::vector<py::array> &arrays) {
    std::vector<HostTensor> inputs;
    for (auto [i, c] : llvm::enumerate(checkedInputs(arrays))) {
      HostTensor t = HostTensor::allocate(compiled().inputs()[i].type,
                                          shapeOf(c));
      std::memcpy(t.rawData(), c.data(), t.byteSize());
      inputs.push_back(std::move(t));
    }
    return inputs;
  }

  /// Runs on arrays whose dim 0 is a multiple of the compiled batch. The
  /// compiled code reads the (C-contiguous) input arrays and writes the
  /// output arrays in place: no copies.
  py::list run(const std::vector<py::array> &arrays) {
    JITModule &m = compiled();
    std::vector<py::array> contiguous = checkedInputs(arrays);
    std::vector<llvm::SmallVector<int64_t, 4>> shapes;
    for (const py::array &c : contiguous)
      shapes.push_back(shapeOf(c));
    std::vector<TensorRef> refs;
    for (auto [i, c] : llvm::enumerate(contiguous))
      refs.push_back({m.inputs()[i].type, shapes[i], c.data()});
    llvm::Expected<int64_t> chunks = m.countBatches(refs);
    if (!chunks)
      raise(takeMessage(chunks.takeError()));
    py::list result;
    std::vector<void *> outPtrs;
    for (const TensorSpec &spec : m.outputs()) {
      std::vector<py::ssize_t> shape(spec.shape.begin(), spec.shape.end());
      if (*chunks > 1)
        shape[0] *= *chunks;
      py::array a(toDtype(spec.type), shape);
      outPtrs.push_back(a.mutable_data());
      result.append(a);
    }
    llvm::Error err = [&] {
      py::gil_scoped_release release;
      return m.runBatchedInto(refs, outPtrs);
    }();
    if (err)
      raise(takeMessage(std::move(err)));
    return result;
  }

private:
  // Printing and cloning an op do not change it; OwningOpRef's accessors
  // are just not const.
  mutable mlir::OwningOpRef<mlir::ModuleOp> module;
  std::unique_ptr<JITModule> jit;
  std::mutex compileMutex;
  unsigned threads = 0;
};

} // namespace

PYBIND11_MODULE(_qmlir, m) {
  m.doc() = "qmlir compiler bindings (use the `qmlir` package)";
  // Every pass qopt knows of the model, target and npu kinds, for
  // Model.transform's pipelines.
  qmlir::qnn::registerQNNPasses();
  registerQMLIRConversionPasses();
  target::registerTargetPasses();
  target::registerTargetPipelines();
  npu::registerNPUPasses();
  qmlir::keepFreedMemoryForModels(); // the malloc settings qrun uses
  static py::object error = py::reinterpret_borrow<py::object>(
      PyErr_NewException("qmlir.Error", PyExc_ValueError, nullptr));
  errorType = &error;
  m.attr("Error") = error;
  bindArtifact(m);

  py::class_<Model, std::shared_ptr<Model>>(m, "Model")
      .def_static("load", &Model::load, py::arg("path"), py::arg("batch") = 1)
      .def_static("parse", &Model::parse, py::arg("text"))
      .def("str", &Model::str, py::arg("with_locations") = true)
      .def("bytecode", &Model::bytecode)
      .def("transform", &Model::transform, py::arg("pipeline"))
      .def("specs", &Model::specs, py::arg("inputs"))
      .def("run", &Model::run, py::arg("arrays"))
      .def("summary", &Model::summary, py::arg("entry") = "main")
      .def("compare", &Model::compare, py::arg("reference"), py::arg("arrays"),
           py::arg("entry") = "main")
      .def("weights", &Model::weights, py::arg("layer"))
      .def("graph", &Model::graph)
      .def("compile", &Model::compile, py::arg("target"), py::arg("samples"),
           py::arg("entry"), py::arg("source"))
      .def("placement", &Model::placement, py::arg("target"),
           py::arg("entry") = "main")
      .def_property("threads", &Model::getThreads, &Model::setThreads);


  // Writes `data` to `path` through qmlir::writeFileAtomically (a
  // temporary file beside it renamed into place, with the usual
  // permissions; removed on failure or SIGINT): Model.save.
  m.def(
      "write_file_atomically",
      [](const std::string &path, const py::bytes &data) {
        std::string bytes = data;
        llvm::Error err = [&] {
          py::gil_scoped_release release;
          return writeFileAtomically(path, [&](llvm::raw_ostream &os) {
            os << bytes;
            return llvm::Error::success();
          });
        }();
        if (err)
          raise(takeMessage(std::move(err)));
      },
      py::arg("path"), py::arg("data"));

  // Validates a quantization config (JSON text) with the compiler's own
  // parser; errors name `source`, the section and the key.
  m.def(
      "check_config",
      [](const std::string &text, const std::string &source) {
        auto config = qconfig::parseConfig(text, source);
        if (!config)
          raise(takeMessage(config.takeError()));
      },
      py::arg("text"), py::arg("source"));

  // Progress bars of the compiler (calibration) go to `callback(label, done,
  // total, unit)` instead of stderr; None restores stderr. Passes run with
  // the interpreter lock held, so the callback is called directly.
  m.def(
      "set_progress_callback",
      [](py::object callback) {
        if (callback.is_none()) {
          setProgressSink({});
          return;
        }
        setProgressSink([callback](llvm::StringRef label, int64_t done,
                                   int64_t total, llvm::StringRef unit) {
          // An exception must not unwind through the compiler (built
          // without exceptions): a failing callback is reported and ignored.
          try {
            callback(label.str(), done, total, unit.str());
          } catch (py::error_already_set &e) {
            e.discard_as_unraisable("qmlir progress callback");
          }
        });
      },
      py::arg("callback"));
}
