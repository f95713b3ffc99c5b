// Safetensors weights: a memory-mapped reader, a writer, and sharded checkpoints (*.safetensors.index.json).
// Torch-free: tensors are bytes plus dtype and shape; src/model/weights.h turns them into torch tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kinema::safetensors {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

size_t dtype_size(DType dtype);
const char* dtype_name(DType dtype);

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  uint64_t begin = 0;  // byte offsets into the data section
  uint64_t end = 0;

  int64_t numel() const;
};

std::string shape_string(const std::vector<int64_t>& shape);

// One .safetensors file, memory-mapped read-only. Everything in its header is checked at open():
// a malformed file throws kinema::Error naming the file and the tensor, it never reads out of bounds.
class File {
 public:
  static File open(const std::filesystem::path& path);
  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  const std::filesystem::path& path() const { return path_; }
  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  bool contains(const std::string& name) const { return tensors_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;
  std::span<const std::byte> bytes(const TensorInfo& info) const;

 private:
  File() = default;
  struct Mapping;

  std::filesystem::path path_;
  std::unique_ptr<Mapping> mapping_;
  const std::byte* data_ = nullptr;  // start of the data section
  uint64_t data_size_ = 0;
  std::map<std::string, TensorInfo> tensors_;
  std::map<std::string, std::string> metadata_;
};

// A tensor to write: bytes in row-major order, little-endian.
struct TensorView {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::span<const std::byte> bytes;
};

// Writes one .safetensors file atomically (temporary file, then rename).
void write(const std::filesystem::path& path, const std::vector<TensorView>& tensors,
           const std::map<std::string, std::string>& metadata = {});

// Writes tensors in shards of at most max_shard_bytes (a tensor larger than that gets a shard of its own),
// named <stem>-0000i-of-0000n.safetensors, plus <stem>.safetensors.index.json. A single shard is written
// as <stem>.safetensors with no index. Returns the files written.
std::vector<std::filesystem::path> write_sharded(const std::filesystem::path& dir, const std::string& stem,
                                                 const std::vector<TensorView>& tensors, uint64_t max_shard_bytes,
                                                 const std::map<std::string, std::string>& metadata = {});

// A checkpoint: one .safetensors file or several shards listed by an index.
class Checkpoint {
 public:
  // path: a .safetensors file, a .safetensors.index.json, or a folder holding exactly one of either kind.
  static Checkpoint open(const std::filesystem::path& path);

  std::vector<std::string> names() const;
  bool contains(const std::string& name) const { return where_.count(name) != 0; }
  const TensorInfo& info(const std::string& name) const;
  std::span<const std::byte> bytes(const std::string& name) const;
  const File& file_of(const std::string& name) const;
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::vector<File> files_;
  std::map<std::string, size_t> where_;  // tensor name -> index into files_
  std::map<std::string, std::string> metadata_;
};

}  // namespace kinema::safetensors
