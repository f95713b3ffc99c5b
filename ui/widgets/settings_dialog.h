// The settings dialog: model folder, device, default steps, export folder, autosave interval, visible mark.
#pragma once

#include <QDialog>

#include "app/studio_settings.h"

class QCheckBox;
class QComboBox;
class QLineEdit;
class QSpinBox;

namespace kinema::studio {

class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  SettingsDialog(const StudioSettings& settings, QWidget* parent = nullptr);
  StudioSettings settings() const;

 private:
  QLineEdit* model_;
  QComboBox* device_;
  QSpinBox* steps_;
  QLineEdit* export_;
  QSpinBox* autosave_;
  QCheckBox* visibleMark_;
};

}  // namespace kinema::studio
