// The text encoder.
#include "text/text_encoder.h"

namespace kinema::text {
namespace nn = torch::nn;

TextBlockImpl::TextBlockImpl(const model::TextEncoderConfig& c) {
  norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({c.width}).eps(c.eps)));
  attn = register_module("attn", model::Attention(c.width, c.heads, /*qk_norm=*/false, c.eps));
  norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({c.width}).eps(c.eps)));
  ffn = register_module("ffn", nn::Sequential(nn::Linear(c.width, c.ffn_dim), nn::GELU(nn::GELUOptions().approximate("tanh")),
                                              nn::Linear(c.ffn_dim, c.width)));
}

torch::Tensor TextBlockImpl::forward(const torch::Tensor& x_in, const torch::Tensor& mask) {
  auto x = x_in;
  const auto h = norm1(x);
  // Self-attention as "cross-attention to itself" with the padding mask on the keys; no RoPE here.
  x = x + attn->forward(h, h, mask, {}, {});
  x = x + ffn->forward(norm2(x));
  return x;
}

TextEncoderImpl::TextEncoderImpl(const model::TextEncoderConfig& c) : config(c) {
  token_embedding = register_module("token_embedding", nn::Embedding(c.vocab_size, c.width));
  position_embedding = register_parameter("position_embedding", torch::randn({c.max_tokens, c.width}) * 0.02);
  blocks = register_module("blocks", nn::ModuleList());
  for (int i = 0; i < c.depth; ++i) blocks->push_back(TextBlock(c));
  norm = register_module("norm", nn::LayerNorm(nn::LayerNormOptions({c.width}).eps(c.eps)));
}

torch::Tensor TextEncoderImpl::forward(const torch::Tensor& ids, const torch::Tensor& mask) {
  const int64_t length = ids.size(1);
  auto x = token_embedding(ids) + position_embedding.narrow(0, 0, length).unsqueeze(0);
  for (const auto& block : *blocks) x = block->as<TextBlock>()->forward(x, mask);
  return norm(x) * mask.unsqueeze(-1).to(x.scalar_type());
}

}  // namespace kinema::text
