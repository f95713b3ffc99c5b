// The tokenizer: opens libkinema_spm.so once with dlopen(RTLD_LOCAL | RTLD_DEEPBIND) and calls its C API.
#include "text/tokenizer.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>
#include <mutex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/paths.h"
#include "text/spm_shim.h"

namespace kinema::text {
namespace fs = std::filesystem;

namespace {

struct ShimApi {
  fs::path path;
  decltype(&kinema_spm_load) load = nullptr;
  decltype(&kinema_spm_free) free = nullptr;
  decltype(&kinema_spm_vocab_size) vocab_size = nullptr;
  decltype(&kinema_spm_special_id) special_id = nullptr;
  decltype(&kinema_spm_encode) encode = nullptr;
  decltype(&kinema_spm_decode) decode = nullptr;
  decltype(&kinema_spm_piece) piece = nullptr;
};

std::vector<fs::path> shim_candidates() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("KINEMA_SPM_SHIM")) out.emplace_back(env);
  const fs::path exe_dir = executable_dir();
  if (!exe_dir.empty()) {
    out.push_back(exe_dir / "libkinema_spm.so");
    out.push_back(exe_dir / "../lib/kinema/libkinema_spm.so");
  }
#ifdef KINEMA_SPM_SHIM_PATH
  out.emplace_back(KINEMA_SPM_SHIM_PATH);
#endif
  return out;
}

const ShimApi& shim() {
  static std::once_flag once;
  static ShimApi api;
  static std::string failure;
  std::call_once(once, [] {
    std::string tried;
    for (const fs::path& candidate : shim_candidates()) {
      std::error_code ec;
      if (!fs::exists(candidate, ec)) {
        tried += " " + candidate.string();
        continue;
      }
      void* handle = ::dlopen(candidate.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
      if (!handle) {
        failure = std::string("cannot load ") + candidate.string() + ": " + ::dlerror();
        return;
      }
      auto sym = [&](auto& fn, const char* name) {
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(handle, name));
        if (!fn) failure = candidate.string() + " lacks " + name;
      };
      sym(api.load, "kinema_spm_load");
      sym(api.free, "kinema_spm_free");
      sym(api.vocab_size, "kinema_spm_vocab_size");
      sym(api.special_id, "kinema_spm_special_id");
      sym(api.encode, "kinema_spm_encode");
      sym(api.decode, "kinema_spm_decode");
      sym(api.piece, "kinema_spm_piece");
      api.path = candidate;
      logger("engine")->debug("tokenizer shim: {}", candidate.string());
      return;
    }
    failure = "libkinema_spm.so (the tokenizer library) was not found; looked at:" + tried;
  });
  if (!failure.empty()) fail(ErrorKind::internal, failure);
  return api;
}

// Runs a program found on PATH with stdout and stderr sent to `log`; returns its exit status (127: not found).
int run_process(const std::vector<std::string>& args, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) fail(ErrorKind::internal, std::string("cannot run ") + argv[0] + ": " + std::strerror(spawned) +
                                                  " (install Debian's sentencepiece package: cmake/setup.sh)");
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

}  // namespace

fs::path spm_shim_path() { return shim().path; }

Tokenizer::Tokenizer(Tokenizer&& other) noexcept : path_(std::move(other.path_)), processor_(other.processor_) {
  other.processor_ = nullptr;
}

Tokenizer& Tokenizer::operator=(Tokenizer&& other) noexcept {
  if (this != &other) {
    if (processor_) shim().free(processor_);
    path_ = std::move(other.path_);
    processor_ = other.processor_;
    other.processor_ = nullptr;
  }
  return *this;
}

Tokenizer::~Tokenizer() {
  if (processor_) shim().free(processor_);
}

Tokenizer Tokenizer::load(const fs::path& model) {
  std::error_code ec;
  if (!fs::is_regular_file(model, ec)) fail(ErrorKind::model, "tokenizer " + model.string() + " does not exist");
  char err[512] = {};
  Tokenizer t;
  t.path_ = model;
  t.processor_ = shim().load(model.c_str(), err, sizeof err);
  if (!t.processor_) fail(ErrorKind::format, "tokenizer " + model.string() + ": " + err);
  return t;
}

std::vector<int> Tokenizer::encode(std::string_view text) const {
  const std::string s(text);
  std::vector<int> ids(s.size() + 16);
  char err[512] = {};
  int n = shim().encode(processor_, s.c_str(), ids.data(), static_cast<int>(ids.size()), err, sizeof err);
  if (n > static_cast<int>(ids.size())) {
    ids.resize(n);
    n = shim().encode(processor_, s.c_str(), ids.data(), n, err, sizeof err);
  }
  if (n < 0) fail(ErrorKind::invalid_input, std::string("cannot tokenize the prompt: ") + err);
  ids.resize(n);
  return ids;
}

std::string Tokenizer::decode(const std::vector<int>& ids) const {
  char err[512] = {};
  std::string out(ids.size() * 8 + 16, '\0');
  int n = shim().decode(processor_, ids.data(), static_cast<int>(ids.size()), out.data(),
                        static_cast<int>(out.size()), err, sizeof err);
  if (n > static_cast<int>(out.size())) {
    out.resize(n);
    n = shim().decode(processor_, ids.data(), static_cast<int>(ids.size()), out.data(), n, err, sizeof err);
  }
  if (n < 0) fail(ErrorKind::invalid_input, std::string("cannot decode tokens: ") + err);
  out.resize(n);
  return out;
}

std::string Tokenizer::piece(int id) const {
  std::string out(64, '\0');
  int n = shim().piece(processor_, id, out.data(), static_cast<int>(out.size()));
  if (n > static_cast<int>(out.size())) {
    out.resize(n);
    n = shim().piece(processor_, id, out.data(), n);
  }
  if (n < 0) fail(ErrorKind::invalid_input, "token id " + std::to_string(id) + " is outside the vocabulary");
  out.resize(n);
  return out;
}

int Tokenizer::vocab_size() const { return shim().vocab_size(processor_); }
int Tokenizer::unk_id() const { return shim().special_id(processor_, "unk"); }
int Tokenizer::eos_id() const { return shim().special_id(processor_, "eos"); }

void Tokenizer::train(const std::vector<std::string>& sentences, const fs::path& prefix, int vocab_size) {
  // Training runs Debian's spm_train in its own process: libsentencepiece_train writes to std::cerr, which
  // crashes under RTLD_DEEPBIND when the executable holds a copy-relocated std::cerr.
  const fs::path corpus = prefix.string() + ".corpus.txt";
  const fs::path log = prefix.string() + ".train.log";
  {
    std::ofstream out(corpus, std::ios::trunc);
    if (!out) fail(ErrorKind::io, "cannot write " + corpus.string());
    for (const std::string& s : sentences) out << s << '\n';
  }
  // Train under a temporary prefix, then move both outputs into place, so a failed run leaves nothing.
  const fs::path temp_prefix = prefix.string() + ".training";
  std::vector<std::string> args = {"spm_train",
                                   "--input=" + corpus.string(),
                                   "--model_prefix=" + temp_prefix.string(),
                                   "--vocab_size=" + std::to_string(vocab_size),
                                   "--model_type=unigram",
                                   "--character_coverage=1.0",
                                   "--hard_vocab_limit=false"};
  const int status = run_process(args, log);
  std::error_code ec;
  fs::remove(corpus, ec);
  std::string output;
  {
    std::ifstream in(log);
    output.assign(std::istreambuf_iterator<char>(in), {});
  }
  fs::remove(log, ec);
  if (status != 0) {
    fs::remove(temp_prefix.string() + ".model", ec);
    fs::remove(temp_prefix.string() + ".vocab", ec);
    const auto last_line = output.substr(output.find_last_of('\n', output.size() > 1 ? output.size() - 2 : 0) + 1);
    fail(ErrorKind::internal, "tokenizer training (spm_train) failed with status " + std::to_string(status) + ": " +
                                  last_line);
  }
  fs::rename(temp_prefix.string() + ".vocab", prefix.string() + ".vocab", ec);
  fs::rename(temp_prefix.string() + ".model", prefix.string() + ".model", ec);
  if (ec) fail(ErrorKind::io, "cannot write " + prefix.string() + ".model: " + ec.message());
}

}  // namespace kinema::text
