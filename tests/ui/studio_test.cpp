// End to end: drive the studio's window with the keyboard and mouse to generate two shots, regenerate
// the first, switch takes and undo, save and reopen, and export the timeline; then check the MP4 with
// ffprobe (two shots' duration, H.264 + AAC). The window's event loop is watched for stalls throughout.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QSettings>
#include <QPushButton>
#include <QTemporaryDir>

#include "app/main_window.h"
#include "helpers/stall_meter.h"
#include "helpers/ui_test_main.h"
#include "helpers/wait.h"
#include "models/project.h"
#include "safety/provenance.h"
#include "playback/player_controller.h"
#include "support/fixture_model.h"
#include "widgets/generation_panel.h"
#include "widgets/prompt_panel.h"
#include "widgets/timeline_view.h"
#include "workers/generation_queue.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;

namespace {

QJsonObject ffprobe(const QString& file) {
  QProcess probe;
  probe.start("ffprobe", {"-v", "error", "-of", "json", "-show_streams", "-show_format", file});
  if (!probe.waitForFinished(30000) || probe.exitCode() != 0) return {};
  return QJsonDocument::fromJson(probe.readAllStandardOutput()).object();
}

QJsonObject stream(const QJsonObject& probe, const QString& type) {
  for (const QJsonValue& s : probe["streams"].toArray())
    if (s.toObject()["codec_type"].toString() == type) return s.toObject();
  return {};
}

}  // namespace

class StudioTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  // Types a prompt into the panel and clicks Generate, as a user would.
  void describeAndGenerate(MainWindow& window, const QString& prompt) {
    PromptEdit* edit = window.promptPanel()->promptEdit();
    QTest::mouseClick(edit->viewport(), Qt::LeftButton);
    QCOMPARE(edit->toPlainText(), QString());  // a new shot starts with an empty prompt
    QTest::keyClicks(edit, prompt);
    QTest::mouseClick(window.promptPanel()->findChild<QPushButton*>("generate"), Qt::LeftButton);
  }

 private slots:
  void generateTwoShotsRegenerateTheFirstAndExport() {
    const QString model = dir_.filePath("model");
    kinema::testing::make_fixture_model(model.toStdString());
    MainWindowOptions options;
    options.modelFolder = model;
    options.dataFolder = dir_.filePath("data");
    options.offerRecovery = false;
    MainWindow window(options);
    window.resize(1300, 850);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QTRY_VERIFY_WITH_TIMEOUT(window.generationQueue()->generator() != nullptr, 60000);
    TimelineModel* timeline = window.project()->timeline();
    StallMeter meter;
    meter.start();

    // Shot 1, then shot 2 queued behind it (it continues shot 1, so it is planned when its turn comes).
    describeAndGenerate(window, "a red ball bounces on a metal floor");
    QCOMPARE(timeline->shot(0).settings.prompt, QString("a red ball bounces on a metal floor"));
    QTest::keyClick(&window, Qt::Key_T, Qt::ControlModifier);  // Add Shot
    QCOMPARE(timeline->rowCount(), 2);
    QCOMPARE(window.selectedRow(), 1);
    describeAndGenerate(window, "the ball rolls away on the grass at sunset");
    QCOMPARE(timeline->shot(1).settings.prompt, QString("the ball rolls away on the grass at sunset"));
    QCOMPARE(timeline->shot(0).settings.prompt, QString("a red ball bounces on a metal floor"));
    QVERIFY(window.generationQueue()->busy());
    QVERIFY(waitUntil([&] { return !window.generationQueue()->busy(); }, 60000));
    QCOMPARE(timeline->shot(0).takes.size(), 1);
    QCOMPARE(timeline->shot(1).takes.size(), 1);
    const Take firstTake = *timeline->shot(0).current();
    QCOMPARE(timeline->shot(1).current()->continuedFrom, firstTake.id);

    // Regenerate shot 1: select its card, press the button; a second take becomes current.
    QTest::mouseClick(window.timelineView()->viewport(), Qt::LeftButton, {},
                      window.timelineView()->visualRect(timeline->index(0)).center());
    QCOMPARE(window.selectedRow(), 0);
    QTest::mouseClick(window.promptPanel()->findChild<QPushButton*>("generate"), Qt::LeftButton);
    QVERIFY(waitUntil([&] { return !window.generationQueue()->busy(); }, 60000));
    meter.stop();
    QCOMPARE(timeline->shot(0).takes.size(), 2);
    QCOMPARE(timeline->shot(0).currentTake, 1);
    // Every take is signed as synthetic and carries the project's one watermark id.
    const QString projectId = QStringLiteral("%1").arg(window.project()->watermarkId(), 8, 16, QLatin1Char('0'));
    for (const Take& take : timeline->shot(0).takes + timeline->shot(1).takes) {
      const auto report = kinema::safety::verify_file(
          QDir(window.project()->mediaFolder()).filePath(take.file).toStdString());
      QVERIFY2(report.synthetic, report.verdict.c_str());
      const auto& claim = report.json["manifest"]["claim"]["kinema"];
      QCOMPARE(QString::fromStdString(claim.value("generation_id", "")), projectId);
      QVERIFY(claim.value("watermark", false));
    }
    QVERIFY(timeline->shot(0).current()->seed != firstTake.seed);  // unlocked seed: a new one
    QCOMPARE(timeline->shot(1).takes.size(), 1);                     // only that shot changed
    // Undo (Ctrl+Z) goes back to the first take, redo to the new one.
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier);
    QCOMPARE(timeline->shot(0).takes.size(), 1);
    QTest::keyClick(&window, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
    QCOMPARE(timeline->shot(0).currentTake, 1);
    // The earlier take can be chosen again, and back.
    QComboBox* takes = window.promptPanel()->takeBox();
    QCOMPARE(takes->count(), 2);
    takes->setFocus();
    QTest::keyClick(takes, Qt::Key_Up);
    QCOMPARE(timeline->shot(0).currentTake, 0);
    QTest::keyClick(takes, Qt::Key_Down);
    QCOMPARE(timeline->shot(0).currentTake, 1);

    const double expected = timeline->shot(0).current()->shownSeconds() + timeline->shot(1).current()->shownSeconds();
    QTRY_COMPARE(window.player()->frameCount(), timeline->frameCount());
    qInfo("longest event-loop stall while generating three takes: %.1f ms", meter.longestMs());
    QVERIFY2(meter.longestMs() < kFrozenWindowMs, qPrintable(QString("the window stalled %1 ms").arg(meter.longestMs())));

    // Save, reopen, and the timeline is the same.
    const QString projectPath = dir_.filePath("film.kinema");
    QVERIFY(window.saveProjectAs(projectPath));
    const auto shots = timeline->shots();
    QVERIFY(window.openProject(projectPath));
    QCOMPARE(window.project()->timeline()->shots(), shots);

    // Export the whole timeline.
    const QString out = dir_.filePath("film.mp4");
    QSignalSpy exported(&window, &MainWindow::exportFinished);
    QVERIFY(window.exportTo(out));
    QVERIFY(exported.wait(60000));
    QCOMPARE(exported.first().at(1).toString(), QString());
    const QJsonObject probe = ffprobe(out);
    const QJsonObject video = stream(probe, "video"), audio = stream(probe, "audio");
    QCOMPARE(video["codec_name"].toString(), QString("h264"));
    QCOMPARE(audio["codec_name"].toString(), QString("aac"));
    const double videoSeconds = video["duration"].toString().toDouble();
    const double audioSeconds = audio["duration"].toString().toDouble();
    qInfo("exported %s: video %.3f s, audio %.3f s, two shots' takes %.3f s", qPrintable(out), videoSeconds, audioSeconds,
          expected);
    QVERIFY(std::abs(videoSeconds - expected) < 0.01);
    QVERIFY(std::abs(audioSeconds - expected) < 0.05);
    window.project()->undoStack()->setClean();
  }

  void settingsAndLayoutAreRemembered() {
    {
      QSettings settings;
      StudioSettings s;
      s.modelFolder = dir_.filePath("no-model-here");
      s.device = "cpu";
      s.defaultSteps = 12;
      s.exportFolder = dir_.filePath("exports");
      s.save(settings);
    }
    MainWindowOptions options;
    options.dataFolder = dir_.filePath("data2");
    options.offerRecovery = false;
    {
      MainWindow window(options);
      window.show();
      QVERIFY(QTest::qWaitForWindowExposed(&window));
      window.addShot();
      QCOMPARE(window.project()->timeline()->shot(1).settings.steps, 12);  // new shots take the default steps
      window.findChild<QDockWidget*>("generationDock")->hide();
      window.project()->undoStack()->setClean();
      QVERIFY(window.close());
    }
    const StudioSettings read = StudioSettings::load(QSettings());
    QCOMPARE(read.modelFolder, dir_.filePath("no-model-here"));
    QCOMPARE(read.device, QString("cpu"));
    QCOMPARE(read.exportFolder, dir_.filePath("exports"));
    MainWindow again(options);
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QVERIFY(!again.findChild<QDockWidget*>("generationDock")->isVisible());
    QVERIFY(again.findChild<QDockWidget*>("timelineDock")->isVisible());
  }
};

KINEMA_UI_TEST_MAIN(StudioTest)
#include "studio_test.moc"
