// main() for the studio's QTest executables: the offscreen platform unless one is chosen, and the
// user's folders (settings, autosaves, app data) in a temporary place, so tests never touch a real home.
#pragma once

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

namespace kinema::studio::testing {

inline QString prepareTestEnvironment() {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static QTemporaryDir home;
  qputenv("XDG_CONFIG_HOME", (home.path() + "/config").toUtf8());
  qputenv("XDG_DATA_HOME", (home.path() + "/data").toUtf8());
  qputenv("XDG_CACHE_HOME", (home.path() + "/cache").toUtf8());
  if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
    QDir().mkpath(home.path() + "/runtime");
    QFile::setPermissions(home.path() + "/runtime", QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", (home.path() + "/runtime").toUtf8());
  }
  return home.path();
}

}  // namespace kinema::studio::testing

#define KINEMA_UI_TEST_MAIN(TestClass)                                      \
  int main(int argc, char** argv) {                                         \
    kinema::studio::testing::prepareTestEnvironment();                      \
    QApplication app(argc, argv);                                           \
    QApplication::setOrganizationName(QStringLiteral("KinemaTests"));       \
    QApplication::setApplicationName(QStringLiteral(#TestClass));           \
    TestClass test;                                                         \
    return QTest::qExec(&test, argc, argv);                                 \
  }
