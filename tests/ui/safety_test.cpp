// The studio's safeguards: the refusal reason beside the prompt as the user types, the Cameos panel over the
// engine's cameo store (two users: Alice owns a cameo, Bob is granted it), and takes that used a cameo whose
// grant was revoked marked on the timeline and kept from export until a grant is restored.
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>

#include "app/main_window.h"
#include "helpers/synthetic_takes.h"
#include "helpers/ui_test_main.h"
#include "models/cameo_marks.h"
#include "models/project.h"
#include "models/timeline_model.h"
#include "safety/cameo_store.h"
#include "safety/provenance.h"
#include "widgets/cameo_panel.h"
#include "widgets/prompt_panel.h"

using namespace kinema::studio;
using namespace kinema::studio::testing;

class SafetyTest : public QObject {
  Q_OBJECT

  QTemporaryDir dir_;

  QString aliceDir() const { return dir_.filePath("alice"); }

  // Alice's cameo, made from a picture, granted to Bob (the user of the studio: the engine's default folder)
  // and imported by him. Returns the cameo's hash.
  QString aliceGrantsBob(CameoPanel& alice, CameoPanel& bob) {
    QTest::qWait(1100);  // a grant counts only when issued after a revocation (whole seconds)
    QImage face(48, 48, QImage::Format_RGB888);
    face.fill(QColor(40, 160, 60));
    const QString image = dir_.filePath("alice.png");
    if (!QFile::exists(image)) face.save(image);
    if (alice.cameoList()->topLevelItemCount() == 0) {
      const QString error = alice.createCameo("alice", "Alice Example", {image});
      if (!error.isEmpty()) qFatal("createCameo: %s", qPrintable(error));
    }
    const QString package = dir_.filePath("alice-for-bob.kcameo");
    QString error = alice.grantCameo("alice", bob.publicKey(), 7, true, package);
    if (!error.isEmpty()) qFatal("grantCameo: %s", qPrintable(error));
    error = bob.importFile(package);
    if (!error.isEmpty()) qFatal("importFile: %s", qPrintable(error));
    const auto cameo = kinema::safety::CameoStore(aliceDir().toStdString()).get("alice");
    return QString::fromStdString(cameo.hash);
  }

  void aliceRevokesBob(CameoPanel& alice, CameoPanel& bob) {
    const QString list = dir_.filePath("alice-revocations.json");
    QCOMPARE(alice.revokeCameo("alice", bob.publicKey(), list), QString());
    QCOMPARE(bob.importFile(list), QString());
  }

 private slots:
  void theRefusalReasonShowsBesideThePromptAsTheUserTypes() {
    PromptPanel panel;
    panel.show();
    Shot shot;
    shot.id = newShotId();
    panel.setShot(shot, 1);
    auto* reason = panel.findChild<QLabel*>("refusalReason");
    QVERIFY(reason);

    QTest::keyClicks(panel.promptEdit(), "a red ball bounces on the grass");
    QCOMPARE(panel.refusalReason(), QString());
    QVERIFY(!reason->isVisible());

    QTest::keyClicks(panel.promptEdit(), " next to a n u d e woman");
    QVERIFY2(panel.refusalReason().contains("sexual content"), qPrintable(panel.refusalReason()));
    QVERIFY(reason->isVisible());

    panel.promptEdit()->clear();
    QTest::keyClicks(panel.promptEdit(), "Barack Obama waves at the camera");
    QVERIFY2(panel.refusalReason().contains("Barack Obama"), qPrintable(panel.refusalReason()));

    // The negative prompt is no loophole where it steers towards what it says (guidance below 1).
    panel.promptEdit()->clear();
    QTest::keyClicks(panel.promptEdit(), "a red ball bounces");
    panel.setModelDefaults({true, 8, 3.0, "unipc", 12, 2.0, 8.0});  // the shot uses the model's guidance, 3
    QTest::keyClicks(panel.negativeEdit(), "gore, nudity");
    QCOMPARE(panel.refusalReason(), QString());
    auto* guidance = panel.findChild<QDoubleSpinBox*>("guidance");
    guidance->setValue(0.0);
    QVERIFY2(!panel.refusalReason().isEmpty(), "at guidance 0 the negative prompt is what the model makes");
  }

  void aCameoNamedWithoutAGrantIsRefusedAndWithOneAllowed() {
    CameoPanel alice(aliceDir()), bob;
    PromptPanel panel;
    Shot shot;
    shot.id = newShotId();
    panel.setShot(shot, 1);
    QTest::keyClicks(panel.promptEdit(), "@alice walks on the grass");
    QVERIFY2(panel.refusalReason().contains("no cameo named @alice"), qPrintable(panel.refusalReason()));

    aliceGrantsBob(alice, bob);
    QCOMPARE(bob.cameoList()->topLevelItemCount(), 1);
    QTreeWidgetItem* row = bob.cameoList()->topLevelItem(0);
    QCOMPARE(row->text(0), QString("@alice"));
    QCOMPARE(row->text(1), QString("Alice Example"));
    QVERIFY2(row->text(2).startsWith("granted until"), qPrintable(row->text(2)));
    panel.checkSafety();
    QCOMPARE(panel.refusalReason(), QString());

    aliceRevokesBob(alice, bob);
    QVERIFY2(bob.cameoList()->topLevelItem(0)->text(2).contains("revoked"), qPrintable(bob.cameoList()->topLevelItem(0)->text(2)));
    panel.checkSafety();
    QVERIFY2(panel.refusalReason().contains("revoked"), qPrintable(panel.refusalReason()));
  }

  void takesThatUsedARevokedCameoAreMarkedAndCannotBeExported() {
    CameoPanel alice(aliceDir()), bob;
    const QString hash = aliceGrantsBob(alice, bob);

    MainWindowOptions options;
    options.modelFolder = dir_.filePath("no-model-here");
    options.dataFolder = dir_.filePath("data");
    options.offerRecovery = false;
    MainWindow window(options);
    TimelineModel* timeline = window.project()->timeline();
    Shot plain = shotWithTake(*window.project()->media(), "plain", numberedClip(24, 12, 60));
    Shot withCameo = shotWithTake(*window.project()->media(), "cameo", numberedClip(24, 12, 200));
    withCameo.takes[0].cameos.append({"alice", hash, "Alice Example"});
    timeline->resetShots({plain, withCameo});
    window.refreshCameoMarks();
    QCOMPARE(timeline->index(1).data(TimelineModel::ExportBlockRole).toString(), QString());

    // Alice revokes Bob's grant; Bob imports her revocation list (the window hears it from his Cameos panel).
    aliceRevokesBob(alice, *window.cameoPanel());
    const QString block = timeline->index(1).data(TimelineModel::ExportBlockRole).toString();
    QVERIFY2(block.contains("revoked"), qPrintable(block));
    QVERIFY2(timeline->index(1).data(TimelineModel::StatusRole).toString().contains("cameo revoked"),
             qPrintable(timeline->index(1).data(TimelineModel::StatusRole).toString()));
    QCOMPARE(timeline->index(0).data(TimelineModel::ExportBlockRole).toString(), QString());
    QCOMPARE(cameoExportBlocks(*timeline, window.project()->media()->folder()).keys(), QList<QString>{withCameo.takes[0].id});

    // The project file is no way round it: a take whose file's signed manifest names the cameo is blocked even
    // when the project lists no cameo for it, and a take file that cannot vouch for itself is blocked too.
    {
      const QDir media(window.project()->media()->folder());
      QVERIFY(media.mkpath("."));
      kinema::safety::ProvenanceFacts facts;
      facts.model_name = "kinema-test";
      facts.model_version = "1";
      facts.visible_mark = facts.watermark = false;
      facts.cameos = {hash.toStdString()};
      kinema::safety::export_clip(numberedClip(24, 12, 30), media.filePath("hidden.mp4").toStdString(), facts);
      Shot hidden = shotWithTake(*window.project()->media(), "hidden", numberedClip(24, 12, 30));
      { QFile f(media.filePath("unsigned.mp4")); QVERIFY(f.open(QIODevice::WriteOnly)); f.write("not an mp4 Kinema signed"); }
      Shot unsigned_ = shotWithTake(*window.project()->media(), "unsigned", numberedClip(24, 12, 30));
      timeline->resetShots({plain, withCameo, hidden, unsigned_});
      window.refreshCameoMarks();
      const QString hiddenBlock = timeline->index(2).data(TimelineModel::ExportBlockRole).toString();
      QVERIFY2(hiddenBlock.contains("revoked"), qPrintable(hiddenBlock));
      const QString unsignedBlock = timeline->index(3).data(TimelineModel::ExportBlockRole).toString();
      QVERIFY2(unsignedBlock.contains("no provenance manifest"), qPrintable(unsignedBlock));
      timeline->resetShots({plain, withCameo});
      window.refreshCameoMarks();
    }

    const QString out = dir_.filePath("film.mp4");
    QVERIFY(!window.exportTo(out));
    QVERIFY2(window.lastError().contains("Shot 2 cannot be exported"), qPrintable(window.lastError()));
    QVERIFY(!QFile::exists(out));
    QVERIFY(window.exportTo(out, 0));  // the shot without the cameo still exports
    QSignalSpy first(&window, &MainWindow::exportFinished);
    QVERIFY(first.wait(60000));
    QCOMPARE(first.first().at(1).toString(), QString());

    // A new grant restores it: the mark goes and the whole timeline exports, marked as synthetic.
    aliceGrantsBob(alice, *window.cameoPanel());
    QCOMPARE(timeline->index(1).data(TimelineModel::ExportBlockRole).toString(), QString());
    QSignalSpy exported(&window, &MainWindow::exportFinished);
    QVERIFY(window.exportTo(out));
    QVERIFY(exported.wait(60000));
    QCOMPARE(exported.first().at(1).toString(), QString());
    const auto report = kinema::safety::verify_file(out.toStdString());
    QVERIFY2(report.synthetic, report.json.dump(2).c_str());
    QVERIFY(report.json["manifest"]["valid"].get<bool>());
    QCOMPARE(report.json["manifest"]["claim"]["kinema"]["front_end"].get<std::string>(), std::string("Kinema Studio export"));
  }
};

KINEMA_UI_TEST_MAIN(SafetyTest)
#include "safety_test.moc"
