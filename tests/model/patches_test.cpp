// Tests for patchify/unpatchify and the patch embedding's agreement with them.
#include "model/patches.h"

#include <gtest/gtest.h>

#include "model/dit.h"

namespace kinema::model {
namespace {

TEST(Patches, UnpatchifyInvertsPatchify) {
  const auto x = torch::randn({2, 3, 4, 6, 8});
  for (std::array<int, 3> patch : {std::array<int, 3>{1, 2, 2}, {2, 2, 2}, {1, 1, 1}, {4, 3, 2}}) {
    const auto tokens = patchify(x, patch);
    const std::array<int64_t, 3> grid{4 / patch[0], 6 / patch[1], 8 / patch[2]};
    EXPECT_EQ(tokens.size(1), grid[0] * grid[1] * grid[2]);
    EXPECT_TRUE(torch::equal(unpatchify(tokens, patch, grid, 3), x));
  }
  const auto a = torch::randn({2, 5, 12});
  EXPECT_TRUE(torch::equal(unpatchify_1d(patchify_1d(a, 3), 3, 5), a));
}

TEST(Patches, StridedConvEmbeddingEqualsLinearOverPatchifiedTokens) {
  torch::manual_seed(0);
  const std::array<int, 3> patch{1, 2, 2};
  auto conv = torch::nn::Conv3d(torch::nn::Conv3dOptions(3, 8, {1, 2, 2}).stride({1, 2, 2}));
  const auto x = torch::randn({1, 3, 2, 4, 4});
  const auto by_conv = conv(x).flatten(2).transpose(1, 2);  // [1, N, 8]
  // The conv weight [8, C, pt, ph, pw] in token order (pt, ph, pw, c).
  const auto w = conv->weight.permute({0, 2, 3, 4, 1}).reshape({8, -1});
  const auto by_linear = torch::matmul(patchify(x, patch), w.t()) + conv->bias;
  EXPECT_TRUE(torch::allclose(by_conv, by_linear, 1e-5, 1e-5));
}

}  // namespace
}  // namespace kinema::model
