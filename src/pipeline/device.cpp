// Choice of compute device and of CPU threads.
#include "pipeline/device.h"

#include <torch/torch.h>

#include <cstdlib>
#include <thread>

#include "core/error.h"

namespace kinema::pipeline {

DeviceChoice parse_device(const std::string& name) {
  if (name == "auto") return DeviceChoice::automatic;
  if (name == "cpu") return DeviceChoice::cpu;
  if (name == "cuda") return DeviceChoice::cuda;
  fail(ErrorKind::invalid_input, "unknown device '" + name + "' (choose auto, cpu or cuda)");
}

int configure_cpu_threads() {
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (const char* env = std::getenv("KINEMA_THREADS"); env && std::atoi(env) > 0) threads = std::atoi(env);
  threads = std::max(threads, 1);
  if (torch::get_num_threads() != threads) torch::set_num_threads(threads);
  return threads;
}

}  // namespace kinema::pipeline
