//===- ToolArgs.cpp - command-line defaults shared by qmlir tools ---------===//

#include "qmlir/Support/ToolArgs.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

std::vector<char *> qmlir::withDebugInfoByDefault(int argc, char **argv) {
  static char flag[] = "--mlir-print-debuginfo";
  std::vector<char *> args(argv, argv + argc);
  bool given = llvm::any_of(args, [](llvm::StringRef a) {
    return a.ltrim('-').starts_with("mlir-print-debuginfo");
  });
  if (!given && !args.empty())
    args.insert(args.begin() + 1, flag);
  return args;
}
