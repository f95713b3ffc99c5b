// The one exception type Kinema throws: what failed and where, plus a kind the front ends map to exit codes.
#pragma once

#include <stdexcept>
#include <string>

namespace kinema {

enum class ErrorKind {
  invalid_input,  // the user asked for something the engine cannot do (bad flag, empty prompt)
  io,             // a file could not be read or written
  format,         // a file is malformed (safetensors, JSON, MP4)
  model,          // a model folder is incomplete or inconsistent
  cancelled,      // the caller cancelled long work
  refused,        // the content rules refused a request
  internal,       // a bug or a library failure we did not expect
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const noexcept { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& what) { throw Error(kind, what); }

}  // namespace kinema
