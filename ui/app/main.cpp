// build/kinema-studio [--model DIR] [PROJECT]: Kinema Studio's entry point.
#include <QApplication>
#include <QCommandLineParser>

#include "app/main_window.h"
#include "core/log.h"
#include "core/memory.h"

int main(int argc, char** argv) {
  kinema::keep_freed_memory_for_reuse();
  QApplication app(argc, argv);
  QApplication::setOrganizationName(QStringLiteral("Kinema"));
  QApplication::setApplicationName(QStringLiteral("Kinema Studio"));
  QApplication::setApplicationVersion(QStringLiteral(KINEMA_VERSION));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("Kinema Studio: prompts in, shots on a timeline, MP4 out."));
  parser.addHelpOption();
  parser.addVersionOption();
  const QCommandLineOption model(QStringLiteral("model"), QStringLiteral("Model folder to use."), QStringLiteral("DIR"));
  const QCommandLineOption log(QStringLiteral("log-level"), QStringLiteral("debug, info, warn, error or off."),
                               QStringLiteral("LEVEL"), QStringLiteral("info"));
  parser.addOption(model);
  parser.addOption(log);
  parser.addPositionalArgument(QStringLiteral("project"), QStringLiteral("A .kinema project to open."));
  parser.process(app);
  kinema::set_log_level(parser.value(log).toStdString());

  kinema::studio::MainWindowOptions options;
  options.modelFolder = parser.value(model);
  kinema::studio::MainWindow window(options);
  window.show();
  if (!parser.positionalArguments().isEmpty()) window.openProject(parser.positionalArguments().first());
  return app.exec();
}
