//===- Allocator.h - malloc settings for running models ---------*- C++ -*-===//
//
// Compiled models allocate and free their intermediate buffers (megabytes at
// batch 100, hundreds of megabytes for image networks at batch 100) on every
// call. glibc's default serves such sizes with mmap and returns them to the
// OS when freed, so every call page-faults and zeroes them again, which took
// longer than the kernels themselves (docs/performance.md). (JIT-compiled
// code now takes its buffers from a pool of its own, BufferPool.h; this
// setting still serves AOT libraries and the runtime's own tensors.)
// Programs that run
// models call keepFreedMemoryForModels() once, at start-up: qrun, and the
// Python module when it is imported. Libraries (the C API, the AOT
// libraries) do not call it on their own: it changes the allocator of the
// whole process (docs/AOT.md).
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_ALLOCATOR_H
#define QMLIR_RUNTIME_ALLOCATOR_H

namespace qmlir {

/// Tells glibc's malloc to keep freed memory in the heap for reuse: no mmap
/// for large blocks (M_MMAP_MAX = 0; M_MMAP_THRESHOLD cannot exceed 32 MiB,
/// below the buffers of image networks at batch 100) and no trimming of the
/// heap (M_TRIM_THRESHOLD = -1). The process keeps its peak heap size until
/// it exits. Does nothing when the environment variable
/// QMLIR_KEEP_FREED_MEMORY is "0", or without glibc. Returns whether the
/// settings were applied.
bool keepFreedMemoryForModels();

} // namespace qmlir

#endif // QMLIR_RUNTIME_ALLOCATOR_H
