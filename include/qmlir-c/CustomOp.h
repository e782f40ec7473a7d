/*===- CustomOp.h - plugin ABI for user-defined ops --------------*- C -*-===*\
|*                                                                            *|
|* A plugin is a shared library that implements ops the importers do not     *|
|* know (they import as qnn.custom). It includes only this header and        *|
|* exports one function:                                                     *|
|*                                                                            *|
|*   int qmlirRegisterCustomOps(const QmlirCustomOpRegistrar *registrar);    *|
|*                                                                            *|
|* which calls registrar->registerOp once per op. qrun and qopt load plugins *|
|* with --load-plugin lib.so; C++ hosts call qmlir::loadCustomOpPlugin.       *|
|* docs/Import.md has a complete example.                                    *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef QMLIR_C_CUSTOMOP_H
#define QMLIR_C_CUSTOMOP_H

#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Bumped on every incompatible change of the structures below. */
#define QMLIR_CUSTOM_OP_ABI_VERSION 1

/** The name of the registration function every plugin exports. */
#define QMLIR_CUSTOM_OP_REGISTER_SYMBOL "qmlirRegisterCustomOps"

/** Element types of the tensors passed to an implementation. */
typedef enum QmlirDType {
  QMLIR_DTYPE_F32 = 0,
  QMLIR_DTYPE_F64 = 1,
  QMLIR_DTYPE_I1 = 2, /* one byte per element, 0 or 1 */
  QMLIR_DTYPE_I8 = 3,
  QMLIR_DTYPE_I16 = 4,
  QMLIR_DTYPE_I32 = 5,
  QMLIR_DTYPE_I64 = 6
} QmlirDType;

/** A dense, row-major, contiguous tensor. Input data is read-only; output
 *  buffers are allocated by the caller with the shapes the model gives the
 *  op's results and must be filled by the implementation. */
typedef struct QmlirTensor {
  void *data;
  int32_t dtype; /* QmlirDType */
  int32_t rank;
  const int64_t *shape; /* rank entries */
} QmlirTensor;

typedef enum QmlirAttrKind {
  QMLIR_ATTR_INT = 0,    /* integers and booleans (0/1): `i` */
  QMLIR_ATTR_FLOAT = 1,  /* `f` */
  QMLIR_ATTR_STRING = 2, /* strings and types ("f32"): `s`, `size` bytes */
  QMLIR_ATTR_INTS = 3,   /* `ints`, `size` values */
  QMLIR_ATTR_FLOATS = 4  /* `floats`, `size` values */
} QmlirAttrKind;

/** One attribute of the op's node, e.g. TF's `pow: 3`. Pointers are valid
 *  for the duration of the call. */
typedef struct QmlirAttr {
  const char *name;
  int32_t kind; /* QmlirAttrKind */
  int64_t i;
  double f;
  const char *s; /* NUL-terminated */
  int64_t size;
  const int64_t *ints;
  const double *floats;
} QmlirAttr;

/** An op implementation. Returns 0 on success; any other value fails the
 *  run with an error naming the node, the op and the value. */
typedef int (*QmlirCustomOpFn)(const QmlirTensor *inputs, int32_t numInputs,
                               QmlirTensor *outputs, int32_t numOutputs,
                               const QmlirAttr *attrs, int32_t numAttrs);

/** What the host hands to qmlirRegisterCustomOps. */
typedef struct QmlirCustomOpRegistrar {
  uint32_t abiVersion; /* QMLIR_CUSTOM_OP_ABI_VERSION of the host */
  void *context;
  /** Registers `fn` for the op named `opName` (the model's op type, e.g.
   *  "PowerDifference", or "domain::OpType" for ONNX custom domains).
   *  Returns 0 on success, non-zero when the name is taken. */
  int (*registerOp)(void *context, const char *opName, QmlirCustomOpFn fn);
} QmlirCustomOpRegistrar;

/** The signature of the exported registration function; non-zero fails the
 *  plugin load. */
typedef int (*QmlirRegisterCustomOpsFn)(const QmlirCustomOpRegistrar *);

/** The attribute named `name`, or NULL. */
static inline const QmlirAttr *qmlirFindAttr(const QmlirAttr *attrs,
                                             int32_t numAttrs,
                                             const char *name) {
  for (int32_t i = 0; i < numAttrs; ++i)
    if (strcmp(attrs[i].name, name) == 0)
      return &attrs[i];
  return 0;
}

/** The number of elements of a tensor. */
static inline int64_t qmlirNumElements(const QmlirTensor *t) {
  int64_t n = 1;
  for (int32_t i = 0; i < t->rank; ++i)
    n *= t->shape[i];
  return n;
}

#ifdef __cplusplus
}
#endif

#if defined(_WIN32)
#define QMLIR_PLUGIN_EXPORT __declspec(dllexport)
#else
#define QMLIR_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#endif /* QMLIR_C_CUSTOMOP_H */
