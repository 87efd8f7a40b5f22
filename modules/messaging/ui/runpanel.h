#pragma once
// The bar above every messaging view: which broker (embedded, or a RabbitMQ URL with its
// connection status), which scenario variation with the settings that shape the topology
// (they apply on Run), and Run / Stop.

#include "session.h"

#include "workbench/ui/responsive.h"

#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace wb::messaging::ui {

using wb::ui::labelled;

class RunPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunPanel(std::shared_ptr<MessagingSession> session, QWidget *parent = nullptr);

    // Fills the settings from preset `id` (what choosing it in the list does).
    void selectPreset(const QString &id);
    // Fills the settings and the broker from the session's run (the run started, or a
    // recording's settings were taken).
    void showSessionSettings();
    // The configuration the settings describe now.
    LiveConfig configuration() const;
    void run();

    QComboBox *brokerChoice() const { return m_brokerChoice; }
    QLineEdit *urlEdit() const { return m_url; }
    QPushButton *connectButton() const { return m_connect; }
    QLabel *brokerStatus() const { return m_status; }

protected:
    void changeEvent(QEvent *event) override;

private:
    void refreshBroker();
    void refreshRun();

    std::shared_ptr<MessagingSession> m_session;
    QComboBox *m_brokerChoice;
    QLineEdit *m_url;
    QPushButton *m_connect;
    QLabel *m_status;
    QComboBox *m_preset;
    QComboBox *m_type;
    QCheckBox *m_durable;
    QCheckBox *m_persistent;
    QCheckBox *m_mandatory;
    QSpinBox *m_early;
    QSpinBox *m_count;
    QPushButton *m_run;
    QPushButton *m_stop;
    QLabel *m_about;
    LiveConfig m_base; // the preset's consumers and scripted events
};

} // namespace wb::messaging::ui
