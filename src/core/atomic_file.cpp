// A file written under a temporary name and renamed into place.
#include "core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "core/error.h"

namespace kinema {
namespace fs = std::filesystem;

namespace {

fs::path make_temp_name(const fs::path& target) {
  static std::atomic<unsigned> counter{0};
  std::string name = target.filename().string();
  name.insert(name.begin(), '.');
  name += ".part-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  return target.parent_path() / name;
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)), temp_(make_temp_name(target_)) {
  const fs::path dir = target_.parent_path().empty() ? fs::path(".") : target_.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    fail(ErrorKind::io, "cannot write " + target_.string() + ": folder " + dir.string() + " does not exist");
  if (fs::is_directory(target_, ec))
    fail(ErrorKind::io, "cannot write " + target_.string() + ": it is a folder");
  if (::access(dir.c_str(), W_OK) != 0)
    fail(ErrorKind::io, "cannot write " + target_.string() + ": folder " + dir.string() + " is not writable");
}

AtomicFile::~AtomicFile() {
  if (!committed_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void AtomicFile::commit() {
  const int fd = ::open(temp_.c_str(), O_RDONLY);
  if (fd < 0) fail(ErrorKind::io, "cannot write " + target_.string() + ": temporary file vanished");
  ::fsync(fd);
  ::close(fd);
  std::error_code ec;
  fs::rename(temp_, target_, ec);
  if (ec) fail(ErrorKind::io, "cannot write " + target_.string() + ": " + ec.message());
  committed_ = true;
}

void write_file_atomically(const fs::path& path, const void* data, size_t size) {
  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) fail(ErrorKind::io, "cannot write " + path.string() + ": " + std::strerror(errno));
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
    out.flush();
    if (!out) fail(ErrorKind::io, "cannot write " + path.string() + ": write failed (disk full?)");
  }
  file.commit();
}

}  // namespace kinema
