//===- QmlirModule.cpp - the qmlir._qmlir Python extension ----------------===//
//
// A thin binding: load a model, run it on numpy arrays, run pass pipelines
// on it, print it. The Python-level API (qmlir/__init__.py) builds the user
// interface on top. Every compiler error becomes a qmlir.Error carrying the
// compiler's one-line message; nothing aborts the interpreter.
//
//===----------------------------------------------------------------------===//

#include "qmlir/Frontend/LoadModel.h"
#include "qmlir/Runtime/JIT.h"
#include "qmlir/Dialect/QNN/Transforms/Passes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Bytecode/BytecodeWriter.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <mutex>

namespace py = pybind11;
using namespace qmlir;

namespace {

/// The Python exception type `qmlir.Error` (a ValueError).
py::object *errorType = nullptr;

[[noreturn]] void raise(const std::string &message) {
  PyErr_SetString(errorType->ptr(), message.c_str());
  throw py::error_already_set();
}

std::string takeMessage(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// One context per process: models share it, so their IR can be combined.
mlir::MLIRContext &context() {
  static mlir::MLIRContext *ctx = [] {
    mlir::DialectRegistry registry;
    registerModelDialects(registry);
    auto *c = new mlir::MLIRContext(registry);
    c->loadAllAvailableDialects();
    // Passes may be run concurrently from several Python threads.
    c->disableMultithreading();
    return c;
  }();
  return *ctx;
}

py::dtype toDtype(ElementType t) {
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

/// A model: its IR and, once run, its compiled form.
class Model {
public:
  explicit Model(mlir::OwningOpRef<mlir::ModuleOp> module)
      : module(std::move(module)) {}

  static std::shared_ptr<Model> load(const std::string &path, int64_t batch) {
    if (batch < 1)
      raise("batch must be >= 1, got " + std::to_string(batch));
    auto module = loadModel(path, context(), {batch});
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
  std::shared_ptr<Model> transform(const std::string &pipeline) const {
    mlir::OwningOpRef<mlir::ModuleOp> copy = module->clone();
    std::string firstError;
    mlir::ScopedDiagnosticHandler handler(&context(), [&](mlir::Diagnostic &d) {
      if (d.getSeverity() == mlir::DiagnosticSeverity::Error &&
          firstError.empty())
        firstError = d.str();
      return mlir::success();
    });
    mlir::PassManager pm(&context());
    std::string parseErrors;
    llvm::raw_string_ostream errs(parseErrors);
    if (mlir::failed(mlir::parsePassPipeline(pipeline, pm, errs)))
      raise("invalid pass pipeline '" + pipeline + "': " + parseErrors);
    if (mlir::failed(pm.run(*copy)))
      raise(firstError.empty() ? "pass pipeline '" + pipeline + "' failed"
                               : firstError);
    return std::make_shared<Model>(std::move(copy));
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

  /// Runs on arrays whose dim 0 is a multiple of the compiled batch.
  py::list run(const std::vector<py::array> &arrays) {
    JITModule &m = compiled();
    if (arrays.size() != m.inputs().size())
      raise("model takes " + std::to_string(m.inputs().size()) +
            " inputs, got " + std::to_string(arrays.size()));
    std::vector<HostTensor> inputs;
    for (auto [i, a] : llvm::enumerate(arrays)) {
      const TensorSpec &spec = m.inputs()[i];
      if (!a.dtype().is(toDtype(spec.type)))
        raise("input '" + spec.name + "' must be " +
              std::string(stringifyElementType(spec.type)) + ", got dtype " +
              std::string(py::str(a.dtype())));
      py::array c = py::array::ensure(a, py::array::c_style);
      llvm::SmallVector<int64_t, 4> shape(c.shape(), c.shape() + c.ndim());
      HostTensor t = HostTensor::allocate(spec.type, shape);
      std::memcpy(t.rawData(), c.data(), t.byteSize());
      inputs.push_back(std::move(t));
    }
    llvm::Expected<std::vector<HostTensor>> outputs =
        llvm::createStringError(llvm::inconvertibleErrorCode(), "not run");
    {
      py::gil_scoped_release release;
      outputs = m.runBatched(inputs);
    }
    if (!outputs)
      raise(takeMessage(outputs.takeError()));
    py::list result;
    for (HostTensor &t : *outputs) {
      std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
      py::array a(toDtype(t.type), shape);
      std::memcpy(a.mutable_data(), t.rawData(), t.byteSize());
      result.append(a);
    }
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
  qmlir::qnn::registerQNNPasses();
  static py::object error = py::reinterpret_borrow<py::object>(
      PyErr_NewException("qmlir.Error", PyExc_ValueError, nullptr));
  errorType = &error;
  m.attr("Error") = error;

  py::class_<Model, std::shared_ptr<Model>>(m, "Model")
      .def_static("load", &Model::load, py::arg("path"), py::arg("batch") = 1)
      .def_static("parse", &Model::parse, py::arg("text"))
      .def("str", &Model::str, py::arg("with_locations") = true)
      .def("bytecode", &Model::bytecode)
      .def("transform", &Model::transform, py::arg("pipeline"))
      .def("specs", &Model::specs, py::arg("inputs"))
      .def("run", &Model::run, py::arg("arrays"))
      .def_property("threads", &Model::getThreads, &Model::setThreads);
}
