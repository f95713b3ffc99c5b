// The text encoder.
#include "text/text_encoder.h"

#include "core/error.h"
#include "text/tokenizer.h"

namespace kinema::text {
namespace nn = torch::nn;

TokenBatch tokenize(const Tokenizer& tokenizer, const std::vector<std::string>& prompts,
                    const model::TextEncoderConfig& config) {
  std::vector<std::vector<int>> all;
  size_t length = 1;
  for (const auto& prompt : prompts) {
    std::vector<int> ids = tokenizer.encode(prompt);
    const int eos = tokenizer.eos_id();
    if (eos >= 0) {
      if (static_cast<int>(ids.size()) >= config.max_tokens) ids.resize(config.max_tokens - 1);
      ids.push_back(eos);
    } else if (static_cast<int>(ids.size()) > config.max_tokens) {
      ids.resize(config.max_tokens);
    }
    if (ids.empty()) ids.push_back(tokenizer.unk_id());  // an empty prompt still has one token to attend to
    for (int id : ids)
      if (id >= config.vocab_size)
        fail(ErrorKind::model, tokenizer.path().string() + " has more tokens than model.json's vocab_size");
    length = std::max(length, ids.size());
    all.push_back(std::move(ids));
  }
  const auto rows = static_cast<int64_t>(all.size()), cols = static_cast<int64_t>(length);
  auto ids = torch::zeros({rows, cols}, torch::kLong);
  auto mask = torch::zeros({rows, cols}, torch::kBool);
  auto id_data = ids.accessor<int64_t, 2>();
  auto mask_data = mask.accessor<bool, 2>();
  for (int64_t b = 0; b < rows; ++b)
    for (size_t i = 0; i < all[b].size(); ++i) {
      id_data[b][i] = all[b][i];
      mask_data[b][i] = true;
    }
  return {ids, mask};
}

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
