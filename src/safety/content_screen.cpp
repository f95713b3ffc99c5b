// The request gate: content rules, then cameo grants; and the export check for clips that used cameos.
#include "safety/content_screen.h"

#include <algorithm>

#include "core/error.h"
#include "safety/cameo_store.h"

namespace kinema::safety {
namespace fs = std::filesystem;

namespace {

bool handle_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
}

fs::path config_dir_of(const ScreenOptions& options) {
  if (!options.config_dir.empty()) return options.config_dir;
  try {
    return user_config_dir();
  } catch (const Error&) {
    return {};  // no home folder: the shipped rules only, and no cameos
  }
}

// The text with each @handle replaced by a plain word, so the content rules read "person" where a cameo stands.
std::string without_handles(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const bool starts = text[i] == '@' && (i == 0 || !handle_char(text[i - 1])) && i + 1 < text.size() &&
                        handle_char(text[i + 1]);
    if (!starts) {
      out += text[i++];
      continue;
    }
    size_t end = i + 1;
    while (end < text.size() && handle_char(text[end])) ++end;
    out += "person";
    i = end;
  }
  return out;
}

std::string content_reason(const ContentMatch& match) {
  std::string reason = "refused by the content rules (" + match.category.title + "): the " + match.field;
  if (!match.person.empty())
    reason += " names " + match.person + "; a real person's likeness needs their cameo (@name) with a grant from them";
  else if (match.field == "prompt with its negative prompt")
    reason += " together ask for it (" + match.matched + ")";
  else
    reason += " has \"" + match.matched + "\"";
  if (match.field != "prompt") reason += " (negative prompts steer the model too)";
  return reason;
}

}  // namespace

std::vector<std::string> cameo_handles(std::string_view text) {
  std::vector<std::string> handles;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && handle_char(text[i - 1]))) continue;
    size_t end = i + 1;
    while (end < text.size() && handle_char(text[end])) ++end;
    if (end == i + 1) continue;
    std::string handle(text.substr(i + 1, end - i - 1));
    std::transform(handle.begin(), handle.end(), handle.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (std::find(handles.begin(), handles.end(), handle) == handles.end()) handles.push_back(handle);
    i = end - 1;
  }
  return handles;
}

Screening screen_request(const std::string& prompt, const std::string& negative_prompt, const ScreenOptions& options) {
  const fs::path dir = config_dir_of(options);
  const TimePoint now = options.now.value_or(std::chrono::system_clock::now());
  Screening screening;

  std::vector<std::string> handles = cameo_handles(prompt);
  for (const auto& handle : cameo_handles(negative_prompt))
    if (std::find(handles.begin(), handles.end(), handle) == handles.end()) handles.push_back(handle);
  std::vector<std::string> granted_names;
  std::string cameo_refusal;
  if (!handles.empty()) {
    if (dir.empty()) cameo_refusal = "refused (cameo): no config folder to find cameos in (set KINEMA_CONFIG_DIR)";
    const CameoStore store(dir);
    for (const auto& handle : dir.empty() ? std::vector<std::string>{} : handles) {
      const auto cameo = valid_cameo_name(handle) ? store.find(handle) : std::nullopt;
      if (!cameo) {
        if (cameo_refusal.empty())
          cameo_refusal = "refused (cameo): there is no cameo named @" + handle + " (kinema cameo list shows yours)";
        continue;
      }
      const CameoStatus status = store.status(*cameo, options.use, now);
      if (!status.allowed()) {
        if (cameo_refusal.empty()) cameo_refusal = "refused (cameo): " + status.reason;
        continue;
      }
      granted_names.push_back(cameo->display_name);
      screening.cameos.push_back({handle, cameo->hash, cameo->display_name, store.reference_paths(*cameo).front()});
    }
  }

  const auto policy = ContentPolicy::active(dir);
  CheckContext context;
  context.granted_names = granted_names;
  context.negative_steers_towards = !options.guidance || *options.guidance < 1.0;
  ContentMatch match = policy->check(without_handles(prompt), without_handles(negative_prompt), context);
  if (match.refused) {
    screening.refused = true;
    screening.category = match.category.id;
    screening.reason = content_reason(match);
    screening.match = std::move(match);
  } else if (!cameo_refusal.empty()) {
    screening.refused = true;
    screening.category = "cameo";
    screening.reason = cameo_refusal;
  }
  return screening;
}

std::vector<CameoUse> require_allowed(const std::string& prompt, const std::string& negative_prompt,
                                      const ScreenOptions& options) {
  Screening screening = screen_request(prompt, negative_prompt, options);
  if (screening.refused) fail(ErrorKind::refused, screening.reason);
  return std::move(screening.cameos);
}

std::string export_refusal(const std::vector<std::string>& cameo_hashes, const ScreenOptions& options) {
  if (cameo_hashes.empty()) return {};
  const fs::path dir = config_dir_of(options);
  if (dir.empty()) return "refused (cameo): no config folder to find the cameos this clip used";
  const CameoStore store(dir);
  const TimePoint now = options.now.value_or(std::chrono::system_clock::now());
  for (const auto& hash : cameo_hashes) {
    const auto cameo = store.find_by_hash(hash);
    if (!cameo)
      return "refused (cameo): this clip used a cameo (" + hash.substr(0, 12) +
             ") that is no longer among your cameos; regenerate it or import the cameo with a grant";
    const CameoStatus status = store.status(*cameo, Use::export_clip, now);
    if (!status.allowed())
      return "refused (cameo): " + status.reason + "; regenerate the clip without it or ask its owner for a new grant";
  }
  return {};
}

void require_export_allowed(const std::vector<std::string>& cameo_hashes, const ScreenOptions& options) {
  const std::string refusal = export_refusal(cameo_hashes, options);
  if (!refusal.empty()) fail(ErrorKind::refused, refusal);
}

}  // namespace kinema::safety
