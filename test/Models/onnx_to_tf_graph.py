"""Writes the bundled Fashion-MNIST CNN as a TensorFlow frozen graph.

There is no TensorFlow on the build machine, so this test helper builds the
GraphDef a Keras export of models/fashion_cnn.onnx would freeze to, with the
same trained weights, through the Python bindings of
lib/Import/TF/tf_graph.proto (TensorFlow's field numbers):

  Placeholder [-1, 28, 28, 1] (NHWC)
  Conv2D (HWIO) -> FusedBatchNormV3 -> Relu -> MaxPool
  DepthwiseConv2dNative ([H, W, C, 1]) -> FusedBatchNormV3 -> Relu
  Conv2D 1x1 -> FusedBatchNormV3 -> Relu6 -> AvgPool
  Conv2D -> BiasAdd -> FusedBatchNormV3 -> Relu
  Mean [1, 2] (keep_dims) -> Shape/StridedSlice/Pack/Reshape (Keras Flatten)
  MatMul -> BiasAdd -> Identity "logits"

Weights are stored as tensor_content (raw little-endian bytes), every node
has TF's usual attributes (T, data_format, ...) and the graph is written in
binary, as tf.io.write_graph(as_text=False) would.

    onnx_to_tf_graph.py models/fashion_cnn.onnx out.pb
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

import tf_graph_pb2 as tfp


def main(onnx_path, out_path):
    model = onnx.load(onnx_path)
    w = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
    graph = tfp.GraphDef()
    graph.versions.producer = 1087

    def node(name, op, inputs=(), **attrs):
        n = graph.node.add()
        n.name, n.op = name, op
        n.input.extend(inputs)
        for key, value in attrs.items():
            kind, v = value
            a = n.attr[key]
            if kind == "type":
                a.type = v
            elif kind == "s":
                a.s = v.encode()
            elif kind == "i":
                a.i = v
            elif kind == "f":
                a.f = v
            elif kind == "b":
                a.b = v
            elif kind == "ints":
                a.list.i.extend(v)
            elif kind == "shape":
                a.shape.dim.extend(tfp.TensorShapeProto.Dim(size=d) for d in v)
        return name

    def const(name, array, dtype=tfp.DT_FLOAT):
        array = np.asarray(array,
                                     np.float32 if dtype == tfp.DT_FLOAT
                           else np.int32, order="C")
        n = graph.node.add()
        n.name, n.op = name, "Const"
        n.attr["dtype"].type = dtype
        t = n.attr["value"].tensor
        t.dtype = dtype
        t.tensor_shape.dim.extend(
            tfp.TensorShapeProto.Dim(size=d) for d in array.shape)
        t.tensor_content = array.tobytes()
        return name

    T = ("type", tfp.DT_FLOAT)
    I32 = ("type", tfp.DT_INT32)
    nhwc = ("s", "NHWC")
    ones = ("ints", [1, 1, 1, 1])

    def conv(name, x, weight, depthwise=False):
        # OIHW -> HWIO; depthwise [C, 1, H, W] -> [H, W, C, 1].
        f = weight.transpose(2, 3, 0, 1) if depthwise else \
            weight.transpose(2, 3, 1, 0)
        k = f.shape[0]
        return node(name, "DepthwiseConv2dNative" if depthwise else "Conv2D",
                    [x, const(name + "/filter", f)], T=T, strides=ones,
                    dilations=ones, data_format=nhwc,
                    padding=("s", "SAME" if k > 1 else "VALID"))

    def batch_norm(name, x, prefix):
        params = [const("%s/%s" % (name, p), w[prefix + "." + q])
                  for p, q in [("gamma", "weight"), ("beta", "bias"),
                               ("moving_mean", "running_mean"),
                               ("moving_variance", "running_var")]]
        return node(name, "FusedBatchNormV3", [x] + params, T=T, U=T,
                    epsilon=("f", 1e-5), is_training=("b", False),
                    data_format=nhwc)

    x = node("input", "Placeholder", dtype=T, shape=("shape", [-1, 28, 28, 1]))
    y = conv("conv1/Conv2D", x, w["0.weight"])
    y = batch_norm("bn1/FusedBatchNormV3", y, "1")
    y = node("relu1", "Relu", [y], T=T)
    y = node("pool1", "MaxPool", [y], T=T, ksize=("ints", [1, 2, 2, 1]),
             strides=("ints", [1, 2, 2, 1]), padding=("s", "VALID"),
             data_format=nhwc)
    y = conv("dw/depthwise", y, w["4.weight"], depthwise=True)
    y = batch_norm("bn2/FusedBatchNormV3", y, "5")
    y = node("relu2", "Relu", [y], T=T)
    y = conv("pw/Conv2D", y, w["7.weight"])
    y = batch_norm("bn3/FusedBatchNormV3", y, "8")
    y = node("relu6", "Relu6", [y], T=T)
    y = node("pool2", "AvgPool", [y], T=T, ksize=("ints", [1, 2, 2, 1]),
             strides=("ints", [1, 2, 2, 1]), padding=("s", "VALID"),
             data_format=nhwc)
    y = conv("conv4/Conv2D", y, w["11.weight"])
    y = node("conv4/BiasAdd", "BiasAdd", [y, const("conv4/bias", w["11.bias"])],
             T=T, data_format=nhwc)
    y = batch_norm("bn4/FusedBatchNormV3", y, "12")
    y = node("relu4", "Relu", [y], T=T)
    y = node("gap/Mean", "Mean",
             [y, const("gap/axes", np.array([1, 2]), tfp.DT_INT32)], T=T,
             Tidx=I32, keep_dims=("b", True))
    # Keras Flatten: reshape to [batch, -1] with the batch read at run time.
    shape = node("flatten/Shape", "Shape", [y], T=T, out_type=I32)
    batch = node("flatten/strided_slice", "StridedSlice",
                 [shape, const("flatten/begin", np.array([0]), tfp.DT_INT32),
                  const("flatten/end", np.array([1]), tfp.DT_INT32),
                  const("flatten/stride", np.array([1]), tfp.DT_INT32)],
                 T=I32, Index=I32, shrink_axis_mask=("i", 1))
    rest = const("flatten/rest", np.array(-1), tfp.DT_INT32)
    target = node("flatten/shape", "Pack", [batch, rest], T=I32,
                  axis=("i", 0), N=("i", 2))
    y = node("flatten/Reshape", "Reshape", [y, target], T=T, Tshape=I32)
    y = node("dense/MatMul", "MatMul",
             [y, const("dense/kernel", w["16.weight"].T)], T=T,
             transpose_a=("b", False), transpose_b=("b", False))
    y = node("dense/BiasAdd", "BiasAdd", [y, const("dense/bias", w["16.bias"])],
             T=T, data_format=nhwc)
    node("logits", "Identity", [y], T=T)

    with open(out_path, "wb") as f:
        f.write(graph.SerializeToString())


if __name__ == "__main__":
    main(*sys.argv[1:])
