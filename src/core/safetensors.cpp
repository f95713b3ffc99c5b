// Safetensors reader (mmap, every offset checked), writer and sharded checkpoints.
#include "core/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/json.h"

namespace kinema::safetensors {
namespace fs = std::filesystem;

namespace {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;  // the reference implementation's limit

struct DTypeEntry {
  DType dtype;
  const char* name;
  size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

bool parse_dtype(const std::string& name, DType& out) {
  for (const auto& e : kDTypes)
    if (name == e.name) {
      out = e.dtype;
      return true;
    }
  return false;
}

[[noreturn]] void format_error(const fs::path& path, const std::string& message) {
  fail(ErrorKind::format, path.string() + ": " + message);
}

}  // namespace

size_t dtype_size(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e.size;
  return 0;
}

const char* dtype_name(DType dtype) {
  for (const auto& e : kDTypes)
    if (e.dtype == dtype) return e.name;
  return "?";
}

int64_t TensorInfo::numel() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// ---- File --------------------------------------------------------------------------------------

struct File::Mapping {
  void* address = MAP_FAILED;
  size_t size = 0;
  ~Mapping() {
    if (address != MAP_FAILED) ::munmap(address, size);
  }
};

File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::open(const fs::path& path) {
  File file;
  file.path_ = path;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(ErrorKind::io, "cannot open " + path.string() + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    fail(ErrorKind::io, "cannot open " + path.string() + ": not a regular file");
  }
  const auto file_size = static_cast<uint64_t>(st.st_size);
  if (file_size < 8) {
    ::close(fd);
    format_error(path, "too small to be a safetensors file (" + std::to_string(file_size) + " bytes)");
  }
  file.mapping_ = std::make_unique<Mapping>();
  file.mapping_->size = file_size;
  file.mapping_->address = ::mmap(nullptr, file_size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (file.mapping_->address == MAP_FAILED)
    fail(ErrorKind::io, "cannot map " + path.string() + ": " + std::strerror(errno));
  const auto* base = static_cast<const std::byte*>(file.mapping_->address);

  uint64_t header_size = 0;
  for (int i = 7; i >= 0; --i) header_size = (header_size << 8) | std::to_integer<uint64_t>(base[i]);
  if (header_size > kMaxHeaderBytes)
    format_error(path, "header length " + std::to_string(header_size) + " is larger than the 100 MiB limit");
  if (header_size > file_size - 8)
    format_error(path, "truncated: header length " + std::to_string(header_size) + " runs past the end of the " +
                           std::to_string(file_size) + "-byte file");
  file.data_ = base + 8 + header_size;
  file.data_size_ = file_size - 8 - header_size;

  Json header;
  try {
    header = Json::parse(reinterpret_cast<const char*>(base + 8), reinterpret_cast<const char*>(file.data_));
  } catch (const Json::exception& e) {
    format_error(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) format_error(path, "header is not a JSON object");

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& name = it.key();
    const Json& entry = it.value();
    if (name == "__metadata__") {
      if (!entry.is_object()) format_error(path, "__metadata__ is not an object");
      for (auto m = entry.begin(); m != entry.end(); ++m) {
        if (!m.value().is_string()) format_error(path, "__metadata__ value '" + m.key() + "' is not a string");
        file.metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "': ";
    if (!entry.is_object()) format_error(path, where + "entry is not an object");
    TensorInfo info;
    info.name = name;
    const auto dtype = entry.find("dtype");
    if (dtype == entry.end() || !dtype->is_string()) format_error(path, where + "missing dtype");
    if (!parse_dtype(dtype->get<std::string>(), info.dtype))
      format_error(path, where + "unknown dtype '" + dtype->get<std::string>() + "'");
    const auto shape = entry.find("shape");
    if (shape == entry.end() || !shape->is_array()) format_error(path, where + "missing shape");
    uint64_t numel = 1;
    for (const Json& d : *shape) {
      if (!d.is_number_unsigned()) format_error(path, where + "shape has a negative or non-integer dimension");
      const uint64_t dim = d.get<uint64_t>();
      if (dim != 0 && numel > std::numeric_limits<uint64_t>::max() / 8 / dim)
        format_error(path, where + "shape " + shape->dump() + " is too large");
      numel *= dim;
      info.shape.push_back(static_cast<int64_t>(dim));
    }
    const auto offsets = entry.find("data_offsets");
    if (offsets == entry.end() || !offsets->is_array() || offsets->size() != 2 || !(*offsets)[0].is_number_unsigned() ||
        !(*offsets)[1].is_number_unsigned())
      format_error(path, where + "data_offsets must be two non-negative integers");
    info.begin = (*offsets)[0].get<uint64_t>();
    info.end = (*offsets)[1].get<uint64_t>();
    if (info.begin > info.end)
      format_error(path, where + "data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                             "] are reversed");
    if (info.end > file.data_size_)
      format_error(path, where + "data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) +
                             "] run past the end of the data (" + std::to_string(file.data_size_) +
                             " bytes; truncated file?)");
    const uint64_t expected = numel * dtype_size(info.dtype);
    if (info.end - info.begin != expected)
      format_error(path, where + std::to_string(info.end - info.begin) + " bytes stored, but shape " +
                             shape_string(info.shape) + " of " + dtype_name(info.dtype) + " needs " +
                             std::to_string(expected));
    file.tensors_.emplace(name, std::move(info));
  }

  std::vector<const TensorInfo*> by_offset;
  for (const auto& [name, info] : file.tensors_)
    if (info.end > info.begin) by_offset.push_back(&info);
  std::sort(by_offset.begin(), by_offset.end(),
            [](const TensorInfo* a, const TensorInfo* b) { return a->begin < b->begin; });
  for (size_t i = 1; i < by_offset.size(); ++i)
    if (by_offset[i]->begin < by_offset[i - 1]->end)
      format_error(path, "tensors '" + by_offset[i - 1]->name + "' and '" + by_offset[i]->name + "' overlap");
  return file;
}

const TensorInfo& File::info(const std::string& name) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) fail(ErrorKind::model, path_.string() + ": no tensor '" + name + "'");
  return it->second;
}

std::span<const std::byte> File::bytes(const TensorInfo& info) const {
  return {data_ + info.begin, static_cast<size_t>(info.end - info.begin)};
}

// ---- writing -----------------------------------------------------------------------------------

void write(const fs::path& path, const std::vector<TensorView>& tensors,
           const std::map<std::string, std::string>& metadata) {
  Json header = Json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const TensorView& t : tensors) {
    int64_t numel = 1;
    for (int64_t d : t.shape) {
      if (d < 0) fail(ErrorKind::internal, "safetensors write: tensor '" + t.name + "' has a negative dimension");
      numel *= d;
    }
    const uint64_t size = static_cast<uint64_t>(numel) * dtype_size(t.dtype);
    if (size != t.bytes.size())
      fail(ErrorKind::internal, "safetensors write: tensor '" + t.name + "' has " + std::to_string(t.bytes.size()) +
                                    " bytes for shape " + shape_string(t.shape));
    if (header.contains(t.name)) fail(ErrorKind::internal, "safetensors write: tensor '" + t.name + "' twice");
    header[t.name] = {{"dtype", dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');  // keep the data section 8-byte aligned
  const uint64_t header_size = text.size();

  AtomicFile file(path);
  {
    std::ofstream out(file.temp_path(), std::ios::binary | std::ios::trunc);
    if (!out) fail(ErrorKind::io, "cannot write " + path.string() + ": " + std::strerror(errno));
    char size_bytes[8];
    for (int i = 0; i < 8; ++i) size_bytes[i] = static_cast<char>((header_size >> (8 * i)) & 0xff);
    out.write(size_bytes, 8);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const TensorView& t : tensors)
      out.write(reinterpret_cast<const char*>(t.bytes.data()), static_cast<std::streamsize>(t.bytes.size()));
    out.flush();
    if (!out) fail(ErrorKind::io, "cannot write " + path.string() + ": write failed (disk full?)");
  }
  file.commit();
}

std::vector<fs::path> write_sharded(const fs::path& dir, const std::string& stem,
                                    const std::vector<TensorView>& tensors, uint64_t max_shard_bytes,
                                    const std::map<std::string, std::string>& metadata) {
  std::vector<std::vector<TensorView>> shards(1);
  uint64_t current = 0;
  for (const TensorView& t : tensors) {
    if (!shards.back().empty() && current + t.bytes.size() > max_shard_bytes) {
      shards.emplace_back();
      current = 0;
    }
    shards.back().push_back(t);
    current += t.bytes.size();
  }
  if (shards.size() == 1) {
    const fs::path path = dir / (stem + ".safetensors");
    write(path, tensors, metadata);
    return {path};
  }
  std::vector<fs::path> written;
  Json weight_map = Json::object();
  uint64_t total = 0;
  const size_t n = shards.size();
  for (size_t i = 0; i < n; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "-%05zu-of-%05zu.safetensors", i + 1, n);
    const std::string file_name = stem + name;
    write(dir / file_name, shards[i], metadata);
    written.push_back(dir / file_name);
    for (const TensorView& t : shards[i]) {
      weight_map[t.name] = file_name;
      total += t.bytes.size();
    }
  }
  Json index = {{"metadata", {{"total_size", total}}}, {"weight_map", weight_map}};
  for (const auto& [k, v] : metadata) index["metadata"][k] = v;
  const fs::path index_path = dir / (stem + ".safetensors.index.json");
  write_json_file(index_path, index);
  written.push_back(index_path);
  return written;
}

// ---- Checkpoint --------------------------------------------------------------------------------

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

fs::path find_in_folder(const fs::path& dir) {
  std::vector<fs::path> indexes, files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (ends_with(name, ".safetensors.index.json")) indexes.push_back(entry.path());
    else if (ends_with(name, ".safetensors")) files.push_back(entry.path());
  }
  if (indexes.size() == 1) return indexes[0];
  if (indexes.size() > 1) fail(ErrorKind::model, dir.string() + ": more than one *.safetensors.index.json");
  if (files.size() == 1) return files[0];
  if (files.empty()) fail(ErrorKind::model, dir.string() + ": no .safetensors weights");
  fail(ErrorKind::model, dir.string() + ": several .safetensors files and no index to say which are shards");
}

}  // namespace

Checkpoint Checkpoint::open(const fs::path& path) {
  Checkpoint c;
  std::error_code ec;
  c.path_ = fs::is_directory(path, ec) ? find_in_folder(path) : path;
  if (!ends_with(c.path_.filename().string(), ".index.json")) {
    c.files_.push_back(File::open(c.path_));
    for (const auto& [name, info] : c.files_[0].tensors()) c.where_[name] = 0;
    c.metadata_ = c.files_[0].metadata();
    return c;
  }

  const Json index = read_json_file(c.path_);
  const std::string where = c.path_.string() + ": ";
  if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object())
    fail(ErrorKind::format, where + "no weight_map object");
  if (index.contains("metadata") && index["metadata"].is_object())
    for (auto it = index["metadata"].begin(); it != index["metadata"].end(); ++it)
      if (it.value().is_string()) c.metadata_[it.key()] = it.value().get<std::string>();

  std::map<std::string, size_t> shard_of_file;
  const fs::path dir = c.path_.parent_path();
  for (auto it = index["weight_map"].begin(); it != index["weight_map"].end(); ++it) {
    if (!it.value().is_string()) fail(ErrorKind::format, where + "weight_map['" + it.key() + "'] is not a file name");
    const std::string file_name = it.value().get<std::string>();
    if (file_name.empty() || file_name.find('/') != std::string::npos || file_name == "." || file_name == "..")
      fail(ErrorKind::format, where + "weight_map['" + it.key() + "'] = '" + file_name + "' is not a plain file name");
    auto [pos, inserted] = shard_of_file.emplace(file_name, c.files_.size());
    if (inserted) c.files_.push_back(File::open(dir / file_name));
    const File& shard = c.files_[pos->second];
    if (!shard.contains(it.key()))
      fail(ErrorKind::model, shard.path().string() + ": tensor '" + it.key() + "' listed in the index is missing");
    c.where_[it.key()] = pos->second;
  }
  for (size_t i = 0; i < c.files_.size(); ++i)
    for (const auto& [name, info] : c.files_[i].tensors()) {
      auto it = c.where_.find(name);
      if (it == c.where_.end() || it->second != i)
        fail(ErrorKind::model, c.files_[i].path().string() + ": tensor '" + name + "' is not listed in the index" +
                                   (it == c.where_.end() ? "" : " for this shard"));
    }
  return c;
}

std::vector<std::string> Checkpoint::names() const {
  std::vector<std::string> out;
  for (const auto& [name, index] : where_) out.push_back(name);
  return out;
}

const File& Checkpoint::file_of(const std::string& name) const {
  auto it = where_.find(name);
  if (it == where_.end()) fail(ErrorKind::model, path_.string() + ": no tensor '" + name + "'");
  return files_[it->second];
}

const TensorInfo& Checkpoint::info(const std::string& name) const { return file_of(name).info(name); }

std::span<const std::byte> Checkpoint::bytes(const std::string& name) const {
  const File& f = file_of(name);
  return f.bytes(f.info(name));
}

}  // namespace kinema::safetensors
