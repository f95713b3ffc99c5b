// Generation off the GUI thread: a worker thread that owns the model and runs one request at a time,
// and a queue in front of it. Each request can be cancelled at any denoising step; further requests
// wait their turn. Finished takes are written to the media folder and read back by the worker.
#pragma once

#include <QList>
#include <QObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

#include "models/media_library.h"
#include "models/shot.h"
#include "pipeline/generator.h"

namespace kinema::studio {

class TimelineModel;

struct GenerationJob {
  quint64 id = 0;
  QString shotId;
  pipeline::GenerationRequest request;
  QString outputPath;     // where the take's MP4 goes
  QString continuedFrom;  // the previous shot's take that start_frames came from, empty if none
  quint32 watermarkId = 0;  // the project's: every take of a project carries the same watermark (0: a fresh one)
};

struct GenerationProgressInfo {
  QString stage;
  int step = 0;
  int steps = 0;
  double elapsedSeconds = 0.0;
  double etaSeconds = -1.0;
};

struct GenerationOutcome {
  quint64 jobId = 0;
  QString shotId;
  ClipPtr clip;  // the take as read back from its file
  Take take;     // filled in, file name included
};

// The engine request for the shot at `row`: its settings, a seed (`freshSeed` unless the shot's is
// locked), and, when the shot continues the one before, that shot's last frames as start frames.
// The engine holds those frames fixed and makes the rest; the take keeps them but the timeline shows
// it from the first new frame (Take::heldFrames), so the cut does not repeat frames and the motion
// carries on. To keep the shot's length, the request asks for the held frames on top of it.
// Returns an empty string, or why the shot cannot be generated yet.
QString planGeneration(const TimelineModel& timeline, int row, MediaLibrary& media, const model::ModelConfig& config,
                       quint64 freshSeed, GenerationJob& job);

class GenerationWorker;

class GenerationQueue : public QObject {
  Q_OBJECT
 public:
  explicit GenerationQueue(QObject* parent = nullptr);
  ~GenerationQueue() override;  // cancels what runs and waits for the worker

  // Loads a model folder on the worker thread (modelLoaded or modelFailed follow).
  void loadModel(const QString& folder, pipeline::DeviceChoice device);
  std::shared_ptr<const pipeline::Generator> generator() const { return generator_; }
  bool modelLoading() const { return loading_; }

  // Fills in a job's request when its turn comes (so a shot that continues the one before sees that
  // shot's newest take, even if it was still being generated when this one was queued). Returns an
  // empty string, or why the job cannot run.
  using Planner = std::function<QString(GenerationJob& job)>;
  void setPlanner(Planner planner) { planner_ = std::move(planner); }

  quint64 enqueue(const QString& shotId);  // returns the job's id
  void cancel(quint64 jobId);          // a queued job is dropped; the running one stops at its next step
  void cancelAll();
  quint64 runningJob() const { return running_ ? running_->id : 0; }
  QString runningShot() const { return running_ ? running_->shotId : QString(); }
  QList<GenerationJob> queued() const { return queue_; }
  bool busy() const { return running_ || !queue_.isEmpty(); }

 signals:
  void modelLoadStarted(const QString& folder);
  void modelLoaded(std::shared_ptr<const pipeline::Generator> generator);
  void modelFailed(const QString& message);
  void jobStarted(quint64 id, const QString& shotId);
  void jobProgress(quint64 id, const QString& shotId, const kinema::studio::GenerationProgressInfo& progress);
  void jobFinished(const kinema::studio::GenerationOutcome& outcome);
  void jobFailed(quint64 id, const QString& shotId, const QString& message, bool cancelled);
  void queueChanged();

 private:
  void dispatch();
  void onWorkerFinished(const GenerationOutcome& outcome);
  void onWorkerFailed(quint64 id, const QString& message, bool cancelled);

  QThread thread_;
  GenerationWorker* worker_ = nullptr;
  std::shared_ptr<const pipeline::Generator> generator_;
  bool loading_ = false;
  QList<GenerationJob> queue_;
  std::optional<GenerationJob> running_;
  std::shared_ptr<std::atomic<bool>> runningCancel_;
  quint64 nextId_ = 1;
  Planner planner_;
};

}  // namespace kinema::studio

Q_DECLARE_METATYPE(kinema::studio::GenerationProgressInfo)
Q_DECLARE_METATYPE(kinema::studio::GenerationOutcome)
Q_DECLARE_METATYPE(std::shared_ptr<const kinema::pipeline::Generator>)
