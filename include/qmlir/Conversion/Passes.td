//===- Passes.td - qmlir conversion passes -----------------*- tablegen -*-===//
//
// Passes that lower the qnn dialect towards executable code: qnn to TOSA, and
// the CPU bufferization step of the qnn-lower-to-llvm pipeline.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_CONVERSION_PASSES_TD
#define QMLIR_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQNNToTOSAPass : Pass<"convert-qnn-to-tosa", "mlir::func::FuncOp"> {
  let summary = "Lower float and quantized qnn ops to TOSA on integer storage";
  let description = [{
    Rewrites every qnn op to TOSA ops. Quantized tensors
    (`tensor<...x!quant.uniform<...>>`) become tensors of their storage
    integer type, including in the function signature; the scale and zero
    point move into constants: zero-point operands of `tosa.conv2d` /
    `tosa.matmul` / `tosa.avg_pool2d`, multiplier/shift operands of
    `tosa.rescale` (computed with `qmath::computeRescale`, SINGLE_ROUND,
    scale32), and clamp bounds for narrow storage ranges. The integer results
    equal the scalar reference in `qmlir/Quant/QuantMath.h` bit for bit (see
    `docs/Lowering.md`).

    An op that cannot be lowered (e.g. unsigned storage, per-axis activations
    of an elementwise op, different input and output scales of a quantized
    average pool) gets an error at its location and the pass fails.

    Before:

    ```mlir
    func.func @f(%x: tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>)
        -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>> {
      %0 = qnn.requantize %x : (tensor<1x4x!quant.uniform<i8:f32, 0.5:-3>>)
                            -> tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
      return %0 : tensor<1x4x!quant.uniform<i8:f32, 0.25:1>>
    }
    ```

    After:

    ```mlir
    func.func @f(%x: tensor<1x4xi8>) -> tensor<1x4xi8> {
      %m = "tosa.const"() <{values = dense<1073741824> : tensor<1xi32>}> ...
      %s = "tosa.const"() <{values = dense<29> : tensor<1xi8>}> ...
      %iz = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> ...
      %oz = "tosa.const"() <{values = dense<1> : tensor<1xi8>}> ...
      %0 = tosa.rescale %x, %m, %s, %iz, %oz {rounding_mode = SINGLE_ROUND,
             scale32 = true, per_channel = false, ...}
        : (tensor<1x4xi8>, ...) -> tensor<1x4xi8>
      return %0 : tensor<1x4xi8>
    }
    ```
  }];
  let dependentDialects = [
    "mlir::tosa::TosaDialect",
    "mlir::arith::ArithDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def CPUBufferizePass : Pass<"qnn-cpu-bufferize", "mlir::ModuleOp"> {
  let summary = "Bufferize a lowered qnn module for the CPU calling convention";
  let description = [{
    One-shot bufferization of the whole module with function boundaries and
    identity-layout memrefs, followed by turning every function result into
    an out-parameter (static result allocations are hoisted to the caller, so
    the callee writes straight into the caller's buffer). Arguments of public
    functions are marked read-only so that the caller's input buffers are
    never written, and every copy the two steps need is a `linalg.copy`, so
    that no runtime library (`memrefCopy`) is required. In between, `scf.for`
    results that only carry a buffer through unchanged (loops that wrote
    into a tensor they carried, like the CPU kernels) are folded to that
    buffer, so that a returned kernel result becomes the out-parameter
    rather than a copy into it.

    Before:

    ```mlir
    func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
      %0 = linalg.generic ... ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>)
      return %0 : tensor<4xf32>
    }
    ```

    After:

    ```mlir
    func.func @main(%x: memref<4xf32>, %out: memref<4xf32>) {
      linalg.generic ... ins(%x : memref<4xf32>) outs(%out : memref<4xf32>)
      return
    }
    ```
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect",
    "mlir::linalg::LinalgDialect",
    "mlir::memref::MemRefDialect",
  ];
}

def CPUBatchChunksPass : Pass<"qnn-cpu-batch-chunks", "mlir::ModuleOp"> {
  let summary = "Run a large batch as a loop over chunks that fit the caches";
  let description = [{
    For each public function whose arguments and results are float or
    integer tensors with the same batch `B` in dimension 0, and whose ops all
    compute each sample from the same sample of their inputs (a whitelist:
    convolutions, dense, poolings, elementwise ops with broadcasts that do
    not vary along the batch, quantize/dequantize/requantize, softmax and
    reductions not over dimension 0, reshapes and transposes that keep
    dimension 0, concatenations along other axes), the body becomes a loop
    over chunks of `C` samples, `C` the largest divisor of `B` for which `C`
    times the largest per-sample working set of one op (its batched
    operands and results, in bytes) is at most `max-bytes`: the ops that
    depend on the arguments are cloned into the loop at batch `C` (checked
    by their verifiers), read slices of the arguments and write slices of
    the results; constants stay before the loop. The function keeps its
    signature. Functions with other ops, or where `C == B`, are left
    unchanged; `max-bytes=0` turns the pass off. (The body is inlined in
    the loop rather than called: a call would copy the slices at the
    identity-layout function boundary.)

    At batch 100 every layer of an image network otherwise streams the
    whole batch's activations (hundreds of MB) through memory before the
    next layer starts; a chunk's stay in the caches.

    With `threads` ≠ 1 the chunks are also the unit of work of the threads:
    with a team of `threads` > 1, `C` is the largest such divisor for which
    the number of chunks `B / C` is a multiple of `threads` (so also when
    the whole batch would fit), if there is one, and the loop is marked
    `qnn.parallel_batch` when the chunks divide evenly among the threads or
    number at least four per thread (for `threads=0`, a team unknown at
    compile time: at least 8 chunks); `qnn-cpu-parallelize` then runs the
    chunks on the threads, each with its own buffers, and the layers inside
    sequentially: no synchronisation between layers, and each core keeps
    its chunk's activations in its own caches.

    Before (`max-bytes=2000`, 800 bytes per sample: the relu's operand and
    result):

    ```mlir
    func.func @main(%x: tensor<8x100xf32>) -> tensor<8x100xf32> {
      %0 = qnn.relu %x : tensor<8x100xf32>
      return %0 : tensor<8x100xf32>
    }
    ```

    After:

    ```mlir
    func.func @main(%x: tensor<8x100xf32>) -> tensor<8x100xf32> {
      %e = tensor.empty() : tensor<8x100xf32>
      %r = scf.for %i = %c0 to %c8 step %c2 iter_args(%acc = %e) ... {
        %s = tensor.extract_slice %x[%i, 0] [2, 100] [1, 1]
        %y = qnn.relu %s : tensor<2x100xf32>
        %n = tensor.insert_slice %y into %acc[%i, 0] [2, 100] [1, 1]
        scf.yield %n : tensor<8x100xf32>
      }
      return %r : tensor<8x100xf32>
    }
    ```
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"1048576",
           "Largest per-chunk working set of one op, in bytes (0: off)">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads of the compiled code (1: sequential; 0: the runtime's "
           "choice); with threads the chunks run in parallel">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::func::FuncDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
  ];
}

def QNNCustomToCallPass : Pass<"qnn-custom-to-call", "mlir::ModuleOp"> {
  let summary = "Lower qnn.custom to calls of the plugin implementation";
  let description = [{
    Rewrites every `qnn.custom` into a call of an external function with
    memref arguments, which the JIT binds to the implementation a plugin
    registered for the op (`include/qmlir-c/CustomOp.h`). The call takes a
    constant byte buffer describing the call site (op name, node name,
    operand and result types, attributes; format in `docs/Lowering.md`),
    then the operands (read-only buffers), then freshly allocated result
    buffers that the implementation fills. One declaration per call site,
    with `llvm.emit_c_interface`, so that every memref reaches the runtime
    as one descriptor pointer. Runs before `convert-qnn-to-tosa`; one-shot
    bufferization later removes the `to_buffer`/`to_tensor` pairs.

    Operands and results must be statically shaped float or integer
    tensors (a quantized operand is an error: dequantize first), attributes
    integers, floats, booleans, strings, types, or arrays/dense elements of
    integers or floats.

    Before:

    ```mlir
    %d = qnn.custom "PowerDifference"(%x, %y) {op_attrs = {pow = 3 : i64}}
      : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```

    After:

    ```mlir
    memref.global "private" constant @__qmlir_custom_meta_0 : memref<..xi8> = dense<[...]>
    func.func private @qmlir_custom_call_0(memref<..xi8>, memref<4xf32>,
        memref<4xf32>, memref<4xf32>) attributes {llvm.emit_c_interface}
    ...
    %m = memref.get_global @__qmlir_custom_meta_0 : memref<..xi8>
    %a = bufferization.to_buffer %x read_only : tensor<4xf32> to memref<4xf32>
    %b = bufferization.to_buffer %y read_only : tensor<4xf32> to memref<4xf32>
    %o = memref.alloc() : memref<4xf32>
    call @qmlir_custom_call_0(%m, %a, %b, %o) : (...) -> ()
    %d = bufferization.to_tensor %o restrict writable : memref<4xf32> to tensor<4xf32>
    ```
  }];
  let dependentDialects = [
    "mlir::bufferization::BufferizationDialect",
    "mlir::func::FuncDialect",
    "mlir::memref::MemRefDialect",
  ];
}

def CPUParallelizePass : Pass<"qnn-cpu-parallelize", "mlir::func::FuncOp"> {
  let summary = "Mark the outer loops of bufferized CPU code parallel";
  let description = [{
    Runs after bufferization, before `convert-scf-to-openmp` (which turns the
    `scf.parallel` loops made here into OpenMP work-sharing loops when
    `qnn-lower-to-llvm` is asked for more than one thread):

    - loops over the chunks of a batch (`scf.for` marked
      `qnn.parallel_batch` by `qnn-cpu-batch-chunks`; each iteration computes
      its own samples in buffers it allocates itself) become `scf.parallel`
      when they carry no value, and everything inside them runs
      sequentially;
    - a kernel loop also marked `qnn.parallel_contiguous` becomes, with a
      team of `threads` > 1, an `scf.parallel` over the threads, each running
      one contiguous range of the iterations as an `scf.for` (its items are
      ordered row block by row block: each thread then computes whole rows
      of the output, which the next layer's thread reads from its own
      caches);
    - the row-tile loops of the CPU kernels (`scf.for` marked `qnn.parallel`
      by `qnn-cpu-vectorize-contractions`; each iteration writes its own rows
      of the output) become `scf.parallel`, unless bufferization left an
      allocation or copy in the body or a loop-carried value (then the loop
      stays sequential);
    - every other linalg op becomes loops with its parallel dimensions in
      `scf.parallel` (`linalg::linalgOpToParallelLoops`), reductions
      sequential inside;
    - `scf.parallel` nested in another parallel loop becomes `scf.for`, so
      that only the outermost level forks threads;
    - of each remaining `scf.parallel`, only the dimensions up to the first
      with more than one iteration stay parallel (the batch, or the rows
      when the batch is 1); the inner ones become `scf.for`, so that OpenMP
      does not linearize them and LLVM can still vectorize the innermost.

    Loops that execute fewer than `min-work` operations (a rough static
    count: loop trip counts times the ops in their bodies, a vector op
    counting the 128-bit quarters of its widest vector) stay sequential: waking the other
    threads costs more than they would save.

    The `linalg.fill` ops just before a parallel kernel loop that fill the
    borders of the buffer whose interior the loop writes (disjoint from
    everything the loop touches and from each other) run inside the loop,
    dealt round-robin over its iterations (the slices, or with `threads=0`
    the first items), instead of on the calling thread alone.

    No iteration is split across threads in a way that changes the order of
    any floating-point or integer reduction, so the results are the same for
    any thread count.

    Before:

    ```mlir
    scf.for %t = %c0 to %c12 step %c1 {
      ... vector.store %acc, %out[%row, %col] ...
    } {qnn.parallel}
    linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%a : memref<4x8xf32>) outs(%b : memref<4xf32>) { ... }
    ```

    After:

    ```mlir
    scf.parallel (%t) = (%c0) to (%c12) step (%c1) {
      ... vector.store %acc, %out[%row, %col] ...
    }
    scf.parallel (%i) = (%c0) to (%c4) step (%c1) {
      scf.for %k = %c0 to %c8 step %c1 { ... }
    }
    ```

    and an elementwise op on `memref<1x28x28x16xf32>` is parallel over the
    first two dimensions only:

    ```mlir
    scf.parallel (%n, %h) = (%c0, %c0) to (%c1, %c28) step (%c1, %c1) {
      scf.for %w = %c0 to %c28 step %c1 {
        scf.for %c = %c0 to %c16 step %c1 { ... }
      }
    }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", /*default=*/"100000",
           "Loops with a smaller static operation count stay sequential">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Team size of the compiled code (0: unknown); with a team, loops "
           "marked qnn.parallel_contiguous get one contiguous range of "
           "iterations per thread">,
  ];
  let dependentDialects = [
    "mlir::scf::SCFDialect",
    "mlir::memref::MemRefDialect",
    "mlir::arith::ArithDialect",
  ];
}

def CPUOpenMPSchedulePass
    : Pass<"qnn-cpu-omp-schedule", "mlir::func::FuncOp"> {
  let summary = "Hand out the iterations of OpenMP loops round-robin";
  let description = [{
    Used when the team size is not known at compile time (with a known team,
    `qnn-cpu-parallelize` makes each thread's share explicit). Runs after
    `convert-scf-to-openmp`, which leaves the schedule of each
    `omp.wsloop` to the runtime's default: `static`, one contiguous range of
    iterations per thread. A CPU kernel's parallel loop runs over its work
    items panel by panel (qnn-cpu-vectorize-contractions), and the last
    panel is often narrower (144 channels: 64 + 64 + 16) and so cheaper: in
    contiguous halves, the thread that gets it has a fraction of the other's
    work. This pass sets `schedule(static, chunk)` on every `omp.wsloop`
    without a schedule: iterations are dealt round-robin, `chunk` at a time,
    so each thread gets about the same share of every panel, with no
    per-iteration cost (unlike `dynamic`). Which thread computes an
    iteration does not change what it computes: results stay the same for
    any thread count.

    Before:

    ```mlir
    omp.wsloop {
      omp.loop_nest (%i) : index = (%c0) to (%c42) step (%c1) { ... }
    }
    ```

    After:

    ```mlir
    omp.wsloop schedule(static = %c1_i64 : i64) {
      omp.loop_nest (%i) : index = (%c0) to (%c42) step (%c1) { ... }
    }
    ```
  }];
  let options = [
    Option<"chunk", "chunk", "int64_t", /*default=*/"1",
           "Iterations handed to a thread at a time (0: one contiguous "
           "range per thread, the runtime's default)">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::omp::OpenMPDialect",
  ];
}

def QNNFinalizeTOSAExportPass
    : Pass<"qnn-finalize-tosa-export", "mlir::func::FuncOp"> {
  let summary = "Make the output of convert-qnn-to-tosa pure TOSA";
  let description = [{
    The last step of `--qnn-export-tosa`: tensor `arith.constant`s (weights,
    biases) become `tosa.const`, and any op that is not TOSA or the function
    structure is an error naming it, so that the result is a module that any
    TOSA consumer reads and that upstream `mlir-opt` lowers without qmlir.

    ```mlir
    // Before
    %w = arith.constant dense<[[1, -2]]> : tensor<1x2xi8>
    // After
    %w = "tosa.const"() <{values = dense<[[1, -2]]> : tensor<1x2xi8>}> : () -> tensor<1x2xi8>
    ```
  }];
  let dependentDialects = ["mlir::tosa::TosaDialect"];
}

def CPUVectorizeContractionsPass
    : Pass<"qnn-cpu-vectorize-contractions", "mlir::func::FuncOp"> {
  let summary = "Register-tiled vector code for convolutions, matrix "
                "products, depthwise convolutions and poolings, their "
                "elementwise consumers fused";
  let description = [{
    Rewrites linalg reductions on tensors into register-tiled loop nests of
    vector operations (still on tensors; one-shot bufferization makes them
    loads and stores in place). Two kinds, recognized through the LinalgOp
    interface (named ops, their `_q` forms and generic contractions alike):

    - Matrix kind: every contraction whose right-hand side (the weights) is
      a constant — `linalg.conv_2d_nhwc_fhwc(_q)` with any strides and
      dilations, matrix products, and the `linalg.generic` contractions that
      elementwise fusion makes of them:
      `C[m, n] = init[m, n] + sum_k A[m, k] * B[k, n]` where the rows `m` are
      the output pixels (or matrix rows), `n` the output channels and `k` the
      window positions and input channels. `A` is read in place through
      affine offsets (no im2col copy; padding is materialized by
      `tensor.pad` before); `B` is packed at compile time into panels of 16
      to 64 columns (8 to 24 with `vector-bits=256`). Each tile keeps MR x NR
      accumulators in vector registers, loads one vector of `B` per 16 (8)
      columns and broadcasts one element of `A` per row.
    - Channelwise kind: depthwise convolutions (channel multiplier 1) and
      max/sum poolings, where `A` also depends on the channel: `A` is read
      as vectors along the channels and combined (fma, add, max, min) into
      the accumulators, with packed weight vectors for depthwise
      convolutions.

    Arithmetic:

    - f32: `vector.fma` (or add/max/min), the reduction in the same order as
      the reference loops (init first, then the window positions and
      channels in order).
    - i8 x i8 -> i32 (including the `_q` forms with an input zero point and a
      zero weight zero point): with `vnni=true` (matrix kind; 256-bit
      vectors for 8 or 24 columns, AVX512-VL), the
      4-way u8 x s8 dot product of `vpdpbusd` on groups of 4 channels (as
      plain vector ops that `qnn-cpu-lower-vnni` turns into the intrinsic
      after bufferization), the weights packed as [k/4][n][4]; the signed
      activations are made unsigned by flipping their top bit (+128), and
      the compensation `-(128 + zp) * sum_k B[k, n]` is folded into the
      accumulator's initial value at compile time. Without VNNI, 32-bit
      vector multiply-adds (compensation `-zp * sum_k B[k, n]`). Integer
      results equal the reference bit for bit (all arithmetic is modulo
      2^32 either way). Max pooling keeps the storage type.
    - The initial value comes from the fill or the per-channel broadcast
      that produced the init tensor (or is read from the init tensor).
    - Chains of elementwise `linalg.generic` consumers over the same
      elements (possibly behind reshapes that only add or drop unit
      dimensions: bias + requantize + clamp, batch norm + relu, the divide
      of an average pool) have their bodies applied to the accumulator
      vectors before they are stored, so 32-bit accumulators never go to
      memory.

    Left alone for the reference lowering: weights that are not constants,
    16-bit or mixed element types, nonzero weight zero points, batched
    products, depthwise convolutions with a channel multiplier > 1.

    Before:

    ```mlir
    %acc = linalg.conv_2d_nhwc_fhwc
        ins(%x, %w : tensor<1x9x9x32xf32>, tensor<64x3x3x32xf32>)
        outs(%bias : tensor<1x7x7x64xf32>) -> tensor<1x7x7x64xf32>
    ```

    After (schematically):

    ```mlir
    %wp = arith.constant dense<...> : tensor<18432xf32>   // packed weights
    %r = scf.for %m = %c0 to %c48 step %c6 iter_args(%o = %empty) {
      // 6 rows x 4 vectors of 16 accumulators
      %acc:24 = scf.for %kh ... scf.for %l ... {
        %b0 = vector.transfer_read %wp[...] : tensor<18432xf32>, vector<16xf32>
        %a0 = tensor.extract %xflat[...] : tensor<2592xf32>
        %s0 = vector.broadcast %a0 : f32 to vector<16xf32>
        %f0 = vector.fma %s0, %b0, %acc0 : vector<16xf32>
        ...
      }
      %w0 = vector.transfer_write %acc#0, %o[...] : vector<16xf32>, tensor<1x7x7x64xf32>
      ...
    }
    ```
  }];
  let options = [
    Option<"vnni", "vnni", "bool", /*default=*/"false",
           "Use AVX-512 VNNI (vpdpbusd) for int8 contractions">,
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"512",
           "Vector register width: 512 (AVX-512: 16 lanes, 32 registers) or "
           "256 (AVX2: 8 lanes, 16 registers)">,
    Option<"threads", "threads", "int64_t", /*default=*/"1",
           "Threads of the compiled code (1: sequential, 0: unknown); with a "
           "team of more than one, kernels whose packed weights are small "
           "order their work items row block by row block and mark the loop "
           "qnn.parallel_contiguous">,
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect",
    "mlir::bufferization::BufferizationDialect",
    "mlir::LLVM::LLVMDialect",
    "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect",
    "mlir::vector::VectorDialect",
  ];
}

def CPULowerVNNIPass : Pass<"qnn-cpu-lower-vnni", "mlir::func::FuncOp"> {
  let summary = "Turn 4-way u8 x s8 (2-way s16 x s16) dot products on "
                "vectors into AVX-512 VNNI vpdpbusd (vpdpwssd)";
  let description = [{
    Rewrites the plain-vector form of one `vpdpbusd` that
    `qnn-cpu-vectorize-contractions{vnni=true}` emits,

    `acc + sum over groups of 4 of zext(a) * sext(b)`

    written as `vector.multi_reduction <add>` over the inner dimension of
    `vector.shape_cast (arith.muli (arith.extui %a), (arith.extsi %b))` to
    `vector<16x4xi32>` with `%a`, `%b : vector<64xi8>`, into a call of
    `llvm.x86.avx512.vpdpbusd.512` (`vector<8x4xi32>` of `vector<32xi8>`,
    the kernels with 8 or 24 columns: `llvm.x86.avx512.vpdpbusd.256`, which
    needs AVX512-VL) (LLVM does not form `vpdpbusd` from the generic form
    by itself). Runs after bufferization: the intrinsic call
    has unknown memory effects, which the deallocation pipeline refuses.
    Only for CPUs with AVX-512 VNNI; without it the generic form is correct
    as it is. Likewise the 2-way form of the channelwise int8 kernels, the
    reduction of `arith.muli (arith.extsi %a), (arith.extsi %b)` with `%a`,
    `%b : vector<32xi16>` over the inner dimension of `vector<16x2xi32>`,
    becomes `llvm.x86.avx512.vpdpwssd.512`.

    Before:

    ```mlir
    %ea = arith.extui %a : vector<64xi8> to vector<64xi32>
    %eb = arith.extsi %b : vector<64xi8> to vector<64xi32>
    %p = arith.muli %ea, %eb : vector<64xi32>
    %g = vector.shape_cast %p : vector<64xi32> to vector<16x4xi32>
    %r = vector.multi_reduction <add>, %g, %acc [1]
        : vector<16x4xi32> to vector<16xi32>
    ```

    After:

    ```mlir
    %r = llvm.call_intrinsic "llvm.x86.avx512.vpdpbusd.512"(%acc, %a, %b)
        : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}


def ConvertQNNToNPUPass : Pass<"convert-qnn-to-npu", "mlir::ModuleOp"> {
  let summary = "Lower the quantized qnn ops a target runs to npu ops";
  let description = [{
    Reads a target description (docs/Targets.md) and rewrites every
    quantized qnn op the target supports, within its limits (kernel sizes,
    strides, channel counts, bit widths, accumulator width, power-of-two
    scales, on-chip memory), to the npu op that computes the same integers:
    the zero points, multiplier/shift pairs (`qmath::computeRescale`, as the
    TOSA lowering uses) and clamp bounds become attributes, weights the
    integer constants under their `quant.scast`. Every other op stays qnn
    (the CPU path). Each tensor crossing between the two goes through an
    `npu.transfer`. Run `npu-partition` next to form segments.

    ```mlir
    // Before
    %y = qnn.conv2d %x, %w, %b : (tensor<1x8x8x1x!quant.uniform<i8:f32, 0.5:-3>>, ...)
        -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.25:1>>
    // After
    %t = npu.transfer %x : tensor<1x8x8x1x!quant.uniform<i8:f32, 0.5:-3>> -> tensor<1x8x8x1xi8>
    %c = npu.conv2d %t, %wi, %bi {input_zp = -3, multiplier = array<i32: ...>, ...}
        : (tensor<1x8x8x1xi8>, tensor<4x3x3x1xi8>, tensor<4xi32>) -> tensor<1x8x8x4xi8>
    %y = npu.transfer %c : tensor<1x8x8x4xi8> -> tensor<1x8x8x4x!quant.uniform<i8:f32, 0.25:1>>
    ```
  }];
  let options = [
    Option<"target", "target", "std::string", "\"\"",
           "Target description file (JSON, docs/Targets.md)">,
  ];
  let dependentDialects = [
    "qmlir::npu::NPUDialect",
    "mlir::arith::ArithDialect",
  ];
}

#endif // QMLIR_CONVERSION_PASSES_TD
