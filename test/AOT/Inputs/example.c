/* An example user of a library compiled by qmlir-compile (docs/AOT.md):
 *
 *   example <prefix>
 *
 * fills every input of the model with deterministic pseudo-random values,
 * runs the model on caller-owned buffers, and writes input i and output i
 * as <prefix>.in<i>.npy and <prefix>.out<i>.npy, so that a test can run the
 * same inputs through qrun and compare. It uses only the ABI of model.h:
 * the tensor descriptions, init, run, error and free. */

#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345u;
static uint32_t next(void) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

static const char *descr(int32_t dtype) {
  switch (dtype) {
  case QMLIR_F32: return "<f4";
  case QMLIR_F64: return "<f8";
  case QMLIR_I8: return "|i1";
  case QMLIR_U8: return "|u1";
  case QMLIR_I16: return "<i2";
  case QMLIR_I32: return "<i4";
  case QMLIR_I64: return "<i8";
  case QMLIR_BOOL: return "|b1";
  }
  return "?";
}

/* Random values for a model input: floats in [0, 1), integers over their
 * 8-bit range (booleans 0 or 1). */
static void fill(const qmlir_tensor_info *info, void *data) {
  int64_t n = info->num_bytes;
  switch (info->dtype) {
  case QMLIR_F32:
    for (int64_t i = 0; i < n / 4; ++i)
      ((float *)data)[i] = (float)(next() % 65536) / 65536.0f;
    return;
  case QMLIR_F64:
    for (int64_t i = 0; i < n / 8; ++i)
      ((double *)data)[i] = (double)(next() % 65536) / 65536.0;
    return;
  default:
    for (int64_t i = 0; i < n; ++i)
      ((uint8_t *)data)[i] = (uint8_t)next();
    if (info->dtype == QMLIR_BOOL)
      for (int64_t i = 0; i < n; ++i)
        ((uint8_t *)data)[i] &= 1;
    return;
  }
}

/* Writes a buffer as a .npy file (format version 1.0). */
static int write_npy(const char *path, const qmlir_tensor_info *info,
                     const void *data) {
  char header[256], shape[160] = "";
  for (int32_t d = 0; d < info->rank; ++d) {
    char dim[32];
    snprintf(dim, sizeof dim, "%lld,%s", (long long)info->shape[d],
             d + 1 < info->rank ? " " : "");
    strcat(shape, dim);
  }
  int len = snprintf(header, sizeof header,
                     "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }",
                     descr(info->dtype), shape);
  int pad = (64 - (10 + len + 1) % 64) % 64;
  uint16_t headerLen = (uint16_t)(len + pad + 1);
  FILE *f = fopen(path, "wb");
  if (!f)
    return 1;
  fwrite("\x93NUMPY\x01\x00", 1, 8, f);
  fputc(headerLen & 0xff, f);
  fputc(headerLen >> 8, f);
  fwrite(header, 1, len, f);
  for (int i = 0; i < pad; ++i)
    fputc(' ', f);
  fputc('\n', f);
  fwrite(data, 1, info->num_bytes, f);
  return fclose(f) != 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s <output prefix>\n", argv[0]);
    return 2;
  }
  int32_t numInputs, numOutputs;
  const qmlir_tensor_info *in = model_inputs(&numInputs);
  const qmlir_tensor_info *out = model_outputs(&numOutputs);
  if (numInputs != MODEL_NUM_INPUTS || numOutputs != MODEL_NUM_OUTPUTS) {
    fprintf(stderr, "header and library disagree\n");
    return 1;
  }
  void *inputs[MODEL_NUM_INPUTS], *outputs[MODEL_NUM_OUTPUTS];
  for (int32_t i = 0; i < numInputs; ++i) {
    inputs[i] = malloc(in[i].num_bytes);
    fill(&in[i], inputs[i]);
  }
  for (int32_t i = 0; i < numOutputs; ++i)
    outputs[i] = malloc(out[i].num_bytes);

  model_ctx *ctx = model_init();
  if (!ctx)
    return 1;
  /* A bad call fails with a message and leaves the context usable. */
  if (model_run(ctx, (const void *const *)inputs, NULL) == 0) {
    fprintf(stderr, "a NULL outputs array was accepted\n");
    return 1;
  }
  printf("error: %s\n", model_error(ctx));
  if (model_run(ctx, (const void *const *)inputs, outputs) != 0) {
    fprintf(stderr, "run failed: %s\n", model_error(ctx));
    return 1;
  }
  printf("ran: error '%s'\n", model_error(ctx));
  model_free(ctx);

  char path[4096];
  for (int32_t i = 0; i < numInputs; ++i) {
    snprintf(path, sizeof path, "%s.in%d.npy", argv[1], (int)i);
    if (write_npy(path, &in[i], inputs[i]))
      return 1;
    printf("input %d '%s': %lld bytes\n", (int)i, in[i].name,
           (long long)in[i].num_bytes);
  }
  for (int32_t i = 0; i < numOutputs; ++i) {
    snprintf(path, sizeof path, "%s.out%d.npy", argv[1], (int)i);
    if (write_npy(path, &out[i], outputs[i]))
      return 1;
    printf("output %d '%s': %lld bytes\n", (int)i, out[i].name,
           (long long)out[i].num_bytes);
  }
  for (int32_t i = 0; i < numInputs; ++i)
    free(inputs[i]);
  for (int32_t i = 0; i < numOutputs; ++i)
    free(outputs[i]);
  return 0;
}
