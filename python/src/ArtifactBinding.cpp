//===- ArtifactBinding.cpp - qmlir._qmlir.Artifact ------------------------===//
//
// An accelerator artifact (docs/Artifact.md) from Python: read from a file
// (npu::loadArtifact, the one reader of untrusted bytes) or compiled by
// Model.compile (npu::compileArtifact); its layer table and cycle model;
// run on the simulator with its CPU segments as their compiled code (the
// path `qrun model.qart` takes); saved atomically.
//
//===----------------------------------------------------------------------===//

#include "Common.h"

#include "qmlir/Dialect/NPU/Artifact/Artifact.h"
#include "qmlir/Dialect/NPU/Sim/Simulator.h"
#include "qmlir/Support/OutputFile.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <pybind11/stl.h>

#include <cstring>
#include <mutex>

namespace py = pybind11;
using namespace qmlir;
using namespace qmlir::python;

namespace {

class PyArtifact {
public:
  PyArtifact(npu::Artifact artifact, std::string what)
      : artifact(std::move(artifact)), what(std::move(what)) {}

  static std::shared_ptr<PyArtifact> load(const std::string &path) {
    auto bytes = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                             /*RequiresNullTerminator=*/false);
    if (!bytes)
      raise("cannot read " + path + ": " + bytes.getError().message());
    auto artifact = npu::loadArtifact((*bytes)->getMemBufferRef());
    if (!artifact)
      raise(takeMessage(artifact.takeError()));
    return std::make_shared<PyArtifact>(std::move(*artifact), path);
  }

  py::bytes bytes() const { return py::bytes(npu::writeArtifact(artifact)); }

  /// Written to a temporary file beside `path` and renamed over it.
  void save(const std::string &path) const {
    std::string data = npu::writeArtifact(artifact);
    if (llvm::Error e = writeFileAtomically(path, [&](llvm::raw_ostream &os) {
          os << data;
          return llvm::Error::success();
        }))
      raise(takeMessage(std::move(e)));
  }

  /// describeProgram's rows as tuples.
  py::list rows() const {
    py::list out;
    for (const npu::ProgramRow &r : npu::describeProgram(artifact.program))
      out.append(py::make_tuple(r.device, r.layer, r.op,
                                py::tuple(py::cast(r.outputShape)),
                                py::tuple(py::cast(r.kernelShape)),
                                r.weightBits, r.inputBits, r.outputBits,
                                r.accBits));
    return out;
  }

  /// The cycle model (estimateCost) for one run of the compiled batch.
  py::dict cost() const {
    const npu::SimHardware &hw = artifact.program.hardware;
    npu::SimStats stats = npu::estimateCost(artifact.program);
    py::dict d;
    py::dict hardware;
    hardware["name"] = hw.name;
    hardware["mac_rows"] = hw.macRows;
    hardware["mac_cols"] = hw.macCols;
    hardware["clock_mhz"] = hw.clockMHz;
    hardware["memory_bytes"] = hw.memoryBytes;
    d["hardware"] = hardware;
    py::list layers;
    for (const npu::LayerStats &l : stats.layers)
      layers.append(py::make_tuple(l.segment, l.name, l.op, l.macs, l.cycles,
                                   l.onChipBytes));
    d["layers"] = layers;
    d["macs"] = stats.macs;
    d["cycles"] = stats.cycles;
    d["peak_on_chip_bytes"] = stats.peakOnChipBytes;
    d["off_chip_bytes"] = stats.offChipBytes;
    d["cpu_segments"] = stats.cpuSegmentRuns;
    d["images"] = stats.images;
    return d;
  }

  /// printProgram and printStats as text (what `qrun m.qart --summary` and
  /// qrun's cycle report print).
  std::string text() const {
    std::string s;
    llvm::raw_string_ostream os(s);
    npu::printProgram(os, artifact.program);
    npu::printStats(os, npu::estimateCost(artifact.program),
                    artifact.program.hardware);
    return s;
  }

  py::list specs(bool inputs) const {
    const npu::SimProgram &p = artifact.program;
    py::list out;
    for (int64_t id : inputs ? p.inputs : p.outputs) {
      const npu::SimTensor &t = p.tensors[id];
      out.append(py::make_tuple(t.name, py::tuple(py::cast(t.shape)),
                                toDtype(t.type)));
    }
    return out;
  }

  /// Runs f32 arrays whose dim 0 is a multiple of the compiled batch.
  py::list run(const std::vector<py::array> &arrays) {
    const npu::SimProgram &p = artifact.program;
    if (arrays.size() != p.inputs.size())
      raise("the artifact takes " + std::to_string(p.inputs.size()) +
            " inputs, got " + std::to_string(arrays.size()));
    std::vector<HostTensor> inputs;
    for (auto [i, a] : llvm::enumerate(arrays)) {
      const npu::SimTensor &t = p.tensors[p.inputs[i]];
      if (t.type != ElementType::F32 || !a.dtype().is(py::dtype::of<float>()))
        raise("input '" + t.name + "' must be float32, got dtype " +
              std::string(py::str(a.dtype())));
      py::array c = py::array::ensure(a, py::array::c_style);
      llvm::SmallVector<int64_t, 4> shape(c.shape(), c.shape() + c.ndim());
      HostTensor h = HostTensor::allocate(ElementType::F32, shape);
      std::memcpy(h.rawData(), c.data(), h.byteSize());
      inputs.push_back(std::move(h));
    }
    std::vector<CompiledModel *> code = cpuCode();
    llvm::Expected<std::vector<HostTensor>> outputs =
        llvm::createStringError(llvm::inconvertibleErrorCode(), "not run");
    {
      py::gil_scoped_release release;
      npu::SimStats stats;
      outputs = npu::simulate(p, inputs, code, stats);
    }
    if (!outputs)
      raise(takeMessage(outputs.takeError()));
    py::list result;
    for (const HostTensor &t : *outputs) {
      std::vector<py::ssize_t> shape(t.shape.begin(), t.shape.end());
      py::array a(toDtype(t.type), shape);
      std::memcpy(a.mutable_data(), t.rawData(), t.byteSize());
      result.append(a);
    }
    return result;
  }

  const npu::Artifact &get() const { return artifact; }

private:
  /// The CPU segments' shared objects, loaded on first run.
  std::vector<CompiledModel *> cpuCode() {
    std::lock_guard<std::mutex> lock(loadMutex);
    if (cpuSegments.empty() && !artifact.cpuSegments.empty()) {
      auto loaded = npu::loadCpuSegments(artifact.cpuSegments, what);
      if (!loaded)
        raise(takeMessage(loaded.takeError()));
      cpuSegments = std::move(*loaded);
    }
    std::vector<CompiledModel *> code;
    for (auto &c : cpuSegments)
      code.push_back(c.get());
    return code;
  }

  npu::Artifact artifact;
  std::string what;
  std::vector<std::unique_ptr<CompiledModel>> cpuSegments;
  std::mutex loadMutex;
};

} // namespace

py::object python::wrapArtifact(npu::Artifact artifact, std::string what) {
  return py::cast(
      std::make_shared<PyArtifact>(std::move(artifact), std::move(what)));
}

void python::bindArtifact(py::module_ &m) {
  py::class_<PyArtifact, std::shared_ptr<PyArtifact>>(m, "Artifact")
      .def_static("load", &PyArtifact::load, py::arg("path"))
      .def("bytes", &PyArtifact::bytes)
      .def("save", &PyArtifact::save, py::arg("path"))
      .def("rows", &PyArtifact::rows)
      .def("cost", &PyArtifact::cost)
      .def("text", &PyArtifact::text)
      .def("specs", &PyArtifact::specs, py::arg("inputs"))
      .def("run", &PyArtifact::run, py::arg("arrays"))
      .def_property_readonly(
          "producer", [](const PyArtifact &a) { return a.get().producer; })
      .def_property_readonly("target_json",
                             [](const PyArtifact &a) {
                               return a.get().targetJson;
                             })
      .def_property_readonly("format", [](const PyArtifact &a) {
        return py::make_tuple(a.get().formatMajor, a.get().formatMinor);
      });
}
