//===- BufferPool.h - a compiled model's temporary buffers -----*- C++ -*-===//
//
// A JIT-compiled model allocates its intermediate buffers (memref.alloc,
// lowered to a malloc call) and frees them within every call. In a process
// that has just run LLVM, glibc's heap is fragmented by the compiler's own
// allocations, and malloc took 1.7-6.3 % of resnet18's run time (0.4 % for
// the same model as an AOT library; docs/performance.md). Each call
// allocates the same sizes in the same order, so a free list per block size
// serves every call after the first without searching: JITModule binds the
// compiled code's malloc/free to one BufferPool per model (JIT.cpp), and the
// pool returns its memory to the system when the model is destroyed.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_RUNTIME_BUFFERPOOL_H
#define QMLIR_RUNTIME_BUFFERPOOL_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <cstddef>
#include <cstdint>
#include <mutex>

namespace qmlir {

/// Counters of a BufferPool.
struct BufferPoolStats {
  /// allocate() calls, and how many of them a freed block served.
  uint64_t allocations = 0;
  uint64_t reused = 0;
  /// Bytes handed out and not yet freed, now and at most.
  uint64_t liveBytes = 0;
  uint64_t peakLiveBytes = 0;
  /// Bytes the pool holds from the system (live and free blocks, headers
  /// included); all of it is released when the pool is destroyed.
  uint64_t heldBytes = 0;
};

/// Exact-size free lists of 64-byte aligned blocks. Thread-safe: the
/// compiled code may allocate in OpenMP worker threads, and one model may
/// be called from several threads at once.
class BufferPool {
public:
  /// Blocks are aligned to this (a cache line, an AVX-512 vector; malloc
  /// guarantees 16), and sizes are rounded up to it.
  static constexpr size_t kAlignment = 64;

  BufferPool() = default;
  BufferPool(const BufferPool &) = delete;
  BufferPool &operator=(const BufferPool &) = delete;
  /// Releases every block. Blocks still live are released as well: the
  /// compiled code frees all of its buffers before it returns.
  ~BufferPool();

  /// A block of at least `size` bytes, or nullptr when the system has no
  /// memory (like malloc; `size` 0 gives a valid block).
  void *allocate(size_t size);
  /// Returns a block of this pool for reuse; nullptr is ignored.
  void deallocate(void *block);

  BufferPoolStats stats() const;

private:
  struct Header;
  mutable std::mutex mutex;
  /// Free blocks by rounded size.
  llvm::DenseMap<size_t, llvm::SmallVector<void *, 2>> freeBlocks;
  /// Every block obtained from the system (for the destructor).
  llvm::SmallVector<void *, 0> systemBlocks;
  BufferPoolStats counters;
};

} // namespace qmlir

/// The functions JIT-compiled code calls for its buffers (bound to the
/// module by JITModule::compile, with the model's pool as `pool`).
extern "C" void *qmlirBufferPoolAlloc(qmlir::BufferPool *pool, uint64_t size);
extern "C" void qmlirBufferPoolFree(qmlir::BufferPool *pool, void *block);

#endif // QMLIR_RUNTIME_BUFFERPOOL_H
