// A shot of the timeline: what to ask the engine for (ShotSettings) and the takes it has made (Take).
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <algorithm>

namespace kinema::studio {

// One shot's request to the engine. Zeros and negatives mean "the model's default", as in the engine.
struct ShotSettings {
  QString prompt;
  QString negativePrompt;
  double seconds = 0.0;     // 0: the model's default length
  quint64 seed = 0;
  bool seedLocked = false;  // false: every take draws a new seed
  int steps = 0;            // 0: the model's default
  double guidance = -1.0;   // < 0: the model's default
  QString solver;           // empty: the model's default
  bool continuePrevious = true;  // start from the previous shot's last frames, so the world carries on

  bool operator==(const ShotSettings&) const = default;
};

// A cameo (a likeness used with its owner's grant) that a take's prompt named as @handle.
struct TakeCameo {
  QString handle;
  QString hash;  // the cameo's identity: exports check its grant by this
  QString displayName;
  bool operator==(const TakeCameo&) const = default;
};

// One generated version of a shot: an MP4 in the project's media folder and how it was made.
struct Take {
  QString id;
  QString file;        // file name inside the media folder
  int frames = 0;      // video frames in the file
  int heldFrames = 0;  // leading frames copied from the previous shot's end; the timeline shows the rest
  int fps = 0;
  quint64 seed = 0;
  int steps = 0;
  double guidance = 0.0;
  QString solver;
  QString prompt;         // the prompt it was made from
  QString mode;           // the model's generation mode ("guided", "free") where the model reports one
  QString continuedFrom;  // the previous shot's take it continues, empty if none
  QString worldScene;     // guided mode: the world scene simulated (JSON), which the next shot continues
  QDateTime created;
  double wallSeconds = 0.0;
  QList<TakeCameo> cameos;  // cameos it used: it can be exported only while their grants allow export

  int shownFrames() const { return std::max(0, frames - heldFrames); }
  double shownSeconds() const { return fps > 0 ? static_cast<double>(shownFrames()) / fps : 0.0; }
  bool operator==(const Take&) const = default;
};

struct Shot {
  QString id;
  ShotSettings settings;
  QList<Take> takes;
  int currentTake = -1;  // index into takes; -1 while there is none

  const Take* current() const { return currentTake >= 0 && currentTake < takes.size() ? &takes[currentTake] : nullptr; }
  bool operator==(const Shot&) const = default;
};

QString newShotId();
QString newTakeId();

// JSON of a shot as the project file holds it; fromJson throws kinema::Error (format) naming the key.
QJsonObject shotToJson(const Shot& shot);
Shot shotFromJson(const QJsonObject& json, const QString& where);

}  // namespace kinema::studio
