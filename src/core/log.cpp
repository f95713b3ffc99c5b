// Named spdlog loggers sharing one stderr sink.
#include "core/log.h"

#include <mutex>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace kinema {
namespace {

std::mutex g_mutex;
spdlog::level::level_enum g_level = spdlog::level::warn;

}  // namespace

std::shared_ptr<spdlog::logger> logger(const std::string& area) {
  std::lock_guard lock(g_mutex);
  const std::string name = "kinema." + area;
  if (auto existing = spdlog::get(name)) return existing;
  auto created = spdlog::stderr_color_mt(name);
  created->set_pattern("[%H:%M:%S.%e] [%n] [%^%l%$] %v");
  created->set_level(g_level);
  return created;
}

void set_log_level(const std::string& level) {
  std::lock_guard lock(g_mutex);
  g_level = spdlog::level::from_str(level);
  spdlog::apply_all([](const std::shared_ptr<spdlog::logger>& l) {
    if (l->name().rfind("kinema.", 0) == 0) l->set_level(g_level);
  });
}

}  // namespace kinema
