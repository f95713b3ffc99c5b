// Choice of compute device (auto picks CUDA when libtorch has it, else the CPU) and of CPU threads.
#pragma once

#include <string>

namespace kinema::pipeline {

enum class DeviceChoice { automatic, cpu, cuda };

DeviceChoice parse_device(const std::string& name);  // "auto", "cpu", "cuda"; throws on others

// Sets libtorch's CPU threads to KINEMA_THREADS if set, else to the number of cores (Debian's libgomp
// was seen defaulting to one thread, halving speed on two cores). Returns the count. Idempotent.
int configure_cpu_threads();

}  // namespace kinema::pipeline
