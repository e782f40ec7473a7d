//===- Allocator.cpp - malloc settings for running compiled models --------===//

#include "qmlir/Runtime/Allocator.h"

#include <cstdlib>
#include <cstring>
#ifdef __GLIBC__
#include <malloc.h>
#endif

bool qmlir::keepFreedMemoryForModels() {
  const char *env = std::getenv("QMLIR_KEEP_FREED_MEMORY");
  if (env && std::strcmp(env, "0") == 0)
    return false;
#ifdef __GLIBC__
  // mallopt returns 1 on success.
  bool ok = mallopt(M_MMAP_MAX, 0) == 1;
  ok &= mallopt(M_TRIM_THRESHOLD, -1) == 1;
  return ok;
#else
  return false;
#endif
}
