# Thin helpers shared by qmlir's CMake files.

# Libraries that every qmlir library links: the one shared libMLIR that Debian
# ships (it contains every upstream dialect, pass and the execution engine).
set(QMLIR_MLIR_LIBS MLIR)

# Libraries that wrap C++ code which may throw (protobuf, libonnx) are built
# with exceptions on; everything else follows LLVM's -fno-exceptions.
function(qmlir_enable_exceptions target)
  target_compile_options(${target} PRIVATE -fexceptions)
endfunction()
