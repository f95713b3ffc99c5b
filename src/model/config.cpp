// model.json parsing and validation.
#include "model/config.h"

#include <cmath>

#include "core/error.h"

namespace kinema::model {
namespace {

bool is_power_of_two(int v) { return v > 0 && (v & (v - 1)) == 0; }

void check(bool ok, const ConfigReader& r, const std::string& key, const std::string& message) {
  if (!ok) r.error(key, message);
}

}  // namespace

std::array<int, 3> DitConfig::rope_dims() const {
  const int d = head_dim();
  return {d - 4 * (d / 6), 2 * (d / 6), 2 * (d / 6)};
}

int ModelConfig::frames_for_seconds(double seconds) const {
  const int r = vae.temporal_downsample;
  const int pt = dit.patch[0];
  // Latent frame counts must be multiples of the temporal patch; frames = 1 + r * (latent - 1).
  const double wanted_latent = 1.0 + (seconds * clip.fps - 1.0) / r;
  int latent = std::max(pt, static_cast<int>(std::lround(wanted_latent / pt)) * pt);
  return 1 + r * (latent - 1);
}

ModelConfig ModelConfig::parse(const Json& json, const std::string& where) {
  ConfigReader root(json, where);
  ModelConfig c;
  c.name = root.string("name");
  c.version = root.string_or("version", "0");

  const ConfigReader clip = root.child("clip");
  c.clip.width = static_cast<int>(clip.integer("width", 8, 8192));
  c.clip.height = static_cast<int>(clip.integer("height", 8, 8192));
  c.clip.fps = static_cast<int>(clip.integer("fps", 1, 240));
  c.clip.frames = static_cast<int>(clip.integer("frames", 1, 100000));
  c.clip.max_frames = static_cast<int>(clip.integer_or("max_frames", c.clip.frames, c.clip.frames, 100000));
  c.clip.audio_sample_rate = static_cast<int>(clip.integer_or("audio_sample_rate", 0, 0, 192000));

  const ConfigReader text = root.child("text_encoder");
  c.text.vocab_size = static_cast<int>(text.integer("vocab_size", 4, 1 << 22));
  c.text.width = static_cast<int>(text.integer("width", 4, 1 << 16));
  c.text.depth = static_cast<int>(text.integer("depth", 0, 256));
  c.text.heads = static_cast<int>(text.integer("heads", 1, 1024));
  c.text.ffn_dim = static_cast<int>(text.integer("ffn_dim", 1, 1 << 18));
  c.text.max_tokens = static_cast<int>(text.integer("max_tokens", 1, 1 << 16));
  c.text.eps = text.number_or("eps", 1e-6, 0.0, 1.0);
  check(c.text.width % c.text.heads == 0, text, "heads", "width must be a multiple of heads");

  const ConfigReader vae = root.child("vae");
  c.vae.latent_channels = static_cast<int>(vae.integer("latent_channels", 1, 4096));
  c.vae.spatial_downsample = static_cast<int>(vae.integer("spatial_downsample", 1, 64));
  c.vae.temporal_downsample = static_cast<int>(vae.integer("temporal_downsample", 1, 64));
  c.vae.res_blocks = static_cast<int>(vae.integer_or("res_blocks", 1, 0, 16));
  c.vae.temporal_res_blocks = static_cast<int>(vae.integer_or("temporal_res_blocks", 1, 0, 16));
  c.vae.guide_channels = static_cast<int>(vae.integer_or("guide_channels", 0, 0, 64));
  c.vae.latent_guide = vae.boolean_or("latent_guide", false);
  c.vae.grid_cell = static_cast<int>(vae.integer_or("grid_cell", 0, 0, 64));
  c.vae.scene_channels = static_cast<int>(vae.integer_or("scene_channels", 0, 0, 4096));
  c.vae.grid_feature = static_cast<int>(vae.integer_or("grid_feature", -1, -1, 4096));
  c.vae.eps = vae.number_or("eps", 1e-6, 0.0, 1.0);
  check(!c.vae.latent_guide || c.vae.guide_channels > 0, vae, "latent_guide", "needs guide_channels");
  check(c.vae.grid_cell != 1, vae, "grid_cell", "must be 0 (none) or at least 2 pixels");
  check(c.vae.grid_cell == 0 || c.vae.scene_channels > 0, vae, "grid_cell", "needs scene_channels (the style opens it)");
  check(c.vae.grid_cell == 0 || (c.vae.grid_feature >= 0 && c.vae.grid_feature < c.vae.scene_channels - 1), vae,
        "grid_feature", "must name the scene feature that draws the grid (0 to scene_channels - 2)");
  check(c.vae.grid_cell > 0 || c.vae.grid_feature == -1, vae, "grid_feature", "needs grid_cell");
  check(c.vae.scene_channels != 1, vae, "scene_channels", "must be 0 or features + 1 flag (>= 2)");
  check(c.vae.guide_channels == 0 || c.vae.guide_channels == 4, vae, "guide_channels",
        "must be 0 or 4 (layout colours + flag)");
  check(is_power_of_two(c.vae.spatial_downsample), vae, "spatial_downsample", "must be a power of two");
  const auto levels = static_cast<size_t>(std::log2(c.vae.spatial_downsample)) + 1;
  for (int64_t ch : vae.integers("channels", levels, 1, 1 << 16)) c.vae.channels.push_back(static_cast<int>(ch));

  const ConfigReader dit = root.child("dit");
  c.dit.latent_channels = static_cast<int>(dit.integer("latent_channels", 1, 4096));
  c.dit.condition_channels = static_cast<int>(dit.integer_or("condition_channels", 0, 0, 4096));
  c.dit.guide_channels = static_cast<int>(dit.integer_or("guide_channels", 0, 0, 4096));
  const auto patch = dit.integers("patch", 3, 1, 16);
  c.dit.patch = {static_cast<int>(patch[0]), static_cast<int>(patch[1]), static_cast<int>(patch[2])};
  c.dit.width = static_cast<int>(dit.integer("width", 4, 1 << 16));
  c.dit.depth = static_cast<int>(dit.integer("depth", 1, 1024));
  c.dit.heads = static_cast<int>(dit.integer("heads", 1, 1024));
  c.dit.ffn_dim = static_cast<int>(dit.integer("ffn_dim", 1, 1 << 18));
  c.dit.freq_dim = static_cast<int>(dit.integer_or("freq_dim", 256, 2, 1 << 16));
  c.dit.text_dim = static_cast<int>(dit.integer("text_dim", 1, 1 << 16));
  c.dit.qk_norm = dit.boolean_or("qk_norm", true);
  c.dit.cross_attn_norm = dit.boolean_or("cross_attn_norm", true);
  c.dit.eps = dit.number_or("eps", 1e-6, 0.0, 1.0);
  c.dit.rope_theta = dit.number_or("rope_theta", 10000.0, 1.0, 1e9);
  c.dit.audio_channels = static_cast<int>(dit.integer_or("audio_channels", 0, 0, 4096));
  c.dit.audio_guide_channels = static_cast<int>(dit.integer_or("audio_guide_channels", 0, 0, 4096));
  c.dit.audio_patch = static_cast<int>(dit.integer_or("audio_patch", 1, 1, 64));
  c.dit.pooled_text = dit.boolean_or("pooled_text", false);
  c.dit.scene_channels = static_cast<int>(dit.integer_or("scene_channels", 0, 0, 4096));
  check(c.dit.width % c.dit.heads == 0, dit, "heads", "width must be a multiple of heads");
  check(c.dit.head_dim() % 2 == 0 && c.dit.head_dim() >= 6, dit, "heads", "head dimension must be even and >= 6");
  check(c.dit.freq_dim % 2 == 0, dit, "freq_dim", "must be even");
  check(c.dit.latent_channels == c.vae.latent_channels, dit, "latent_channels", "must equal vae.latent_channels");
  check(c.dit.text_dim == c.text.width, dit, "text_dim", "must equal text_encoder.width");
  check(c.dit.condition_channels == 0 || c.dit.condition_channels == c.vae.latent_channels + 1, dit,
        "condition_channels", "must be 0 or vae.latent_channels + 1 (mask + latent)");
  check(c.dit.guide_channels == 0 || c.dit.guide_channels == 3 * c.vae.temporal_downsample + 1, dit,
        "guide_channels", "must be 0 or 3 x vae.temporal_downsample + 1 (layout colours per folded frame + flag)");
  check(c.dit.audio_guide_channels != 1, dit, "audio_guide_channels", "must be 0 or events + 1 flag (>= 2)");
  check(c.dit.scene_channels != 1, dit, "scene_channels", "must be 0 or features + 1 flag (>= 2)");
  check(c.vae.scene_channels == 0 || c.vae.scene_channels == c.dit.scene_channels, vae, "scene_channels",
        "must be 0 or equal dit.scene_channels (the same scene description)");

  if (root.has("audio")) {
    const ConfigReader audio = root.child("audio");
    c.audio.n_fft = static_cast<int>(audio.integer("n_fft", 16, 1 << 16));
    c.audio.hop = static_cast<int>(audio.integer("hop", 1, 1 << 16));
    c.audio.n_mels = static_cast<int>(audio.integer("n_mels", 1, 1024));
    c.audio.f_min = audio.number_or("f_min", 0.0, 0.0, 1e6);
    c.audio.f_max = audio.number_or("f_max", c.clip.audio_sample_rate / 2.0, 1.0, 1e6);
    c.audio.log_mel_mean = audio.number_or("log_mel_mean", 0.0, -1e3, 1e3);
    c.audio.log_mel_std = audio.number_or("log_mel_std", 1.0, 1e-6, 1e3);
    c.audio.latent_channels = static_cast<int>(audio.integer("latent_channels", 1, 4096));
    c.audio.hidden = static_cast<int>(audio.integer("hidden", 1, 1 << 16));
    c.audio.downsample = static_cast<int>(audio.integer_or("downsample", 1, 1, 64));
    c.audio.res_blocks = static_cast<int>(audio.integer_or("res_blocks", 1, 0, 16));
    c.audio.griffin_lim_iterations = static_cast<int>(audio.integer_or("griffin_lim_iterations", 32, 0, 1000));
    c.audio.phase = audio.string_or("phase", "gradient");
    check(c.audio.phase == "gradient" || c.audio.phase == "random", audio, "phase", "must be \"gradient\" or \"random\"");
    c.audio.sharpen_attacks = audio.boolean_or("sharpen_attacks", true);
    c.audio.eps = audio.number_or("eps", 1e-6, 0.0, 1.0);
    check(c.clip.audio_sample_rate > 0, clip, "audio_sample_rate", "must be set when the model has audio");
    check(c.audio.hop <= c.audio.n_fft, audio, "hop", "must not exceed n_fft");
    check(c.audio.f_max <= c.clip.audio_sample_rate / 2.0 && c.audio.f_min < c.audio.f_max, audio, "f_max",
          "must lie above f_min and at most half the sample rate");
    check(c.dit.audio_channels == c.audio.latent_channels, dit, "audio_channels", "must equal audio.latent_channels");
  } else {
    check(c.dit.audio_channels == 0, dit, "audio_channels", "set, but model.json has no audio section");
  }

  if (root.has("sampler")) {
    const ConfigReader s = root.child("sampler");
    c.sampler.steps = static_cast<int>(s.integer_or("steps", 20, 1, 1000));
    c.sampler.guidance = s.number_or("guidance", 1.0, 0.0, 100.0);
    c.sampler.layout_guidance = s.number_or("layout_guidance", 1.0, 0.0, 100.0);
    c.sampler.guided_steps = static_cast<int>(s.integer_or("guided_steps", 0, 0, 1000));
    c.sampler.shift = s.number_or("shift", 1.0, 0.01, 100.0);
    c.sampler.solver = s.string_or("solver", "euler");
  }

  const int spatial = c.vae.spatial_downsample;
  check(c.clip.width % (spatial * c.dit.patch[2]) == 0, clip, "width",
        "must be a multiple of vae.spatial_downsample x dit.patch[2]");
  check(c.clip.height % (spatial * c.dit.patch[1]) == 0, clip, "height",
        "must be a multiple of vae.spatial_downsample x dit.patch[1]");
  check(c.clip.width % 2 == 0 && c.clip.height % 2 == 0, clip, "width", "width and height must be even");
  for (const auto& [key, frames] : {std::pair{"frames", c.clip.frames}, {"max_frames", c.clip.max_frames}}) {
    check((frames - 1) % c.vae.temporal_downsample == 0, clip, key,
          "must be 1 + vae.temporal_downsample x k (the causal VAE's lengths)");
    check(c.latent_frames(frames) % c.dit.patch[0] == 0, clip, key, "latent frames must be a multiple of dit.patch[0]");
  }
  return c;
}

ModelConfig ModelConfig::load(const std::filesystem::path& model_json) {
  return parse(read_json_file(model_json), model_json.string());
}

Json ModelConfig::to_json() const {
  Json j;
  j["name"] = name;
  j["version"] = version;
  j["clip"] = {{"width", clip.width},   {"height", clip.height},         {"fps", clip.fps},
               {"frames", clip.frames}, {"max_frames", clip.max_frames}, {"audio_sample_rate", clip.audio_sample_rate}};
  j["text_encoder"] = {{"vocab_size", text.vocab_size}, {"width", text.width},
                       {"depth", text.depth},           {"heads", text.heads},
                       {"ffn_dim", text.ffn_dim},       {"max_tokens", text.max_tokens},
                       {"eps", text.eps}};
  j["vae"] = {{"latent_channels", vae.latent_channels},
              {"channels", vae.channels},
              {"spatial_downsample", vae.spatial_downsample},
              {"temporal_downsample", vae.temporal_downsample},
              {"res_blocks", vae.res_blocks},
              {"temporal_res_blocks", vae.temporal_res_blocks},
              {"eps", vae.eps}};
  if (vae.guide_channels > 0) j["vae"]["guide_channels"] = vae.guide_channels;
  if (vae.latent_guide) j["vae"]["latent_guide"] = true;
  if (vae.grid_cell > 0) j["vae"]["grid_cell"] = vae.grid_cell;
  if (vae.grid_feature >= 0) j["vae"]["grid_feature"] = vae.grid_feature;
  if (vae.scene_channels > 0) j["vae"]["scene_channels"] = vae.scene_channels;
  if (has_audio())
    j["audio"] = {{"n_fft", audio.n_fft},
                  {"hop", audio.hop},
                  {"n_mels", audio.n_mels},
                  {"f_min", audio.f_min},
                  {"f_max", audio.f_max},
                  {"log_mel_mean", audio.log_mel_mean},
                  {"log_mel_std", audio.log_mel_std},
                  {"latent_channels", audio.latent_channels},
                  {"hidden", audio.hidden},
                  {"downsample", audio.downsample},
                  {"res_blocks", audio.res_blocks},
                  {"griffin_lim_iterations", audio.griffin_lim_iterations},
                  {"phase", audio.phase},
                  {"sharpen_attacks", audio.sharpen_attacks},
                  {"eps", audio.eps}};
  j["dit"] = {{"latent_channels", dit.latent_channels},
              {"condition_channels", dit.condition_channels},
              {"guide_channels", dit.guide_channels},
              {"patch", dit.patch},
              {"width", dit.width},
              {"depth", dit.depth},
              {"heads", dit.heads},
              {"ffn_dim", dit.ffn_dim},
              {"freq_dim", dit.freq_dim},
              {"text_dim", dit.text_dim},
              {"qk_norm", dit.qk_norm},
              {"cross_attn_norm", dit.cross_attn_norm},
              {"eps", dit.eps},
              {"rope_theta", dit.rope_theta},
              {"audio_channels", dit.audio_channels},
              {"audio_guide_channels", dit.audio_guide_channels},
              {"audio_patch", dit.audio_patch},
              {"pooled_text", dit.pooled_text},
              {"scene_channels", dit.scene_channels}};
  j["sampler"] = {{"steps", sampler.steps},
                  {"guidance", sampler.guidance},
                  {"layout_guidance", sampler.layout_guidance},
                  {"guided_steps", sampler.guided_steps},
                  {"shift", sampler.shift},
                  {"solver", sampler.solver}};
  return j;
}

}  // namespace kinema::model
