//===- fuzz-import-onnx.cpp - fuzz the ONNX importer: binary models -------===//
//
// Byte mutations of a protobuf rarely survive the parser, so half of the
// mutations are structure-aware (LLVMFuzzerCustomMutator): the input is
// parsed as a ModelProto, one field that the importer interprets is changed
// (a dimension, an element type, an attribute value, a node's op type or
// input name, an initializer's dims or data, the opset) and the model is
// serialized again.
//
//===----------------------------------------------------------------------===//

#include "FuzzCommon.h"
#include "qmlir/Import/ONNX/ONNXImporter.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

extern "C" size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t maxSize);

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext &ctx = qmlir::fuzz::context(nullptr);
  qmlir::ONNXImportOptions options;
  mlir::OwningOpRef<mlir::ModuleOp> module = qmlir::importONNXString(
      qmlir::fuzz::bytes(data, size), "fuzz.onnx", ctx, options);
  return 0;
}

namespace {
/// One structure-aware change to `model`.
struct ModelMutator {
  onnx::ModelProto &model;
  std::mt19937_64 rng;

  template <typename T> T pick(std::initializer_list<T> values) {
    return values.begin()[rng() % values.size()];
  }
  size_t below(size_t n) { return n ? rng() % n : 0; }

  int64_t dim(int64_t old) {
    // Wrapping arithmetic: the mutator itself must not overflow.
    auto wrap = [](uint64_t v) { return static_cast<int64_t>(v); };
    uint64_t u = static_cast<uint64_t>(old);
    return pick<int64_t>({0, 1, 2, 3, -1, wrap(u + 1), wrap(u - 1), wrap(u * 2),
                          int64_t(1) << 20, int64_t(1) << 40,
                          std::numeric_limits<int64_t>::max()});
  }
  int32_t dataType() { return static_cast<int32_t>(below(22)); }

  void mutateType(onnx::TypeProto *type) {
    if (!type->has_tensor_type())
      return;
    onnx::TypeProto_Tensor *t = type->mutable_tensor_type();
    if (below(3) == 0) {
      t->set_elem_type(dataType());
      return;
    }
    onnx::TensorShapeProto *shape = t->mutable_shape();
    if (shape->dim_size() == 0 || below(4) == 0) {
      shape->add_dim()->set_dim_value(dim(1));
      return;
    }
    auto *d = shape->mutable_dim(below(shape->dim_size()));
    if (below(5) == 0)
      d->set_dim_param("N");
    else
      d->set_dim_value(dim(d->dim_value()));
  }

  void mutateTensor(onnx::TensorProto *t) {
    switch (below(4)) {
    case 0:
      if (t->dims_size())
        t->set_dims(below(t->dims_size()), dim(t->dims(0)));
      else
        t->add_dims(dim(1));
      break;
    case 1:
      t->set_data_type(dataType());
      break;
    case 2:
      if (t->has_raw_data())
        t->mutable_raw_data()->resize(below(t->raw_data().size() + 8));
      else
        t->add_float_data(1.0f);
      break;
    default:
      t->clear_dims();
      break;
    }
  }

  void mutateAttribute(onnx::AttributeProto *a) {
    switch (a->type()) {
    case onnx::AttributeProto::INT:
      a->set_i(dim(a->i()));
      break;
    case onnx::AttributeProto::INTS:
      if (a->ints_size() && below(4))
        a->set_ints(below(a->ints_size()), dim(a->ints(0)));
      else
        a->add_ints(dim(1));
      break;
    case onnx::AttributeProto::FLOAT:
      a->set_f(pick<float>({0.0f, -1.0f, 1e30f, a->f() * 2, NAN}));
      break;
    case onnx::AttributeProto::TENSOR:
      mutateTensor(a->mutable_t());
      break;
    case onnx::AttributeProto::STRING:
      a->set_s(pick<const char *>({"", "NOTSET", "SAME_UPPER", "nearest",
                                   "linear", "half_pixel", "DCR"}));
      break;
    default:
      a->set_type(pick({onnx::AttributeProto::INT, onnx::AttributeProto::INTS,
                        onnx::AttributeProto::FLOAT}));
    }
  }

  void mutateNode(onnx::NodeProto *n, onnx::GraphProto &g) {
    switch (below(5)) {
    case 0: {
      const onnx::NodeProto &other = g.node(below(g.node_size()));
      n->set_op_type(below(4) ? other.op_type()
                              : pick<const char *>({"Conv", "Gemm", "Reshape",
                                                    "Resize", "Pad", "Slice",
                                                    "QLinearConv", "Gather"}));
      break;
    }
    case 1:
      if (n->attribute_size()) {
        mutateAttribute(n->mutable_attribute(below(n->attribute_size())));
        break;
      }
      [[fallthrough]];
    case 2:
      if (n->input_size()) {
        const onnx::NodeProto &other = g.node(below(g.node_size()));
        std::string name = below(4) && other.output_size()
                               ? other.output(0)
                               : std::string(pick({"", "missing"}));
        n->set_input(below(n->input_size()), name);
        break;
      }
      [[fallthrough]];
    case 3:
      if (n->input_size())
        n->mutable_input()->RemoveLast();
      break;
    default:
      n->set_domain(pick<const char *>({"", "com.microsoft", "ai.onnx.ml"}));
    }
  }

  void mutate() {
    onnx::GraphProto &g = *model.mutable_graph();
    switch (below(6)) {
    case 0:
      if (g.input_size()) {
        mutateType(g.mutable_input(below(g.input_size()))->mutable_type());
        return;
      }
      break;
    case 1:
      if (g.output_size()) {
        mutateType(g.mutable_output(below(g.output_size()))->mutable_type());
        return;
      }
      break;
    case 2:
      if (g.initializer_size()) {
        mutateTensor(g.mutable_initializer(below(g.initializer_size())));
        return;
      }
      break;
    case 3:
      if (model.opset_import_size()) {
        model.mutable_opset_import(0)->set_version(
            static_cast<int64_t>(below(25)));
        return;
      }
      break;
    case 4:
      if (g.node_size() > 1) {
        g.mutable_node()->SwapElements(below(g.node_size()),
                                       below(g.node_size()));
        return;
      }
      break;
    }
    if (g.node_size())
      mutateNode(g.mutable_node(below(g.node_size())), g);
  }
};
} // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size,
                                          size_t maxSize, unsigned seed) {
  onnx::ModelProto model;
  if (seed % 2 == 0 ||
      !model.ParseFromArray(data, static_cast<int>(size)) ||
      !model.has_graph())
    return LLVMFuzzerMutate(data, size, maxSize);
  ModelMutator{model, std::mt19937_64(seed)}.mutate();
  std::string out;
  if (!model.SerializeToString(&out) || out.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
