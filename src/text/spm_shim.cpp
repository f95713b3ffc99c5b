// libkinema_spm.so: SentencePiece behind a plain C interface, opened with dlopen by text/tokenizer.cpp.
#include "text/spm_shim.h"

#include <sentencepiece_processor.h>

#include <cstring>
#include <string>

namespace {

void set_error(char* err, size_t err_len, const std::string& message) {
  if (!err || err_len == 0) return;
  std::strncpy(err, message.c_str(), err_len - 1);
  err[err_len - 1] = '\0';
}

int copy_out(const std::string& s, char* out, int max_out) {
  if (out && max_out > 0) std::memcpy(out, s.data(), std::min<size_t>(s.size(), static_cast<size_t>(max_out)));
  return static_cast<int>(s.size());
}

}  // namespace

extern "C" {

void* kinema_spm_load(const char* model_path, char* err, size_t err_len) {
  auto* processor = new sentencepiece::SentencePieceProcessor();
  const auto status = processor->Load(model_path);
  if (!status.ok()) {
    set_error(err, err_len, status.ToString());
    delete processor;
    return nullptr;
  }
  return processor;
}

void kinema_spm_free(void* processor) { delete static_cast<sentencepiece::SentencePieceProcessor*>(processor); }

int kinema_spm_vocab_size(void* processor) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(processor)->GetPieceSize();
}

int kinema_spm_special_id(void* processor, const char* which) {
  auto* p = static_cast<sentencepiece::SentencePieceProcessor*>(processor);
  const std::string w = which;
  if (w == "unk") return p->unk_id();
  if (w == "bos") return p->bos_id();
  if (w == "eos") return p->eos_id();
  if (w == "pad") return p->pad_id();
  return -1;
}

int kinema_spm_encode(void* processor, const char* text, int* ids, int max_ids, char* err, size_t err_len) {
  std::vector<int> out;
  const auto status = static_cast<sentencepiece::SentencePieceProcessor*>(processor)->Encode(text, &out);
  if (!status.ok()) {
    set_error(err, err_len, status.ToString());
    return -1;
  }
  for (int i = 0; i < static_cast<int>(out.size()) && i < max_ids; ++i) ids[i] = out[i];
  return static_cast<int>(out.size());
}

int kinema_spm_decode(void* processor, const int* ids, int count, char* out, int max_out, char* err, size_t err_len) {
  auto* p = static_cast<sentencepiece::SentencePieceProcessor*>(processor);
  const int vocab = p->GetPieceSize();
  for (int i = 0; i < count; ++i)
    if (ids[i] < 0 || ids[i] >= vocab) {
      set_error(err, err_len, "token id " + std::to_string(ids[i]) + " is outside the vocabulary");
      return -1;
    }
  std::string text;
  const auto status = p->Decode(std::vector<int>(ids, ids + count), &text);
  if (!status.ok()) {
    set_error(err, err_len, status.ToString());
    return -1;
  }
  return copy_out(text, out, max_out);
}

int kinema_spm_piece(void* processor, int id, char* out, int max_out) {
  auto* p = static_cast<sentencepiece::SentencePieceProcessor*>(processor);
  if (id < 0 || id >= p->GetPieceSize()) return -1;
  return copy_out(p->IdToPiece(id), out, max_out);
}

}
