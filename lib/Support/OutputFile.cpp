//===- OutputFile.cpp - safe output files for qmlir tools -----------------===//

#include "qmlir/Support/OutputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Signals.h"

using namespace qmlir;
namespace fs = llvm::sys::fs;

static llvm::Error cannotWrite(llvm::StringRef path, const llvm::Twine &why) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "cannot write '" + path + "': " + why);
}

namespace {
/// Where the bytes for `path` end up and whether they can go through a
/// temporary file (only regular files can be renamed onto).
struct Destination {
  std::string path;
  bool direct = false;
};
} // namespace

static llvm::Expected<Destination> resolveDestination(llvm::StringRef path) {
  if (path.empty())
    return cannotWrite(path, "empty file name");
  if (path == "-")
    return Destination{path.str(), /*direct=*/true};
  fs::file_status status;
  if (std::error_code ec = fs::status(path, status, /*Follow=*/true)) {
    if (ec != std::errc::no_such_file_or_directory)
      return cannotWrite(path, ec.message());
    // A dangling symlink or a new file: the new file is created at `path`.
    return Destination{path.str(), false};
  }
  if (status.type() == fs::file_type::directory_file)
    return cannotWrite(path, "is a directory");
  if (status.type() != fs::file_type::regular_file)
    return Destination{path.str(), /*direct=*/true};
  // Replace a symlink's target, not the link.
  llvm::SmallString<256> real;
  if (fs::is_symlink_file(path) && !fs::real_path(path, real))
    return Destination{real.str().str(), false};
  return Destination{path.str(), false};
}

/// Flushes `os` and turns a stream error into an llvm::Error (clearing it, so
/// that raw_fd_ostream's destructor does not abort).
static llvm::Error finish(llvm::raw_fd_ostream &os, llvm::StringRef path) {
  os.flush();
  if (!os.has_error())
    return llvm::Error::success();
  std::error_code ec = os.error();
  os.clear_error();
  return cannotWrite(path, ec.message());
}

llvm::Error qmlir::writeFileAtomically(
    llvm::StringRef path,
    llvm::function_ref<llvm::Error(llvm::raw_ostream &)> write) {
  llvm::Expected<Destination> dest = resolveDestination(path);
  if (!dest)
    return dest.takeError();
  if (dest->direct) {
    std::error_code ec;
    llvm::raw_fd_ostream os(dest->path, ec, fs::OF_None);
    if (ec)
      return cannotWrite(path, ec.message());
    llvm::Error err = write(os);
    llvm::Error flushed = finish(os, path);
    return llvm::joinErrors(std::move(err), std::move(flushed));
  }
  // TempFile removes the file on SIGINT/SIGTERM until keep() or discard().
  llvm::Expected<fs::TempFile> temp = fs::TempFile::create(
      dest->path + ".tmp-%%%%%%", fs::all_read | fs::all_write);
  if (!temp)
    return cannotWrite(path, llvm::toString(temp.takeError()));
  llvm::Error err = llvm::Error::success();
  {
    llvm::raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    err = write(os);
    err = llvm::joinErrors(std::move(err), finish(os, path));
  }
  if (err)
    return llvm::joinErrors(std::move(err), temp->discard());
  if (llvm::Error kept = temp->keep(dest->path))
    return cannotWrite(path, llvm::toString(std::move(kept)));
  return llvm::Error::success();
}

llvm::Error qmlir::checkOutputNotInput(llvm::StringRef output,
                                       llvm::ArrayRef<std::string> inputs) {
  if (output.empty() || output == "-")
    return llvm::Error::success();
  for (const std::string &input : inputs) {
    bool same = false;
    if (input.empty() || input == "-" || fs::equivalent(input, output, same) ||
        !same)
      continue;
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "output file '" + output + "' is the input file '" + input +
            "': choose another output path");
  }
  return llvm::Error::success();
}

std::vector<std::string> qmlir::pathsInArguments(llvm::ArrayRef<char *> args) {
  std::vector<std::string> paths;
  for (llvm::StringRef arg : args.drop_front()) {
    if (arg.starts_with("-"))
      arg = arg.contains('=') ? arg.split('=').second : llvm::StringRef();
    if (!arg.empty() && fs::exists(arg))
      paths.push_back(arg.str());
  }
  return paths;
}

//===----------------------------------------------------------------------===//
// TemporaryOutput
//===----------------------------------------------------------------------===//

llvm::Expected<TemporaryOutput>
TemporaryOutput::create(llvm::StringRef path) {
  llvm::Expected<Destination> dest = resolveDestination(path);
  if (!dest)
    return dest.takeError();
  if (dest->direct)
    return TemporaryOutput(dest->path, dest->path);
  llvm::SmallString<256> temp;
  if (std::error_code ec =
          fs::createUniqueFile(dest->path + ".tmp-%%%%%%", temp))
    return cannotWrite(path, ec.message());
  llvm::sys::RemoveFileOnSignal(temp);
  TemporaryOutput out(dest->path, temp.str().str());
  out.active = true;
  return std::move(out);
}

TemporaryOutput::TemporaryOutput(TemporaryOutput &&other)
    : dest(std::move(other.dest)), temp(std::move(other.temp)),
      active(other.active) {
  other.active = false;
}

TemporaryOutput::~TemporaryOutput() {
  if (!active)
    return;
  fs::remove(temp);
  llvm::sys::DontRemoveFileOnSignal(temp);
}

llvm::Error TemporaryOutput::commit() {
  if (!active)
    return llvm::Error::success();
  std::error_code ec = fs::rename(temp, dest);
  if (ec)
    return cannotWrite(dest, ec.message());
  llvm::sys::DontRemoveFileOnSignal(temp);
  active = false;
  return llvm::Error::success();
}
