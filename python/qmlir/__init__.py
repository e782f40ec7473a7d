"""qmlir: quantize float models to integers and run them, from Python.

    import numpy as np, qmlir
    model = qmlir.load("models/fashion_cnn.onnx", batch=100)
    logits = model.predict(x)                       # any batch size
    qmodel = qmlir.quantize(model, samples=calib)    # QuantizationParams()
    qmodel.summary()
    qmodel.report(calib[:100])                      # per-layer SQNR
    config = qmlir.dump_config(qmodel)              # per-layer JSON config
    qmodel.save("int8.mlir")
    art = qmodel.compile(target="int8")             # accelerator artifact
    art.summary(); art.save("int8.qart")            # qmlir.load("int8.qart")

Every compiler error is raised as `qmlir.Error` (a ValueError) carrying the
compiler's one-line message; the compiler's warnings and remarks become
Python warnings (`qmlir.CompilerWarning`, `qmlir.CompilerRemark`).
"""

import atexit
import copy
import json
import os
import sys
import tempfile
import warnings
from collections import namedtuple

import numpy as np

from . import _qmlir
from ._qmlir import Error, Model as _Model, Artifact as _Artifact
from . import plot  # noqa: E402,F401  (qmlir.plot.weights, qmlir.plot.sqnr)

__all__ = ["Error", "CompilerWarning", "CompilerRemark", "Model", "Artifact",
           "TensorInfo", "QuantizationParams", "load", "quantize",
           "dump_config", "targets", "CALIBRATION_METHODS"]

# The compiler's calibration methods (qnn-calibrate method=...).
CALIBRATION_METHODS = ("minmax", "moving_max", "moving_average", "percentile",
                       "entropy", "mse")

TensorInfo = namedtuple("TensorInfo", ["name", "shape", "dtype"])


class CompilerWarning(UserWarning):
    """A warning of a compiler pass (e.g. a layer that stays on the CPU)."""


class CompilerRemark(UserWarning):
    """A remark of a compiler pass (e.g. each change qnn-legalize-bitwidth
    makes to the quantization scheme for a target). Silence them with
    warnings.simplefilter("ignore", qmlir.CompilerRemark)."""


def _warn(messages, stacklevel=2):
    """Re-raises the compiler's (kind, text) diagnostics as Python
    warnings, attributed to the caller `stacklevel` frames up."""
    for kind, text in messages:
        warnings.warn(text, CompilerRemark if kind == "remark"
                      else CompilerWarning, stacklevel=stacklevel + 1)


# The target presets (targets/*.json), copied beside the package by the build.
_TARGET_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "targets")


def targets():
    """The names of the bundled target presets (Model.compile(target=...)
    also takes the path of any target description file, docs/Targets.md)."""
    if not os.path.isdir(_TARGET_DIR):
        return []
    return sorted(f[:-5] for f in os.listdir(_TARGET_DIR)
                  if f.endswith(".json"))


def _target_path(target):
    """A target preset name ("int8") or a target file path, as a path."""
    target = os.fspath(target)
    if target.endswith(".json") or os.sep in target:
        if not os.path.exists(target):
            raise Error(f"{target}: no such file")
        return target
    path = os.path.join(_TARGET_DIR, target + ".json")
    if not os.path.exists(path):
        raise Error(f"unknown target '{target}': give a target description "
                    f"file (.json) or one of {', '.join(targets())}")
    return path


class Model:
    """A float or quantized model: its MLIR and, once run, its compiled code."""

    def __init__(self, impl, float_model=None, config=None, name="model"):
        self._impl = impl
        # The model's file name: names it in errors and artifacts.
        self.name = name
        # Set by quantize(): the float model it started from (the reference
        # of report()) and the resolved per-layer config (dump_config()).
        self._float = float_model
        self._config = config

    @property
    def threads(self):
        """Threads the compiled code runs on: 0 (the default) for every
        core, 1 for sequential code. Setting it recompiles on the next
        predict(); outputs do not depend on it."""
        return self._impl.threads

    @threads.setter
    def threads(self, n):
        if int(n) < 0:
            raise Error(f"threads must be >= 0, got {n}")
        self._impl.threads = int(n)

    @property
    def inputs(self):
        """Inputs as TensorInfo(name, shape, dtype); shape[0] is the
        compiled batch size."""
        return [TensorInfo(*s) for s in self._impl.specs(True)]

    @property
    def outputs(self):
        return [TensorInfo(*s) for s in self._impl.specs(False)]

    def predict(self, *arrays):
        """Runs the model on numpy arrays of any batch size (dim 0).

        Returns one numpy array, or a list when the model has several
        outputs. The interpreter lock is released while compiled code runs.
        """
        return _predict_padded(self._impl.run, self.inputs, arrays)

    def save(self, path):
        """Writes the model as MLIR text (.mlir) or bytecode (.mlirbc), with
        the locations that carry layer names, atomically (the project's
        writeFileAtomically: a temporary file beside `path` renamed into
        place, so a failed write never leaves a partial file or destroys
        the previous one)."""
        path = os.fspath(path)
        if path.endswith(".mlirbc"):
            data = self._impl.bytecode()
        else:
            data = self._impl.str(True).encode()
        _qmlir.write_file_atomically(path, data)

    def __str__(self):
        return self._impl.str(False)

    def summary(self, target=None, file=None):
        """Prints the layer table (op, output shape, kernel, weight / input /
        output bits, parameters) and returns its rows as dicts.

        With `target` (a preset name such as "int8", or a target file), a
        "runs_on" column says where each layer runs when this (quantized)
        model is compiled for it: "accelerator" (with its segment in
        "device", "npu <k>") or "CPU" (convert-qnn-to-npu and
        npu-partition on a copy, as Model.compile does), followed by the
        hardware / software totals. A float model runs entirely on the
        CPU: quantize it (with target=...) first."""
        rows = [dict(zip(("layer", "op", "output_shape", "kernel",
                          "weight_bits", "input_bits", "output_bits",
                          "parameters"), r)) for r in self._impl.summary()]
        columns = ["layer", "op", "output_shape", "kernel", "weight_bits",
                   "input_bits", "output_bits", "parameters"]
        out = file or sys.stdout
        if target is not None:
            where, messages = self._impl.placement(_target_path(target))
            _warn(messages)
            for r in rows:
                r["device"] = where.get(r["layer"], "cpu")
                r["runs_on"] = ("accelerator" if r["device"].startswith("npu")
                                else "CPU")
            columns = ["device", "runs_on"] + columns
        _print_table([{**r, "parameters": r["parameters"] or ""}
                      for r in rows], columns, file)
        print(f"total: {len(rows)} layers, "
              f"{sum(r['parameters'] for r in rows)} parameters", file=out)
        if target is not None:
            # Akida-style sequences: each run of consecutive layers on one
            # device, HW (an accelerator segment) or SW (the CPU).
            groups = []
            for r in rows:
                if groups and groups[-1][0]["device"] == r["device"]:
                    groups[-1].append(r)
                else:
                    groups.append([r])
            for g in groups:
                hw_group = g[0]["runs_on"] == "accelerator"
                name = g[0]["layer"] + (f"-{g[-1]['layer']}"
                                        if len(g) > 1 else "")
                print(f"{'HW' if hw_group else 'SW'}/{name} "
                      f"({'Hardware, ' + g[0]['device'] if hw_group else 'Software, CPU'})"
                      f": {len(g)} layer(s), "
                      f"{sum(r['parameters'] for r in g)} parameters",
                      file=out)
            hw = [r for r in rows if r["runs_on"] == "accelerator"]
            segments = sorted({r["device"] for r in hw})
            print(f"hardware: {len(hw)} layer(s) in {len(segments)} "
                  f"segment(s) on the accelerator "
                  f"({sum(r['parameters'] for r in hw)} parameters); "
                  f"software: {len(rows) - len(hw)} layer(s) on the CPU",
                  file=out)
        return rows

    def transform(self, pipeline):
        """A copy of this model transformed by an MLIR pass pipeline (the
        textual form qopt takes, without builtin.module(...)), e.g.
        "func.func(qnn-fold-batchnorm)". The passes' warnings and remarks
        become Python warnings; a failing pass raises qmlir.Error."""
        impl, messages = self._impl.transform(str(pipeline))
        _warn(messages)
        model = Model(impl, name=self.name)
        model.threads = self.threads
        return model

    def compile(self, target=None, samples=None, entry="main"):
        """The accelerator artifact of this model for `target` (a preset
        name, see qmlir.targets(), or a target description file), as
        `qmlir-compile model --target t.json -o m.qart` builds it: a
        quantized model is lowered (convert-qnn-to-npu) and partitioned
        (npu-partition); a float model is first calibrated on `samples`
        (an array or a .npy/.npz path), legalized for the target and
        quantized (min-max); a model already partitioned (npu.segment ops,
        e.g. a loaded .npu.mlir) takes no target. The CPU fallback segments
        are compiled for this machine. Returns a qmlir.Artifact; warnings
        (e.g. layers left on the CPU) and remarks become Python warnings."""
        path = _target_path(target) if target is not None else ""
        text = self._impl.str(False)
        quantized = "qnn.quantize" in text or "npu.segment" in text
        with tempfile.TemporaryDirectory() as tmp:
            samples_path = ""
            if quantized and samples is not None:
                raise Error(f"{self.name} is already quantized: calibration "
                            "samples are not used (compile the float model "
                            "to calibrate for the target)")
            if not quantized:
                if samples is None:
                    raise Error(f"{self.name} is a float model: quantize it "
                                "first (qmlir.quantize(model, ..., target=...)"
                                ") or give calibration samples=")
                samples_path = _samples_file(self, samples, tmp)
            impl, messages = self._impl.compile(path, samples_path, entry,
                                                self.name)
        _warn(messages)
        return Artifact(impl)

    def report(self, samples, reference=None, file=None):
        """Per-layer error of this (quantized) model against `reference`
        (default: the float model it was quantized from) on `samples`:
        records {tensor, op, sqnr_db, cosine, max_abs_error}, sorted by
        damage (lowest SQNR first), also printed."""
        reference = reference or self._float
        if reference is None:
            raise Error("report() needs the float model: pass reference=... "
                        "(models from qmlir.quantize() remember theirs)")
        arrays = _as_input_list(samples)
        rows = [dict(zip(("tensor", "op", "sqnr_db", "cosine",
                          "max_abs_error", "elements"), r))
                for r in self._impl.compare(reference._impl, arrays)]
        rows.sort(key=lambda r: r["sqnr_db"])
        _print_table([{**r, "sqnr_db": f"{r['sqnr_db']:.2f}",
                       "cosine": f"{r['cosine']:.6f}",
                       "max_abs_error": f"{r['max_abs_error']:.4g}"}
                      for r in rows],
                     ["tensor", "op", "sqnr_db", "cosine", "max_abs_error"],
                     file)
        return rows

    def weights(self, layer):
        """Weights of `layer` (conv2d / dense / conv_transpose2d): a dict
        with "values" (float; dequantized for a quantized model) and, when
        quantized, "storage", "scales", "zero_points", "axis", "qmin",
        "qmax"."""
        w = dict(self._impl.weights(layer))
        if "storage" in w:
            storage = np.asarray(w["storage"])
            scales = np.asarray(w["scales"], np.float64)
            zps = np.asarray(w["zero_points"], np.float64)
            if w["axis"] >= 0:
                shape = [1] * storage.ndim
                shape[w["axis"]] = -1
                scales, zps = scales.reshape(shape), zps.reshape(shape)
            w["values"] = ((storage - zps) * scales).astype(np.float32)
        return w

    def graph(self, path):
        """Writes the op graph: Graphviz .dot text, or an image (.png,
        .svg, .pdf) rendered by Graphviz's `dot`."""
        import shutil
        import subprocess
        text = self._impl.graph()
        path = str(path)
        if path.endswith(".dot"):
            with open(path, "w") as f:
                f.write(text)
            return path
        fmt = os.path.splitext(path)[1].lstrip(".") or "png"
        dot = shutil.which("dot")
        if dot is None:
            raise Error("Graphviz's 'dot' is not installed (Debian: graphviz)")
        r = subprocess.run([dot, "-T" + fmt, "-o", path], input=text,
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Error(f"dot failed on the graph of this model: "
                        f"{r.stderr.strip()}")
        return path


def _predict_padded(run, infos, arrays):
    """Checks numpy arrays against `infos` (TensorInfo, shape[0] the
    compiled batch) and runs them in chunks of the compiled batch through
    `run`, zero-padding the last chunk and trimming its rows."""
    if len(arrays) != len(infos):
        raise Error(f"model takes {len(infos)} inputs, got {len(arrays)}")
    arrays = [np.asarray(a) for a in arrays]
    for a, info in zip(arrays, infos):
        if a.dtype != info.dtype:
            raise Error(f"input '{info.name}' must be {info.dtype}, got "
                        f"{a.dtype}")
        if a.ndim != len(info.shape) or a.shape[1:] != info.shape[1:]:
            raise Error(f"input '{info.name}' must have shape "
                        f"(N, {', '.join(map(str, info.shape[1:]))}), "
                        f"got {a.shape}")
    n = arrays[0].shape[0] if arrays and arrays[0].ndim else 1
    if any(a.ndim and a.shape[0] != n for a in arrays):
        raise Error("all inputs must have the same batch size")
    batch = infos[0].shape[0] if infos and infos[0].shape else 1
    padded = -n % batch if batch else 0
    if padded:
        # The compiled batch is fixed: fill the last chunk with zeros and
        # drop the rows they produce.
        arrays = [np.concatenate([a, np.zeros((padded,) + a.shape[1:],
                                              a.dtype)]) for a in arrays]
    outputs = run(arrays)
    if padded:
        outputs = [o[:n] for o in outputs]
    return outputs[0] if len(outputs) == 1 else outputs


class Artifact:
    """An accelerator artifact (.qart, docs/Artifact.md): the model
    partitioned for a target, accelerator segments as npu ops for the
    bit-exact simulator, CPU fallback segments as compiled code. From
    Model.compile(target=...) or qmlir.load("m.qart")."""

    def __init__(self, impl):
        self._impl = impl

    @property
    def inputs(self):
        """Inputs as TensorInfo(name, shape, dtype); shape[0] is the
        compiled batch."""
        return [TensorInfo(*s) for s in self._impl.specs(True)]

    @property
    def outputs(self):
        return [TensorInfo(*s) for s in self._impl.specs(False)]

    @property
    def producer(self):
        """Who wrote the artifact (e.g. "qmlir-compile model.onnx")."""
        return self._impl.producer

    @property
    def format_version(self):
        """The file format version (major, minor)."""
        return tuple(self._impl.format)

    @property
    def target(self):
        """The target description the artifact was compiled for, as a dict
        (None when it was compiled from an already-partitioned model)."""
        text = self._impl.target_json
        return json.loads(text) if text else None

    def predict(self, *arrays):
        """Runs the artifact on float32 arrays of any batch size, as `qrun
        m.qart` does: host quantize/dequantize steps and accelerator
        segments on the bit-exact simulator, CPU segments as their compiled
        code. Its outputs equal the quantized model's predict() bit for
        bit. The interpreter lock is released while it runs."""
        return _predict_padded(self._impl.run, self.inputs, arrays)

    def save(self, path):
        """Writes the artifact (a temporary file in the destination
        directory renamed over it: never a partial file)."""
        self._impl.save(os.fspath(path))

    def to_bytes(self):
        """The artifact file's bytes."""
        return self._impl.bytes()

    def summary(self, file=None):
        """Prints the segment / layer table (device: host, "npu <k>" for
        accelerator segment k, "cpu <k>" for CPU segment k; runs_on:
        accelerator / CPU / host; shapes; bit widths w/in/out/acc; the
        cycle model's MACs, cycles and on-chip bytes per accelerator layer)
        and the hardware / software totals, and returns them as
        {"target": {...}, "layers": [records], "totals": {...}}. The cycle
        model's figures are per run of the compiled batch
        (docs/Targets.md, "Simulator"); a batch of N images runs as N runs
        of one image (totals["images"] = N): MACs, cycles and traffic are
        totals over the batch, on-chip bytes per image (docs/Targets.md,
        "Batches"). CPU segments are a row "compiled code" followed by a
        row per layer they hold (format 1.3 files)."""
        cost = self._impl.cost()
        hw = dict(cost["hardware"])
        layer_costs = iter(cost["layers"])
        rows = []
        for r in self._impl.rows():
            row = dict(zip(("device", "layer", "op", "output_shape", "kernel",
                            "weight_bits", "input_bits", "output_bits",
                            "acc_bits"), r))
            device = row["device"]
            row["runs_on"] = ("accelerator" if device.startswith("npu") else
                              "CPU" if device.startswith("cpu") else "host")
            row["segment"] = (int(device.split()[1]) if " " in device
                              else None)
            row["macs"] = row["cycles"] = row["on_chip_bytes"] = None
            if row["runs_on"] == "accelerator":
                _, _, _, macs, cycles, on_chip = next(layer_costs)
                row.update(macs=macs, cycles=cycles, on_chip_bytes=on_chip)
            rows.append(row)
        lanes = hw["mac_rows"] * hw["mac_cols"]
        npu_rows = [r for r in rows if r["runs_on"] == "accelerator"]
        totals = {
            "accelerator_segments": len({r["segment"] for r in npu_rows}),
            "accelerator_layers": len(npu_rows),
            "cpu_segments": cost["cpu_segments"],
            "macs": cost["macs"],
            "cycles": cost["cycles"],
            "time_us": cost["cycles"] / hw["clock_mhz"],
            "mac_utilization": (cost["macs"] / (cost["cycles"] * lanes)
                                if cost["cycles"] else 0.0),
            "peak_on_chip_bytes": cost["peak_on_chip_bytes"],
            "off_chip_bytes": cost["off_chip_bytes"],
            "images": cost["images"],
        }
        out = file or sys.stdout
        memory = (f"{hw['memory_bytes']} bytes" if hw["memory_bytes"]
                  else "unlimited")
        print(f"Artifact summary: target '{hw['name']}', "
              f"{hw['mac_rows']}x{hw['mac_cols']} MACs at "
              f"{hw['clock_mhz']:g} MHz, on-chip memory {memory}", file=out)
        for kind, infos in (("input", self.inputs), ("output", self.outputs)):
            for i in infos:
                print(f"  {kind} '{i.name}' {'x'.join(map(str, i.shape))} "
                      f"{i.dtype}", file=out)

        def cell(v):
            return "-" if v in (None, "") else v
        _print_table([{**r, "bits w/in/out/acc": "/".join(
            str(cell(r[k])) for k in ("weight_bits", "input_bits",
                                      "output_bits", "acc_bits")),
            "macs": cell(r["macs"]), "cycles": cell(r["cycles"]),
            "on_chip_bytes": cell(r["on_chip_bytes"])} for r in rows],
            ["device", "runs_on", "layer", "op", "output_shape", "kernel",
             "bits w/in/out/acc", "macs", "cycles", "on_chip_bytes"], out)
        print(f"hardware: {totals['accelerator_layers']} layer(s) in "
              f"{totals['accelerator_segments']} accelerator segment(s); "
              f"software: {totals['cpu_segments']} CPU segment(s) "
              "(compiled code)", file=out)
        print(f"cycle model (per run of the compiled batch): "
              f"{totals['macs']} MACs, {totals['cycles']} cycles "
              f"({totals['time_us']:.1f} us), MAC utilization "
              f"{100 * totals['mac_utilization']:.1f} %, peak on-chip "
              f"{totals['peak_on_chip_bytes']} bytes"
              f"{' per image' if totals['images'] > 1 else ''}, off-chip "
              f"traffic {totals['off_chip_bytes']} bytes", file=out)
        if totals["images"] > 1:
            print(f"  the batch of {totals['images']} images runs as "
                  f"{totals['images']} runs of one image: MACs, cycles and "
                  "traffic are totals over the batch, on-chip bytes per "
                  "image", file=out)
        return {"target": hw, "layers": rows, "totals": totals}

    def __str__(self):
        """What `qrun m.qart --summary` and qrun's cycle report print."""
        return self._impl.text()


def _print_table(rows, columns, file=None):
    """Prints rows (dicts) as aligned columns."""
    file = file or sys.stdout
    def text(v):
        if isinstance(v, (tuple, list)):
            return "x".join(str(d) for d in v)
        return "" if v is None else str(v)
    cells = [[text(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells])
              for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
          file=file)
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip(),
              file=file)


def _as_input_list(samples):
    if isinstance(samples, (list, tuple)):
        return [np.ascontiguousarray(s) for s in samples]
    return [np.ascontiguousarray(samples)]


def _samples_file(model, samples, tmp):
    """Calibration samples as a file for qnn-calibrate: a .npy/.npz path as
    it is, arrays saved to `tmp` (.npz named by input for several)."""
    if isinstance(samples, (str, os.PathLike)):
        path = str(samples)
        if not os.path.exists(path):
            raise Error(f"{path}: no such file")
        return path
    arrays = _as_input_list(samples)
    if len(arrays) == 1:
        path = os.path.join(tmp, "samples.npy")
        np.save(path, arrays[0])
        return path
    path = os.path.join(tmp, "samples.npz")
    names = [i.name for i in model.inputs]
    if len(names) != len(arrays):
        raise Error(f"model takes {len(names)} inputs, got {len(arrays)} "
                    "sample arrays")
    np.savez(path, **dict(zip(names, arrays)))
    return path


def load(path, batch=1, threads=0):
    """Loads a .onnx, .onnxtxt, .pb, .pbtxt (TensorFlow frozen graph), .mlir
    or .mlirbc model. `batch` fixes a symbolic (ONNX) or unknown (TF) batch
    dimension; predict() accepts any batch size. `threads` as Model.threads
    (0: every core). A .qart accelerator artifact (Model.compile,
    qmlir-compile) loads as a qmlir.Artifact (batch and threads do not
    apply: it runs as compiled)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise Error(f"{path}: no such file")
    if path.endswith(".qart"):
        return Artifact(_Artifact.load(path))
    model = Model(_Model.load(path, int(batch)),
                  name=os.path.basename(path))
    model.threads = threads
    return model


class QuantizationParams:
    """Global quantization parameters, as QuantizeML's QuantizationParams.

    input_weight_bits: weight bits of the first layer; weight_bits: of the
    others; activation_bits: of activations (relu, clip, lookup tables);
    per_tensor_activations: one scale per activation tensor (False: one per
    channel); output_bits: of layer outputs (conv, dense, add, ...);
    buffer_bits: accumulator width; input_dtype: the model input's integer
    type ("uint8", "int8", ...). Validated by the compiler's config parser;
    a bad value raises qmlir.Error naming the key.
    """

    _FIELDS = ("input_weight_bits", "weight_bits", "activation_bits",
               "per_tensor_activations", "output_bits", "buffer_bits",
               "input_dtype")

    def __init__(self, input_weight_bits=8, weight_bits=8, activation_bits=8,
                 per_tensor_activations=False, output_bits=8, buffer_bits=32,
                 input_dtype="uint8"):
        self.input_weight_bits = input_weight_bits
        self.weight_bits = weight_bits
        self.activation_bits = activation_bits
        self.per_tensor_activations = per_tensor_activations
        self.output_bits = output_bits
        self.buffer_bits = buffer_bits
        self.input_dtype = input_dtype
        _qmlir.check_config(json.dumps({"defaults": self.to_dict()}),
                            "QuantizationParams")

    def to_dict(self):
        """The "defaults" section of a qmlir quantization config."""
        return {k: getattr(self, k) for k in self._FIELDS}

    def __repr__(self):
        return "QuantizationParams(" + ", ".join(
            f"{k}={getattr(self, k)!r}" for k in self._FIELDS) + ")"


def _random_samples(model, num_samples):
    """QuantizeML's random calibration samples: uint8 values in [0, 255]
    when the input has 1 or 3 channels, int8 values in [-128, 127] otherwise,
    in the input's dtype."""
    info = model.inputs[0]
    channels = info.shape[-1] if len(info.shape) == 4 else None
    if len(info.shape) == 4 and info.shape[1] in (1, 3):
        channels = info.shape[1]
    rng = np.random.default_rng(0)
    shape = (num_samples,) + tuple(info.shape[1:])
    if channels in (1, 3):
        x = rng.integers(0, 256, shape)
    else:
        x = rng.integers(-128, 128, shape)
    return x.astype(info.dtype)


def quantize(model, qparams=None, q_config=None, samples=None,
             num_samples=1024, batch_size=100, epochs=1, method="minmax",
             fold_batchnorm=True, target=None, calibrate_float_ops=False):
    """Returns a quantized copy of `model` (the float model is unchanged).

    qparams: QuantizationParams (default QuantizationParams()); q_config: a
    per-layer config dict (the JSON the compiler reads, e.g. from
    dump_config(), possibly edited), whose "defaults" qparams overrides when
    both are given; samples: calibration inputs (numpy array, list of
    arrays for several inputs, or a .npy/.npz path); without samples,
    random samples (see _random_samples) and a warning. An
    already-quantized model (ONNX QDQ, TF FakeQuant) is not calibrated: it
    keeps its own scales and zero points (qnn-adopt-qdq) and samples are
    not used; the ops such a model leaves float stay float, as in ONNX
    Runtime, unless calibrate_float_ops=True (qnn-adopt-qdq's
    calibrate-float-ops, qrun --calibrate-float-ops): then they are
    calibrated on samples (random ones without) and quantized. num_samples,
    batch_size, epochs, method: as qnn-calibrate's options
    (CALIBRATION_METHODS). target: a target preset name or file
    (docs/Targets.md): the scheme is constrained to what it runs
    (qnn-legalize-bitwidth before calibration, so the ranges are picked for
    the target's bit widths, and again after it to fit the accumulators;
    each change a qmlir.CompilerRemark), so qmodel.compile(target=...) puts
    the layers it supports on the accelerator. A progress bar is drawn during calibration
    (tqdm when installed, else the compiler's own on stderr).
    """
    if method not in CALIBRATION_METHODS:
        raise Error(f"unknown calibration method '{method}'; expected one of "
                    f"{', '.join(CALIBRATION_METHODS)}")
    for key, v in (("num_samples", num_samples), ("batch_size", batch_size),
                   ("epochs", epochs)):
        if not isinstance(v, (int, np.integer)) or v < 1:
            raise Error(f"'{key}' must be a positive integer, got {v!r}")
    config = copy.deepcopy(q_config) if q_config else {}
    if not isinstance(config, dict):
        raise Error("q_config must be a dict (the JSON quantization config)")
    if qparams is not None or "defaults" not in config:
        qparams = qparams or QuantizationParams()
        if not isinstance(qparams, QuantizationParams):
            raise Error("qparams must be a qmlir.QuantizationParams")
        config["defaults"] = {**config.get("defaults", {}),
                              **qparams.to_dict()}
    # An already-quantized model (ONNX QDQ, TF FakeQuant) keeps its own
    # scales and zero points: qnn-insert-calibration adopts them
    # (qnn-adopt-qdq) and there is nothing to calibrate.
    target_path = _target_path(target) if target is not None else None
    text = model._impl.str(False)
    adopt = "qnn.quantize" in text or "qnn.dequantize" in text
    # Samples calibrate a float model, or the float ops of an adopted one.
    calibrated = not adopt or calibrate_float_ops
    with tempfile.TemporaryDirectory() as tmp:
        if adopt and not calibrate_float_ops:
            warnings.warn("qmlir.quantize: the model is already quantized "
                          "(QDQ / FakeQuant): it keeps its own scales and "
                          "zero points, without calibration (samples are not "
                          "used)", stacklevel=2)
            samples = path = None
        elif samples is None:
            warnings.warn("qmlir.quantize: no calibration samples; using "
                          f"{num_samples} random samples. Real samples give "
                          "better results.", stacklevel=2)
            samples = _random_samples(model, num_samples)
        if calibrated:
            path = _samples_file(model, samples, tmp)
        config_path = os.path.join(tmp, "config.json")
        with open(config_path, "w") as f:
            json.dump(config, f)
        config_out = os.path.join(tmp, "config-out.json")
        for p in (path or "", config_path, target_path or ""):
            if any(c in p for c in " {}"):
                raise Error(f"{p}: paths must not contain spaces or braces")
        # The pass sequence qmlir-compile runs too
        # (target::buildCalibrateQuantizePipeline): with a target, the
        # scheme is legalized before qnn-calibrate picks the ranges.
        options = [f"fold-batchnorm={'true' if fold_batchnorm else 'false'}",
                   f"config={config_path}", f"config-out={config_out}"]
        if target_path:
            options.append(f"target={target_path}")
        if calibrate_float_ops:
            options.append("calibrate-float-ops=true")
        if not calibrated:
            options.append("calibrate=false")
        else:
            options += [f"samples={path}", f"num-samples={int(num_samples)}",
                        f"batch-size={int(batch_size)}",
                        f"epochs={int(epochs)}",
                        f"method={method.replace('_', '-')}"]
        pipeline = f"qnn-calibrate-quantize{{{' '.join(options)}}}"
        with _progress():
            impl, messages = model._impl.transform(pipeline)
        _warn(messages)
        with open(config_out) as f:
            resolved = json.load(f)
    quantized = Model(impl, float_model=model, config=resolved,
                      name=model.name)
    quantized.threads = model.threads
    return quantized


def dump_config(qmodel):
    """The per-layer quantization config qmodel was quantized with, as a
    dict (the JSON the compiler reads and writes). quantize(model,
    q_config=dump_config(qmodel)) reproduces qmodel exactly."""
    if qmodel._config is None:
        raise Error("dump_config needs a model returned by qmlir.quantize()")
    return copy.deepcopy(qmodel._config)


class _progress:
    """Routes the compiler's progress bars to tqdm while active, when tqdm
    is installed (otherwise the compiler draws its own on stderr)."""

    def __enter__(self):
        try:
            from tqdm import tqdm
        except ImportError:
            return self
        self.bars = {}

        def update(label, done, total, unit):
            bar = self.bars.get(label)
            if bar is None:
                bar = self.bars[label] = tqdm(total=total, desc=label,
                                              unit=" " + unit, leave=True)
            bar.update(done - bar.n)
            if done >= total:
                bar.close()
                del self.bars[label]
        _qmlir.set_progress_callback(update)
        return self

    def __exit__(self, *exc):
        _qmlir.set_progress_callback(None)
        for bar in getattr(self, "bars", {}).values():
            bar.close()
        return False


# The compiler keeps the callback in a static; drop it before Python exits.
atexit.register(_qmlir.set_progress_callback, None)
