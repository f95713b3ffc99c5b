// The main window: layout, actions and shortcuts, and the glue between the panels, the project, the
// generation queue, the player and export. Edits go through the project's undo stack.
#include "app/main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QtConcurrent>
#include <QVBoxLayout>

#include "commands/shot_commands.h"
#include "core/error.h"
#include "core/log.h"
#include "models/autosave.h"
#include "models/cameo_marks.h"
#include "models/project.h"
#include "models/sequence.h"
#include "pipeline/generator.h"
#include "pipeline/model_folder.h"
#include "playback/player_controller.h"
#include "safety/content_screen.h"
#include "widgets/cameo_panel.h"
#include "widgets/generation_panel.h"
#include "widgets/player_widget.h"
#include "widgets/prompt_panel.h"
#include "widgets/settings_dialog.h"
#include "widgets/timeline_view.h"
#include "workers/export_job.h"
#include "workers/generation_queue.h"

namespace kinema::studio {

MainWindow::MainWindow(const MainWindowOptions& options, QWidget* parent)
    : QMainWindow(parent), options_(options), settings_(StudioSettings::load(qsettings_)) {
  setObjectName("mainWindow");
  dataFolder_ = options.dataFolder.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)
                                             : options.dataFolder;
  project_ = new Project(QDir(dataFolder_).filePath("untitled"), this);
  autosave_ = new Autosave(project_, QDir(dataFolder_).filePath("autosave"), settings_.autosaveSeconds, this);
  // The content rules compile on first use (a fraction of a second): here, off the GUI thread, rather than
  // on the first key the user types into a prompt.
  rulesWarmup_ = QtConcurrent::run([] {
    try {
      safety::screen_request("a", "");
    } catch (const std::exception&) {  // the same error comes back, and is shown, on the first real check
    }
  });
  queue_ = new GenerationQueue(this);
  queue_->setPlanner([this](GenerationJob& job) { return planJob(job); });
  player_ = new PlayerController(this);

  buildLayout();
  buildActions();
  connectProject();

  connect(queue_, &GenerationQueue::modelLoaded, this, [this](std::shared_ptr<const pipeline::Generator> generator) {
    modelConfig_ = generator->config();
    const auto summary = generator->summary();
    modelLabel_->setText(tr("Model: %1 %2 on %3").arg(QString::fromStdString(summary.name),
                                                      QString::fromStdString(summary.version),
                                                      QString::fromStdString(summary.device)));
    prompt_->setLexicon(std::make_shared<ModelLexicon>(generator));
    const auto& c = *modelConfig_;
    prompt_->setModelDefaults({true, c.sampler.steps, c.sampler.guidance, QString::fromStdString(c.sampler.solver),
                               c.clip.fps, static_cast<double>(c.clip.frames) / c.clip.fps,
                               static_cast<double>(c.clip.max_frames) / c.clip.fps, c.sampler.guided_steps});
    refreshActions();
  });
  connect(queue_, &GenerationQueue::modelFailed, this, [this](const QString& message) {
    modelConfig_.reset();
    modelLabel_->setText(tr("No model"));
    statusBar()->showMessage(tr("The model could not be loaded: %1").arg(message));
    prompt_->setLexicon(nullptr);
    refreshActions();
  });
  connect(queue_, &GenerationQueue::jobStarted, this, [this](quint64, const QString& shotId) {
    project_->timeline()->setStatus(shotId, tr("starting"));
  });
  connect(queue_, &GenerationQueue::jobProgress, this,
          [this](quint64, const QString& shotId, const GenerationProgressInfo& p) {
            project_->timeline()->setStatus(shotId, p.stage == QLatin1String("denoising")
                                                        ? tr("step %1/%2").arg(p.step).arg(p.steps)
                                                        : p.stage);
          });
  connect(queue_, &GenerationQueue::jobFinished, this, &MainWindow::onTakeFinished);
  connect(queue_, &GenerationQueue::jobFailed, this,
          [this](quint64, const QString& shotId, const QString& message, bool cancelled) {
            project_->timeline()->setStatus(shotId, {});
            if (cancelled)
              statusBar()->showMessage(tr("Generation cancelled."), 5000);
            else
              showError(tr("Generation failed"), message);
            refreshActions();
          });
  connect(queue_, &GenerationQueue::queueChanged, this, [this] {
    for (const GenerationJob& job : queue_->queued()) project_->timeline()->setStatus(job.shotId, tr("queued"));
    refreshActions();
  });

  audioLabel_->setText(player_->hasAudioDevice() ? tr("Sound: %1").arg(player_->audioStatus())
                                                 : tr("No audio device: playing silently"));
  audioLabel_->setToolTip(player_->audioStatus());
  if (!player_->hasAudioDevice()) statusBar()->showMessage(tr("No audio device: the player plays silently."), 10000);

  resize(1360, 860);
  restoreGeometry(qsettings_.value("window/geometry").toByteArray());
  restoreState(qsettings_.value("window/state").toByteArray());
  selectRow(0);
  updateTitle();

  QString folder = options.modelFolder.isEmpty() ? settings_.modelFolder : options.modelFolder;
  if (folder.isEmpty()) folder = QString::fromStdString(pipeline::default_model_dir().string());
  if (folder.isEmpty()) {
    modelLabel_->setText(tr("No model installed"));
    statusBar()->showMessage(QString::fromStdString(pipeline::no_model_message()));
    refreshActions();
  } else {
    loadModel(folder);
  }
  if (options.offerRecovery) QTimer::singleShot(0, this, &MainWindow::offerRecovery);
}

MainWindow::~MainWindow() {
  // Tear down in dependency order rather than in the order the children were made, and hear nothing
  // from the parts on the way (an undo stack being cleared still says its index changed).
  for (QObject* sender : std::initializer_list<QObject*>{project_, project_->undoStack(), project_->timeline(),
                                                         project_->media(), queue_, player_, timeline_->selectionModel()})
    disconnect(sender, nullptr, this, nullptr);
  rulesWarmup_.waitForFinished();
  delete export_;   // cancels and waits
  delete queue_;    // stops the worker: nothing reports to the window any more
  delete autosave_;  // removes this session's autosave, which needs the project
  for (QDockWidget* dock : findChildren<QDockWidget*>()) delete dock;
  delete takeCentralWidget();  // the views go before the project and player they show
}

ExportJob* MainWindow::exportJob() const { return export_; }

QAction* MainWindow::action(const char* name) const { return findChild<QAction*>(QString::fromLatin1(name)); }

void MainWindow::buildLayout() {
  playerWidget_ = new PlayerWidget(player_);
  setCentralWidget(playerWidget_);

  prompt_ = new PromptPanel;
  auto* promptDock = new QDockWidget(tr("Shot"), this);
  promptDock->setObjectName("promptDock");
  promptDock->setWidget(prompt_);
  promptDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::LeftDockWidgetArea, promptDock);

  auto* timelinePane = new QWidget;
  auto* timelineLayout = new QVBoxLayout(timelinePane);
  timelineLayout->setContentsMargins(4, 0, 4, 4);
  auto* timelineBar = new QToolBar;
  timelineBar->setObjectName("timelineBar");
  timelineBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
  timelineLayout->addWidget(timelineBar);
  timeline_ = new TimelineView;
  timeline_->setModel(project_->timeline());
  timelineLayout->addWidget(timeline_);
  auto* timelineDock = new QDockWidget(tr("Timeline"), this);
  timelineDock->setObjectName("timelineDock");
  timelineDock->setWidget(timelinePane);
  timelineDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::BottomDockWidgetArea, timelineDock);

  generation_ = new GenerationPanel(queue_, project_->timeline());
  auto* generationDock = new QDockWidget(tr("Generation"), this);
  generationDock->setObjectName("generationDock");
  generationDock->setWidget(generation_);
  generationDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::RightDockWidgetArea, generationDock);
  resizeDocks({promptDock, generationDock}, {330, 260}, Qt::Horizontal);

  cameos_ = new CameoPanel;
  auto* cameoDock = new QDockWidget(tr("Cameos"), this);
  cameoDock->setObjectName("cameoDock");
  cameoDock->setWidget(cameos_);
  cameoDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
  addDockWidget(Qt::RightDockWidgetArea, cameoDock);
  connect(cameos_, &CameoPanel::cameosChanged, this, [this] {
    refreshCameoMarks();
    prompt_->checkSafety();
  });
  // Grants expire by the clock, not only by a revocation imported here.
  auto* cameoClock = new QTimer(this);
  connect(cameoClock, &QTimer::timeout, this, [this] {
    cameos_->refresh();
    refreshCameoMarks();
  });
  cameoClock->start(60 * 1000);

  modelLabel_ = new QLabel;
  modelLabel_->setObjectName("modelLabel");
  audioLabel_ = new QLabel;
  audioLabel_->setObjectName("audioLabel");
  statusBar()->addPermanentWidget(modelLabel_);
  statusBar()->addPermanentWidget(audioLabel_);

  connect(timeline_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
    const int row = selectedRow();
    showShot(row);
    if (row >= 0 && !player_->isPlaying()) {
      const Sequence& s = player_->sequence();
      for (const auto& segment : s.segments)
        if (segment.row == row) player_->seekFrame(segment.start);
    }
    refreshActions();
  });
  connect(timeline_, &TimelineView::moveRequested, this, [this](int from, int to) {
    project_->undoStack()->push(new MoveShotCommand(project_->timeline(), from, to));
    selectRow(to);
  });
  connect(prompt_, &PromptPanel::settingsEdited, this,
          [this](const QString& shotId, const ShotSettings& before, const ShotSettings& after, const QString& field) {
            project_->undoStack()->push(new EditShotCommand(project_->timeline(), shotId, before, after, field));
          });
  connect(prompt_, &PromptPanel::generateRequested, this, [this] { generateShot(selectedRow()); });
  connect(prompt_, &PromptPanel::takeChosen, this, [this](const QString& shotId, int from, int to) {
    project_->undoStack()->push(new SetCurrentTakeCommand(project_->timeline(), shotId, from, to));
  });
}

void MainWindow::buildActions() {
  const auto make = [this](QMenu* menu, const char* name, const QString& text, const QKeySequence& key = {}) {
    auto* a = new QAction(text, this);
    a->setObjectName(QString::fromLatin1(name));
    if (!key.isEmpty()) a->setShortcut(key);
    menu->addAction(a);
    return a;
  };

  QMenu* file = menuBar()->addMenu(tr("&File"));
  connect(make(file, "newProject", tr("&New Project"), QKeySequence::New), &QAction::triggered, this, [this] {
    if (maybeSave()) newProject();
  });
  connect(make(file, "openProject", tr("&Open Project…"), QKeySequence::Open), &QAction::triggered, this, [this] {
    if (!maybeSave()) return;
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Project"), settings_.exportFolder,
                                                      tr("Kinema projects (*.%1)").arg(kProjectSuffix));
    if (!path.isEmpty()) openProject(path);
  });
  connect(make(file, "saveProject", tr("&Save"), QKeySequence::Save), &QAction::triggered, this, &MainWindow::saveProject);
  connect(make(file, "saveProjectAs", tr("Save &As…"), QKeySequence::SaveAs), &QAction::triggered, this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Project As"), settings_.exportFolder,
                                                      tr("Kinema projects (*.%1)").arg(kProjectSuffix));
    if (!path.isEmpty()) saveProjectAs(path.endsWith(QStringLiteral(".") + kProjectSuffix) ? path : path + "." + kProjectSuffix);
  });
  file->addSeparator();
  connect(make(file, "exportTimeline", tr("&Export Timeline…"), QKeySequence(tr("Ctrl+E"))), &QAction::triggered, this,
          [this] { exportInteractive(true); });
  connect(make(file, "exportShot", tr("Export Selected &Shot…"), QKeySequence(tr("Ctrl+Shift+E"))), &QAction::triggered,
          this, [this] { exportInteractive(false); });
  file->addSeparator();
  connect(make(file, "settings", tr("Se&ttings…"), QKeySequence::Preferences), &QAction::triggered, this,
          &MainWindow::openSettings);
  file->addSeparator();
  connect(make(file, "quit", tr("&Quit"), QKeySequence::Quit), &QAction::triggered, this, &QWidget::close);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  QAction* undo = project_->undoStack()->createUndoAction(this, tr("&Undo"));
  undo->setObjectName("undo");
  undo->setShortcuts(QKeySequence::Undo);
  QAction* redo = project_->undoStack()->createRedoAction(this, tr("&Redo"));
  redo->setObjectName("redo");
  // The platform's Redo keys, plus both of the usual ones whatever the platform says.
  QList<QKeySequence> redoKeys = QKeySequence::keyBindings(QKeySequence::Redo);
  for (const QKeySequence& key : {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)})
    if (!redoKeys.contains(key)) redoKeys << key;
  redo->setShortcuts(redoKeys);
  edit->addAction(undo);
  edit->addAction(redo);
  edit->addSeparator();
  auto* timelineBar = findChild<QToolBar*>("timelineBar");
  const auto shotAction = [&](const char* name, const QString& text, const QKeySequence& key, void (MainWindow::*slot)()) {
    QAction* a = make(edit, name, text, key);
    connect(a, &QAction::triggered, this, slot);
    timelineBar->addAction(a);
    return a;
  };
  shotAction("addShot", tr("&Add Shot"), QKeySequence(tr("Ctrl+T")), &MainWindow::addShot);
  shotAction("insertShot", tr("&Insert Shot Before"), QKeySequence(tr("Ctrl+I")), &MainWindow::insertShot);
  shotAction("duplicateShot", tr("&Duplicate Shot"), QKeySequence(tr("Ctrl+D")), &MainWindow::duplicateShot);
  shotAction("deleteShot", tr("De&lete Shot"), QKeySequence::Delete, &MainWindow::deleteShot);

  QMenu* generate = menuBar()->addMenu(tr("&Generate"));
  QAction* gen = make(generate, "generateShot", tr("&Generate Shot"), QKeySequence(tr("Ctrl+Return")));
  connect(gen, &QAction::triggered, this, [this] { generateShot(selectedRow()); });
  QAction* regen = make(generate, "regenerateShot", tr("&Regenerate Shot (New Take)"), QKeySequence(tr("Ctrl+Shift+Return")));
  connect(regen, &QAction::triggered, this, [this] { generateShot(selectedRow()); });
  QAction* missing = make(generate, "generateMissing", tr("Generate All Shots &Without a Take"));
  connect(missing, &QAction::triggered, this, [this] {
    for (int row = 0; row < project_->timeline()->rowCount(); ++row)
      if (project_->timeline()->shot(row).takes.isEmpty() && !project_->timeline()->shot(row).settings.prompt.trimmed().isEmpty())
        generateShot(row);
  });
  generate->addSeparator();
  connect(make(generate, "cancelGeneration", tr("&Cancel Generation"), QKeySequence(Qt::Key_Escape)), &QAction::triggered,
          this, [this] { queue_->cancel(queue_->runningJob()); });
  connect(make(generate, "cancelAllGenerations", tr("Cancel &All")), &QAction::triggered, queue_, &GenerationQueue::cancelAll);
  timelineBar->addSeparator();
  timelineBar->addAction(regen);

  QMenu* playback = menuBar()->addMenu(tr("&Playback"));
  connect(make(playback, "playPause", tr("&Play / Pause"), QKeySequence(Qt::Key_Space)), &QAction::triggered, player_,
          &PlayerController::togglePlay);
  connect(make(playback, "frameBack", tr("Frame &Back"), QKeySequence(Qt::Key_Left)), &QAction::triggered, player_,
          &PlayerController::stepBackward);
  connect(make(playback, "frameForward", tr("Frame &Forward"), QKeySequence(Qt::Key_Right)), &QAction::triggered,
          player_, &PlayerController::stepForward);
  playback->addSeparator();
  connect(make(playback, "shuttleBack", tr("Shuttle Backward (J)"), QKeySequence(Qt::Key_J)), &QAction::triggered,
          player_, &PlayerController::shuttleBackward);
  connect(make(playback, "shuttleStop", tr("Shuttle Stop (K)"), QKeySequence(Qt::Key_K)), &QAction::triggered, player_,
          &PlayerController::shuttleStop);
  connect(make(playback, "shuttleForward", tr("Shuttle Forward (L)"), QKeySequence(Qt::Key_L)), &QAction::triggered,
          player_, &PlayerController::shuttleForward);
  playback->addSeparator();
  QAction* loop = make(playback, "loop", tr("&Loop"), QKeySequence(tr("Ctrl+L")));
  loop->setCheckable(true);
  connect(loop, &QAction::toggled, player_, &PlayerController::setLoop);
  connect(player_, &PlayerController::stateChanged, loop, [this, loop] { loop->setChecked(player_->loop()); });
  playback->addSeparator();
  connect(make(playback, "goToStart", tr("Go to &Start"), QKeySequence(Qt::Key_Home)), &QAction::triggered, this,
          [this] { player_->seekFrame(0); });
  connect(make(playback, "goToEnd", tr("Go to &End"), QKeySequence(Qt::Key_End)), &QAction::triggered, this,
          [this] { player_->seekFrame(player_->frameCount() - 1); });

  QMenu* view = menuBar()->addMenu(tr("&View"));
  for (QDockWidget* dock : findChildren<QDockWidget*>()) view->addAction(dock->toggleViewAction());
}

void MainWindow::connectProject() {
  TimelineModel* model = project_->timeline();
  connect(project_, &Project::modifiedChanged, this, &MainWindow::updateTitle);
  connect(project_, &Project::fileChanged, this, &MainWindow::updateTitle);
  connect(project_, &Project::reset, this, [this] {
    selectRow(0);
    refreshSequence();
  });
  connect(model, &TimelineModel::shotsChanged, this, &MainWindow::refreshSequence);
  connect(model, &TimelineModel::shotsChanged, this, &MainWindow::refreshCameoMarks);
  connect(project_, &Project::reset, this, &MainWindow::refreshCameoMarks);
  connect(model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& from, const QModelIndex& to) {
    const int row = selectedRow();
    if (row >= from.row() && row <= to.row()) showShot(row);
  });
  connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex&, int first) { selectRow(first); });
  connect(model, &QAbstractItemModel::rowsRemoved, this, [this](const QModelIndex&, int first) {
    selectRow(std::min(first, project_->timeline()->rowCount() - 1));
  });
  connect(project_->undoStack(), &QUndoStack::indexChanged, this, &MainWindow::refreshActions);
}

int MainWindow::selectedRow() const { return timeline_->currentRow(); }

void MainWindow::selectRow(int row) {
  TimelineModel* model = project_->timeline();
  if (row < 0 || row >= model->rowCount()) {
    timeline_->selectionModel()->clearSelection();
    showShot(-1);
    return;
  }
  const QModelIndex index = model->index(row);
  timeline_->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect);
  timeline_->selectionModel()->setCurrentIndex(index, QItemSelectionModel::NoUpdate);
  timeline_->scrollTo(index);
  showShot(row);
}

void MainWindow::showShot(int row) {
  if (row < 0 || row >= project_->timeline()->rowCount()) {
    prompt_->clearShot();
    return;
  }
  prompt_->setShot(project_->timeline()->shot(row), row + 1);
}

Shot MainWindow::newShot() const {
  Shot shot;
  shot.id = newShotId();
  shot.settings.steps = settings_.defaultSteps;
  return shot;
}

void MainWindow::addShot() {
  const int row = project_->timeline()->rowCount();
  project_->undoStack()->push(new AddShotCommand(project_->timeline(), row, newShot(), tr("Add shot")));
}

void MainWindow::insertShot() {
  const int row = std::max(0, selectedRow());
  project_->undoStack()->push(new AddShotCommand(project_->timeline(), row, newShot(), tr("Insert shot")));
}

void MainWindow::duplicateShot() {
  const int row = selectedRow();
  if (row < 0) return;
  Shot copy = project_->timeline()->shot(row);
  copy.id = newShotId();  // the takes' files are shared: takes are never changed once written
  project_->undoStack()->push(new AddShotCommand(project_->timeline(), row + 1, copy, tr("Duplicate shot %1").arg(row + 1)));
}

void MainWindow::deleteShot() {
  const int row = selectedRow();
  if (row < 0) return;
  const QString id = project_->timeline()->shot(row).id;
  for (const GenerationJob& job : queue_->queued())
    if (job.shotId == id) queue_->cancel(job.id);
  project_->undoStack()->push(new DeleteShotCommand(project_->timeline(), row));
}

void MainWindow::generateShot(int row) {
  TimelineModel* model = project_->timeline();
  if (row < 0 || row >= model->rowCount()) return;
  if (model->shot(row).settings.prompt.trimmed().isEmpty()) {
    showError(tr("Nothing to generate"), tr("Shot %1 has no prompt yet: describe it first.").arg(row + 1));
    return;
  }
  if (!modelConfig_ && !queue_->modelLoading()) {
    showError(tr("No model"), tr("No model is loaded. Choose a model folder in File › Settings."));
    return;
  }
  // The engine refuses again before any work; asking here first keeps a refused shot out of the queue.
  const ShotSettings& settings = model->shot(row).settings;
  safety::ScreenOptions screen;
  if (settings.guidance >= 0)
    screen.guidance = settings.guidance;
  else if (modelConfig_)
    screen.guidance = modelConfig_->sampler.guidance;
  const safety::Screening screening =
      safety::screen_request(settings.prompt.toStdString(), settings.negativePrompt.toStdString(), screen);
  if (screening.refused) {
    showError(tr("Refused"), tr("Shot %1 cannot be generated: %2").arg(row + 1).arg(QString::fromStdString(screening.reason)));
    return;
  }
  queue_->enqueue(model->shot(row).id);
  model->setStatus(model->shot(row).id, queue_->runningShot() == model->shot(row).id ? tr("starting") : tr("queued"));
}

QString MainWindow::planJob(GenerationJob& job) {
  TimelineModel* model = project_->timeline();
  const int row = model->rowOf(job.shotId);
  if (row < 0) return tr("The shot was deleted before its turn came.");
  if (!modelConfig_) return tr("No model is loaded.");
  if (!QDir().mkpath(project_->mediaFolder()))
    return tr("Cannot make the media folder %1.").arg(project_->mediaFolder());
  job.outputPath = QDir(project_->mediaFolder()).filePath(project_->newTakeFileName(job.shotId));
  job.watermarkId = project_->watermarkId();
  return planGeneration(*model, row, *project_->media(), *modelConfig_, QRandomGenerator::global()->generate64() >> 1,
                        job);
}

void MainWindow::onTakeFinished(const GenerationOutcome& outcome) {
  TimelineModel* model = project_->timeline();
  model->setStatus(outcome.shotId, {});
  if (model->rowOf(outcome.shotId) < 0) {
    statusBar()->showMessage(tr("A take finished for a shot that was deleted; it stays in the media folder."), 8000);
    return;
  }
  project_->media()->adopt(outcome.take.file, outcome.clip);
  project_->undoStack()->push(new AddTakeCommand(model, outcome.shotId, outcome.take));
  const int row = model->rowOf(outcome.shotId);
  statusBar()->showMessage(tr("Shot %1: new take (%2 s) in %3 s.")
                               .arg(row + 1)
                               .arg(outcome.take.shownSeconds(), 0, 'f', 2)
                               .arg(outcome.take.wallSeconds, 0, 'f', 1),
                           8000);
  refreshActions();
}

void MainWindow::refreshCameoMarks() {
  project_->timeline()->setExportBlocks(cameoExportBlocks(*project_->timeline(), project_->media()->folder()));
}

void MainWindow::refreshSequence() {
  // Coalesce the bursts of changes an undo or a reset makes into one rebuild.
  if (sequenceQueued_) return;
  sequenceQueued_ = true;
  QTimer::singleShot(0, this, [this] {
    sequenceQueued_ = false;
    player_->setSequence(buildSequence(*project_->timeline(), *project_->media()));
    const Sequence& s = player_->sequence();
    if (!s.problem.isEmpty()) statusBar()->showMessage(s.problem, 10000);
  });
}

void MainWindow::refreshActions() {
  if (!action("generateShot")) return;  // before the actions exist
  const int row = selectedRow();
  const bool hasShot = row >= 0;
  const bool hasTake = hasShot && !project_->timeline()->shot(row).takes.isEmpty();
  const bool canGenerate = modelConfig_.has_value() || queue_->modelLoading();
  action("insertShot")->setEnabled(true);
  action("duplicateShot")->setEnabled(hasShot);
  action("deleteShot")->setEnabled(hasShot);
  action("generateShot")->setEnabled(hasShot && canGenerate);
  action("regenerateShot")->setEnabled(hasTake && canGenerate);
  action("cancelGeneration")->setEnabled(queue_->runningJob() != 0);
  action("cancelAllGenerations")->setEnabled(queue_->busy());
  action("exportShot")->setEnabled(hasTake);
  prompt_->setGenerateEnabled(hasShot && canGenerate,
                              canGenerate ? QString() : tr("No model is loaded: choose one in File › Settings."));
}

void MainWindow::updateTitle() {
  setWindowTitle(tr("%1[*] — Kinema Studio").arg(project_->displayName()));
  setWindowModified(project_->isModified());
}

void MainWindow::showError(const QString& title, const QString& text) {
  lastError_ = text;
  logger("ui")->warn("{}: {}", title.toStdString(), text.toStdString());
  // Window-modal but not blocking: the event loop (and any generation) carries on behind it.
  auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setObjectName("errorBox");
  box->open();
}

void MainWindow::newProject() {
  project_->newProject();
}

bool MainWindow::openProject(const QString& path) {
  try {
    project_->open(path);
  } catch (const Error& e) {
    showError(tr("Cannot open project"), QString::fromStdString(e.what()));
    return false;
  }
  statusBar()->showMessage(tr("Opened %1").arg(path), 5000);
  return true;
}

bool MainWindow::saveProject() {
  if (project_->filePath().isEmpty()) {
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Project"), settings_.exportFolder,
                                                      tr("Kinema projects (*.%1)").arg(kProjectSuffix));
    if (path.isEmpty()) return false;
    return saveProjectAs(path.endsWith(QStringLiteral(".") + kProjectSuffix) ? path : path + "." + kProjectSuffix);
  }
  try {
    project_->save();
  } catch (const Error& e) {
    showError(tr("Cannot save project"), QString::fromStdString(e.what()));
    return false;
  }
  autosave_->discard();
  statusBar()->showMessage(tr("Saved %1").arg(project_->filePath()), 5000);
  return true;
}

bool MainWindow::saveProjectAs(const QString& path) {
  try {
    project_->saveAs(path);
  } catch (const Error& e) {
    showError(tr("Cannot save project"), QString::fromStdString(e.what()));
    return false;
  }
  autosave_->discard();
  statusBar()->showMessage(tr("Saved %1").arg(project_->filePath()), 5000);
  return true;
}

bool MainWindow::maybeSave() {
  if (!project_->isModified()) return true;
  const auto answer = QMessageBox::question(this, tr("Unsaved changes"),
                                            tr("%1 has unsaved changes. Save them first?").arg(project_->displayName()),
                                            QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel);
  if (answer == QMessageBox::Cancel) return false;
  if (answer == QMessageBox::Save) return saveProject();
  return true;
}

void MainWindow::offerRecovery() {
  const auto found = Autosave::findRecoverable(autosave_->path().isEmpty() ? QString() : QFileInfo(autosave_->path()).path());
  if (found.isEmpty()) return;
  const RecoverableProject& newest = found.first();
  const QString name = newest.projectPath.isEmpty() ? tr("an untitled project") : QFileInfo(newest.projectPath).fileName();
  const auto answer = QMessageBox::question(
      this, tr("Recover unsaved work?"),
      tr("Kinema Studio did not close properly. Recover the unsaved changes to %1 (autosaved %2, %3)?")
          .arg(name, QLocale().toString(newest.savedAt.toLocalTime(), QLocale::ShortFormat),
               newest.contents.shots.size() == 1 ? tr("1 shot") : tr("%1 shots").arg(newest.contents.shots.size())),
      QMessageBox::Yes | QMessageBox::No);
  if (answer == QMessageBox::Yes) recover(newest);
  for (const auto& r : found)
    if (answer == QMessageBox::No || r.autosavePath != newest.autosavePath) Autosave::remove(r);
}

void MainWindow::recover(const RecoverableProject& recoverable) {
  project_->restore(recoverable.contents, recoverable.projectPath, recoverable.mediaFolder);
  autosave_->saveNow();  // this session now holds the recovered work
  Autosave::remove(recoverable);
  statusBar()->showMessage(tr("Recovered the autosave from %1. Save to keep it.")
                               .arg(QLocale().toString(recoverable.savedAt.toLocalTime(), QLocale::ShortFormat)),
                           10000);
}

void MainWindow::loadModel(const QString& folder) {
  modelFolder_ = folder;
  modelConfig_.reset();
  modelLabel_->setText(tr("Loading model…"));
  pipeline::DeviceChoice device = pipeline::DeviceChoice::automatic;
  try {
    device = pipeline::parse_device(settings_.device.toStdString());
  } catch (const Error&) {
  }
  queue_->loadModel(folder, device);
  refreshActions();
}

void MainWindow::applySettings(const StudioSettings& settings) {
  const bool reload = settings.modelFolder != settings_.modelFolder || settings.device != settings_.device;
  settings_ = settings;
  settings_.save(qsettings_);
  autosave_->setInterval(settings_.autosaveSeconds);
  if (reload) {
    const QString folder = settings_.modelFolder.isEmpty()
                               ? QString::fromStdString(pipeline::default_model_dir().string())
                               : settings_.modelFolder;
    if (!folder.isEmpty()) loadModel(folder);
  }
}

void MainWindow::openSettings() {
  SettingsDialog dialog(settings_, this);
  if (dialog.exec() == QDialog::Accepted) applySettings(dialog.settings());
}

void MainWindow::exportInteractive(bool wholeTimeline) {
  const int row = wholeTimeline ? -1 : selectedRow();
  if (!wholeTimeline && row < 0) return;
  const QString name = project_->filePath().isEmpty() ? tr("kinema") : QFileInfo(project_->filePath()).completeBaseName();
  const QString suggested = QDir(settings_.exportFolder).filePath(wholeTimeline ? name + ".mp4" : tr("%1-shot%2.mp4").arg(name).arg(row + 1));
  const QString path = QFileDialog::getSaveFileName(this, wholeTimeline ? tr("Export Timeline") : tr("Export Shot"),
                                                    suggested, tr("MP4 video (*.mp4)"));
  if (path.isEmpty()) return;
  settings_.exportFolder = QFileInfo(path).path();
  settings_.save(qsettings_);
  exportTo(path.endsWith(".mp4", Qt::CaseInsensitive) ? path : path + ".mp4", row);
}

bool MainWindow::exportTo(const QString& path, int onlyRow) {
  if (export_ && export_->running()) {
    showError(tr("Export"), tr("An export is already running."));
    return false;
  }
  TimelineModel* model = project_->timeline();
  // Every take must be decoded before the sequence can be complete.
  for (int row = 0; row < model->rowCount(); ++row)
    if (const Take* take = model->shot(row).current(); take && (onlyRow < 0 || onlyRow == row))
      project_->media()->clip(take->file);
  project_->media()->waitForLoads(30000);
  Sequence sequence = buildSequence(*model, *project_->media(), onlyRow);
  QStringList skipped;
  for (int row = 0; row < model->rowCount(); ++row)
    if ((onlyRow < 0 || onlyRow == row) && !model->shot(row).current()) skipped << QString::number(row + 1);
  if (!sequence.problem.isEmpty()) {
    showError(tr("Cannot export"), tr("Not every shot can be exported: %1.").arg(sequence.problem));
    return false;
  }
  if (sequence.empty()) {
    showError(tr("Cannot export"), tr("There is nothing to export: no shot has a take yet."));
    return false;
  }
  // A take that used a cameo is exported only while its owner's grant allows export (checked now, not when
  // the take was made: a grant may have been revoked or have expired since).
  refreshCameoMarks();
  for (const SequenceSegment& segment : sequence.segments) {
    const Take* take = model->shot(segment.row).current();
    const QString block = take ? model->exportBlock(take->id) : QString();
    if (!block.isEmpty()) {
      showError(tr("Cannot export"), tr("Shot %1 cannot be exported: %2").arg(segment.row + 1).arg(block));
      return false;
    }
  }
  delete export_;
  export_ = new ExportJob(std::move(sequence), path, this);
  ExportProvenance provenance;
  if (modelConfig_) {
    provenance.modelName = QString::fromStdString(modelConfig_->name);
    provenance.modelVersion = QString::fromStdString(modelConfig_->version);
  }
  provenance.visibleMark = settings_.visibleMark;
  export_->setProvenance(provenance);
  auto* progress = new QProgressDialog(tr("Exporting %1…").arg(QFileInfo(path).fileName()), tr("Cancel"), 0, 1000, this);
  progress->setObjectName("exportProgress");
  progress->setWindowModality(Qt::WindowModal);
  progress->setMinimumDuration(300);
  progress->setAttribute(Qt::WA_DeleteOnClose);
  exportProgress_ = progress;
  connect(progress, &QProgressDialog::canceled, export_, &ExportJob::cancel);
  connect(export_, &ExportJob::progress, progress, [progress](double f) { progress->setValue(static_cast<int>(f * 1000)); });
  connect(export_, &ExportJob::finished, this, [this, progress, skipped](const QString& done) {
    progress->close();
    statusBar()->showMessage(skipped.isEmpty() ? tr("Exported %1").arg(done)
                                               : tr("Exported %1 (shots without a take left out: %2)").arg(done, skipped.join(", ")),
                             10000);
    emit exportFinished(done, {});
  });
  connect(export_, &ExportJob::failed, this, [this, progress, path](const QString& message, bool cancelled) {
    progress->close();
    if (cancelled)
      statusBar()->showMessage(tr("Export cancelled; nothing was written."), 8000);
    else
      showError(tr("Export failed"), message);
    emit exportFinished(path, cancelled ? tr("cancelled") : message);
  });
  export_->start();
  return true;
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (!maybeSave()) {
    event->ignore();
    return;
  }
  queue_->cancelAll();
  qsettings_.setValue("window/geometry", saveGeometry());
  qsettings_.setValue("window/state", saveState());
  autosave_->discard();
  event->accept();
}

}  // namespace kinema::studio
