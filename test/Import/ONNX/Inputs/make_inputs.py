#!/usr/bin/env python3
"""Writes the binary ONNX inputs of the importer's lit tests (run from here):

    /usr/bin/python3 make_inputs.py

  small-cnn.onnx      a Conv/BN/Relu/GlobalAveragePool/Flatten/Gemm model with
                      named nodes, dotted value names, raw_data weights and a
                      symbolic batch dim, as PyTorch exports them
  external-data.onnx  a model whose initializer lives in an external file

Deterministic: same bytes on every run with the same onnx version.
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def small_cnn():
    conv_w = (np.arange(4 * 2 * 3 * 3, dtype=np.float32) / 72.0 - 0.5)
    conv_w = conv_w.reshape(4, 2, 3, 3)
    inits = [
        numpy_helper.from_array(conv_w, "conv1.weight"),
        numpy_helper.from_array(
            np.array([0.1, -0.1, 0.2, -0.2], np.float32), "conv1.bias"),
        numpy_helper.from_array(np.ones(4, np.float32), "bn1.weight"),
        numpy_helper.from_array(np.zeros(4, np.float32), "bn1.bias"),
        numpy_helper.from_array(
            np.array([0.0, 0.5, 1.0, 1.5], np.float32), "bn1.running_mean"),
        numpy_helper.from_array(
            np.array([1.0, 2.0, 3.0, 4.0], np.float32), "bn1.running_var"),
        numpy_helper.from_array(
            np.arange(3 * 4, dtype=np.float32).reshape(3, 4) / 12.0,
            "fc.weight"),
        numpy_helper.from_array(np.array([1.0, 2.0, 3.0], np.float32),
                                "fc.bias"),
    ]
    nodes = [
        helper.make_node("Conv", ["input.1", "conv1.weight", "conv1.bias"],
                         ["/conv1/Conv_output_0"], name="/conv1/Conv",
                         pads=[1, 1, 1, 1]),
        helper.make_node("BatchNormalization",
                         ["/conv1/Conv_output_0", "bn1.weight", "bn1.bias",
                          "bn1.running_mean", "bn1.running_var"],
                         ["/bn1/BatchNormalization_output_0"],
                         name="/bn1/BatchNormalization", epsilon=1e-5),
        helper.make_node("Relu", ["/bn1/BatchNormalization_output_0"],
                         ["/relu/Relu_output_0"], name="/relu/Relu"),
        helper.make_node("GlobalAveragePool", ["/relu/Relu_output_0"],
                         ["/pool/GlobalAveragePool_output_0"],
                         name="/pool/GlobalAveragePool"),
        helper.make_node("Flatten", ["/pool/GlobalAveragePool_output_0"],
                         ["/flatten/Flatten_output_0"], name="/flatten/Flatten",
                         axis=1),
        helper.make_node("Gemm", ["/flatten/Flatten_output_0", "fc.weight",
                                  "fc.bias"], ["logits"], name="/fc/Gemm",
                         alpha=1.0, beta=1.0, transB=1),
    ]
    graph = helper.make_graph(
        nodes, "small_cnn",
        [helper.make_tensor_value_info("input.1", TensorProto.FLOAT,
                                       ["batch", 2, 5, 5])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", 3])],
        inits)
    model = helper.make_model(graph, producer_name="make_inputs.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def external_data():
    weight = helper.make_tensor("weight", TensorProto.FLOAT, [2], [0.0, 0.0])
    weight.ClearField("float_data")
    weight.data_location = TensorProto.EXTERNAL
    entry = weight.external_data.add()
    entry.key = "location"
    entry.value = "weight.bin"
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "weight"], ["y"], name="add")],
        "external_data",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])],
        [weight])
    model = helper.make_model(graph, producer_name="make_inputs.py",
                              opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return model


if __name__ == "__main__":
    for name, model in [("small-cnn.onnx", small_cnn()),
                        ("external-data.onnx", external_data())]:
        with open(name, "wb") as f:
            f.write(model.SerializeToString())
