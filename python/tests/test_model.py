"""Load, predict, quantize and save through the Python API, on the bundled
model and on small hand-written ones."""
import os
import subprocess
import sys

import numpy as np
import pytest

import qmlir

SRC = os.environ.get("QMLIR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(SRC, "models", "fashion_cnn.onnx")
CALIB = os.path.join(SRC, "models", "fashion_cnn_calib.npy")

RELU = """
func.func @main(%x: tensor<2x3xf32> {qnn.name = "x"}) -> (tensor<2x3xf32> {qnn.name = "y"}) {
  %0 = qnn.relu %x : tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
"""

# A TensorFlow frozen graph in text format with an unknown batch dimension.
RELU_PBTXT = """
node {
  name: "x"
  op: "Placeholder"
  attr { key: "dtype" value { type: DT_FLOAT } }
  attr { key: "shape" value { shape { dim { size: -1 } dim { size: 3 } } } }
}
node {
  name: "y"
  op: "Relu"
  input: "x"
  attr { key: "T" value { type: DT_FLOAT } }
}
"""


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_inputs_outputs_and_predict(tmp_path):
    model = qmlir.load(write(tmp_path, "relu.mlir", RELU))
    assert model.inputs == [qmlir.TensorInfo("x", (2, 3), np.dtype("float32"))]
    assert model.outputs[0].name == "y"
    x = np.array([[1, -2, 3], [-4, 5, -6]], np.float32)
    np.testing.assert_array_equal(model.predict(x), np.maximum(x, 0))


# ONNX integer arithmetic on INT64 inputs (plain i64 tensors) and uint8
# wrapping.
INT_ONNX = """
<ir_version: 8, opset_import: ["" : 14]>
ints (int64[3] a, int64[3] b, uint8[3] u) => (int64[3] m, uint8[3] w)
{
  m = Mul (a, b)
  w = Add (u, u)
}
"""


def test_int64_and_uint8_predict(tmp_path):
    model = qmlir.load(write(tmp_path, "ints.onnxtxt", INT_ONNX))
    assert [i.dtype for i in model.inputs] == [np.dtype("int64")] * 2 + [
        np.dtype("uint8")]
    assert [o.dtype for o in model.outputs] == [np.dtype("int64"),
                                                np.dtype("uint8")]
    a = np.array([2**40, -3, 7], np.int64)
    b = np.array([2**20, 5, -7], np.int64)
    u = np.array([100, 200, 255], np.uint8)
    m, w = model.predict(a, b, u)
    np.testing.assert_array_equal(m, a * b)
    np.testing.assert_array_equal(w, u + u)


def test_load_tf_graph(tmp_path):
    model = qmlir.load(write(tmp_path, "relu.pbtxt", RELU_PBTXT), batch=2)
    assert model.inputs == [qmlir.TensorInfo("x", (2, 3), np.dtype("float32"))]
    assert model.outputs[0].name == "y"
    x = np.array([[1, -2, 3], [-4, 5, -6], [7, -8, 9]], np.float32)
    np.testing.assert_array_equal(model.predict(x), np.maximum(x, 0))


def test_predict_any_batch_size(tmp_path):
    model = qmlir.load(write(tmp_path, "relu.mlir", RELU))
    for n in (1, 2, 5, 8):
        x = np.random.default_rng(n).standard_normal((n, 3)).astype("f4")
        np.testing.assert_array_equal(model.predict(x), np.maximum(x, 0))


def test_onnx_predict_matches_qrun(tmp_path):
    x = np.load(CALIB)[:20]
    np.save(tmp_path / "x.npy", x)
    qrun = os.path.join(os.environ.get("QMLIR_BUILD_DIR", "."), "bin", "qrun")
    subprocess.run([qrun, MODEL, "--batch", "10", "--input",
                    str(tmp_path / "x.npy"), "--output",
                    str(tmp_path / "y.npy")], check=True, capture_output=True)
    model = qmlir.load(MODEL, batch=10)
    np.testing.assert_array_equal(model.predict(x), np.load(tmp_path / "y.npy"))


def test_quantize_top1_within_one_point():
    sys.path.insert(0, os.path.join(SRC, "models"))
    import fashion_mnist_data
    x, y = fashion_mnist_data.load("test")
    # The first 2,000 test images keep the test quick; the lit test
    # test/Models/fashion-cnn.test checks all 10,000.
    x, y = x[:2000], y[:2000]
    model = qmlir.load(MODEL, batch=100)
    qmodel = qmlir.quantize(model, samples=np.load(CALIB))
    assert "!quant.uniform" in str(qmodel)
    top1 = (model.predict(x).argmax(1) == y).mean()
    qtop1 = (qmodel.predict(x).argmax(1) == y).mean()
    assert top1 > 0.89, top1
    assert top1 - qtop1 <= 0.01, (top1, qtop1)


def test_save_and_reload_gives_same_outputs(tmp_path):
    model = qmlir.load(MODEL, batch=8)
    qmodel = qmlir.quantize(model, samples=np.load(CALIB)[:64])
    x = np.load(CALIB)[:16]
    umask = os.umask(0)
    os.umask(umask)
    for name in ("q.mlir", "q.mlirbc"):
        qmodel.save(tmp_path / name)
        # Written atomically, with the permissions of any new file.
        assert os.stat(tmp_path / name).st_mode & 0o777 == 0o666 & ~umask
        again = qmlir.load(str(tmp_path / name))
        np.testing.assert_array_equal(again.predict(x), qmodel.predict(x))
    assert sorted(os.listdir(tmp_path)) == ["q.mlir", "q.mlirbc"]
    with pytest.raises(qmlir.Error, match="no-such-dir"):
        qmodel.save(tmp_path / "no-such-dir" / "q.mlir")


def test_thread_count_does_not_change_outputs():
    model = qmlir.load(MODEL, batch=8, threads=1)
    qmodel = qmlir.quantize(model, samples=np.load(CALIB)[:64])
    assert (model.threads, qmodel.threads) == (1, 1)
    x = np.load(CALIB)[:16]
    expected = [model.predict(x), qmodel.predict(x)]
    for n in (2, 3, 0):
        model.threads = qmodel.threads = n
        np.testing.assert_array_equal(model.predict(x), expected[0])
        np.testing.assert_array_equal(qmodel.predict(x), expected[1])
    with pytest.raises(qmlir.Error):
        model.threads = -1


def test_errors_are_qmlir_errors(tmp_path):
    with pytest.raises(qmlir.Error, match="no such file"):
        qmlir.load(str(tmp_path / "missing.onnx"))
    bad = write(tmp_path, "bad.onnx", "not a model")
    with pytest.raises(qmlir.Error, match="bad.onnx"):
        qmlir.load(bad)
    model = qmlir.load(write(tmp_path, "relu.mlir", RELU))
    with pytest.raises(qmlir.Error, match="input 'x' must have shape"):
        model.predict(np.zeros((2, 4), np.float32))
    with pytest.raises(qmlir.Error, match="input 'x' must be float32"):
        model.predict(np.zeros((2, 3), np.int32))
    with pytest.raises(ValueError):
        qmlir.quantize(model, samples=np.full((2, 3), np.nan, np.float32))
    with pytest.raises(qmlir.Error, match="'weight_bits' must be an integer in"):
        qmlir.QuantizationParams(weight_bits=17)
