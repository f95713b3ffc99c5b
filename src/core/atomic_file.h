// A file written under a temporary name and renamed into place, so readers never see half a file.
#pragma once

#include <filesystem>

namespace kinema {

// Usage: AtomicFile f(target); write to f.temp_path(); f.commit();
// If commit() is never reached (error, cancel), the destructor removes the temporary file.
class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  const std::filesystem::path& temp_path() const { return temp_; }
  const std::filesystem::path& target() const { return target_; }

  // Flushes the temporary file to disk and renames it over the target.
  void commit();

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  bool committed_ = false;
};

// Writes bytes to path atomically.
void write_file_atomically(const std::filesystem::path& path, const void* data, size_t size);

}  // namespace kinema
