// Training shards: written on several threads, read back, and checksums catch damage.
#include "world/dataset.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace kinema::world {
namespace {

using kinema::testing::error_of;
using kinema::testing::TempDir;

DatasetOptions small_dataset(int threads) {
  DatasetOptions o;
  o.count = 5;
  o.records_per_shard = 2;
  o.seed = 3;
  o.threads = threads;
  o.scenes.format = {32, 32, 12, 9, 8000};
  o.scenes.max_shots = 2;
  return o;
}

std::string bytes_of(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(Dataset, Crc32MatchesTheStandardCheckValue) { EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u); }

TEST(Dataset, ShardsReadBackWithCaptionsFramesLabelsAndSound) {
  TempDir dir;
  const DatasetSummary summary = write_dataset(dir.path(), small_dataset(2));
  EXPECT_EQ(summary.records, 5);
  EXPECT_EQ(summary.shards, 3);
  int records = 0;
  for (int shard = 0; shard < 3; ++shard) {
    char name[32];
    std::snprintf(name, sizeof(name), "shard-%05d.kws", shard);
    ShardReader reader(dir / name);
    EXPECT_EQ(reader.width(), 32);
    EXPECT_EQ(reader.frames(), 9);
    EXPECT_TRUE(reader.has_labels());
    for (int i = 0; i < reader.size(); ++i) {
      const ShardRecord r = reader.read(i);
      EXPECT_EQ(r.frames.size(), 9u * 32 * 32 * 3);
      EXPECT_EQ(r.labels.size(), 9u * 32 * 32);
      EXPECT_NEAR(static_cast<double>(r.audio.size()), 9 * 8000 / 12.0, 1.0);
      EXPECT_FALSE(r.json.at("caption").get<std::string>().empty());
      EXPECT_EQ(r.json.at("shot").get<int>(), r.shot);
      ++records;
    }
  }
  EXPECT_EQ(records, 5);
}

TEST(Dataset, SameShardsWhateverTheThreads) {
  TempDir one, two;
  write_dataset(one.path(), small_dataset(1));
  write_dataset(two.path(), small_dataset(2));
  for (const char* name : {"shard-00000.kws", "shard-00001.kws", "shard-00002.kws"})
    EXPECT_EQ(bytes_of(one / name), bytes_of(two / name)) << name;
}

TEST(Dataset, DamagedRecordFailsItsChecksum) {
  TempDir dir;
  write_dataset(dir.path(), small_dataset(1));
  const auto path = dir / "shard-00001.kws";
  std::string bytes = bytes_of(path);
  ShardReader clean(path);
  clean.read(1);
  bytes[bytes.size() / 2] ^= 0x40;  // a flipped bit in the middle of the frames
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ShardReader damaged(path);
  const std::string e0 = error_of([&] { damaged.read(0); }), e1 = error_of([&] { damaged.read(1); });
  EXPECT_NE((e0 + e1).find("checksum mismatch"), std::string::npos);
  EXPECT_NE((e0 + e1).find("shard-00001.kws: record"), std::string::npos);
}

TEST(Dataset, DamagedHeaderIsRejected) {
  TempDir dir;
  write_dataset(dir.path(), small_dataset(1));
  const auto path = dir / "shard-00000.kws";
  std::string bytes = bytes_of(path);
  bytes[20] ^= 1;
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  EXPECT_NE(error_of([&] { ShardReader r(path); }).find("header checksum mismatch"), std::string::npos);
}

}  // namespace
}  // namespace kinema::world
