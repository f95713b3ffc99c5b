// SHA-256 (through OpenSSL) for C2PA hard bindings and hashed URIs.
#include "safety/c2pa_hash.h"

#include <openssl/evp.h>

#include "core/error.h"

namespace kinema::safety {

struct Sha256::Impl {
  struct Deleter {
    void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
  };
  std::unique_ptr<EVP_MD_CTX, Deleter> ctx{EVP_MD_CTX_new()};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1)
    fail(ErrorKind::internal, "OpenSSL cannot start a SHA-256 digest");
}

Sha256::~Sha256() = default;

void Sha256::update(std::span<const uint8_t> data) {
  if (!data.empty() && EVP_DigestUpdate(impl_->ctx.get(), data.data(), data.size()) != 1)
    fail(ErrorKind::internal, "OpenSSL SHA-256 update failed");
}

std::vector<uint8_t> Sha256::finish() {
  std::vector<uint8_t> digest(32);
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(impl_->ctx.get(), digest.data(), &length) != 1 || length != 32)
    fail(ErrorKind::internal, "OpenSSL SHA-256 finish failed");
  return digest;
}

std::vector<uint8_t> sha256(std::span<const uint8_t> data) {
  Sha256 hash;
  hash.update(data);
  return hash.finish();
}

}  // namespace kinema::safety
