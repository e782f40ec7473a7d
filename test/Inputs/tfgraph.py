"""Reads the TensorFlow GraphDef test graphs (.pbtxt) for qmlir's RUN lines.

consts(path) returns every Const node's tensor as a NumPy array, so that a
RUN line computes its reference from the same weights the importer reads.
The bindings (tf_graph_pb2) are generated from lib/Import/TF/tf_graph.proto
at build time; lit puts both directories on PYTHONPATH.
"""
import numpy as np
from google.protobuf import text_format

import tf_graph_pb2 as tfp

_DTYPES = {
    tfp.DT_FLOAT: (np.float32, "float_val"),
    tfp.DT_INT32: (np.int32, "int_val"),
    tfp.DT_INT64: (np.int64, "int64_val"),
    tfp.DT_BOOL: (np.bool_, "bool_val"),
}


def load(path):
    graph = tfp.GraphDef()
    with open(path) as f:
        text_format.Parse(f.read(), graph, allow_unknown_field=True)
    return graph


def tensor(proto):
    """A TensorProto as an array (TF's rule: the last value fills the rest)."""
    dtype, field = _DTYPES[proto.dtype]
    shape = [d.size for d in proto.tensor_shape.dim]
    n = int(np.prod(shape))
    if proto.tensor_content:
        return np.frombuffer(proto.tensor_content, dtype=dtype).reshape(shape)
    values = list(getattr(proto, field))
    values += values[-1:] * (n - len(values)) if values else [0] * n
    return np.array(values, dtype=dtype).reshape(shape)


def consts(path):
    return {n.name: tensor(n.attr["value"].tensor)
            for n in load(path).node if n.op == "Const"}
