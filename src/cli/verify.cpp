// `kinema verify FILE [--json]`: does this file say it is synthetic? Checks its C2PA manifest, the invisible
// watermark and the visible mark, and prints a verdict ("synthetic, made by Kinema" or that there is no sign).
#include <cstdio>
#include <string>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "safety/provenance.h"

namespace kinema::cli {

namespace {

std::string yes_no(const Json& j, const char* key, const char* yes, const char* no) {
  return j.value(key, false) ? yes : no;
}

void print_report(const safety::VerifyReport& report) {
  const Json& j = report.json;
  std::printf("%s: %s\n", j["file"].get<std::string>().c_str(), report.verdict.c_str());
  const Json& m = j["manifest"];
  if (!m["present"].get<bool>()) {
    std::printf("  manifest      none\n");
  } else {
    std::printf("  manifest      %s, %s, %s\n", yes_no(m, "valid", "valid", "not valid").c_str(),
                yes_no(m, "tampered", "TAMPERED: the file changed after it was signed", "not tampered").c_str(),
                yes_no(m, "trusted", "signer trusted (your local root)", "signer not trusted here").c_str());
    const Json& claim = m["claim"];
    if (claim.is_object()) {
      if (claim.contains("signer")) std::printf("                signed by %s\n", claim["signer"].get<std::string>().c_str());
      for (const auto& a : claim.value("actions", Json::array()))
        std::printf("                %s by %s (%s)\n", a.value("action", "?").c_str(), a.value("softwareAgent", "?").c_str(),
                    a.value("digitalSourceType", "no source type").c_str());
      if (claim.contains("kinema")) {
        const Json& k = claim["kinema"];
        std::printf("                model %s %s, seed %lld, generation %s, made with %s\n",
                    k.value("model", "?").c_str(), k.value("model_version", "?").c_str(),
                    static_cast<long long>(k.value("seed", 0LL)), k.value("generation_id", "?").c_str(),
                    k.value("front_end", "?").c_str());
      }
    }
    for (const auto& p : m["problems"]) std::printf("                - %s\n", p.get<std::string>().c_str());
  }
  const Json& w = j["watermark"];
  if (w["found"].get<bool>())
    std::printf("  watermark     found: generation %s, bit accuracy %.1f%%, sync %.1f, %d frames (%s)\n",
                w["generation_id"].get<std::string>().c_str(), 100 * w["bit_accuracy"].get<double>(),
                w["sync_score"].get<double>(), w["frames"].get<int>(), w["geometry"].get<std::string>().c_str());
  else
    std::printf("  watermark     not found (%d frames read)\n", w["frames"].get<int>());
  const Json& v = j["visible_mark"];
  const std::string recorded = v["recorded_on"].is_null()          ? "not recorded"
                               : v["recorded_on"].get<bool>() ? "recorded on"
                                                              : "recorded off (turned off, or the picture is too small for it)";
  std::printf("  visible mark  %s; %s at its place (in %.0f%% of frames)\n", recorded.c_str(),
              v["seen"].get<bool>() ? "seen" : "not seen", 100 * v["presence"].get<double>());
}

}  // namespace

int run_verify(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0].rfind("--", 0) == 0)
    fail(ErrorKind::invalid_input, "usage: kinema verify FILE [--json] [--trust DIR]");
  const std::string file = argv[0];
  const Args args(std::vector<std::string>(argv.begin() + 1, argv.end()), {"trust"}, {"json"});
  const safety::VerifyReport report = safety::verify_file(file, args.string("trust"));
  if (args.has("json"))
    std::printf("%s\n", report.json.dump(2).c_str());
  else
    print_report(report);
  return kOk;
}

}  // namespace kinema::cli
