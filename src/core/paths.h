// Where the running program lives, for finding files installed beside it (the tokenizer shim, models).
#pragma once

#include <filesystem>

namespace kinema {

// The folder of the running executable (from /proc/self/exe); empty if it cannot be read.
std::filesystem::path executable_dir();

}  // namespace kinema
