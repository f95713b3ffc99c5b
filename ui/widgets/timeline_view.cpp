// Painting shot cards and turning drops into move requests.
#include "widgets/timeline_view.h"

#include <QDragEnterEvent>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>

#include "models/timeline_model.h"

namespace kinema::studio {
namespace {
constexpr int kCardWidth = 168, kCardHeight = 176, kThumbHeight = 96;
}

QSize ShotDelegate::sizeHint(const QStyleOptionViewItem&, const QModelIndex&) const { return {kCardWidth, kCardHeight}; }

void ShotDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const {
  painter->save();
  painter->setRenderHint(QPainter::Antialiasing);
  const QRect card = option.rect.adjusted(4, 4, -4, -4);
  const bool selected = option.state & QStyle::State_Selected;
  QPainterPath path;
  path.addRoundedRect(card, 6, 6);
  painter->fillPath(path, selected ? option.palette.highlight().color().lighter(170) : option.palette.base().color());
  painter->setPen(QPen(selected ? option.palette.highlight().color() : option.palette.mid().color(), selected ? 2 : 1));
  painter->drawPath(path);

  const QRect thumbArea(card.left() + 6, card.top() + 6, card.width() - 12, kThumbHeight);
  painter->fillRect(thumbArea, QColor(30, 30, 34));
  const QImage thumb = index.data(TimelineModel::ThumbnailRole).value<QImage>();
  if (!thumb.isNull()) {
    const QSize fitted = thumb.size().scaled(thumbArea.size(), Qt::KeepAspectRatio);
    const QRect target(thumbArea.center() - QPoint(fitted.width() / 2, fitted.height() / 2), fitted);
    painter->setRenderHint(QPainter::SmoothPixmapTransform, thumb.width() >= 96);
    painter->drawImage(target, thumb);
  }
  const QString status = index.data(TimelineModel::StatusRole).toString();
  const bool blocked = !index.data(TimelineModel::ExportBlockRole).toString().isEmpty();
  if (blocked) {  // a cameo's grant is gone: the take is marked until it is regenerated or a grant is restored
    painter->setPen(QPen(QColor(200, 40, 40), 3));
    painter->drawRect(thumbArea.adjusted(1, 1, -1, -1));
  }
  if (!status.isEmpty()) {
    QFont small = option.font;
    small.setPointSizeF(small.pointSizeF() * 0.9);
    painter->setFont(small);
    const QRect badge = thumbArea.adjusted(4, thumbArea.height() - 22, -4, -4);
    painter->fillRect(badge, blocked ? QColor(170, 20, 20, 200) : QColor(0, 0, 0, 150));
    painter->setPen(Qt::white);
    painter->drawText(badge, Qt::AlignCenter, status);
  }

  painter->setFont(option.font);
  painter->setPen(option.palette.text().color());
  const int textTop = thumbArea.bottom() + 6;
  const int lineHeight = option.fontMetrics.height();
  QFont bold = option.font;
  bold.setBold(true);
  painter->setFont(bold);
  const QRect titleRect(card.left() + 8, textTop, card.width() - 16, lineHeight);
  painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter, index.data(Qt::DisplayRole).toString());
  painter->setFont(option.font);
  const double seconds = index.data(TimelineModel::SecondsRole).toDouble();
  const bool hasTake = index.data(TimelineModel::HasTakeRole).toBool();
  const QString length = hasTake || seconds > 0 ? QStringLiteral("%1 s").arg(seconds, 0, 'f', 2) : QStringLiteral("—");
  painter->drawText(titleRect, Qt::AlignRight | Qt::AlignVCenter, length);
  const int takes = index.data(TimelineModel::TakeCountRole).toInt();
  const QString mode = index.data(TimelineModel::ModeRole).toString();
  QString takeText = takes > 0 ? QObject::tr("take %1 of %2").arg(index.data(TimelineModel::CurrentTakeRole).toInt() + 1).arg(takes)
                               : QObject::tr("no take");
  if (!mode.isEmpty()) takeText += QStringLiteral(" · ") + mode;
  painter->setPen(option.palette.placeholderText().color());
  painter->drawText(QRect(card.left() + 8, textTop + lineHeight, card.width() - 16, lineHeight), Qt::AlignLeft, takeText);
  painter->setPen(option.palette.text().color());
  const QString prompt = index.data(TimelineModel::PromptRole).toString();
  const QRect promptRect(card.left() + 8, textTop + 2 * lineHeight + 2, card.width() - 16, card.bottom() - textTop - 2 * lineHeight - 4);
  painter->drawText(promptRect, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                    option.fontMetrics.elidedText(prompt.isEmpty() ? QObject::tr("(no prompt)") : prompt, Qt::ElideRight,
                                                  promptRect.width() * 2 - 10));
  painter->restore();
}

TimelineView::TimelineView(QWidget* parent) : QListView(parent) {
  setObjectName("timeline");
  setFlow(QListView::LeftToRight);
  setWrapping(false);
  setMovement(QListView::Snap);
  setResizeMode(QListView::Adjust);
  setUniformItemSizes(true);
  setSelectionMode(QAbstractItemView::SingleSelection);
  setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  setItemDelegate(new ShotDelegate(this));
  setDragEnabled(true);
  setAcceptDrops(true);
  setDropIndicatorShown(false);  // painted here: a bar between cards
  setDragDropMode(QAbstractItemView::DragDrop);
  setDefaultDropAction(Qt::MoveAction);
  setMinimumHeight(kCardHeight + 24);
}

int TimelineView::currentRow() const {
  const QModelIndexList selected = selectionModel() ? selectionModel()->selectedIndexes() : QModelIndexList();
  return selected.isEmpty() ? -1 : selected.first().row();
}

int TimelineView::insertionRowAt(const QPoint& pos) const {
  const QModelIndex index = indexAt(pos);
  if (!index.isValid()) {
    // Past the last card, or before the first.
    const int rows = model() ? model()->rowCount() : 0;
    if (rows > 0 && pos.x() < visualRect(model()->index(0, 0)).left()) return 0;
    return rows;
  }
  const QRect rect = visualRect(index);
  return pos.x() < rect.center().x() ? index.row() : index.row() + 1;
}

void TimelineView::dragEnterEvent(QDragEnterEvent* event) {
  if (TimelineModel::shotIdsIn(event->mimeData()).isEmpty()) return event->ignore();
  event->setDropAction(Qt::MoveAction);
  event->accept();
}

void TimelineView::dragMoveEvent(QDragMoveEvent* event) {
  if (TimelineModel::shotIdsIn(event->mimeData()).isEmpty()) return event->ignore();
  dropRow_ = insertionRowAt(event->position().toPoint());
  event->setDropAction(Qt::MoveAction);
  event->accept();
  viewport()->update();
}

void TimelineView::dragLeaveEvent(QDragLeaveEvent* event) {
  dropRow_ = -1;
  viewport()->update();
  QListView::dragLeaveEvent(event);
}

void TimelineView::dropEvent(QDropEvent* event) {
  dropRow_ = -1;
  viewport()->update();
  const auto* timeline = qobject_cast<const TimelineModel*>(model());
  const QStringList ids = TimelineModel::shotIdsIn(event->mimeData());
  if (!timeline || ids.size() != 1) return event->ignore();
  const int from = timeline->rowOf(ids.first());
  if (from < 0) return event->ignore();
  const int insertion = insertionRowAt(event->position().toPoint());
  const int to = insertion > from ? insertion - 1 : insertion;
  // Accepted as a copy: the model already moved the shot, so the drag source must not remove anything.
  event->setDropAction(Qt::CopyAction);
  event->accept();
  if (to != from) emit moveRequested(from, to);
}

void TimelineView::paintEvent(QPaintEvent* event) {
  QListView::paintEvent(event);
  if (dropRow_ < 0 || !model() || model()->rowCount() == 0) return;
  const int rows = model()->rowCount();
  const QRect rect = visualRect(model()->index(std::min(dropRow_, rows - 1), 0));
  const int x = dropRow_ >= rows ? rect.right() : rect.left();
  QPainter painter(viewport());
  painter.fillRect(QRect(x - 2, rect.top() + 4, 4, rect.height() - 8), palette().highlight());
}

}  // namespace kinema::studio
