// Kinema Studio's main window: prompt panel, preview player, timeline, generation queue and cameos around
// one project. Menu actions open dialogs and then call the public methods below, which tests call directly.
#pragma once

#include <QFuture>
#include <QMainWindow>
#include <QPointer>
#include <QSettings>

#include <memory>
#include <optional>

#include "app/studio_settings.h"
#include "model/config.h"
#include "models/shot.h"

class QLabel;
class QProgressDialog;

namespace kinema::studio {

class Autosave;
class CameoPanel;
class ExportJob;
class GenerationPanel;
class GenerationQueue;
class PlayerController;
class PlayerWidget;
class Project;
class PromptPanel;
class TimelineView;
struct GenerationJob;
struct GenerationOutcome;
struct RecoverableProject;

struct MainWindowOptions {
  QString modelFolder;   // overrides the remembered one (the --model flag, tests)
  QString dataFolder;    // autosaves and untitled takes; default: the user's app data folder
  bool offerRecovery = true;  // ask at start about autosaves left by a crashed session
};

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(const MainWindowOptions& options = {}, QWidget* parent = nullptr);
  ~MainWindow() override;

  Project* project() const { return project_; }
  GenerationQueue* generationQueue() const { return queue_; }
  PlayerController* player() const { return player_; }
  PromptPanel* promptPanel() const { return prompt_; }
  TimelineView* timelineView() const { return timeline_; }
  GenerationPanel* generationPanel() const { return generation_; }
  CameoPanel* cameoPanel() const { return cameos_; }
  Autosave* autosave() const { return autosave_; }
  QString lastError() const { return lastError_; }  // the last message shown to the user
  ExportJob* exportJob() const;

  int selectedRow() const;
  void selectRow(int row);

  // What the menu actions do once any dialog has been answered.
  void addShot();
  void insertShot();
  void duplicateShot();
  void deleteShot();
  void generateShot(int row);  // queue a new take of the shot
  bool openProject(const QString& path);
  bool saveProject();                  // Save As when untitled (asks for a path)
  bool saveProjectAs(const QString& path);
  void newProject();
  bool exportTo(const QString& path, int onlyRow = -1);  // starts the export; false if it cannot start
  void recover(const RecoverableProject& recoverable);
  void loadModel(const QString& folder);
  // Marks the takes that used a cameo whose grant no longer allows export (they cannot be exported until
  // regenerated or a grant is restored). Runs after every change to the shots or the cameos, and each minute.
  void refreshCameoMarks();

 signals:
  void exportFinished(const QString& path, const QString& error);  // error empty on success

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void buildActions();
  void buildLayout();
  void connectProject();
  void showError(const QString& title, const QString& text);
  void showShot(int row);
  void refreshSequence();
  void refreshActions();
  void updateTitle();
  bool maybeSave();
  void offerRecovery();
  void onTakeFinished(const GenerationOutcome& outcome);
  QString planJob(GenerationJob& job);
  Shot newShot() const;
  void applySettings(const StudioSettings& settings);
  void openSettings();
  void exportInteractive(bool wholeTimeline);
  QAction* action(const char* name) const;

  MainWindowOptions options_;
  QSettings qsettings_;
  StudioSettings settings_;
  QString dataFolder_;
  Project* project_ = nullptr;
  Autosave* autosave_ = nullptr;
  GenerationQueue* queue_ = nullptr;
  PlayerController* player_ = nullptr;
  PromptPanel* prompt_ = nullptr;
  PlayerWidget* playerWidget_ = nullptr;
  TimelineView* timeline_ = nullptr;
  GenerationPanel* generation_ = nullptr;
  CameoPanel* cameos_ = nullptr;
  QLabel* modelLabel_ = nullptr;
  QLabel* audioLabel_ = nullptr;
  std::optional<model::ModelConfig> modelConfig_;
  QString modelFolder_;
  QPointer<ExportJob> export_;
  QPointer<QProgressDialog> exportProgress_;
  QString lastError_;
  bool sequenceQueued_ = false;
  QFuture<void> rulesWarmup_;  // the content rules compiled off the GUI thread at start
};

}  // namespace kinema::studio
