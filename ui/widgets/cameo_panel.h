// The Cameos panel: the user's key, their cameos (own and imported) and whether each may be used now, with
// create, import, export, grant and revoke. It only shows and forwards: the records, signatures and checks are
// the engine's (safety/cameo_store.h), the same store `kinema cameo` uses.
#pragma once

#include <QString>
#include <QStringList>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QTreeWidget;

namespace kinema::studio {

class CameoPanel : public QWidget {
  Q_OBJECT
 public:
  // `configDir` is the user's Kinema config folder; empty: the engine's default ($KINEMA_CONFIG_DIR, ~/.config).
  explicit CameoPanel(QString configDir = {}, QWidget* parent = nullptr);

  QTreeWidget* cameoList() const { return list_; }
  QString publicKey() const;  // "ed25519:…", made on first use; empty when the config folder cannot be used
  QString selectedCameo() const;  // the selected cameo's handle, empty if none
  void refresh();

  // What the buttons do once their dialogs are answered. Each returns an error message, empty on success, and
  // emits cameosChanged() when something changed.
  QString createCameo(const QString& name, const QString& displayName, const QStringList& images);
  QString importFile(const QString& path);
  QString exportCameo(const QString& name, const QString& path, const QString& forKey = {});
  QString grantCameo(const QString& name, const QString& key, int days, bool allowExport, const QString& cameoFile);
  QString revokeCameo(const QString& name, const QString& key, const QString& revocationFile);

 signals:
  void cameosChanged();  // a cameo, grant or revocation was added: takes and prompts must be checked again

 private:
  QString run(const std::function<void()>& action);
  void report(const QString& title, const QString& error);
  void createInteractive();
  void importInteractive();
  void exportInteractive();
  void grantInteractive();
  void revokeInteractive();
  void updateButtons();

  QString configDir_;
  QLabel* key_;
  QTreeWidget* list_;
  QPushButton* export_;
  QPushButton* grant_;
  QPushButton* revoke_;
};

}  // namespace kinema::studio
