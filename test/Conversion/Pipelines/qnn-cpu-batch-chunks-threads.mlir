// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks="max-bytes=2000 threads=2" | FileCheck %s --check-prefix=T2
// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks="max-bytes=2000 threads=3" | FileCheck %s --check-prefix=T3
// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks="max-bytes=2000 threads=0" | FileCheck %s --check-prefix=T0
// RUN: qopt %s --split-input-file --qnn-cpu-batch-chunks="max-bytes=2000" | FileCheck %s --check-prefix=T1
// RUN: not qopt %s --split-input-file --qnn-cpu-batch-chunks="threads=-2" 2>&1 | FileCheck %s --check-prefix=BAD

// 8 samples of 800 bytes: chunks of 2 fit 2000 bytes. 4 chunks divide
// evenly among 2 threads: the loop is marked for parallel chunks. For 3
// threads no divisor of 8 gives a multiple of 3 chunks: the chunks stay
// 2 samples, 4 chunks, fewer than 4 per thread and uneven (2, 1, 1), so
// the loop is not marked (the kernels inside share their work instead).
// With an unknown team (threads=0), 4 chunks are too few to mark; with
// one thread nothing is marked.
// T2-LABEL: func.func @relu
// T2: scf.for {{.*}} step %c2
// T2: } {qnn.parallel_batch}
// T3-LABEL: func.func @relu
// T3: scf.for {{.*}} step %c2
// T3-NOT: qnn.parallel_batch
// T0-LABEL: func.func @relu
// T0-NOT: qnn.parallel_batch
// T1-LABEL: func.func @relu
// T1: scf.for {{.*}} step %c2
// T1-NOT: qnn.parallel_batch
// BAD: qnn-cpu-batch-chunks: threads must be >= 0, got -2
func.func @relu(%x: tensor<8x100xf32>) -> tensor<8x100xf32> {
  %0 = qnn.relu %x : tensor<8x100xf32>
  return %0 : tensor<8x100xf32>
}

// -----

// 6 samples of 80 bytes: the whole batch fits, which leaves one thread
// idle; with 2 threads the chunks are 3 samples, one per thread, with 3
// threads 2 samples.
// T2-LABEL: func.func @fits
// T2: scf.for {{.*}} step %c3
// T2: } {qnn.parallel_batch}
// T3-LABEL: func.func @fits
// T3: scf.for {{.*}} step %c2
// T3: } {qnn.parallel_batch}
// T1-LABEL: func.func @fits
// T1-NOT: scf.for
func.func @fits(%x: tensor<6x10xf32>) -> tensor<6x10xf32> {
  %0 = qnn.relu %x : tensor<6x10xf32>
  return %0 : tensor<6x10xf32>
}
