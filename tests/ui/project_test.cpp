// Projects: save and open round trip, atomic saves, takes copied on Save As, damaged / newer / foreign
// project files refused with a clear message and left untouched, autosave and recovery after a real
// crash (a child process that dies without cleaning up).
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdlib>

#include "commands/shot_commands.h"
#include "core/error.h"
#include "models/autosave.h"
#include "models/project.h"
#include "helpers/ui_test_main.h"

using namespace kinema::studio;

namespace {

constexpr char kCrashChild[] = "KINEMA_UI_TEST_CRASH_CHILD";

QByteArray readAll(const QString& path) {
  QFile f(path);
  return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes) {
  QFile f(path);
  QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
  f.write(bytes);
}

Take takeNamed(const QString& file, int frames, int held) {
  Take t;
  t.id = newTakeId();
  t.file = file;
  t.frames = frames;
  t.heldFrames = held;
  t.fps = 8;
  t.seed = 18446744073709551557ull;  // needs all 64 bits
  t.steps = 4;
  t.guidance = 3.0;
  t.solver = "euler";
  t.prompt = "a ball";
  t.created = QDateTime::fromString("2025-01-02T03:04:05.678Z", Qt::ISODateWithMs);
  t.wallSeconds = 1.5;
  t.mode = "guided";
  t.worldScene = R"({"seed": 7, "shots": [{"camera": "static"}]})";  // kept as text, whatever it holds
  return t;
}

// Edits a project the way the window does: through its undo stack.
void makeEdits(Project& project) {
  TimelineModel* model = project.timeline();
  const Shot first = model->shot(0);
  ShotSettings s = first.settings;
  s.prompt = "a red ball bounces on a metal floor";
  s.seedLocked = true;
  s.seed = 123456789012345ull;
  project.undoStack()->push(new EditShotCommand(model, first.id, first.settings, s, "prompt"));
  Shot second;
  second.id = newShotId();
  second.settings.prompt = "the ball rolls away, at night";
  project.undoStack()->push(new AddShotCommand(model, 1, second, "add"));
}

// The child of recoveryAfterACrash: edits, autosaves, and dies without any cleanup.
int crashChild(const QString& folder) {
  Project project(QDir(folder).filePath("untitled"));
  Autosave autosave(&project, QDir(folder).filePath("autosave"), 0);
  makeEdits(project);
  QFile take(QDir(project.mediaFolder()).filePath("take.mp4"));
  QDir().mkpath(project.mediaFolder());
  if (take.open(QIODevice::WriteOnly)) take.write("not really a video");
  take.close();
  if (!autosave.saveNow()) return 2;
  std::abort();  // no destructors: the lock stays on disk, as after a real crash
}

}  // namespace

class ProjectTest : public QObject {
  Q_OBJECT

 private slots:
  void saveAndOpenRoundTrip() {
    QTemporaryDir dir;
    Project project(dir.filePath("scratch"));
    makeEdits(project);
    Take take = takeNamed("t.mp4", 13, 5);
    project.undoStack()->push(new AddTakeCommand(project.timeline(), project.timeline()->shot(1).id, take));
    QVERIFY(project.isModified());
    const QString path = dir.filePath("film.kinema");
    project.saveAs(path);
    QVERIFY(!project.isModified());
    QCOMPARE(project.mediaFolder(), dir.filePath("film.media"));
    QVERIFY(QFileInfo(dir.filePath("film.media")).isDir());

    Project reopened(dir.filePath("scratch2"));
    reopened.open(path);
    QCOMPARE(reopened.timeline()->shots(), project.timeline()->shots());
    QCOMPARE(reopened.timeline()->shot(1).current()->seed, 18446744073709551557ull);
    QCOMPARE(reopened.timeline()->shot(0).settings.seed, 123456789012345ull);
    QCOMPARE(reopened.filePath(), QFileInfo(path).absoluteFilePath());
    QVERIFY(!reopened.isModified());
    // The file says what it is and which format version.
    const QJsonObject root = QJsonDocument::fromJson(readAll(path)).object();
    QCOMPARE(root.value("format").toString(), QString("kinema-studio-project"));
    QCOMPARE(root.value("version").toInt(), kProjectFormatVersion);
    QCOMPARE(root.value("media").toString(), QString("film.media"));
    // Every take of a project carries one watermark id; it survives save and open.
    QVERIFY(project.watermarkId() != 0);
    QCOMPARE(reopened.watermarkId(), project.watermarkId());
    QCOMPARE(root.value("watermark_id").toString().toUInt(nullptr, 16), project.watermarkId());
    Project other(dir.filePath("scratch3"));
    QVERIFY(other.watermarkId() != project.watermarkId());
  }

  void saveAsCopiesTheTakesAndLeavesNoTemporaryFiles() {
    QTemporaryDir dir;
    Project project(dir.filePath("scratch"));
    QDir().mkpath(project.mediaFolder());
    writeAll(QDir(project.mediaFolder()).filePath("take-1.mp4"), "take bytes");
    const QString scratch = project.mediaFolder();
    project.saveAs(dir.filePath("a.kinema"));
    QCOMPARE(readAll(dir.filePath("a.media/take-1.mp4")), QByteArray("take bytes"));
    QVERIFY2(!QFileInfo::exists(scratch), "the untitled folder is not needed once saved");
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({"a.kinema"}));
    // Saving as another name copies the media again, beside the new file.
    project.saveAs(dir.filePath("b.kinema"));
    QCOMPARE(readAll(dir.filePath("b.media/take-1.mp4")), QByteArray("take bytes"));
    QCOMPARE(readAll(dir.filePath("a.media/take-1.mp4")), QByteArray("take bytes"));
  }

  void aFailedSaveReportsItAndWritesNothing() {
    QTemporaryDir dir;
    Project project(dir.filePath("scratch"));
    writeAll(dir.filePath("not-a-folder"), "x");
    const QString path = dir.filePath("not-a-folder/film.kinema");
    try {
      project.saveAs(path);
      QFAIL("saving under a file should fail");
    } catch (const kinema::Error& e) {
      QCOMPARE(e.kind(), kinema::ErrorKind::io);
    }
    QVERIFY(project.filePath().isEmpty());
    QCOMPARE(readAll(dir.filePath("not-a-folder")), QByteArray("x"));
  }

  void damagedFilesAreRefusedAndLeftAlone_data() {
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("expected");
    const QByteArray good = projectToBytes({{}, "x.media"});
    QTest::newRow("truncated") << good.left(good.size() / 2) << "is damaged: not valid JSON";
    QTest::newRow("not json") << QByteArray("\x00\x01garbage", 9) << "is damaged";
    QTest::newRow("newer version")
        << QByteArray(R"({"format": "kinema-studio-project", "version": 7, "saved_by": "Kinema Studio 3.0", "media": "x.media", "shots": []})")
        << "was saved by a newer Kinema Studio (Kinema Studio 3.0, project format 7)";
    QTest::newRow("foreign") << QByteArray(R"({"name": "something else"})") << "is not a Kinema Studio project";
    Shot shot;
    shot.id = "s1";
    shot.takes.append(takeNamed("t.mp4", 9, 0));
    shot.currentTake = 0;
    QJsonObject root = QJsonDocument::fromJson(projectToBytes({{shot}, "x.media"})).object();
    QJsonArray shots = root["shots"].toArray();
    QJsonObject s = shots[0].toObject();
    QJsonArray takes = s["takes"].toArray();
    QJsonObject t = takes[0].toObject();
    t.remove("file");
    takes[0] = t;
    s["takes"] = takes;
    shots[0] = s;
    root["shots"] = shots;
    QTest::newRow("missing key") << QJsonDocument(root).toJson() << "shots[0].takes[0].file: missing";
    t["file"] = "../../etc/passwd";
    takes[0] = t;
    s["takes"] = takes;
    shots[0] = s;
    root["shots"] = shots;
    QTest::newRow("file outside the media folder") << QJsonDocument(root).toJson() << "is not a file name in the media folder";
    QJsonObject badId = QJsonDocument::fromJson(good).object();
    badId["watermark_id"] = "not hex!";
    QTest::newRow("bad watermark id") << QJsonDocument(badId).toJson() << "watermark_id: not 8 hexadecimal digits";
  }

  void damagedFilesAreRefusedAndLeftAlone() {
    QFETCH(QByteArray, bytes);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    const QString path = dir.filePath("bad.kinema");
    writeAll(path, bytes);
    Project project(dir.filePath("scratch"));
    makeEdits(project);
    const auto before = project.timeline()->shots();
    try {
      project.open(path);
      QFAIL("a damaged project opened");
    } catch (const kinema::Error& e) {
      QCOMPARE(e.kind(), kinema::ErrorKind::format);
      const QString message = QString::fromStdString(e.what());
      QVERIFY2(message.contains(expected), qPrintable(message));
      QVERIFY2(message.contains("bad.kinema"), qPrintable(message));
      QVERIFY2(message.contains("Nothing was changed"), qPrintable(message));
    }
    QCOMPARE(readAll(path), bytes);                   // the file is as it was
    QCOMPARE(project.timeline()->shots(), before);    // and so is the open project
    QVERIFY(project.isModified());
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList({"bad.kinema"}));
  }

  void recoveryAfterACrash() {
    QTemporaryDir dir;
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(kCrashChild, dir.path());
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {});
    QVERIFY(child.waitForFinished(30000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);

    // A session still running is not offered: this one's autosave stays out of the list.
    Project live(dir.filePath("untitled"));
    Autosave liveAutosave(&live, dir.filePath("autosave"), 0);
    makeEdits(live);
    QVERIFY(liveAutosave.saveNow());

    const auto found = Autosave::findRecoverable(dir.filePath("autosave"));
    QCOMPARE(found.size(), 1);
    const RecoverableProject& r = found.first();
    QVERIFY(r.projectPath.isEmpty());
    QCOMPARE(r.contents.shots.size(), 2);
    QCOMPARE(r.contents.shots[0].settings.prompt, QString("a red ball bounces on a metal floor"));
    QCOMPARE(r.contents.shots[1].settings.prompt, QString("the ball rolls away, at night"));
    QVERIFY(QFileInfo::exists(QDir(r.mediaFolder).filePath("take.mp4")));

    Project recovered(dir.filePath("untitled"));
    recovered.restore(r.contents, r.projectPath, r.mediaFolder);
    QVERIFY(recovered.isModified());
    QCOMPARE(recovered.timeline()->shots(), r.contents.shots);
    Autosave::remove(r);
    QVERIFY(Autosave::findRecoverable(dir.filePath("autosave")).isEmpty());
    // Saving the recovered project brings its takes along.
    recovered.saveAs(dir.filePath("rescued.kinema"));
    QVERIFY(QFileInfo::exists(dir.filePath("rescued.media/take.mp4")));
  }

  void autosaveWritesOnlyWhenChangedAndGoesAwayAfterASave() {
    QTemporaryDir dir;
    Project project(dir.filePath("untitled"));
    Autosave autosave(&project, dir.filePath("autosave"), 0);
    QVERIFY(!autosave.saveNow());  // nothing changed yet
    makeEdits(project);
    QVERIFY(autosave.saveNow());
    QVERIFY(QFileInfo::exists(autosave.path()));
    QVERIFY(!autosave.saveNow());  // no change since
    project.saveAs(dir.filePath("p.kinema"));
    autosave.saveNow();
    QVERIFY2(!QFileInfo::exists(autosave.path()), "a saved project needs no autosave");
    // The autosave never writes the project file itself.
    const QByteArray saved = readAll(dir.filePath("p.kinema"));
    ShotSettings s = project.timeline()->shot(0).settings;
    ShotSettings changed = s;
    changed.prompt = "changed";
    project.undoStack()->push(new EditShotCommand(project.timeline(), project.timeline()->shot(0).id, s, changed, "prompt"));
    QVERIFY(autosave.saveNow());
    QCOMPARE(readAll(dir.filePath("p.kinema")), saved);
  }
};

int main(int argc, char** argv) {
  kinema::studio::testing::prepareTestEnvironment();
  QApplication app(argc, argv);
  if (qEnvironmentVariableIsSet(kCrashChild)) return crashChild(qEnvironmentVariable(kCrashChild));
  ProjectTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "project_test.moc"
