// The prompt panel: showing a shot, reporting each edit once with before/after, the pickers writing
// into the prompt, and switching shots without carrying text over.
#include <QComboBox>
#include <QLineEdit>
#include <QSpinBox>

#include "helpers/ui_test_main.h"
#include "widgets/prompt_panel.h"

using namespace kinema::studio;

namespace {

Shot shotWith(const QString& prompt) {
  Shot shot;
  shot.id = newShotId();
  shot.settings.prompt = prompt;
  return shot;
}

struct Edit {
  QString shotId;
  ShotSettings before, after;
  QString field;
};

}  // namespace

class PromptPanelTest : public QObject {
  Q_OBJECT

 private slots:
  void switchingShotsShowsEachOnesOwnSettings() {
    PromptPanel panel;
    QList<Edit> edits;
    connect(&panel, &PromptPanel::settingsEdited, this,
            [&](const QString& id, const ShotSettings& b, const ShotSettings& a, const QString& f) { edits << Edit{id, b, a, f}; });
    const Shot a = shotWith("a red ball bounces");
    Shot b = shotWith("");
    b.settings.steps = 7;
    panel.setShot(a, 1);
    QCOMPARE(panel.promptEdit()->toPlainText(), QString("a red ball bounces"));
    panel.setShot(b, 2);
    QCOMPARE(panel.promptEdit()->toPlainText(), QString());
    QCOMPARE(panel.findChild<QSpinBox*>("steps")->value(), 7);
    panel.setShot(a, 1);
    QCOMPARE(panel.promptEdit()->toPlainText(), QString("a red ball bounces"));
    QVERIFY2(edits.isEmpty(), "showing a shot is not an edit");
  }

  void typingReportsEditsOfTheShownShot() {
    PromptPanel panel;
    QList<Edit> edits;
    connect(&panel, &PromptPanel::settingsEdited, this,
            [&](const QString& id, const ShotSettings& b, const ShotSettings& a, const QString& f) { edits << Edit{id, b, a, f}; });
    const Shot a = shotWith("");
    panel.setShot(a, 1);
    QTest::keyClicks(panel.promptEdit(), "ball");
    QCOMPARE(edits.size(), 4);
    QCOMPARE(edits.last().shotId, a.id);
    QCOMPARE(edits.last().before.prompt, QString("bal"));
    QCOMPARE(edits.last().after.prompt, QString("ball"));
    QCOMPARE(edits.last().field, QString("prompt"));
    // A picker writes its phrase into the prompt, as one edit.
    auto* style = panel.findChild<QComboBox*>("stylePicker");
    style->setFocus();
    QTest::keyClick(style, Qt::Key_Down);
    QCOMPARE(edits.last().field, QString("style"));
    QCOMPARE(edits.last().after.prompt, QString("ball, cartoon style"));
    QCOMPARE(panel.promptEdit()->toPlainText(), QString("ball, cartoon style"));
    QTest::keyClicks(panel.negativeEdit(), "blur");
    QCOMPARE(edits.last().after.negativePrompt, QString("blur"));
  }
};

KINEMA_UI_TEST_MAIN(PromptPanelTest)
#include "prompt_panel_test.moc"
