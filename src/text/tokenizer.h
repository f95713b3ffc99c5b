// The tokenizer: a SentencePiece model used through libkinema_spm.so, loaded in isolation (see spm_shim.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace kinema::text {

class Tokenizer {
 public:
  static Tokenizer load(const std::filesystem::path& model);
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer& operator=(Tokenizer&&) noexcept;
  ~Tokenizer();

  std::vector<int> encode(std::string_view text) const;
  std::string decode(const std::vector<int>& ids) const;
  std::string piece(int id) const;
  int vocab_size() const;
  int unk_id() const;
  int eos_id() const;  // -1 when the model has none
  const std::filesystem::path& path() const { return path_; }

  // Trains a unigram SentencePiece model from sentences (with spm_train, in its own process) and writes
  // <prefix>.model and <prefix>.vocab.
  static void train(const std::vector<std::string>& sentences, const std::filesystem::path& prefix, int vocab_size);

 private:
  Tokenizer() = default;
  std::filesystem::path path_;
  void* processor_ = nullptr;
};

// Where libkinema_spm.so was found (for error messages and `kinema info`).
std::filesystem::path spm_shim_path();

}  // namespace kinema::text
