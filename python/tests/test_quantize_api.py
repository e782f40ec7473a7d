"""The QuantizeML-style API: QuantizationParams, quantize options, the
config round trip, summary, report, weights, plots and the op graph."""
import os
import warnings

import numpy as np
import pytest

import qmlir

SRC = os.environ.get("QMLIR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
MODEL = os.path.join(SRC, "models", "fashion_cnn.onnx")
CALIB = os.path.join(SRC, "models", "fashion_cnn_calib.npy")


@pytest.fixture(scope="module")
def models():
    model = qmlir.load(MODEL, batch=50)
    calib = np.load(CALIB)
    return model, calib, qmlir.quantize(model, samples=calib)


def test_quantization_params_defaults_and_validation():
    p = qmlir.QuantizationParams()
    assert p.to_dict() == {
        "input_weight_bits": 8, "weight_bits": 8, "activation_bits": 8,
        "per_tensor_activations": False, "output_bits": 8, "buffer_bits": 32,
        "input_dtype": "uint8"}
    for key, value in (("activation_bits", 0), ("output_bits", 17),
                       ("input_weight_bits", 1), ("buffer_bits", 40)):
        with pytest.raises(qmlir.Error, match=f"QuantizationParams.*'{key}'"):
            qmlir.QuantizationParams(**{key: value})
    with pytest.raises(qmlir.Error, match="'input_dtype'"):
        qmlir.QuantizationParams(input_dtype="float8")
    with pytest.raises(qmlir.Error, match="'per_tensor_activations'"):
        qmlir.QuantizationParams(per_tensor_activations="yes")


def test_dumped_config_reproduces_the_model(models):
    model, calib, qmodel = models
    config = qmlir.dump_config(qmodel)
    assert config["defaults"]["per_tensor_activations"] is False
    assert "/16/Gemm" in config["layers"]
    again = qmlir.quantize(model, q_config=config, samples=calib)
    assert str(again) == str(qmodel)
    x = calib[:50]
    np.testing.assert_array_equal(again.predict(x), qmodel.predict(x))


def test_config_edit_changes_one_layer(models):
    model, calib, qmodel = models
    config = qmlir.dump_config(qmodel)
    config["layers"]["/16/Gemm"]["weight_bits"] = 4
    q4 = qmlir.quantize(model, q_config=config, samples=calib)
    rows = {(r["layer"], r["op"]): r for r in q4.summary(file=open(os.devnull, "w"))}
    assert rows[("/16/Gemm", "dense")]["weight_bits"] == "4/axis"
    conv = rows[("/12/BatchNormalization", "conv2d")]
    assert conv["weight_bits"] == "8/axis"
    w = q4.weights("/16/Gemm")
    assert (w["qmin"], w["qmax"]) == (-7, 7)
    assert np.abs(w["storage"]).max() <= 7


def test_qparams_override_config_defaults(models):
    model, calib, qmodel = models
    config = qmlir.dump_config(qmodel)
    q = qmlir.quantize(model, qmlir.QuantizationParams(weight_bits=4),
                       q_config=config, samples=calib)
    assert qmlir.dump_config(q)["defaults"]["weight_bits"] == 4


def test_bad_quantize_options(models):
    model, calib, _ = models
    with pytest.raises(qmlir.Error, match="unknown calibration method 'kl'"):
        qmlir.quantize(model, samples=calib, method="kl")
    with pytest.raises(qmlir.Error, match="'num_samples' must be a positive"):
        qmlir.quantize(model, samples=calib, num_samples=0)
    with pytest.raises(qmlir.Error, match="unknown layer 'nope'"):
        qmlir.quantize(model, samples=calib,
                       q_config={"layers": {"nope": {"weight_bits": 4}}})
    with pytest.raises(qmlir.Error, match="missing.npy: no such file"):
        qmlir.quantize(model, samples="missing.npy")


def test_calibration_methods_run(models):
    model, calib, _ = models
    per_tensor = qmlir.QuantizationParams(per_tensor_activations=True)
    for method in ("moving_max", "percentile", "mse"):
        q = qmlir.quantize(model, per_tensor, samples=calib[:100],
                           method=method, batch_size=50, epochs=2)
        assert qmlir.dump_config(q)["format"] == "qmlir-quant-config"
    # Histogram methods have no per-channel form: the compiler says so.
    with pytest.raises(qmlir.Error, match="per-channel ranges need method"):
        qmlir.quantize(model, samples=calib[:100], method="entropy")


def test_no_samples_warns_and_uses_random_uint8(models):
    model = models[0]
    with pytest.warns(UserWarning, match="random samples"):
        q = qmlir.quantize(model, num_samples=64)
    assert "!quant.uniform" in str(q)


def test_summary_and_report(models, capsys):
    model, calib, qmodel = models
    rows = qmodel.summary()
    out = capsys.readouterr().out
    assert "/16/Gemm" in out and "total:" in out
    dense = [r for r in rows if r["op"] == "dense"][0]
    assert dense["kernel"] == (10, 64) and dense["parameters"] == 650
    assert dense["output_shape"] == (50, 10)
    report = qmodel.report(calib[:100])
    sqnrs = [r["sqnr_db"] for r in report]
    assert sqnrs == sorted(sqnrs) and len(report) >= 8
    assert all(10 < s < 80 for s in sqnrs), sqnrs
    assert all(0.99 < r["cosine"] <= 1.0 for r in report)
    with pytest.raises(qmlir.Error, match="needs the float model"):
        model.report(calib[:10])


def test_weights_dequantize_close_to_float(models):
    model, _, qmodel = models
    f = model.weights("/16/Gemm")["values"]
    q = qmodel.weights("/16/Gemm")
    assert q["axis"] == 0 and len(q["scales"]) == 10
    err = np.abs(q["values"] - f).max(axis=1)
    assert np.all(err <= np.asarray(q["scales"]) / 2 + 1e-7)
    with pytest.raises(qmlir.Error, match="no layer named 'nope'"):
        qmodel.weights("nope")


def test_plots_and_graph(models, tmp_path):
    _, calib, qmodel = models
    w = qmlir.plot.weights(qmodel, "/16/Gemm", str(tmp_path / "w.png"))
    c = qmlir.plot.weights(qmodel, "/16/Gemm", str(tmp_path / "c.png"),
                           channel=3)
    s = qmlir.plot.sqnr(qmodel.report(calib[:50]), str(tmp_path / "s.png"))
    d = qmodel.graph(str(tmp_path / "g.dot"))
    for path in (w, c, s, d):
        assert os.path.getsize(path) > 1000, path
    assert open(d).read().startswith("digraph")
    with pytest.raises(qmlir.Error, match="10 output channels, got channel 10"):
        qmlir.plot.weights(qmodel, "/16/Gemm", str(tmp_path / "x.png"),
                           channel=10)


def test_tutorial_example_runs(tmp_path):
    import subprocess
    import sys
    script = os.path.join(SRC, "examples", "python", "quantize_tutorial.py")
    r = subprocess.run([sys.executable, script, "--images", "500", "--out",
                        str(tmp_path)], capture_output=True, text=True,
                       env={**os.environ})
    assert r.returncode == 0, r.stderr
    assert "dense at 4-bit weights top-1" in r.stdout
    assert "bit-exact with the quantized model on 100 images: True" in r.stdout
    for name in ("config.json", "dense_weights.png", "sqnr.png", "graph.svg",
                 "int8.qart"):
        assert os.path.getsize(tmp_path / name) > 500, name


def test_already_quantized_model_is_adopted_not_calibrated():
    # A QDQ model keeps its own scales: no calibration, no random-samples
    # warning, the compiler's remark instead, and the same IR as
    # qnn-adopt-qdq + qnn-quantize (test/Execution/adopt-qdq-onnx.test).
    path = os.path.join(SRC, "test", "Execution", "Inputs", "qdq-cnn.onnx")
    model = qmlir.load(path, batch=4)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        qmodel = qmlir.quantize(model)
    messages = [str(w.message) for w in caught]
    assert not any("random samples" in m for m in messages), messages
    assert any("already quantized" in m for m in messages), messages
    text = str(qmodel)
    assert "0.025298634544014931:6>" in text
    assert "qnn.observe" not in text
    x = np.random.default_rng(0).uniform(-1, 1, (4, 3, 8, 8)).astype("f4")
    y = qmodel.predict(x)
    y = y[0] if isinstance(y, (list, tuple)) else y
    assert y.shape == (4, 10)


def test_already_quantized_model_with_calibrated_float_ops():
    # qdq-float-tail.onnx leaves a Softmax and an AveragePool float (as ONNX
    # Runtime runs them); calibrate_float_ops=True calibrates them on the
    # samples and quantizes them (qrun --calibrate-float-ops).
    path = os.path.join(SRC, "test", "Execution", "Inputs",
                        "qdq-float-tail.onnx")
    model = qmlir.load(path, batch=4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kept = qmlir.quantize(model)
    assert "qnn.softmax" in str(kept)
    assert not any("softmax" in line and "quant.uniform" in line
                   for line in str(kept).splitlines())
    calib = np.random.default_rng(23).uniform(-1, 1, (32, 3, 6, 6))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        qmodel = qmlir.quantize(model, samples=calib.astype("f4"),
                                calibrate_float_ops=True)
    messages = [str(w.message) for w in caught]
    assert not any("samples are not used" in m for m in messages), messages
    assert any("qnn.softmax" in line and "quant.uniform" in line
               for line in str(qmodel).splitlines())
    x = np.random.default_rng(17).uniform(-1, 1, (4, 3, 6, 6)).astype("f4")
    y, yq = kept.predict(x), qmodel.predict(x)
    assert 0 < np.abs(yq[0] - y[0]).max() < 0.02
