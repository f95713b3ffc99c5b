// `kinema cameo`: the user's cameos (likenesses used only with their owner's consent) and their grants.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "cli/args.h"
#include "cli/commands.h"
#include "core/error.h"
#include "media/mp4_reader.h"
#include "safety/cameo_store.h"

namespace kinema::cli {
namespace fs = std::filesystem;
using Clock = std::chrono::system_clock;

namespace {

constexpr const char* kCameoUsage = R"(usage: kinema cameo <command> [options]

  key                      print your public key (send it to a cameo's owner to be granted its use)
  create NAME --image FILE [--image FILE ...] --display-name TEXT
                           make a cameo of your own from reference images (for the built-in model: a still
                           of a character); prompts use it as @NAME
  list                     your cameos and whether you may use each
  show NAME                a cameo's record, grants and revocations
  grant NAME --to KEY [--days N | --until YYYY-MM-DD] [--uses generate,export] [--out FILE.kcameo]
                           let the holder of KEY use your cameo (30 days, both uses, by default); with --out,
                           also write the cameo with that grant as one file to send them
  export NAME --out FILE.kcameo [--for KEY]
                           the cameo as one file, with its grants (only those for KEY) and revocations
  import FILE [--as NAME]  a cameo file, or a revocation list
  revoke NAME [--to KEY | --grant ID] [--out FILE.json]
                           revoke grants of your cameo (all, one key's, or one); with --out, write your
                           revocation list for its holders to import

Keys and cameos live in $KINEMA_CONFIG_DIR, else $XDG_CONFIG_HOME/kinema, else ~/.config/kinema.
)";

// `--name value` pairs taken out of argv, for flags that may repeat (--image).
std::vector<std::string> take_all(std::vector<std::string>& argv, const std::string& name) {
  std::vector<std::string> values, rest;
  for (size_t i = 0; i < argv.size(); ++i) {
    if (argv[i] == "--" + name) {
      if (i + 1 >= argv.size()) fail(ErrorKind::invalid_input, "--" + name + " needs a value");
      values.push_back(argv[++i]);
    } else if (argv[i].rfind("--" + name + "=", 0) == 0) {
      values.push_back(argv[i].substr(name.size() + 3));
    } else {
      rest.push_back(argv[i]);
    }
  }
  argv = std::move(rest);
  return values;
}

// The first argument, when it is not a flag (a cameo's name, a file).
std::string take_positional(std::vector<std::string>& argv, const char* what) {
  if (argv.empty() || argv.front().rfind("--", 0) == 0) fail(ErrorKind::invalid_input, std::string("missing ") + what);
  std::string value = argv.front();
  argv.erase(argv.begin());
  return value;
}

std::string describe(const safety::CameoStatus& status) {
  switch (status.verdict) {
    case safety::CameoVerdict::own: return "yours";
    case safety::CameoVerdict::granted: return "granted (" + safety::joined_uses(*status.grant) + ") until " + status.grant->expires;
    default: return "NOT usable: " + status.reason;
  }
}

std::vector<safety::Use> parse_uses(const std::string& text) {
  std::vector<safety::Use> uses;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find(',', start), text.size());
    if (end > start) uses.push_back(safety::parse_use(text.substr(start, end - start)));
    start = end + 1;
  }
  return uses;
}

Clock::time_point parse_expiry(const Args& args) {
  if (args.has("until")) {
    const std::string day = args.string("until");
    return safety::parse_time(day.size() == 10 ? day + "T23:59:59Z" : day);
  }
  const double days = args.number("days", 30.0);
  if (!(days > 0) || days > 3650) fail(ErrorKind::invalid_input, "--days must be between 0 and 3650");
  return Clock::now() + std::chrono::seconds(static_cast<int64_t>(days * 86400));
}

int create(std::vector<std::string> argv, safety::CameoStore& store) {
  const std::string name = take_positional(argv, "cameo name");
  const auto images = take_all(argv, "image");
  const Args args(argv, {"display-name"});
  if (images.empty()) fail(ErrorKind::invalid_input, "--image is required (a reference image of the likeness)");
  std::vector<fs::path> paths;
  for (const auto& image : images) {
    const auto decoded = media::read_mp4(image).clip;  // a picture FFmpeg can read, or an error naming the file
    if (decoded.frame_count() < 1) fail(ErrorKind::invalid_input, image + ": no picture in it");
    paths.emplace_back(image);
  }
  const safety::Cameo cameo = store.create(name, args.required("display-name"), paths);
  std::printf("made cameo @%s (%s) from %zu image%s; its identity is %s\nyour key: %s\n", cameo.name.c_str(),
              cameo.display_name.c_str(), paths.size(), paths.size() == 1 ? "" : "s", cameo.hash.substr(0, 16).c_str(),
              cameo.owner.text().c_str());
  return kOk;
}

int list(const safety::CameoStore& store) {
  std::printf("your key: %s (%s)\n", store.public_key().text().c_str(), store.public_key().fingerprint().c_str());
  const auto cameos = store.list();
  if (cameos.empty()) std::printf("no cameos yet (kinema cameo create, or import one you were sent)\n");
  for (const auto& cameo : cameos)
    std::printf("@%-16s %-24s %s\n", cameo.name.c_str(), cameo.display_name.c_str(),
                describe(store.status(cameo, safety::Use::generate)).c_str());
  return kOk;
}

int show(std::vector<std::string> argv, const safety::CameoStore& store) {
  const safety::Cameo cameo = store.get(take_positional(argv, "cameo name"));
  const safety::PublicKey me = store.public_key();
  std::printf("@%s: %s\n  owner: %s (%s)%s\n  identity: %s\n  made: %s\n", cameo.name.c_str(),
              cameo.display_name.c_str(), cameo.owner.text().c_str(), cameo.owner.fingerprint().c_str(),
              cameo.owner == me ? " - you" : "", cameo.hash.c_str(), cameo.created.c_str());
  for (const auto& path : store.reference_paths(cameo)) std::printf("  reference: %s\n", path.c_str());
  std::printf("  generate: %s\n  export: %s\n", describe(store.status(cameo, safety::Use::generate)).c_str(),
              describe(store.status(cameo, safety::Use::export_clip)).c_str());
  const auto revocations = store.revocations();
  for (const auto& grant : store.grants(cameo)) {
    const bool revoked = std::any_of(revocations.begin(), revocations.end(), [&](const safety::Revocation& r) {
      return r.owner == cameo.owner && safety::signature_valid(r) && r.covers(grant);
    });
    std::printf("  grant %s to %s%s: %s, %s .. %s%s%s\n", grant.id.c_str(), grant.grantee.fingerprint().c_str(),
                grant.grantee == me ? " (you)" : "", safety::joined_uses(grant).c_str(), grant.issued.c_str(),
                grant.expires.c_str(), revoked ? ", revoked" : "", safety::signature_valid(grant) ? "" : ", BAD SIGNATURE");
  }
  return kOk;
}

int grant(std::vector<std::string> argv, safety::CameoStore& store) {
  const std::string name = take_positional(argv, "cameo name");
  const Args args(argv, {"to", "days", "until", "uses", "out"});
  const safety::PublicKey grantee = safety::PublicKey::parse(args.required("to"));
  const auto uses = parse_uses(args.string("uses", "generate,export"));
  const safety::Grant g = store.grant(name, grantee, uses, parse_expiry(args));
  std::printf("granted @%s to %s (%s) for %s until %s; grant %s\n", name.c_str(), grantee.text().c_str(),
              grantee.fingerprint().c_str(), safety::joined_uses(g).c_str(), g.expires.c_str(), g.id.c_str());
  if (args.has("out")) {
    store.export_cameo(name, args.string("out"), grantee);
    std::printf("wrote %s: send it to them (kinema cameo import %s)\n", args.string("out").c_str(),
                fs::path(args.string("out")).filename().c_str());
  }
  return kOk;
}

int export_cameo(std::vector<std::string> argv, const safety::CameoStore& store) {
  const std::string name = take_positional(argv, "cameo name");
  const Args args(argv, {"out", "for"});
  std::optional<safety::PublicKey> only_for;
  if (args.has("for")) only_for = safety::PublicKey::parse(args.string("for"));
  store.export_cameo(name, args.required("out"), only_for);
  std::printf("wrote %s\n", args.string("out").c_str());
  return kOk;
}

int import(std::vector<std::string> argv, safety::CameoStore& store) {
  const std::string file = take_positional(argv, "file");
  const Args args(argv, {"as"});
  const safety::ImportSummary s = store.import_file(file, args.string("as"));
  if (s.kind == "revocations") {
    std::printf("imported %d revocation%s\n", s.revocations, s.revocations == 1 ? "" : "s");
    return kOk;
  }
  const safety::Cameo cameo = store.get(s.cameo);
  std::printf("imported cameo @%s (%s): %d grant%s for you, %d revocation%s; %s\n", s.cameo.c_str(),
              cameo.display_name.c_str(), s.grants_for_you, s.grants_for_you == 1 ? "" : "s", s.revocations,
              s.revocations == 1 ? "" : "s", describe(store.status(cameo, safety::Use::generate)).c_str());
  return kOk;
}

int revoke(std::vector<std::string> argv, safety::CameoStore& store) {
  const std::string name = take_positional(argv, "cameo name");
  const Args args(argv, {"to", "grant", "out"});
  std::optional<safety::PublicKey> grantee;
  if (args.has("to")) grantee = safety::PublicKey::parse(args.string("to"));
  const safety::Revocation r = store.revoke(name, grantee, args.string("grant"));
  std::printf("revoked %s of @%s at %s\n",
              !r.grant_id.empty() ? ("grant " + r.grant_id).c_str()
              : grantee           ? ("every grant to " + grantee->fingerprint()).c_str()
                                  : "every grant",
              name.c_str(), r.revoked.c_str());
  if (args.has("out")) {
    store.export_revocations(args.string("out"));
    std::printf("wrote %s: send it to the grantees (kinema cameo import)\n", args.string("out").c_str());
  } else {
    std::printf("they stop being able to use it once they import your revocation list (--out FILE)\n");
  }
  return kOk;
}

}  // namespace

int run_cameo(const std::vector<std::string>& all) {
  if (all.empty() || all[0] == "--help" || all[0] == "help") {
    std::fputs(kCameoUsage, all.empty() ? stderr : stdout);
    return all.empty() ? kUsage : kOk;
  }
  const std::string command = all[0];
  std::vector<std::string> argv(all.begin() + 1, all.end());
  safety::CameoStore store = safety::CameoStore::user();
  if (command == "key") {
    Args(argv, {});
    std::printf("%s\n", store.public_key().text().c_str());
    return kOk;
  }
  if (command == "create") return create(std::move(argv), store);
  if (command == "list") {
    Args(argv, {});
    return list(store);
  }
  if (command == "show") return show(std::move(argv), store);
  if (command == "grant") return grant(std::move(argv), store);
  if (command == "export") return export_cameo(std::move(argv), store);
  if (command == "import") return import(std::move(argv), store);
  if (command == "revoke") return revoke(std::move(argv), store);
  std::fprintf(stderr, "kinema cameo: unknown command '%s'\n%s", command.c_str(), kCameoUsage);
  return kUsage;
}

}  // namespace kinema::cli
