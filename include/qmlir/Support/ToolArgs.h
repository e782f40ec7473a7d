//===- ToolArgs.h - command-line defaults shared by qmlir tools -*- C++ -*-===//

#ifndef QMLIR_SUPPORT_TOOLARGS_H
#define QMLIR_SUPPORT_TOOLARGS_H

#include <vector>

namespace qmlir {

/// `argv` with `--mlir-print-debuginfo` added after the program name unless
/// the command line has some form of it. Locations carry the model's node
/// names, which name tensors in probes, configs and reports; printing them by
/// default keeps them through text round trips. An explicit
/// --mlir-print-debuginfo[=false] wins. The returned pointers refer to `argv`
/// and to static storage.
std::vector<char *> withDebugInfoByDefault(int argc, char **argv);

} // namespace qmlir

#endif // QMLIR_SUPPORT_TOOLARGS_H
