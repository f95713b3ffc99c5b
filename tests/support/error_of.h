// The message of the kinema::Error a call throws, or "" when it throws none.
#pragma once

#include <functional>
#include <string>

#include "core/error.h"

namespace kinema::testing {

inline std::string error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace kinema::testing
