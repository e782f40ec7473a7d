//===- OutputFile.cpp - safe writing of tool outputs ----------------------===//

#include "qmlir/Support/OutputFile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

using namespace qmlir;

llvm::Error qmlir::checkNotAnInput(llvm::StringRef output,
                                   llvm::ArrayRef<std::string> inputs) {
  for (const std::string &input : inputs) {
    bool same = false;
    if (input != "-" && output != "-" &&
        !llvm::sys::fs::equivalent(input, output, same) && same)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "output file '" + output +
                                         "' is the input file '" + input +
                                         "': choose another output");
  }
  return llvm::Error::success();
}

llvm::Error qmlir::writeFileAtomically(llvm::StringRef path,
                                       llvm::StringRef bytes,
                                       llvm::ArrayRef<std::string> inputs) {
  if (llvm::Error e = checkNotAnInput(path, inputs))
    return e;
  llvm::Error e = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << bytes;
    return llvm::Error::success();
  });
  if (e)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write '" + path + "': " +
                                       llvm::toString(std::move(e)));
  return llvm::Error::success();
}
