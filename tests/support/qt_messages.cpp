// SPDX-License-Identifier: GPL-3.0-or-later
#include "tests/support/qt_messages.h"

#include <QMutex>
#include <QMutexLocker>

#include <cstdio>
#include <map>

namespace spillway::test {
namespace {

struct Expectation {
    QRegularExpression pattern;
    bool seen = false;
};

QMutex g_mutex;
std::map<int, Expectation> g_expected;
int g_nextId = 1;
int g_unexpected = 0;

// Messages of the offscreen platform plugin itself, not of our code.
bool isPlatformNoise(const QString &msg)
{
    return msg.contains(QLatin1String("does not support propagateSizeHints()"));
}

void handler(QtMsgType type, const QMessageLogContext &, const QString &msg)
{
    const QByteArray local = msg.toLocal8Bit();
    if (type == QtDebugMsg || type == QtInfoMsg || isPlatformNoise(msg)) {
        std::fprintf(stderr, "%s\n", local.constData());
        return;
    }
    {
        QMutexLocker lock(&g_mutex);
        for (auto &[id, e] : g_expected) {
            if (e.pattern.match(msg).hasMatch()) {
                e.seen = true;
                return;
            }
        }
        ++g_unexpected;
    }
    std::fprintf(stderr, "UNEXPECTED QT MESSAGE: %s\n", local.constData());
    if (type == QtFatalMsg)
        std::abort();
}

} // namespace

void installQtMessageGuard() { qInstallMessageHandler(handler); }

int unexpectedQtMessageCount()
{
    QMutexLocker lock(&g_mutex);
    return g_unexpected;
}

ExpectQtMessage::ExpectQtMessage(const QString &pattern)
{
    QMutexLocker lock(&g_mutex);
    m_id = g_nextId++;
    g_expected[m_id] = Expectation{QRegularExpression(pattern), false};
}

ExpectQtMessage::~ExpectQtMessage()
{
    QMutexLocker lock(&g_mutex);
    g_expected.erase(m_id);
}

bool ExpectQtMessage::seen() const
{
    QMutexLocker lock(&g_mutex);
    return g_expected.at(m_id).seen;
}

} // namespace spillway::test
