// Tests for JSON config reading: errors name the key and the file.
#include "core/json.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/error_of.h"
#include "support/temp_dir.h"

namespace kinema {
namespace {

using testing::error_of;

TEST(ConfigReader, ErrorsNameTheKey) {
  const Json j = Json::parse(R"({"dit": {"width": -3, "name": 4, "patch": [1, 2]}})");
  ConfigReader root(j, "model.json");
  const ConfigReader dit = root.child("dit");
  EXPECT_NE(error_of([&] { dit.integer("width", 1, 100); }).find("model.json.dit.width: -3 is out of range"),
            std::string::npos);
  EXPECT_NE(error_of([&] { dit.integer("depth", 1, 100); }).find("model.json.dit.depth: missing"), std::string::npos);
  EXPECT_NE(error_of([&] { dit.string("name"); }).find("expected a string"), std::string::npos);
  EXPECT_NE(error_of([&] { dit.integers("patch", 3, 1, 8); }).find("list of 3 integers"), std::string::npos);
  EXPECT_EQ(dit.integer_or("depth", 7, 1, 100), 7);
}

TEST(JsonFile, MalformedFileNamesTheFile) {
  testing::TempDir dir;
  const auto path = dir / "bad.json";
  std::FILE* f = std::fopen(path.c_str(), "w");
  std::fputs("{\"a\": ", f);
  std::fclose(f);
  const std::string e = error_of([&] { read_json_file(path); });
  EXPECT_NE(e.find("bad.json: not valid JSON"), std::string::npos) << e;
}

}  // namespace
}  // namespace kinema
