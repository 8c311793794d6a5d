// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "ui/dialogs/broker_context.h"
#include "ui/dialogs/operation_dialog.h"

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QSpinBox;

namespace spillway::ui {

/// The retention shrink (core/ops RetentionShrink): either a shorter
/// retention for some topics, or "free N GiB on disk X" (the least
/// aggressive retention.ms that frees it). Preview lists the bytes freed per
/// disk and the segments that go; online it sets the topic configs and waits
/// for the broker's own deletion (the originals are journaled: "Restore…"
/// puts them back); offline it deletes the expired closed segments of a
/// stopped broker. Confirmation names the broker, the disks and the topics.
/// For a broker whose files are not here (filesLocal false) only the online
/// shrink is offered, planned from the Kafka protocol (an upper estimate from
/// offsets, RemoteRetentionShrink) and measured after apply.
/// GUI thread.
class RetentionShrinkDialog : public OperationDialog {
    Q_OBJECT
public:
    RetentionShrinkDialog(BrokerContext broker, OperationRunner *runner, QWidget *parent = nullptr);

    /// "free `bytes` on `dir`" (topics optional), or topics + retention.
    void setFreeTarget(const QString &dir, qint64 bytes);
    void setTopicTarget(const QStringList &topics, qint64 retentionMs);
    void setOffline(bool offline);

protected:
    core::Result<std::function<core::Result<core::ops::Plan>()>> planJob() override;
    OperationRunner::Work executor(const core::ops::Plan &plan) override;
    [[nodiscard]] QString confirmationText(const core::ops::Plan &plan) const override;
    /// For a remote broker's plan: that the figures are an upper estimate from offsets.
    [[nodiscard]] QString planNotes(const core::ops::Plan &plan) const override;

private:
    void restoreEarlier();

    BrokerContext m_broker;
    QComboBox *m_target;
    QLineEdit *m_topics;
    QDoubleSpinBox *m_hours;
    QComboBox *m_dir;
    QDoubleSpinBox *m_freeGiB;
    QComboBox *m_mode;
};

} // namespace spillway::ui
