// The text encoder: token embedding plus learned positions, pre-norm transformer blocks with a padding
// mask, final LayerNorm. Produces per-token features the DiT attends to.
#pragma once

#include <torch/torch.h>

#include "model/config.h"
#include "model/dit.h"

namespace kinema::text {

// Token ids and padding mask for a batch of prompts: each prompt's tokens plus the end-of-sentence token,
// cut to max_tokens, right-padded. ids: [B, L] int64; mask: [B, L] bool (true = real token).
struct TokenBatch {
  torch::Tensor ids;
  torch::Tensor mask;
};
TokenBatch tokenize(const class Tokenizer& tokenizer, const std::vector<std::string>& prompts,
                    const model::TextEncoderConfig& config);

struct TextBlockImpl : torch::nn::Module {
  explicit TextBlockImpl(const model::TextEncoderConfig& config);
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& mask);

  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
  model::Attention attn{nullptr};
  torch::nn::Sequential ffn{nullptr};
};
TORCH_MODULE(TextBlock);

struct TextEncoderImpl : torch::nn::Module {
  explicit TextEncoderImpl(const model::TextEncoderConfig& config);
  // ids: [B, L] int64; mask: [B, L] bool (true = real token). Returns [B, L, width]; padded rows are zero.
  torch::Tensor forward(const torch::Tensor& ids, const torch::Tensor& mask);

  model::TextEncoderConfig config;
  torch::nn::Embedding token_embedding{nullptr};
  torch::Tensor position_embedding;  // [max_tokens, width]
  torch::nn::ModuleList blocks{nullptr};
  torch::nn::LayerNorm norm{nullptr};
};
TORCH_MODULE(TextEncoder);

}  // namespace kinema::text
