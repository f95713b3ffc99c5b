// Shots and takes to and from the project file's JSON, checked key by key.
#include "models/shot.h"

#include <QJsonArray>
#include <QUuid>

#include "core/error.h"

namespace kinema::studio {
namespace {

[[noreturn]] void damaged(const QString& where, const QString& what) {
  fail(ErrorKind::format, (where + ": " + what).toStdString());
}

QJsonValue member(const QJsonObject& json, const char* key, const QString& where) {
  const QJsonValue value = json.value(QLatin1String(key));
  if (value.isUndefined()) damaged(where + "." + key, QStringLiteral("missing"));
  return value;
}

QString text(const QJsonObject& json, const char* key, const QString& where) {
  const QJsonValue value = member(json, key, where);
  if (!value.isString()) damaged(where + "." + key, QStringLiteral("not a string"));
  return value.toString();
}

double number(const QJsonObject& json, const char* key, const QString& where) {
  const QJsonValue value = member(json, key, where);
  if (!value.isDouble()) damaged(where + "." + key, QStringLiteral("not a number"));
  return value.toDouble();
}

int integer(const QJsonObject& json, const char* key, const QString& where, int lowest) {
  const double value = number(json, key, where);
  if (value != static_cast<int>(value) || value < lowest)
    damaged(where + "." + key, QStringLiteral("%1 is not a whole number of at least %2").arg(value).arg(lowest));
  return static_cast<int>(value);
}

bool flag(const QJsonObject& json, const char* key, const QString& where) {
  const QJsonValue value = member(json, key, where);
  if (!value.isBool()) damaged(where + "." + key, QStringLiteral("not true or false"));
  return value.toBool();
}

// Seeds are 64-bit: written as decimal strings, since JSON numbers are doubles.
quint64 seed(const QJsonObject& json, const char* key, const QString& where) {
  bool ok = false;
  const quint64 value = text(json, key, where).toULongLong(&ok);
  if (!ok) damaged(where + "." + key, QStringLiteral("not a seed (a whole number as text)"));
  return value;
}

// A take's file must be a plain name inside the media folder: a project file cannot point elsewhere.
QString fileName(const QJsonObject& json, const char* key, const QString& where) {
  const QString name = text(json, key, where);
  if (name.isEmpty() || name.contains('/') || name.contains('\\') || name == "." || name == "..")
    damaged(where + "." + key, QStringLiteral("\"%1\" is not a file name in the media folder").arg(name));
  return name;
}

QJsonObject takeToJson(const Take& take) {
  QJsonObject json{
      {"id", take.id},
      {"file", take.file},
      {"frames", take.frames},
      {"held_frames", take.heldFrames},
      {"fps", take.fps},
      {"seed", QString::number(take.seed)},
      {"steps", take.steps},
      {"guidance", take.guidance},
      {"solver", take.solver},
      {"prompt", take.prompt},
      {"mode", take.mode},
      {"continued_from", take.continuedFrom},
      {"world_scene", take.worldScene},
      {"created", take.created.toString(Qt::ISODateWithMs)},
      {"wall_seconds", take.wallSeconds},
  };
  if (!take.cameos.isEmpty()) {
    QJsonArray cameos;
    for (const TakeCameo& c : take.cameos)
      cameos.append(QJsonObject{{"handle", c.handle}, {"hash", c.hash}, {"display_name", c.displayName}});
    json.insert("cameos", cameos);
  }
  return json;
}

Take takeFromJson(const QJsonObject& json, const QString& where) {
  Take take;
  take.id = text(json, "id", where);
  take.file = fileName(json, "file", where);
  take.frames = integer(json, "frames", where, 1);
  take.heldFrames = integer(json, "held_frames", where, 0);
  if (take.heldFrames >= take.frames) damaged(where + ".held_frames", QStringLiteral("leaves no frame to show"));
  take.fps = integer(json, "fps", where, 1);
  take.seed = seed(json, "seed", where);
  take.steps = integer(json, "steps", where, 0);
  take.guidance = number(json, "guidance", where);
  take.solver = text(json, "solver", where);
  take.prompt = text(json, "prompt", where);
  take.mode = text(json, "mode", where);
  take.continuedFrom = text(json, "continued_from", where);
  take.worldScene = json.value("world_scene").toString();  // optional: projects from before guided mode lack it
  take.created = QDateTime::fromString(text(json, "created", where), Qt::ISODateWithMs);
  take.wallSeconds = number(json, "wall_seconds", where);
  const QJsonValue cameos = json.value("cameos");  // optional: only takes that used a cameo have it
  if (!cameos.isUndefined() && !cameos.isArray()) damaged(where + ".cameos", QStringLiteral("not a list"));
  for (const QJsonValue& item : cameos.toArray()) {
    if (!item.isObject()) damaged(where + ".cameos", QStringLiteral("holds something that is not an object"));
    const QJsonObject c = item.toObject();
    take.cameos.append({text(c, "handle", where + ".cameos"), text(c, "hash", where + ".cameos"),
                        text(c, "display_name", where + ".cameos")});
  }
  return take;
}

}  // namespace

QString newShotId() { return QUuid::createUuid().toString(QUuid::WithoutBraces).left(13); }
QString newTakeId() { return QUuid::createUuid().toString(QUuid::WithoutBraces).left(13); }

QJsonObject shotToJson(const Shot& shot) {
  QJsonArray takes;
  for (const Take& take : shot.takes) takes.append(takeToJson(take));
  const ShotSettings& s = shot.settings;
  return {
      {"id", shot.id},
      {"prompt", s.prompt},
      {"negative_prompt", s.negativePrompt},
      {"seconds", s.seconds},
      {"seed", QString::number(s.seed)},
      {"seed_locked", s.seedLocked},
      {"steps", s.steps},
      {"guidance", s.guidance},
      {"solver", s.solver},
      {"continue_previous", s.continuePrevious},
      {"current_take", shot.currentTake},
      {"takes", takes},
  };
}

Shot shotFromJson(const QJsonObject& json, const QString& where) {
  Shot shot;
  shot.id = text(json, "id", where);
  if (shot.id.isEmpty()) damaged(where + ".id", QStringLiteral("empty"));
  ShotSettings& s = shot.settings;
  s.prompt = text(json, "prompt", where);
  s.negativePrompt = text(json, "negative_prompt", where);
  s.seconds = number(json, "seconds", where);
  if (s.seconds < 0) damaged(where + ".seconds", QStringLiteral("negative"));
  s.seed = seed(json, "seed", where);
  s.seedLocked = flag(json, "seed_locked", where);
  s.steps = integer(json, "steps", where, 0);
  s.guidance = number(json, "guidance", where);
  s.solver = text(json, "solver", where);
  s.continuePrevious = flag(json, "continue_previous", where);
  const QJsonValue takes = member(json, "takes", where);
  if (!takes.isArray()) damaged(where + ".takes", QStringLiteral("not a list"));
  const QJsonArray list = takes.toArray();
  for (qsizetype i = 0; i < list.size(); ++i) {
    const QString at = QStringLiteral("%1.takes[%2]").arg(where).arg(i);
    if (!list[i].isObject()) damaged(at, QStringLiteral("not an object"));
    shot.takes.append(takeFromJson(list[i].toObject(), at));
  }
  shot.currentTake = integer(json, "current_take", where, -1);
  if (shot.currentTake >= shot.takes.size() || (shot.currentTake < 0 && !shot.takes.isEmpty()))
    damaged(where + ".current_take",
            QStringLiteral("%1 is not one of the shot's %2 takes").arg(shot.currentTake).arg(shot.takes.size()));
  return shot;
}

}  // namespace kinema::studio
