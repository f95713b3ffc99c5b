// Choice of compute device: auto picks CUDA when libtorch has it, else the CPU.
#pragma once

#include <string>

namespace kinema::pipeline {

enum class DeviceChoice { automatic, cpu, cuda };

DeviceChoice parse_device(const std::string& name);  // "auto", "cpu", "cuda"; throws on others

}  // namespace kinema::pipeline
