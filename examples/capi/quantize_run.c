/*===- quantize_run.c - qmlir's C API end to end --------------------------===*\
|*                                                                            *|
|* Loads a float model, quantizes it to int8 on calibration samples, compiles *|
|* it for the host and runs it on the first images of a float32 .npy file,    *|
|* printing each image's logits and top-1 class.                              *|
|*                                                                            *|
|*   qmlir-capi-example model.onnx calib.npy images.npy N [config.json        *|
|*                      [pipeline]]                                           *|
|*                                                                            *|
|* A pass pipeline, when given, runs on the quantized model before it is      *|
|* compiled (e.g. "builtin.module(qnn-export-tosa)": lowering for a target).  *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#include "qmlir-c/QMLIR.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static MlirStringRef str(const char *s) {
  return mlirStringRefCreate(s, strlen(s));
}

/// Appends printed IR to a growing string.
typedef struct Text {
  char *data;
  size_t size;
} Text;

static void appendText(MlirStringRef piece, void *userData) {
  Text *text = (Text *)userData;
  text->data = realloc(text->data, text->size + piece.length + 1);
  memcpy(text->data + text->size, piece.data, piece.length);
  text->size += piece.length;
  text->data[text->size] = '\0';
}

static int failWith(QmlirContext ctx, const char *what) {
  MlirStringRef e = qmlirContextGetLastError(ctx);
  fprintf(stderr, "error: %s: %.*s\n", what, (int)e.length, e.data);
  return 1;
}

/// Reads a little-endian float32 .npy file (version 1 or 2 header); returns
/// the data and its element count, or NULL.
static float *readNpy(const char *path, long *count) {
  FILE *f = fopen(path, "rb");
  if (!f)
    return NULL;
  unsigned char pre[12];
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre + 1, "NUMPY", 5) != 0) {
    fclose(f);
    return NULL;
  }
  long headerLen = pre[8] | (pre[9] << 8);
  if (pre[6] >= 2) {
    if (fread(pre + 10, 1, 2, f) != 2) {
      fclose(f);
      return NULL;
    }
    headerLen |= ((long)pre[10] << 16) | ((long)pre[11] << 24);
  }
  char *header = malloc(headerLen + 1);
  if (fread(header, 1, headerLen, f) != (size_t)headerLen ||
      !strstr(header, "'<f4'")) {
    free(header);
    fclose(f);
    return NULL;
  }
  free(header);
  long start = ftell(f);
  fseek(f, 0, SEEK_END);
  *count = (ftell(f) - start) / (long)sizeof(float);
  fseek(f, start, SEEK_SET);
  float *data = malloc(*count * sizeof(float));
  if (fread(data, sizeof(float), *count, f) != (size_t)*count) {
    free(data);
    data = NULL;
  }
  fclose(f);
  return data;
}

int main(int argc, char **argv) {
  if (argc < 5) {
    fprintf(stderr, "usage: %s model calib.npy images.npy N [config.json]\n",
            argv[0]);
    return 2;
  }
  // This program runs models and nothing else: keep freed model buffers in
  // the heap (the library does not change malloc settings on its own).
  qmlirKeepFreedMemoryForModels();
  QmlirContext ctx = qmlirContextCreate();
  int status = 1;
  QmlirModel model = qmlirModelLoad(ctx, str(argv[1]), 1);
  if (qmlirModelIsNull(model)) {
    status = failWith(ctx, "load");
    goto done;
  }
  if (mlirLogicalResultIsFailure(qmlirModelQuantize(
          model, str(argv[2]), str(argc > 5 ? argv[5] : "")))) {
    status = failWith(ctx, "quantize");
    goto done;
  }
  if (argc > 6) {
    if (mlirLogicalResultIsFailure(
            qmlirModelRunPassPipeline(model, str(argv[6])))) {
      status = failWith(ctx, "pipeline");
      goto done;
    }
    Text text = {NULL, 0};
    qmlirModelPrint(model, false, appendText, &text);
    printf("after the pipeline: %s qnn.conv2d, %s tosa.conv2d\n",
           strstr(text.data, "qnn.conv2d") ? "some" : "no",
           strstr(text.data, "tosa.conv2d") ? "some" : "no");
    free(text.data);
  }
  if (qmlirModelGetNumInputs(model) != 1 ||
      qmlirModelGetNumOutputs(model) != 1) {
    status = failWith(ctx, "compile");
    goto done;
  }
  QmlirTensorSpec in, out;
  qmlirModelGetInput(model, 0, &in);
  qmlirModelGetOutput(model, 0, &out);
  long inSize = 1, outSize = 1;
  for (intptr_t d = 0; d < in.rank; ++d)
    inSize *= in.shape[d];
  for (intptr_t d = 0; d < out.rank; ++d)
    outSize *= out.shape[d];
  printf("input '%.*s' f32[%ld], output '%.*s' f32[%ld]\n", (int)in.name.length,
         in.name.data, inSize, (int)out.name.length, out.name.data, outSize);
  if (in.elementType != QmlirElementTypeF32 ||
      out.elementType != QmlirElementTypeF32) {
    fprintf(stderr, "error: expected a float32 input and output\n");
    goto done;
  }

  long count = 0;
  float *images = readNpy(argv[3], &count);
  if (!images) {
    fprintf(stderr, "error: %s: not a float32 .npy file\n", argv[3]);
    goto done;
  }
  long n = atol(argv[4]);
  if (n * inSize > count)
    n = count / inSize;
  float *logits = malloc(outSize * sizeof(float));
  for (long i = 0; i < n; ++i) {
    const void *inputs[] = {images + i * inSize};
    void *outputs[] = {logits};
    if (mlirLogicalResultIsFailure(
            qmlirModelRun(model, 1, inputs, 1, outputs))) {
      status = failWith(ctx, "run");
      free(logits);
      free(images);
      goto done;
    }
    long best = 0;
    printf("image %ld:", i);
    for (long k = 0; k < outSize; ++k) {
      printf(" %.9g", logits[k]);
      if (logits[k] > logits[best])
        best = k;
    }
    printf(" top-1 %ld\n", best);
  }
  free(logits);
  free(images);
  status = 0;

done:
  if (!qmlirModelIsNull(model))
    qmlirModelDestroy(model);
  qmlirContextDestroy(ctx);
  return status;
}
