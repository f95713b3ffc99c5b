// Tests for the text encoder's padding mask: padded positions neither change real tokens' features nor
// carry features of their own.
#include "text/text_encoder.h"

#include <gtest/gtest.h>

#include "support/fixture_model.h"

namespace kinema::text {
namespace {

TEST(TextEncoder, PaddedTokensChangeNothingAndAreZero) {
  torch::manual_seed(0);
  TextEncoder encoder(testing::fixture_config().text);
  encoder->eval();
  torch::NoGradGuard no_grad;
  const int64_t length = encoder->config.max_tokens;
  auto ids = torch::randint(1, encoder->config.vocab_size, {1, length}, torch::kLong);
  auto mask = torch::zeros({1, length}, torch::kBool);
  mask.narrow(1, 0, 5).fill_(true);
  const auto a = encoder->forward(ids, mask);
  ids.narrow(1, 5, length - 5).random_(1, encoder->config.vocab_size);  // other tokens where it is padded
  const auto b = encoder->forward(ids, mask);
  EXPECT_TRUE(torch::allclose(a.narrow(1, 0, 5), b.narrow(1, 0, 5), 1e-5, 1e-5));
  EXPECT_EQ(b.narrow(1, 5, length - 5).abs().max().item<float>(), 0.0f);
  // A real token changed: the features change.
  ids[0][2] = (ids[0][2].item<int64_t>() % (encoder->config.vocab_size - 1)) + 1;
  EXPECT_FALSE(torch::allclose(encoder->forward(ids, mask).narrow(1, 0, 5), a.narrow(1, 0, 5)));
}

}  // namespace
}  // namespace kinema::text
