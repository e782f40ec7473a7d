"""qmlir: quantize float models to integers and run them, from Python.

    import numpy as np, qmlir
    model = qmlir.load("models/fashion_cnn.onnx", batch=100)
    logits = model.predict(x)                       # any batch size
    qmodel = qmlir.quantize(model, samples=calib)    # int8, per-axis weights
    qmodel.save("int8.mlir")

Every compiler error is raised as `qmlir.Error` (a ValueError) carrying the
compiler's one-line message.
"""

import os
import tempfile
from collections import namedtuple

import numpy as np

from ._qmlir import Error, Model as _Model

__all__ = ["Error", "Model", "TensorInfo", "load", "quantize"]

TensorInfo = namedtuple("TensorInfo", ["name", "shape", "dtype"])


class Model:
    """A float or quantized model: its MLIR and, once run, its compiled code."""

    def __init__(self, impl):
        self._impl = impl

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
        infos = self.inputs
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
        outputs = self._impl.run(arrays)
        if padded:
            outputs = [o[:n] for o in outputs]
        return outputs[0] if len(outputs) == 1 else outputs

    def save(self, path):
        """Writes the model as MLIR text (.mlir) or bytecode (.mlirbc), with
        the locations that carry layer names. Refuses to overwrite the file
        the model was loaded from only by name: pick a new path."""
        if str(path).endswith(".mlirbc"):
            data, mode = self._impl.bytecode(), "wb"
        else:
            data, mode = self._impl.str(True), "w"
        directory = os.path.dirname(os.path.abspath(path))
        fd, tmp = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, mode) as f:
            f.write(data)
        os.replace(tmp, path)

    def __str__(self):
        return self._impl.str(False)


def load(path, batch=1, threads=0):
    """Loads a .onnx, .onnxtxt, .mlir or .mlirbc model. `batch` fixes a
    symbolic batch dimension (ONNX); predict() accepts any batch size.
    `threads` as Model.threads (0: every core)."""
    if not os.path.exists(path):
        raise Error(f"{path}: no such file")
    model = Model(_Model.load(str(path), int(batch)))
    model.threads = threads
    return model


def quantize(model, samples=None, weight_bits=8, activation_bits=8,
             per_axis_weights=True, symmetric_activations=False,
             fold_batchnorm=True):
    """Returns a quantized copy of `model`.

    Folds batch norm, calibrates min-max ranges on `samples` (a numpy array
    of model inputs, or a path to a .npy file) and quantizes weights
    (symmetric) and activations to the requested bit widths.
    """
    if samples is None:
        raise Error("quantize needs calibration samples (samples=...)")
    with tempfile.TemporaryDirectory() as tmp:
        if isinstance(samples, (str, os.PathLike)):
            path = str(samples)
        else:
            path = os.path.join(tmp, "samples.npy")
            np.save(path, np.ascontiguousarray(samples))
        if any(c in path for c in " {}"):
            raise Error(f"{path}: sample paths must not contain spaces or "
                        "braces")
        func_passes = (["qnn-fold-batchnorm"] if fold_batchnorm else []) + [
            "qnn-insert-calibration"]
        pipeline = (
            f"func.func({','.join(func_passes)}),"
            f"qnn-calibrate{{samples={path}}},"
            f"qnn-quantize{{weight-bits={int(weight_bits)} "
            f"activation-bits={int(activation_bits)} "
            f"per-axis-weights={str(bool(per_axis_weights)).lower()} "
            f"symmetric-activations={str(bool(symmetric_activations)).lower()}"
            f"}}")
        quantized = Model(model._impl.transform(pipeline))
        quantized.threads = model.threads
        return quantized
