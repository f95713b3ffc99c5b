// The Cameos panel's list and buttons, each forwarded to the engine's cameo store.
#include "widgets/cameo_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <chrono>
#include <filesystem>

#include "core/error.h"
#include "media/mp4_reader.h"
#include "safety/cameo_store.h"

namespace kinema::studio {
namespace {

safety::CameoStore storeAt(const QString& configDir) {
  return configDir.isEmpty() ? safety::CameoStore::user() : safety::CameoStore(configDir.toStdString());
}

QString describe(const safety::CameoStatus& status) {
  switch (status.verdict) {
    case safety::CameoVerdict::own:
      return QObject::tr("yours");
    case safety::CameoVerdict::granted:
      return QObject::tr("granted until %1").arg(QString::fromStdString(status.grant->expires));
    default:
      return QObject::tr("not usable: %1").arg(QString::fromStdString(status.reason));
  }
}

}  // namespace

CameoPanel::CameoPanel(QString configDir, QWidget* parent) : QWidget(parent), configDir_(std::move(configDir)) {
  auto* layout = new QVBoxLayout(this);
  key_ = new QLabel;
  key_->setObjectName("cameoKey");
  key_->setWordWrap(true);
  key_->setTextInteractionFlags(Qt::TextSelectableByMouse);
  layout->addWidget(key_);

  list_ = new QTreeWidget;
  list_->setObjectName("cameoList");
  list_->setColumnCount(4);
  list_->setHeaderLabels({tr("Cameo"), tr("Person"), tr("Generate"), tr("Export")});
  list_->setRootIsDecorated(false);
  list_->header()->setStretchLastSection(true);
  layout->addWidget(list_, 1);

  const auto button = [](const QString& text, const char* name) {
    auto* b = new QPushButton(text);
    b->setObjectName(QString::fromLatin1(name));
    return b;
  };
  auto* row1 = new QHBoxLayout;
  auto* create = button(tr("Create…"), "createCameo");
  auto* import = button(tr("Import…"), "importCameo");
  auto* copyKey = button(tr("Copy my key"), "copyCameoKey");
  row1->addWidget(create);
  row1->addWidget(import);
  row1->addWidget(copyKey);
  layout->addLayout(row1);
  auto* row2 = new QHBoxLayout;
  export_ = button(tr("Export…"), "exportCameo");
  grant_ = button(tr("Grant…"), "grantCameo");
  revoke_ = button(tr("Revoke…"), "revokeCameo");
  row2->addWidget(export_);
  row2->addWidget(grant_);
  row2->addWidget(revoke_);
  layout->addLayout(row2);
  auto* hint = new QLabel(tr("Use a cameo in a prompt as @name. Its owner's signed grant is checked at every "
                             "generation and export."));
  hint->setWordWrap(true);
  hint->setStyleSheet("color: palette(mid);");
  layout->addWidget(hint);

  connect(create, &QPushButton::clicked, this, &CameoPanel::createInteractive);
  connect(import, &QPushButton::clicked, this, &CameoPanel::importInteractive);
  connect(copyKey, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(publicKey()); });
  connect(export_, &QPushButton::clicked, this, &CameoPanel::exportInteractive);
  connect(grant_, &QPushButton::clicked, this, &CameoPanel::grantInteractive);
  connect(revoke_, &QPushButton::clicked, this, &CameoPanel::revokeInteractive);
  connect(list_, &QTreeWidget::itemSelectionChanged, this, &CameoPanel::updateButtons);
  refresh();
}

QString CameoPanel::publicKey() const {
  try {
    return QString::fromStdString(storeAt(configDir_).public_key().text());
  } catch (const std::exception&) {
    return {};
  }
}

QString CameoPanel::selectedCameo() const {
  const auto items = list_->selectedItems();
  return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void CameoPanel::refresh() {
  const QString selected = selectedCameo();
  list_->clear();
  try {
    const safety::CameoStore store = storeAt(configDir_);
    const safety::PublicKey me = store.public_key();
    key_->setText(tr("Your key (%1): send it to a cameo's owner to be granted its use.")
                      .arg(QString::fromStdString(me.fingerprint())));
    key_->setToolTip(QString::fromStdString(me.text()));
    for (const safety::Cameo& cameo : store.list()) {
      const safety::CameoStatus generate = store.status(cameo, safety::Use::generate);
      const safety::CameoStatus exporting = store.status(cameo, safety::Use::export_clip);
      auto* item = new QTreeWidgetItem(list_, {QStringLiteral("@") + QString::fromStdString(cameo.name),
                                               QString::fromStdString(cameo.display_name), describe(generate),
                                               describe(exporting)});
      item->setData(0, Qt::UserRole, QString::fromStdString(cameo.name));
      item->setData(0, Qt::UserRole + 1, cameo.owner == me);
      item->setToolTip(0, tr("owner %1%2").arg(QString::fromStdString(cameo.owner.fingerprint()),
                                               cameo.owner == me ? tr(" (you)") : QString()));
      if (!generate.allowed()) item->setForeground(2, QColor(198, 40, 40));
      if (!exporting.allowed()) item->setForeground(3, QColor(198, 40, 40));
      if (item->data(0, Qt::UserRole).toString() == selected) item->setSelected(true);
    }
  } catch (const std::exception& e) {
    key_->setText(tr("Cameos are not available: %1").arg(QString::fromStdString(e.what())));
  }
  list_->resizeColumnToContents(0);
  updateButtons();
}

void CameoPanel::updateButtons() {
  const auto items = list_->selectedItems();
  const bool own = !items.isEmpty() && items.first()->data(0, Qt::UserRole + 1).toBool();
  export_->setEnabled(!items.isEmpty());
  grant_->setEnabled(own);
  revoke_->setEnabled(own);
}

QString CameoPanel::run(const std::function<void()>& action) {
  QString error;
  try {
    action();
  } catch (const std::exception& e) {
    error = QString::fromStdString(e.what());
  }
  refresh();
  if (error.isEmpty()) emit cameosChanged();
  return error;
}

QString CameoPanel::createCameo(const QString& name, const QString& displayName, const QStringList& images) {
  return run([&] {
    if (images.isEmpty()) fail(ErrorKind::invalid_input, "choose at least one reference image");
    std::vector<std::filesystem::path> paths;
    for (const QString& image : images) {
      // A picture FFmpeg can read (the generator reads it the same way), or an error naming the file.
      if (media::read_mp4(image.toStdString()).clip.frame_count() < 1)
        fail(ErrorKind::invalid_input, image.toStdString() + ": no picture in it");
      paths.emplace_back(image.toStdString());
    }
    storeAt(configDir_).create(name.toStdString(), displayName.toStdString(), paths);
  });
}

QString CameoPanel::importFile(const QString& path) {
  return run([&] { storeAt(configDir_).import_file(path.toStdString()); });
}

QString CameoPanel::exportCameo(const QString& name, const QString& path, const QString& forKey) {
  return run([&] {
    std::optional<safety::PublicKey> only;
    if (!forKey.trimmed().isEmpty()) only = safety::PublicKey::parse(forKey.trimmed().toStdString());
    storeAt(configDir_).export_cameo(name.toStdString(), path.toStdString(), only);
  });
}

QString CameoPanel::grantCameo(const QString& name, const QString& key, int days, bool allowExport,
                               const QString& cameoFile) {
  return run([&] {
    safety::CameoStore store = storeAt(configDir_);
    const safety::PublicKey grantee = safety::PublicKey::parse(key.trimmed().toStdString());
    std::vector<safety::Use> uses{safety::Use::generate};
    if (allowExport) uses.push_back(safety::Use::export_clip);
    store.grant(name.toStdString(), grantee, uses, std::chrono::system_clock::now() + std::chrono::hours(24) * days);
    if (!cameoFile.isEmpty()) store.export_cameo(name.toStdString(), cameoFile.toStdString(), grantee);
  });
}

QString CameoPanel::revokeCameo(const QString& name, const QString& key, const QString& revocationFile) {
  return run([&] {
    safety::CameoStore store = storeAt(configDir_);
    std::optional<safety::PublicKey> grantee;
    if (!key.trimmed().isEmpty()) grantee = safety::PublicKey::parse(key.trimmed().toStdString());
    store.revoke(name.toStdString(), grantee, {});
    if (!revocationFile.isEmpty()) store.export_revocations(revocationFile.toStdString());
  });
}

void CameoPanel::report(const QString& title, const QString& error) {
  if (!error.isEmpty()) QMessageBox::warning(this, title, error);
}

void CameoPanel::createInteractive() {
  const QStringList images = QFileDialog::getOpenFileNames(this, tr("Reference images of the likeness"), {},
                                                           tr("Images (*.png *.jpg *.jpeg *.ppm *.bmp *.webp)"));
  if (images.isEmpty()) return;
  bool ok = false;
  const QString name = QInputDialog::getText(this, tr("New cameo"), tr("Handle (prompts use it as @handle):"),
                                             QLineEdit::Normal, {}, &ok);
  if (!ok || name.isEmpty()) return;
  const QString person = QInputDialog::getText(this, tr("New cameo"), tr("The person's name:"), QLineEdit::Normal, {}, &ok);
  if (!ok || person.isEmpty()) return;
  report(tr("Cannot create the cameo"), createCameo(name.trimmed().toLower(), person.trimmed(), images));
}

void CameoPanel::importInteractive() {
  const QString file = QFileDialog::getOpenFileName(this, tr("Import a cameo or a revocation list"), {},
                                                    tr("Cameos and revocations (*.kcameo *.json);;All files (*)"));
  if (!file.isEmpty()) report(tr("Cannot import"), importFile(file));
}

void CameoPanel::exportInteractive() {
  const QString name = selectedCameo();
  if (name.isEmpty()) return;
  const QString file = QFileDialog::getSaveFileName(this, tr("Export cameo @%1").arg(name), name + ".kcameo",
                                                    tr("Cameos (*.kcameo)"));
  if (!file.isEmpty()) report(tr("Cannot export the cameo"), exportCameo(name, file));
}

void CameoPanel::grantInteractive() {
  const QString name = selectedCameo();
  if (name.isEmpty()) return;
  bool ok = false;
  const QString key = QInputDialog::getText(this, tr("Grant @%1").arg(name), tr("Their key (ed25519:…):"),
                                            QLineEdit::Normal, {}, &ok);
  if (!ok || key.trimmed().isEmpty()) return;
  const int days = QInputDialog::getInt(this, tr("Grant @%1").arg(name), tr("Valid for (days):"), 30, 1, 3650, 1, &ok);
  if (!ok) return;
  const bool allowExport = QMessageBox::question(this, tr("Grant @%1").arg(name),
                                                 tr("May they also export clips that use it?")) == QMessageBox::Yes;
  const QString file = QFileDialog::getSaveFileName(this, tr("Save the cameo with this grant, to send them"),
                                                    name + ".kcameo", tr("Cameos (*.kcameo)"));
  report(tr("Cannot grant"), grantCameo(name, key, days, allowExport, file));
}

void CameoPanel::revokeInteractive() {
  const QString name = selectedCameo();
  if (name.isEmpty()) return;
  bool ok = false;
  const QString key = QInputDialog::getText(this, tr("Revoke @%1").arg(name),
                                            tr("Revoke the grants to this key (leave empty to revoke every grant):"),
                                            QLineEdit::Normal, {}, &ok);
  if (!ok) return;
  const QString file = QFileDialog::getSaveFileName(this, tr("Save your revocation list, to send the grantees"),
                                                    tr("revocations.json"), tr("Revocation lists (*.json)"));
  report(tr("Cannot revoke"), revokeCameo(name, key, file));
}

}  // namespace kinema::studio
