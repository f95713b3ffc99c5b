// SHA-256 (through OpenSSL) for C2PA hard bindings and hashed URIs.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace kinema::safety {

// Incremental SHA-256: update() any number of times, then finish() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const uint8_t> data);
  std::vector<uint8_t> finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::vector<uint8_t> sha256(std::span<const uint8_t> data);

}  // namespace kinema::safety
