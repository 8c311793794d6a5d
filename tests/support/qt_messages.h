// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QRegularExpression>
#include <QString>

namespace spillway::test {

/// Installs a Qt message handler that counts warnings, criticals and fatals
/// not announced by an ExpectQtMessage in scope; test_main fails on them.
void installQtMessageGuard();
int unexpectedQtMessageCount();

/// RAII: within its scope, Qt warnings matching `pattern` are expected and do
/// not fail the test. seen() tells whether one arrived.
class ExpectQtMessage {
public:
    explicit ExpectQtMessage(const QString &pattern);
    ~ExpectQtMessage();
    ExpectQtMessage(const ExpectQtMessage &) = delete;
    ExpectQtMessage &operator=(const ExpectQtMessage &) = delete;
    [[nodiscard]] bool seen() const;

private:
    int m_id;
};

} // namespace spillway::test
