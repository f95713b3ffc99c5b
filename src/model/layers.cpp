// Layers the networks share.
#include "model/layers.h"

#include <torch/version.h>

#include <cmath>

namespace kinema::model {

RMSNormImpl::RMSNormImpl(int64_t dim, double eps) : eps(eps) {
  weight = register_parameter("weight", torch::ones({dim}));
}

torch::Tensor RMSNormImpl::forward(const torch::Tensor& x) {
  const auto xf = x.to(torch::kFloat);
  const auto normed = xf * torch::rsqrt(xf.pow(2).mean(-1, true) + eps);
  return normed.to(x.scalar_type()) * weight;
}

ChannelNormImpl::ChannelNormImpl(int64_t channels, double eps) : eps(eps) {
  weight = register_parameter("weight", torch::ones({channels}));
}

torch::Tensor ChannelNormImpl::forward(const torch::Tensor& x) {
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = weight.size(0);
  const auto xf = x.to(torch::kFloat);
  const auto normed = xf * torch::rsqrt(xf.pow(2).mean(1, true) + eps);
  return normed.to(x.scalar_type()) * weight.view(shape);
}

torch::Tensor attention(const torch::Tensor& q, const torch::Tensor& k, const torch::Tensor& v,
                        const torch::Tensor& key_mask) {
  torch::Tensor mask;
  if (key_mask.defined()) mask = key_mask.view({key_mask.size(0), 1, 1, key_mask.size(1)});
#if TORCH_VERSION_MAJOR >= 2
  return at::scaled_dot_product_attention(q, k, v, mask);
#else
  const double scale = 1.0 / std::sqrt(static_cast<double>(q.size(-1)));
  auto scores = torch::matmul(q, k.transpose(-2, -1)) * scale;
  if (mask.defined()) scores = scores.masked_fill(mask.logical_not(), -std::numeric_limits<float>::infinity());
  return torch::matmul(torch::softmax(scores, -1), v);
#endif
}

std::pair<torch::Tensor, torch::Tensor> Rope3d::tables(const torch::Tensor& positions, std::array<int, 3> dims,
                                                       double theta) {
  std::vector<torch::Tensor> angles;
  const auto options = torch::TensorOptions().dtype(torch::kDouble).device(positions.device());
  for (int axis = 0; axis < 3; ++axis) {
    const int d = dims[axis];
    // Frequencies theta^(-2i/d) for i < d/2, per axis, as in Wan's rope_params.
    const auto freqs = torch::pow(theta, -torch::arange(0, d, 2, options) / d);
    angles.push_back(torch::outer(positions.select(1, axis).to(torch::kDouble), freqs));
  }
  const auto all = torch::cat(angles, 1);
  return {torch::cos(all).to(torch::kFloat), torch::sin(all).to(torch::kFloat)};
}

torch::Tensor Rope3d::apply(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin) {
  const auto shape = x.sizes().vec();
  auto pairs = x.to(torch::kFloat).reshape({shape[0], shape[1], shape[2], shape[3] / 2, 2});
  const auto even = pairs.select(-1, 0);
  const auto odd = pairs.select(-1, 1);
  const auto out = torch::stack({even * cos - odd * sin, even * sin + odd * cos}, -1);
  return out.reshape(shape).to(x.scalar_type());
}

torch::Tensor grid_positions(int64_t t, int64_t h, int64_t w) {
  const auto options = torch::TensorOptions().dtype(torch::kFloat);
  auto grids = torch::meshgrid({torch::arange(t, options), torch::arange(h, options), torch::arange(w, options)}, "ij");
  return torch::stack({grids[0].flatten(), grids[1].flatten(), grids[2].flatten()}, 1);
}

torch::Tensor sinusoidal_embedding(const torch::Tensor& t, int64_t dim) {
  const int64_t half = dim / 2;
  const auto options = torch::TensorOptions().dtype(torch::kDouble).device(t.device());
  const auto freqs = torch::pow(10000.0, -torch::arange(half, options) / half);
  const auto args = torch::outer(t.to(torch::kDouble), freqs);
  return torch::cat({torch::cos(args), torch::sin(args)}, 1).to(torch::kFloat);
}

}  // namespace kinema::model
