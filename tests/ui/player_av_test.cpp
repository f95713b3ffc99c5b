// The player's audio/video sync, measured on what OpenAL Soft actually output: its wave writer records
// the sound, the player notes when it shows each frame, and the two are put on one clock. Clicks sit at
// the start of chosen frames, one of them exactly on a cut between two shots.
#include <QTemporaryDir>

#include <atomic>
#include <chrono>
#include <thread>

#include "helpers/synthetic_takes.h"
#include "helpers/ui_test_main.h"
#include "helpers/wait.h"
#include "media/wave_capture.h"
#include "models/sequence.h"
#include "models/timeline_model.h"
#include "playback/player_controller.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;
using namespace kinema::media::testing;
using Clock = std::chrono::steady_clock;

namespace {
QString gWav;
}

class PlayerAvTest : public QObject {
  Q_OBJECT

 private slots:
  void soundAndPictureStayWithinAFrame() {
    constexpr int fps = 24;
    TimelineModel model;
    MediaLibrary media;
    auto first = numberedClip(36, fps, 60);
    addClickAtFrame(first, 12);
    addClickAtFrame(first, 24);
    auto second = numberedClip(40, fps, 200);
    addClickAtFrame(second, 4);   // the first frame shown: the shot holds 4 frames of the one before
    addClickAtFrame(second, 16);
    addClickAtFrame(second, 28);
    model.resetShots({shotWithTake(media, "first", first), shotWithTake(media, "second", second, 4)});
    const std::vector<int> clickFrames = {12, 24, 36, 48, 60};  // in the sequence; 36 is the cut

    std::vector<double> shownAt(80, -1.0);
    DeviceClockOrigin origin;
    double latency = -1.0;
    {
      PlayerController player;
      QVERIFY2(player.hasAudioDevice(), qPrintable(player.audioStatus()));
      QVERIFY2(player.audioStatus().contains("Wave File Writer"), qPrintable(player.audioStatus()));
      player.setSequence(buildSequence(model, media));
      QCOMPARE(player.frameCount(), 72);
      connect(&player, &PlayerController::frameChanged, this, [&](int frame, const QImage&) {
        if (frame < static_cast<int>(shownAt.size()) && shownAt[frame] < 0) shownAt[frame] = steady_seconds(Clock::now());
      });
      std::atomic<bool> sampling{true};
      std::thread clockReader([&] {
        while (sampling) {
          origin.add(player.audio().device_clock(), Clock::now());
          std::this_thread::sleep_for(std::chrono::microseconds(300));
        }
      });
      waitUntil([] { return false; }, 100);
      player.play();
      QVERIFY(waitUntil([&] { return !player.isPlaying(); }, 8000));
      sampling = false;
      clockReader.join();
      latency = player.audio().device_latency();
      QCOMPARE(player.frame(), 71);
    }  // the device closes and the WAV file is complete

    const Wave recorded = read_wave(gWav.toStdString());
    QCOMPARE(recorded.sample_rate, 48000);
    const auto onsets = click_onsets(recorded, 0.2f, 4800);
    QCOMPARE(onsets.size(), clickFrames.size());
    QVERIFY(origin.changes() > 20);
    double worst = 0.0;
    for (size_t i = 0; i < clickFrames.size(); ++i) {
      const int frame = clickFrames[i];
      QVERIFY2(shownAt[frame] > 0, qPrintable(QString("frame %1 was never shown").arg(frame)));
      const double heard = origin.time_of_sample(onsets[i], 48000) + latency;
      const double offset = shownAt[frame] - heard;  // > 0: the picture came after the sound
      qInfo("frame %d%s: shown %+.2f ms from when its click was heard", frame, frame == 36 ? " (cut)" : "",
            offset * 1000);
      worst = std::max(worst, std::abs(offset));
    }
    qInfo("worst audio/video offset: %.2f ms (one frame is %.1f ms)", worst * 1000, 1000.0 / fps);
    QVERIFY2(worst < 1.0 / fps, "audio and video drifted apart by a frame or more");
    int skipped = 0;
    for (int f = 1; f < 72; ++f) skipped += shownAt[f] < 0;  // frame 0 was shown before playing
    qInfo("frames skipped while playing (when the GUI thread is late): %d of 71", skipped);
  }
};

int main(int argc, char** argv) {
  const QString home = kinema::studio::testing::prepareTestEnvironment();
  gWav = home + "/player.wav";
  use_openal_wave_writer((home + "/openal.conf").toStdString(), gWav.toStdString());
  QApplication app(argc, argv);
  PlayerAvTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "player_av_test.moc"
