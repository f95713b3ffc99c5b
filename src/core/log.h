// Named spdlog loggers, one per area of the engine (engine, media, world, ui, ...).
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace kinema {

// Returns the logger for an area, creating it on first use; all loggers write to stderr.
std::shared_ptr<spdlog::logger> logger(const std::string& area);

// Sets the level of every Kinema logger ("debug", "info", "warn", "error", "off").
void set_log_level(const std::string& level);

}  // namespace kinema
