// Export: the timeline (or one shot) to MP4 off the GUI thread with progress, sound continuous across
// cuts, and cancel leaving any earlier file untouched and nothing half-written.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "helpers/synthetic_takes.h"
#include "helpers/ui_test_main.h"
#include "media/mp4_reader.h"
#include "models/sequence.h"
#include "models/timeline_model.h"
#include "workers/export_job.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;

namespace {

QJsonObject probeStream(const QString& file, const QString& type) {
  QProcess probe;
  probe.start("ffprobe", {"-v", "error", "-of", "json", "-show_streams", file});
  probe.waitForFinished(30000);
  for (const QJsonValue& s : QJsonDocument::fromJson(probe.readAllStandardOutput()).object()["streams"].toArray())
    if (s.toObject()["codec_type"].toString() == type) return s.toObject();
  return {};
}

// Two shots at 24 fps with a steady tone each, the second holding 6 frames of the first.
void fillTimeline(TimelineModel& model, MediaLibrary& media, int frames, int size = 16) {
  auto tone = [&](uint8_t red, double hz) {
    kinema::media::Clip clip = numberedClip(frames, 24, red, 48000, 2);
    if (size != 16) {
      clip.width = clip.height = size;
      clip.frames.assign(clip.frame_bytes() * frames, red);
    }
    for (int64_t i = 0; i < clip.audio_samples(); ++i)
      for (int c = 0; c < 2; ++c) clip.audio[i * 2 + c] = 0.3f * static_cast<float>(std::sin(2 * M_PI * hz * i / 48000.0));
    return clip;
  };
  model.resetShots({shotWithTake(media, "a", tone(40, 440)), shotWithTake(media, "b", tone(220, 660), 6)});
}

}  // namespace

class ExportTest : public QObject {
  Q_OBJECT

 private slots:
  void theTimelineBecomesOneMp4WithContinuousSound() {
    QTemporaryDir dir;
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media, 48);
    const QString out = dir.filePath("timeline.mp4");
    ExportJob job(buildSequence(model, media), out);
    QSignalSpy progress(&job, &ExportJob::progress);
    QSignalSpy finished(&job, &ExportJob::finished);
    job.start();
    QVERIFY(finished.wait(60000));
    QVERIFY(progress.count() > 10);
    QVERIFY(progress.last().at(0).toDouble() > 0.9);
    const QJsonObject video = probeStream(out, "video"), audio = probeStream(out, "audio");
    QCOMPARE(video["codec_name"].toString(), QString("h264"));
    QCOMPARE(audio["codec_name"].toString(), QString("aac"));
    QCOMPARE(video["nb_frames"].toString().toInt(), 48 + 42);
    QVERIFY(std::abs(audio["duration"].toString().toDouble() - 90.0 / 24) < 0.03);
    // Read back: the sound has no gap at the cut (frame 48 = 2 s) and changes pitch there.
    const auto file = kinema::media::read_mp4(out.toStdString());
    const auto& clip = file.clip;
    const auto rms = [&](double from, double to) {
      double sum = 0;
      const auto a = static_cast<int64_t>(from * clip.sample_rate), b = static_cast<int64_t>(to * clip.sample_rate);
      for (int64_t i = a; i < b; ++i) sum += clip.audio[i * clip.channels] * clip.audio[i * clip.channels];
      return std::sqrt(sum / static_cast<double>(b - a));
    };
    for (double t = 0.1; t < 3.6; t += 0.05) QVERIFY2(rms(t, t + 0.05) > 0.15, qPrintable(QString("silence at %1 s").arg(t)));
    // Shot a (red 40) to its last frame, then shot b (red 220); H.264 moves a flat colour by a few levels.
    const int lastOfA = qRed(frameImage(clip, 47).pixel(8, 8)), firstOfB = qRed(frameImage(clip, 48).pixel(8, 8));
    QVERIFY2(std::abs(lastOfA - 40) <= 6, qPrintable(QString("frame 47 has red %1").arg(lastOfA)));
    QVERIFY2(std::abs(firstOfB - 220) <= 6, qPrintable(QString("frame 48 has red %1").arg(firstOfB)));
  }

  void oneShotAlone() {
    QTemporaryDir dir;
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media, 24);
    const QString out = dir.filePath("shot2.mp4");
    ExportJob job(buildSequence(model, media, 1), out);
    QSignalSpy finished(&job, &ExportJob::finished);
    job.start();
    QVERIFY(finished.wait(60000));
    QCOMPARE(probeStream(out, "video")["nb_frames"].toString().toInt(), 24 - 6);
  }

  void cancelLeavesTheEarlierFileAndNoLeftovers() {
    QTemporaryDir dir;
    TimelineModel model;
    MediaLibrary media;
    fillTimeline(model, media, 240, 256);  // long enough to still be encoding when cancelled
    const QString out = dir.filePath("film.mp4");
    {
      QFile earlier(out);
      QVERIFY(earlier.open(QIODevice::WriteOnly));
      earlier.write("an earlier export");
    }
    ExportJob job(buildSequence(model, media), out);
    QSignalSpy failed(&job, &ExportJob::failed);
    QSignalSpy finished(&job, &ExportJob::finished);
    connect(&job, &ExportJob::progress, &job, &ExportJob::cancel);  // cancel at the first progress report
    job.start();
    QVERIFY(failed.wait(60000));
    QVERIFY(failed.first().at(1).toBool());  // cancelled
    QCOMPARE(finished.count(), 0);
    QFile earlier(out);
    QVERIFY(earlier.open(QIODevice::ReadOnly));
    QCOMPARE(earlier.readAll(), QByteArray("an earlier export"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({"film.mp4"}));
  }
};

KINEMA_UI_TEST_MAIN(ExportTest)
#include "export_test.moc"
