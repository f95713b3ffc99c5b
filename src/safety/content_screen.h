// The gate every request passes before any work starts, whichever front end sends it (CLI, studio, batch):
// the content rules on the prompt and the negative prompt, and a valid grant for every @cameo named. The same
// check runs again when a clip that used a cameo is exported.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safety/cameo.h"
#include "safety/content_policy.h"

namespace kinema::safety {

// A cameo a request uses, resolved to the user's store.
struct CameoUse {
  std::string handle;        // what followed '@'
  std::string hash;          // the cameo's identity (references hash)
  std::string display_name;
  std::filesystem::path reference;  // its first reference image
};

struct ScreenOptions {
  std::filesystem::path config_dir;  // empty: user_config_dir()
  Use use = Use::generate;
  std::optional<TimePoint> now;      // empty: the clock
  // The request's classifier-free guidance. Below 1 (or unknown) the negative prompt is read like the prompt,
  // since it then steers towards what it says; above 1 only words that ask for something by being kept out.
  std::optional<double> guidance;
};

struct Screening {
  bool refused = false;
  std::string category;  // a content category id, or "cameo"
  std::string reason;    // one line naming the category (or the cameo) and what was found
  ContentMatch match;    // content refusals: what matched
  std::vector<CameoUse> cameos;

  bool allowed() const { return !refused; }
};

// The handles a text names: "@alice" -> "alice" (lower-cased; an '@' inside a word, as in an e-mail
// address, is not a handle).
std::vector<std::string> cameo_handles(std::string_view text);

// Screens a request without throwing: content rules first, then the cameos.
Screening screen_request(const std::string& prompt, const std::string& negative_prompt, const ScreenOptions& options = {});

// The same, throwing kinema::Error (refused) with the reason; returns the cameos the request uses.
std::vector<CameoUse> require_allowed(const std::string& prompt, const std::string& negative_prompt,
                                      const ScreenOptions& options = {});

// Before a clip that used these cameos (by hash) is exported: every one still has a valid grant for export.
// Returns the first reason one does not (empty when all may be exported).
std::string export_refusal(const std::vector<std::string>& cameo_hashes, const ScreenOptions& options = {});
void require_export_allowed(const std::vector<std::string>& cameo_hashes, const ScreenOptions& options = {});

}  // namespace kinema::safety
