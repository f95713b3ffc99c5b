// The generation worker (its own thread, lower CPU priority than the GUI) and the queue that feeds it.
#include "workers/generation_queue.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <QDateTime>
#include <QFileInfo>
#include <QMetaObject>

#include "core/error.h"
#include "core/log.h"
#include "media/mp4_reader.h"
#include "media/mp4_writer.h"
#include "models/timeline_model.h"
#include "safety/provenance.h"

namespace kinema::studio {

// Lives on the worker thread; everything it does runs there, posted with QMetaObject::invokeMethod.
class GenerationWorker : public QObject {
 public:
  std::shared_ptr<pipeline::Generator> generator;
};

namespace {

QString messageOf(const std::exception& e) { return QString::fromStdString(e.what()); }

// The worker's libtorch threads are made from this thread and inherit its priority, so the GUI thread
// wins the CPU whenever it wakes up: the window stays responsive while all cores generate.
void lowerThisThreadsPriority() {
  const auto tid = static_cast<id_t>(::syscall(SYS_gettid));
  if (::setpriority(PRIO_PROCESS, tid, 5) != 0) logger("ui")->debug("could not lower the generation thread's priority");
}

}  // namespace

QString planGeneration(const TimelineModel& timeline, int row, MediaLibrary& media, const model::ModelConfig& config,
                       quint64 freshSeed, GenerationJob& job) {
  const Shot& shot = timeline.shot(row);
  const ShotSettings& s = shot.settings;
  if (s.prompt.trimmed().isEmpty()) return QObject::tr("Shot %1 has no prompt yet.").arg(row + 1);
  job.shotId = shot.id;
  auto& r = job.request;
  r.prompt = s.prompt.toStdString();
  r.negative_prompt = s.negativePrompt.toStdString();
  r.steps = s.steps;
  r.guidance = s.guidance;
  r.solver = s.solver.toStdString();
  r.seed = s.seedLocked ? s.seed : freshSeed;
  const int fps = config.clip.fps;
  const double wanted = s.seconds > 0 ? s.seconds : static_cast<double>(config.clip.frames) / fps;
  r.seconds = s.seconds;

  const Shot* previous = row > 0 ? &timeline.shot(row - 1) : nullptr;
  const Take* previousTake = previous ? previous->current() : nullptr;
  if (!s.continuePrevious || !previousTake) return {};
  const ClipPtr clip = media.clip(previousTake->file);
  if (!clip)
    return media.failure(previousTake->file).isEmpty()
               ? QObject::tr("Shot %1's take is still loading; try again in a moment.").arg(row)
               : QObject::tr("Shot %1's take cannot be read, so shot %2 cannot continue it: %3")
                     .arg(row)
                     .arg(row + 1)
                     .arg(media.failure(previousTake->file));
  r.start_frames = pipeline::continuation_start(*clip, previousTake->heldFrames, previousTake->frames, config);
  r.continue_scene = previousTake->worldScene.toStdString();  // guided mode: one simulation across the cut
  r.seconds = pipeline::continued_seconds(static_cast<int>(std::lround(wanted * fps)), r.start_frames->frame_count(), config);
  job.continuedFrom = previousTake->id;
  return {};
}

GenerationQueue::GenerationQueue(QObject* parent) : QObject(parent) {
  qRegisterMetaType<GenerationProgressInfo>();
  qRegisterMetaType<GenerationOutcome>();
  qRegisterMetaType<std::shared_ptr<const pipeline::Generator>>();
  worker_ = new GenerationWorker;
  worker_->moveToThread(&thread_);
  connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
  thread_.setObjectName(QStringLiteral("generation"));
  thread_.start();
  QMetaObject::invokeMethod(worker_, [] { lowerThisThreadsPriority(); }, Qt::QueuedConnection);
}

GenerationQueue::~GenerationQueue() {
  queue_.clear();
  if (runningCancel_) runningCancel_->store(true);
  thread_.quit();
  thread_.wait();
}

void GenerationQueue::loadModel(const QString& folder, pipeline::DeviceChoice device) {
  loading_ = true;
  generator_.reset();
  emit modelLoadStarted(folder);
  GenerationWorker* worker = worker_;
  QMetaObject::invokeMethod(worker_, [this, worker, folder, device] {
    std::shared_ptr<pipeline::Generator> loaded;
    QString error;
    worker->generator.reset();
    try {
      loaded = pipeline::Generator::open(folder.toStdString(), device);
    } catch (const std::exception& e) {
      error = messageOf(e);
    }
    worker->generator = loaded;
    QMetaObject::invokeMethod(this, [this, loaded, error] {
      loading_ = false;
      generator_ = loaded;
      if (loaded)
        emit modelLoaded(loaded);
      else
        emit modelFailed(error);
      dispatch();
    }, Qt::QueuedConnection);
  }, Qt::QueuedConnection);
}

quint64 GenerationQueue::enqueue(const QString& shotId) {
  GenerationJob job;
  job.id = nextId_++;
  job.shotId = shotId;
  queue_.append(job);
  emit queueChanged();
  dispatch();
  return job.id;
}

void GenerationQueue::cancel(quint64 jobId) {
  if (running_ && running_->id == jobId) {
    runningCancel_->store(true);
    return;
  }
  for (qsizetype i = 0; i < queue_.size(); ++i)
    if (queue_[i].id == jobId) {
      const QString shot = queue_[i].shotId;
      queue_.removeAt(i);
      emit jobFailed(jobId, shot, tr("cancelled before it started"), true);
      emit queueChanged();
      return;
    }
}

void GenerationQueue::cancelAll() {
  const auto waiting = queue_;
  queue_.clear();
  for (const auto& job : waiting) emit jobFailed(job.id, job.shotId, tr("cancelled before it started"), true);
  if (running_) runningCancel_->store(true);
  emit queueChanged();
}

void GenerationQueue::dispatch() {
  if (running_ || queue_.isEmpty() || loading_) return;
  GenerationJob job = queue_.takeFirst();
  if (!generator_) {
    emit jobFailed(job.id, job.shotId, tr("No model is loaded: choose a model folder in Settings."), false);
    emit queueChanged();
    dispatch();
    return;
  }
  if (planner_) {
    const QString why = planner_(job);
    if (!why.isEmpty()) {
      emit jobFailed(job.id, job.shotId, why, false);
      emit queueChanged();
      dispatch();
      return;
    }
  }
  running_ = job;
  runningCancel_ = std::make_shared<std::atomic<bool>>(false);
  emit jobStarted(job.id, job.shotId);
  emit queueChanged();

  GenerationWorker* worker = worker_;
  const auto cancel = runningCancel_;
  QMetaObject::invokeMethod(worker_, [this, worker, job, cancel] {
    const auto post = [this](auto&& fn) { QMetaObject::invokeMethod(this, std::forward<decltype(fn)>(fn), Qt::QueuedConnection); };
    try {
      if (!worker->generator) fail(ErrorKind::model, "no model is loaded");
      const auto result = worker->generator->generate(
          job.request,
          [&](const pipeline::GenerationProgress& p) {
            const GenerationProgressInfo info{QString::fromStdString(p.stage), p.step, p.steps, p.elapsed_seconds,
                                              p.eta_seconds};
            post([this, id = job.id, shot = job.shotId, info] { emit jobProgress(id, shot, info); });
          },
          cancel.get());
      if (cancel->load()) fail(ErrorKind::cancelled, "generation cancelled");
      post([this, id = job.id, shot = job.shotId, result] {
        emit jobProgress(id, shot, {tr("writing take"), result.steps, result.steps, result.wall_seconds, -1});
      });

      // A take is an MP4 Kinema wrote: it says it is synthetic in a signed manifest, its metadata and its
      // invisible watermark, which carries the project's id, the same in every take, so the assembled export
      // keeps that one watermark (export_job.cpp) instead of several that overlap. The visible mark is the
      // export's: it moves with the time of the exported clip, and a mark per take would jump at every cut.
      auto facts = pipeline::provenance_facts(result, worker->generator->config(), job.request.prompt);
      facts.generation_id = job.watermarkId;
      facts.visible_mark = false;
      facts.front_end = "Kinema Studio take (the export adds the visible mark)";
      safety::ExportOptions options;
      options.mp4.crf = 12;  // near-lossless, still plain High-profile H.264
      options.mp4.preset = "veryfast";
      options.mp4.title = job.request.prompt;
      const std::string path = job.outputPath.toStdString();
      safety::export_clip(result.clip, path, facts, options, [&](double) { return !cancel->load(); });
      // What the project holds is the file: play and continue from what was written.
      auto written = media::read_mp4(path);

      GenerationOutcome outcome;
      outcome.jobId = job.id;
      outcome.shotId = job.shotId;
      outcome.clip = std::make_shared<const media::Clip>(std::move(written.clip));
      Take& take = outcome.take;
      take.id = newTakeId();
      take.file = QFileInfo(job.outputPath).fileName();
      take.frames = outcome.clip->frame_count();
      take.heldFrames = std::min(result.held_frames, std::max(0, take.frames - 1));
      take.fps = outcome.clip->fps;
      take.seed = result.seed;
      take.steps = result.steps;
      take.guidance = result.guidance;
      take.solver = QString::fromStdString(result.solver);
      take.prompt = QString::fromStdString(job.request.prompt);
      take.mode = QString::fromStdString(result.mode);
      take.worldScene = QString::fromStdString(result.world_scene);
      take.continuedFrom = job.continuedFrom;
      take.created = QDateTime::currentDateTimeUtc();
      take.wallSeconds = result.wall_seconds;
      for (const auto& cameo : result.cameos)
        take.cameos.append({QString::fromStdString(cameo.handle), QString::fromStdString(cameo.hash),
                            QString::fromStdString(cameo.display_name)});
      post([this, outcome] { onWorkerFinished(outcome); });
    } catch (const Error& e) {
      post([this, id = job.id, message = messageOf(e), cancelled = e.kind() == ErrorKind::cancelled] {
        onWorkerFailed(id, message, cancelled);
      });
    } catch (const std::exception& e) {
      post([this, id = job.id, message = messageOf(e)] { onWorkerFailed(id, message, false); });
    }
  }, Qt::QueuedConnection);
}

void GenerationQueue::onWorkerFinished(const GenerationOutcome& outcome) {
  running_.reset();
  runningCancel_.reset();
  emit jobFinished(outcome);
  emit queueChanged();
  dispatch();
}

void GenerationQueue::onWorkerFailed(quint64 id, const QString& message, bool cancelled) {
  const QString shot = running_ ? running_->shotId : QString();
  running_.reset();
  runningCancel_.reset();
  emit jobFailed(id, shot, message, cancelled);
  emit queueChanged();
  dispatch();
}

}  // namespace kinema::studio
