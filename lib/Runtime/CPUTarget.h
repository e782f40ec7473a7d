//===- CPUTarget.h - shared steps of the JIT and AOT compilers --*- C++ -*-===//
//
// Internal to QMLIRRuntime: reading an entry function's signature, lowering
// a module to the LLVM dialect for the host CPU, and the host's target
// machine with CPU feature overrides. JIT.cpp and AOT.cpp both use them.
//
//===----------------------------------------------------------------------===//

#ifndef QMLIR_LIB_RUNTIME_CPUTARGET_H
#define QMLIR_LIB_RUNTIME_CPUTARGET_H

#include "qmlir/Runtime/JIT.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OwningOpRef.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"

namespace qmlir::detail {

/// The TensorSpecs of `func`'s arguments and results.
llvm::Error readSignature(mlir::func::FuncOp func,
                          std::vector<TensorSpec> &inputs,
                          std::vector<TensorSpec> &outputs);

/// A clone of `module` lowered by buildQNNToLLVMPipeline with `options`
/// (codegen, CPU features, threads as given: 0 is the OpenMP runtime's
/// choice), `entry` with a C interface wrapper `_mlir_ciface_<entry>`.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
lowerToLLVMDialect(mlir::ModuleOp module, llvm::StringRef entry,
                   const JITOptions &options);

/// A target machine builder for the host CPU with `cpuFeatures` overrides
/// applied (native target initialized on first use).
llvm::Expected<llvm::orc::JITTargetMachineBuilder>
hostTargetMachineBuilder(llvm::StringRef cpuFeatures, unsigned optLevel);

llvm::CodeGenOptLevel codeGenOptLevel(unsigned optLevel);

} // namespace qmlir::detail

#endif // QMLIR_LIB_RUNTIME_CPUTARGET_H
