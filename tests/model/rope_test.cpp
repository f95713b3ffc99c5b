// Tests for the 3D rotary position embedding.
#include <gtest/gtest.h>

#include "model/layers.h"

namespace kinema::model {
namespace {

constexpr std::array<int, 3> kDims{12, 10, 10};  // head dim 32 split as Wan does: 32 - 4*5, 2*5, 2*5

torch::Tensor rotate(const torch::Tensor& x, const torch::Tensor& positions) {
  auto [cos, sin] = Rope3d::tables(positions, kDims, 10000.0);
  return Rope3d::apply(x.view({1, 1, -1, 32}), cos, sin).view({-1, 32});
}

TEST(Rope3d, PreservesNorms) {
  torch::manual_seed(1);
  const auto x = torch::randn({20, 32});
  const auto positions = torch::rand({20, 3}) * 50;
  const auto y = rotate(x, positions);
  EXPECT_TRUE(torch::allclose(y.norm(2, 1), x.norm(2, 1), 1e-5, 1e-5));
  EXPECT_FALSE(torch::allclose(y, x, 1e-3, 1e-3));
}

TEST(Rope3d, DotProductDependsOnlyOnRelativePosition) {
  torch::manual_seed(2);
  const auto q = torch::randn({1, 32}), k = torch::randn({1, 32});
  const auto pq = torch::tensor({{3.0f, 1.0f, 7.0f}}), pk = torch::tensor({{1.0f, 4.0f, 2.0f}});
  const double reference = (rotate(q, pq) * rotate(k, pk)).sum().item<double>();
  for (int trial = 0; trial < 5; ++trial) {
    const auto shift = torch::rand({1, 3}) * 100 - 50;
    const double shifted = (rotate(q, pq + shift) * rotate(k, pk + shift)).sum().item<double>();
    EXPECT_NEAR(shifted, reference, 1e-3);
  }
  // Moving only one of the two changes the product: position is actually encoded.
  const double moved = (rotate(q, pq + torch::tensor({{0.0f, 2.0f, 0.0f}})) * rotate(k, pk)).sum().item<double>();
  EXPECT_GT(std::abs(moved - reference), 1e-3);
}

TEST(Rope3d, EachAxisRotatesItsOwnSliceOfTheHeadDimension) {
  const auto x = torch::randn({1, 32});
  const auto base = rotate(x, torch::zeros({1, 3}));
  EXPECT_TRUE(torch::allclose(base, x, 1e-6, 1e-6));  // position zero is the identity
  const auto moved_h = rotate(x, torch::tensor({{0.0f, 5.0f, 0.0f}}));
  // t occupies values [0, 12), h [12, 22), w [22, 32).
  EXPECT_TRUE(torch::allclose(moved_h.narrow(1, 0, 12), x.narrow(1, 0, 12)));
  EXPECT_FALSE(torch::allclose(moved_h.narrow(1, 12, 10), x.narrow(1, 12, 10)));
  EXPECT_TRUE(torch::allclose(moved_h.narrow(1, 22, 10), x.narrow(1, 22, 10)));
}

}  // namespace
}  // namespace kinema::model
