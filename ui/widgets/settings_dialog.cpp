// The settings dialog's form.
#include "widgets/settings_dialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace kinema::studio {
namespace {

QWidget* folderRow(QLineEdit* edit, QWidget* parent, const QString& title) {
  auto* row = new QWidget;
  auto* layout = new QHBoxLayout(row);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addWidget(edit, 1);
  auto* browse = new QPushButton(QObject::tr("Browse…"));
  layout->addWidget(browse);
  QObject::connect(browse, &QPushButton::clicked, parent, [edit, parent, title] {
    const QString dir = QFileDialog::getExistingDirectory(parent, title, edit->text());
    if (!dir.isEmpty()) edit->setText(dir);
  });
  return row;
}

}  // namespace

SettingsDialog::SettingsDialog(const StudioSettings& s, QWidget* parent) : QDialog(parent) {
  setWindowTitle(tr("Kinema Studio Settings"));
  auto* form = new QFormLayout(this);
  model_ = new QLineEdit(s.modelFolder);
  model_->setPlaceholderText(tr("default: models/kinema-tiny or $KINEMA_MODEL"));
  form->addRow(tr("Model folder"), folderRow(model_, this, tr("Model folder")));
  device_ = new QComboBox;
  device_->addItems({"auto", "cpu", "cuda"});
  device_->setCurrentText(s.device);
  form->addRow(tr("Device"), device_);
  steps_ = new QSpinBox;
  steps_->setRange(0, 1000);
  steps_->setSpecialValueText(tr("model default"));
  steps_->setValue(s.defaultSteps);
  form->addRow(tr("Default steps for new shots"), steps_);
  export_ = new QLineEdit(s.exportFolder);
  form->addRow(tr("Export folder"), folderRow(export_, this, tr("Export folder")));
  autosave_ = new QSpinBox;
  autosave_->setRange(0, 3600);
  autosave_->setSuffix(tr(" s"));
  autosave_->setSpecialValueText(tr("off"));
  autosave_->setValue(s.autosaveSeconds);
  form->addRow(tr("Autosave every"), autosave_);
  visibleMark_ = new QCheckBox(tr("Draw the moving “Kinema · AI” mark on exports"));
  visibleMark_->setObjectName("visibleMark");
  visibleMark_->setToolTip(tr("Every export also carries an invisible watermark and a signed C2PA manifest; "
                              "turning the visible mark off is recorded in that manifest."));
  visibleMark_->setChecked(s.visibleMark);
  form->addRow(tr("Visible mark"), visibleMark_);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
  connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  form->addRow(buttons);
}

StudioSettings SettingsDialog::settings() const {
  StudioSettings s;
  s.modelFolder = model_->text().trimmed();
  s.device = device_->currentText();
  s.defaultSteps = steps_->value();
  s.exportFolder = export_->text().trimmed();
  s.autosaveSeconds = autosave_->value();
  s.visibleMark = visibleMark_->isChecked();
  return s;
}

}  // namespace kinema::studio
