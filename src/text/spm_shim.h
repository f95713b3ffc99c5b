// The plain C interface of libkinema_spm.so, which wraps SentencePiece so it can be dlopen'ed in isolation.
// Debian's libsentencepiece carries its own protobuf and crashes when linked next to libtorch
// (shared/PLATFORM.md); loading it with RTLD_LOCAL | RTLD_DEEPBIND keeps the two apart.
#pragma once

#include <stddef.h>

extern "C" {

// Every function that can fail writes a message into err (err_len bytes) and returns null or -1.
void* kinema_spm_load(const char* model_path, char* err, size_t err_len);
void kinema_spm_free(void* processor);
int kinema_spm_vocab_size(void* processor);
int kinema_spm_special_id(void* processor, const char* which);  // "unk", "bos", "eos", "pad"; -1 if none

// Encodes text; writes up to max_ids ids and returns how many there are (call again if more than max_ids).
int kinema_spm_encode(void* processor, const char* text, int* ids, int max_ids, char* err, size_t err_len);
// Decodes ids; writes up to max_out bytes (no terminator) and returns the full length.
int kinema_spm_decode(void* processor, const int* ids, int count, char* out, int max_out, char* err, size_t err_len);
// The piece (sub-word) for an id; returns its full length like decode.
int kinema_spm_piece(void* processor, int id, char* out, int max_out);
}
