// The timeline's view: shots left to right as cards (thumbnail, number, length, take, status, prompt);
// drag a card to reorder. Drops are reported as moveRequested; the main window makes them undoable.
#pragma once

#include <QListView>
#include <QStyledItemDelegate>

namespace kinema::studio {

class ShotDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
  QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

class TimelineView : public QListView {
  Q_OBJECT
 public:
  explicit TimelineView(QWidget* parent = nullptr);
  int currentRow() const;
  // The row a drop at `pos` puts the dragged shot before (rowCount() for the end).
  int insertionRowAt(const QPoint& pos) const;

 signals:
  void moveRequested(int from, int to);  // `to`: the row the shot ends up at

 protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dragMoveEvent(QDragMoveEvent* event) override;
  void dragLeaveEvent(QDragLeaveEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void paintEvent(QPaintEvent* event) override;

 private:
  int dropRow_ = -1;
};

}  // namespace kinema::studio
