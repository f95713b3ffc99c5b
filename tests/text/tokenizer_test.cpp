// Tests for the tokenizer: trained here, used through the isolated SentencePiece shim next to libtorch.
#include "text/tokenizer.h"

#include <torch/torch.h>

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "support/temp_dir.h"

namespace kinema::text {
namespace {

TEST(Tokenizer, RoundTripsTextInTheSameProcessAsLibtorch) {
  const auto before = torch::ones({4, 4}).matmul(torch::ones({4, 4}));  // libtorch loaded and used first
  testing::TempDir dir;
  Tokenizer::train({"a red ball bounces on a metal floor", "a blue box slides on ice", "the glass shatters at night",
                    "a green ball rolls across the grass", "the camera pans left at sunset"},
                   dir / "tok", 48);
  const Tokenizer tokenizer = Tokenizer::load(dir / "tok.model");
  EXPECT_GT(tokenizer.vocab_size(), 10);
  for (const std::string text : {"a red ball bounces", "the glass shatters on the metal floor at sunset", "brass"}) {
    const auto ids = tokenizer.encode(text);
    ASSERT_FALSE(ids.empty());
    EXPECT_EQ(tokenizer.decode(ids), text);
  }
  // Characters the training text never had become the unknown token.
  const auto ids = tokenizer.encode("zebra!");
  EXPECT_NE(std::find(ids.begin(), ids.end(), tokenizer.unk_id()), ids.end());
  const auto after = torch::ones({4, 4}).matmul(torch::ones({4, 4}));  // and still works afterwards
  EXPECT_TRUE(torch::equal(before, after));
}

TEST(Tokenizer, MissingModelFileIsAClearError) {
  try {
    Tokenizer::load("/nonexistent/tokenizer.model");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer.model"), std::string::npos);
  }
}

TEST(Tokenizer, CorruptModelFileIsAClearError) {
  testing::TempDir dir;
  std::FILE* f = std::fopen((dir / "bad.model").c_str(), "w");
  std::fputs("this is not a sentencepiece model", f);
  std::fclose(f);
  EXPECT_THROW(Tokenizer::load(dir / "bad.model"), Error);
}

}  // namespace
}  // namespace kinema::text
