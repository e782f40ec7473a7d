"""Model.compile(target=...) and qmlir.Artifact: the accelerator artifact
from Python (docs/Artifact.md), bit-exact against the quantized model's
predict(); summaries with where each layer runs; the compiler's warnings
and remarks as Python warnings; bad targets and files as qmlir.Error."""
import os
import subprocess
import warnings

import numpy as np
import pytest

import qmlir

SRC = os.environ.get("QMLIR_SOURCE_DIR",
                     os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("QMLIR_BUILD_DIR", ".")
MODEL = os.path.join(SRC, "models", "fashion_cnn.onnx")
CALIB = os.path.join(SRC, "models", "fashion_cnn_calib.npy")
NO_MAXPOOL = os.path.join(SRC, "test", "Target", "Inputs",
                          "int8-no-maxpool.json")


@pytest.fixture(scope="module")
def compiled():
    """The bundled model (batch 8) quantized for the int8 preset, and its
    artifact."""
    calib = np.load(CALIB)[:64]
    model = qmlir.load(MODEL, batch=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qmlir.CompilerRemark)
        qmodel = qmlir.quantize(model, samples=calib, target="int8")
    return model, qmodel, qmodel.compile(target="int8"), calib


def test_predict_is_bit_exact_with_the_quantized_model(compiled):
    _, qmodel, art, calib = compiled
    x = calib[:37]  # not a multiple of the compiled batch: padded
    out = art.predict(x)
    assert out.shape == (37, 10) and out.dtype == np.float32
    np.testing.assert_array_equal(out, qmodel.predict(x))
    assert [i.shape for i in art.inputs] == [(8, 1, 28, 28)]


def test_summary_records_and_totals(compiled, capsys):
    _, _, art, _ = compiled
    s = art.summary()
    printed = capsys.readouterr().out
    assert "target 'int8'" in printed and "cycle model" in printed
    layers = s["layers"]
    conv = [r for r in layers if r["op"] == "npu.conv2d"]
    assert len(conv) == 4
    for r in conv:
        assert r["runs_on"] == "accelerator" and r["device"] == "npu 0"
        assert (r["weight_bits"], r["input_bits"], r["output_bits"],
                r["acc_bits"]) == ("8", "8", "8", "32")
        assert r["macs"] > 0 and r["cycles"] > 0 and r["on_chip_bytes"] > 0
    assert {r["runs_on"] for r in layers} == {"host", "accelerator"}
    t = s["totals"]
    assert t["accelerator_segments"] == 1 and t["cpu_segments"] == 0
    # Compiled for 8 images: 8 runs of one image (on-chip bytes per image).
    assert t["images"] == 8
    assert "the batch of 8 images runs as 8 runs of one image" in printed
    assert t["cycles"] == sum(r["cycles"] or 0 for r in layers)
    assert 0 < t["mac_utilization"] <= 1
    assert s["target"]["mac_rows"] == 16 and s["target"]["clock_mhz"] == 500
    assert "npu.conv2d" in str(art)  # qrun's --summary text


def test_save_load_round_trip(compiled, tmp_path):
    _, qmodel, art, calib = compiled
    path = tmp_path / "m.qart"
    art.save(path)
    assert path.read_bytes() == art.to_bytes()
    assert not [p for p in os.listdir(tmp_path) if p != "m.qart"]
    again = qmlir.load(str(path))
    assert isinstance(again, qmlir.Artifact)
    assert again.format_version[0] == 1 and again.target["name"] == "int8"
    np.testing.assert_array_equal(again.predict(calib[:16]),
                                  qmodel.predict(calib[:16]))


def test_cpu_segment_between_accelerator_segments(compiled):
    # Max pooling stays on the CPU: compiled code between two segments.
    _, qmodel, _, calib = compiled
    art = qmodel.compile(target=NO_MAXPOOL)
    s = art.summary(file=open(os.devnull, "w"))
    assert s["totals"]["cpu_segments"] == 1
    assert s["totals"]["accelerator_segments"] == 2
    assert any(r["runs_on"] == "CPU" for r in s["layers"])
    np.testing.assert_array_equal(art.predict(calib[:16]),
                                  qmodel.predict(calib[:16]))


def test_float_model_compiles_as_qmlir_compile_does(compiled, tmp_path):
    # The same library flow as the tool: identical outputs.
    model, _, _, calib = compiled
    x = calib[:16]
    art = qmlir.load(MODEL, batch=1).compile(target="int8", samples=calib)
    np.save(tmp_path / "calib.npy", calib)
    np.save(tmp_path / "x.npy", x)
    bin_dir = os.path.join(BUILD, "bin")
    subprocess.run([os.path.join(bin_dir, "qmlir-compile"), MODEL,
                    "--samples", str(tmp_path / "calib.npy"), "--target",
                    os.path.join(SRC, "targets", "int8.json"), "-o",
                    str(tmp_path / "tool.qart")], check=True,
                   capture_output=True)
    subprocess.run([os.path.join(bin_dir, "qrun"), str(tmp_path / "tool.qart"),
                    "--input", str(tmp_path / "x.npy"), "--output",
                    str(tmp_path / "y.npy")], check=True, capture_output=True)
    np.testing.assert_array_equal(art.predict(x), np.load(tmp_path / "y.npy"))


def test_summary_with_target_says_where_layers_run(compiled, capsys):
    model, qmodel, _, _ = compiled
    rows = qmodel.summary(target="int8")
    printed = capsys.readouterr().out
    assert "runs_on" in printed and "hardware:" in printed
    assert ("HW//0/Conv-/16/Gemm (Hardware, npu 0): 15 layer(s), 20010 "
            "parameters") in printed
    assert {r["runs_on"] for r in rows} == {"accelerator"}
    assert all(r["device"] == "npu 0" for r in rows)
    # A float model stays on the CPU, with the partitioner's warning.
    with pytest.warns(qmlir.CompilerWarning, match="stays on the CPU"):
        rows = model.summary(target="int8")
    assert {r["runs_on"] for r in rows} == {"CPU"}


def test_warnings_and_remarks_reach_python(compiled):
    model, qmodel, _, calib = compiled
    with pytest.warns(qmlir.CompilerRemark, match="weight_bits 8 -> 4"):
        qmlir.quantize(model, samples=calib, target="edge-lowbit")
    with pytest.warns(qmlir.CompilerWarning, match="stays on the CPU"):
        rows = qmodel.summary(target="cpu", file=open(os.devnull, "w"))
    assert {r["runs_on"] for r in rows} == {"CPU"}
    with pytest.warns(qmlir.CompilerRemark, match="already quantized"):
        qmodel.transform("func.func(qnn-insert-calibration)")


def test_errors(compiled, tmp_path):
    model, qmodel, art, calib = compiled
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "qmlir-target", "version": 1, "speed": 3}')
    with pytest.raises(qmlir.Error, match="bad.json: speed: unknown key"):
        qmodel.compile(target=str(bad))
    with pytest.raises(qmlir.Error, match="unknown target 'npu9'.*int8"):
        qmodel.compile(target="npu9")
    with pytest.raises(qmlir.Error, match="missing.json: no such file"):
        qmodel.compile(target=str(tmp_path / "missing.json"))
    with pytest.raises(qmlir.Error, match="is a float model"):
        model.compile(target="int8")
    with pytest.raises(qmlir.Error, match="already quantized"):
        qmodel.compile(target="int8", samples=calib)
    with pytest.raises(qmlir.Error, match="no npu.segment ops"):
        qmodel.compile()
    with pytest.raises(qmlir.Error, match="gone.qart: no such file"):
        qmlir.load(str(tmp_path / "gone.qart"))
    data = art.to_bytes()
    corrupt = tmp_path / "corrupt.qart"
    corrupt.write_bytes(data[:len(data) // 2])
    with pytest.raises(qmlir.Error, match="corrupt.qart: corrupt or truncated"):
        qmlir.load(str(corrupt))
    short = tmp_path / "short.qart"
    short.write_bytes(data[:5])
    with pytest.raises(qmlir.Error, match="short.qart: truncated"):
        qmlir.load(str(short))
    with pytest.raises(qmlir.Error, match="must be float32"):
        art.predict(calib[:8].astype(np.float64))
    with pytest.raises(qmlir.Error, match="must have shape"):
        art.predict(calib[:8, :, :14])


def test_per_axis_activations_run_on_the_accelerator(compiled, tmp_path):
    # Quantized without the target (per-axis activations, the default): the
    # int8 preset allows per-axis activations, so every layer runs on the
    # accelerator, bit-exact with the quantized model, also after a save
    # and load (artifact format 1.3: per-channel zero points and bounds).
    model, _, _, calib = compiled
    qmodel = qmlir.quantize(model, samples=calib)
    rows = qmodel.summary(target="int8", file=open(os.devnull, "w"))
    assert {r["device"] for r in rows} == {"npu 0"}
    art = qmodel.compile(target="int8")
    s = art.summary(file=open(os.devnull, "w"))
    assert s["totals"]["cpu_segments"] == 0
    assert s["totals"]["accelerator_segments"] == 1
    x = calib[:16]
    np.testing.assert_array_equal(art.predict(x), qmodel.predict(x))
    path = tmp_path / "pa.qart"
    art.save(path)
    again = qmlir.load(str(path))
    assert again.format_version == (1, 3)
    np.testing.assert_array_equal(again.predict(x), qmodel.predict(x))
    # A target with per-tensor activations only leaves the per-axis layers
    # on the CPU, between accelerator segments; still bit-exact.
    pt = os.path.join(SRC, "test", "Conversion", "QNNToNPU", "Inputs",
                      "per-tensor.json")
    mixed = qmodel.compile(target=pt)
    s = mixed.summary(file=open(os.devnull, "w"))
    assert s["totals"]["cpu_segments"] == 3
    np.testing.assert_array_equal(mixed.predict(x), qmodel.predict(x))
    # The CPU segments' layers are recorded in the file (format 1.3).
    cpu_layers = [r for r in s["layers"] if r["runs_on"] == "CPU"
                  and r["op"] != "compiled code"]
    assert "/1/BatchNormalization" in {r["layer"] for r in cpu_layers}
    assert {r["op"] for r in cpu_layers} >= {"qnn.conv2d", "qnn.relu"}
    conv = [r for r in cpu_layers if r["layer"] == "/1/BatchNormalization"]
    assert conv[0]["output_shape"] == (8, 28, 28, 16)

def test_every_method_with_a_target(compiled, tmp_path):
    # The target constrains the scheme before calibration (per-tensor
    # activations here, although QuantizationParams asks for per-axis), so
    # the histogram methods work with it; and qmlir.quantize runs the same
    # passes as qmlir-compile --method.
    model, _, _, calib = compiled
    x = calib[:8]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", qmlir.CompilerRemark)
        outs = {m: qmlir.quantize(model, samples=calib, method=m,
                                  target="edge-lowbit")
                for m in qmlir.CALIBRATION_METHODS}
    for m, qmodel in outs.items():
        assert qmodel.predict(x).shape == (8, 10), m
        assert qmlir.dump_config(qmodel)["defaults"]["power_of_two_scales"]
    np.save(tmp_path / "calib.npy", calib)
    np.save(tmp_path / "x.npy", x)
    bin_dir = os.path.join(BUILD, "bin")
    subprocess.run([os.path.join(bin_dir, "qmlir-compile"), MODEL,
                    "--samples", str(tmp_path / "calib.npy"), "--method",
                    "mse", "--target",
                    os.path.join(SRC, "targets", "edge-lowbit.json"), "-o",
                    str(tmp_path / "mse.qart")], check=True,
                   capture_output=True)
    subprocess.run([os.path.join(bin_dir, "qrun"), str(tmp_path / "mse.qart"),
                    "--input", str(tmp_path / "x.npy"), "--output",
                    str(tmp_path / "y.npy")], check=True, capture_output=True)
    np.testing.assert_array_equal(outs["mse"].predict(x),
                                  np.load(tmp_path / "y.npy"))
