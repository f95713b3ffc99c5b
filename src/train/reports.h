// What a stage's result looks like: reconstruction figures of the autoencoders on held-out world clips,
// and contact sheets (PNG) to look at.
#pragma once

#include <filesystem>
#include <vector>

#include "core/json.h"
#include "media/clip.h"
#include "model/audio_autoencoder.h"
#include "model/vae.h"
#include "model/vocoder.h"
#include "train/data.h"

namespace kinema::train {

// PSNR (dB) of the video autoencoder over held-out clips: whole frames, and pixels that move (differ
// from the clip's temporal median by more than 0.1); writes a contact sheet of inputs over reconstructions.
// A guided decoder is measured with the samples' layouts, and again without (free_psnr_db, the sheet's third
// row per clip).
Json video_reconstruction_report(model::VideoVae vae, const std::vector<Sample>& samples,
                                 const std::filesystem::path& sheet);

// Log-mel reconstruction error of the audio autoencoder (in normalised units and dB of mel energy).
Json audio_reconstruction_report(model::AudioAutoencoder ae, const model::MelVocoder& vocoder,
                                 const std::vector<Sample>& samples);

// Rows of clips side by side: every `step`-th frame of each clip, rows in order. All clips same size.
void write_contact_sheet(const std::vector<const media::Clip*>& rows, int step, const std::filesystem::path& png);

}  // namespace kinema::train
