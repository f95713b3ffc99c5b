// Tests for the safetensors reader, writer and sharded checkpoints, including corrupted files.
#include "core/safetensors.h"

#include <cstring>
#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/json.h"
#include "support/temp_dir.h"

namespace kinema::safetensors {
namespace {

using kinema::testing::TempDir;

std::vector<std::byte> pattern(size_t n, int seed) {
  std::vector<std::byte> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<std::byte>((i * 131 + seed * 17 + 7) & 0xff);
  return out;
}

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

void write_all(const std::filesystem::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

// A file built by hand: 8-byte length, header text, data bytes.
std::string raw_file(const std::string& header, size_t data_size) {
  std::string s(8, '\0');
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) s[i] = static_cast<char>((n >> (8 * i)) & 0xff);
  return s + header + std::string(data_size, '\x01');
}

std::string error_of(const std::filesystem::path& p) {
  try {
    File::open(p);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Safetensors, RoundTripsEveryDtype) {
  TempDir dir;
  const DType dtypes[] = {DType::F64, DType::F32, DType::F16, DType::BF16, DType::I64,
                          DType::I32, DType::I16, DType::I8,  DType::U8,   DType::BOOL};
  std::vector<std::vector<std::byte>> storage;
  std::vector<TensorView> views;
  int i = 0;
  for (DType d : dtypes) {
    storage.push_back(pattern(6 * dtype_size(d), i));
    views.push_back({std::string("t.") + dtype_name(d), d, {2, 3}, storage.back()});
    ++i;
  }
  views.push_back({"scalar", DType::F32, {}, std::span(storage[1]).first(4)});
  views.push_back({"empty", DType::F16, {0, 4}, {}});
  write(dir / "a.safetensors", views, {{"format", "pt"}});

  File file = File::open(dir / "a.safetensors");
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.tensors().size(), views.size());
  for (const TensorView& v : views) {
    const TensorInfo& info = file.info(v.name);
    EXPECT_EQ(info.dtype, v.dtype) << v.name;
    EXPECT_EQ(info.shape, v.shape) << v.name;
    auto bytes = file.bytes(info);
    ASSERT_EQ(bytes.size(), v.bytes.size()) << v.name;
    EXPECT_EQ(std::memcmp(bytes.data(), v.bytes.data(), bytes.size()), 0) << v.name;
  }
}

TEST(Safetensors, HeaderIsPaddedToEightBytes) {
  TempDir dir;
  auto data = pattern(12, 1);
  write(dir / "a.safetensors", {{"x", DType::F32, {3}, data}});
  const std::string s = read_all(dir / "a.safetensors");
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(s[i]);
  EXPECT_EQ(n % 8, 0u);
}

TEST(Safetensors, ShardedCheckpointLoadsEveryTensorFromItsShard) {
  TempDir dir;
  std::vector<std::vector<std::byte>> storage;
  std::vector<TensorView> views;
  for (int i = 0; i < 5; ++i) {
    storage.push_back(pattern(1000 * 4, i));
    views.push_back({"layer." + std::to_string(i), DType::F32, {10, 100}, storage.back()});
  }
  auto files = write_sharded(dir.path(), "model", views, 9000);
  ASSERT_EQ(files.size(), 4u);  // 3 shards of <= 2 tensors each, plus the index
  EXPECT_TRUE(std::filesystem::exists(dir / "model-00001-of-00003.safetensors"));

  for (const auto& where : {dir.path(), dir / "model.safetensors.index.json"}) {
    Checkpoint c = Checkpoint::open(where);
    ASSERT_EQ(c.names().size(), 5u);
    for (int i = 0; i < 5; ++i) {
      auto bytes = c.bytes("layer." + std::to_string(i));
      ASSERT_EQ(bytes.size(), storage[i].size());
      EXPECT_EQ(std::memcmp(bytes.data(), storage[i].data(), bytes.size()), 0);
    }
  }
  EXPECT_EQ(Checkpoint::open(dir.path()).file_of("layer.4").path().filename(), "model-00003-of-00003.safetensors");
}

TEST(Safetensors, SingleShardIsWrittenWithoutIndex) {
  TempDir dir;
  auto data = pattern(16, 0);
  auto files = write_sharded(dir.path(), "model", {{"x", DType::F32, {4}, data}}, 1 << 20);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(files[0].filename(), "model.safetensors");
  EXPECT_TRUE(Checkpoint::open(dir.path()).contains("x"));
}

TEST(Safetensors, RejectsTruncatedFile) {
  TempDir dir;
  auto data = pattern(400, 0);
  write(dir / "a.safetensors", {{"w", DType::F32, {100}, data}});
  std::string s = read_all(dir / "a.safetensors");
  write_all(dir / "cut.safetensors", s.substr(0, s.size() - 10));
  const std::string e = error_of(dir / "cut.safetensors");
  EXPECT_NE(e.find("cut.safetensors"), std::string::npos) << e;
  EXPECT_NE(e.find("tensor 'w'"), std::string::npos) << e;
  EXPECT_NE(e.find("past the end"), std::string::npos) << e;

  write_all(dir / "tiny.safetensors", s.substr(0, 5));
  EXPECT_NE(error_of(dir / "tiny.safetensors").find("too small"), std::string::npos);
  write_all(dir / "header.safetensors", s.substr(0, 20));
  EXPECT_NE(error_of(dir / "header.safetensors").find("header length"), std::string::npos);
}

TEST(Safetensors, RejectsOversizedHeaderLength) {
  TempDir dir;
  std::string s = raw_file("{}", 0);
  s[6] = '\x7f';  // a header length of petabytes
  write_all(dir / "a.safetensors", s);
  EXPECT_NE(error_of(dir / "a.safetensors").find("100 MiB limit"), std::string::npos);
}

TEST(Safetensors, RejectsBadHeaderJson) {
  TempDir dir;
  write_all(dir / "a.safetensors", raw_file("{\"w\": {\"dtype\": \"F32\", ", 8));
  EXPECT_NE(error_of(dir / "a.safetensors").find("not valid JSON"), std::string::npos);
  write_all(dir / "b.safetensors", raw_file("[1, 2]", 8));
  EXPECT_NE(error_of(dir / "b.safetensors").find("not a JSON object"), std::string::npos);
}

TEST(Safetensors, RejectsOffsetsPastTheEnd) {
  TempDir dir;
  write_all(dir / "a.safetensors",
            raw_file(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})", 16));
  const std::string e = error_of(dir / "a.safetensors");
  EXPECT_NE(e.find("tensor 'w'"), std::string::npos) << e;
  EXPECT_NE(e.find("past the end"), std::string::npos) << e;
}

TEST(Safetensors, RejectsOverlappingTensors) {
  TempDir dir;
  write_all(dir / "a.safetensors", raw_file(R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
      "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                                            24));
  const std::string e = error_of(dir / "a.safetensors");
  EXPECT_NE(e.find("'a' and 'b' overlap"), std::string::npos) << e;
}

TEST(Safetensors, RejectsDtypeAndShapeMismatch) {
  TempDir dir;
  write_all(dir / "a.safetensors",
            raw_file(R"({"w": {"dtype": "F16", "shape": [4], "data_offsets": [0, 16]}})", 16));
  std::string e = error_of(dir / "a.safetensors");
  EXPECT_NE(e.find("16 bytes stored, but shape [4] of F16 needs 8"), std::string::npos) << e;

  write_all(dir / "b.safetensors",
            raw_file(R"({"w": {"dtype": "F24", "shape": [4], "data_offsets": [0, 16]}})", 16));
  e = error_of(dir / "b.safetensors");
  EXPECT_NE(e.find("unknown dtype 'F24'"), std::string::npos) << e;

  write_all(dir / "c.safetensors",
            raw_file(R"({"w": {"dtype": "F32", "shape": [-4], "data_offsets": [0, 16]}})", 16));
  EXPECT_NE(error_of(dir / "c.safetensors").find("negative"), std::string::npos);

  write_all(dir / "d.safetensors",
            raw_file(R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [16, 0]}})", 16));
  EXPECT_NE(error_of(dir / "d.safetensors").find("reversed"), std::string::npos);
}

TEST(Safetensors, RejectsIndexNamingMissingTensorOrEscapingFolder) {
  TempDir dir;
  auto data = pattern(16, 0);
  write(dir / "s1.safetensors", {{"a", DType::F32, {4}, data}});
  write_json_file(dir / "m.safetensors.index.json", Json{{"weight_map", {{"a", "s1.safetensors"}, {"b", "s1.safetensors"}}}});
  try {
    Checkpoint::open(dir / "m.safetensors.index.json");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("tensor 'b' listed in the index is missing"), std::string::npos) << e.what();
  }
  write_json_file(dir / "m.safetensors.index.json", Json{{"weight_map", {{"a", "../s1.safetensors"}}}});
  EXPECT_THROW(Checkpoint::open(dir / "m.safetensors.index.json"), Error);
}

TEST(Safetensors, RejectsShardTensorMissingFromIndex) {
  TempDir dir;
  auto data = pattern(16, 0);
  write(dir / "s1.safetensors", {{"a", DType::F32, {2}, std::span(data).first(8)}, {"b", DType::F32, {2}, std::span(data).last(8)}});
  write_json_file(dir / "m.safetensors.index.json", Json{{"weight_map", {{"a", "s1.safetensors"}}}});
  try {
    Checkpoint::open(dir.path());
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'b' is not listed in the index"), std::string::npos) << e.what();
  }
}

TEST(Safetensors, MissingFileIsAnIoError) {
  try {
    File::open("/nonexistent/x.safetensors");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::io);
    EXPECT_NE(std::string(e.what()).find("/nonexistent/x.safetensors"), std::string::npos);
  }
}

}  // namespace
}  // namespace kinema::safetensors
