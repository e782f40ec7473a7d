/*===- PowerDifference.c - an example qmlir custom-op plugin -----*- C -*-===*\
|*                                                                            *|
|* Implements the TF op PowerDifference(x, y) {pow: int} = (x - y)^pow for    *|
|* float32 tensors, y broadcasting over x's trailing dimensions (a scalar,  *|
|* a per-channel vector, or x's shape). Built by the tests as a shared      *|
|* library and loaded with --load-plugin. Registered twice: as the TF op   *|
|* and as the ONNX custom-domain op qmlir.test::PowerDifference.            *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "qmlir-c/CustomOp.h"

static int powerDifference(const QmlirTensor *inputs, int32_t numInputs,
                           QmlirTensor *outputs, int32_t numOutputs,
                           const QmlirAttr *attrs, int32_t numAttrs) {
  if (numInputs != 2 || numOutputs != 1)
    return 1;
  const QmlirTensor *x = &inputs[0], *y = &inputs[1];
  QmlirTensor *out = &outputs[0];
  if (x->dtype != QMLIR_DTYPE_F32 || y->dtype != QMLIR_DTYPE_F32 ||
      out->dtype != QMLIR_DTYPE_F32)
    return 2;
  int64_t n = qmlirNumElements(out), ny = qmlirNumElements(y);
  if (qmlirNumElements(x) != n || ny < 1 || n % ny != 0)
    return 3;
  const QmlirAttr *pow = qmlirFindAttr(attrs, numAttrs, "pow");
  if (!pow || pow->kind != QMLIR_ATTR_INT || pow->i < 0)
    return 4;
  const float *xs = (const float *)x->data, *ys = (const float *)y->data;
  float *o = (float *)out->data;
  for (int64_t i = 0; i < n; ++i) {
    float d = xs[i] - ys[i % ny];
    float p = 1.0f;
    for (int64_t k = 0; k < pow->i; ++k)
      p *= d;
    o[i] = p;
  }
  return 0;
}

QMLIR_PLUGIN_EXPORT int
qmlirRegisterCustomOps(const QmlirCustomOpRegistrar *registrar) {
  if (registrar->abiVersion != QMLIR_CUSTOM_OP_ABI_VERSION)
    return 1;
  /* The TF op, and the same op in an ONNX custom domain (the ONNX importer
     names custom-domain ops "domain::op_type"). */
  if (registrar->registerOp(registrar->context, "PowerDifference",
                            powerDifference))
    return 1;
  return registrar->registerOp(registrar->context,
                               "qmlir.test::PowerDifference", powerDifference);
}
