// SPDX-License-Identifier: GPL-3.0-or-later
#include "ui/lab/lab_commands.h"

#include "core/lab/lab_drills.h"

#include <QCoreApplication>
#include <QDir>

namespace spillway::ui {
namespace {

QString fromView(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }

const spillway::lab::DrillInfo *findDrill(const QString &name)
{
    for (const auto &d : spillway::lab::drillCatalog())
        if (fromView(d.name) == name)
            return &d;
    return nullptr;
}

} // namespace

QStringList labUpArguments() { return {QStringLiteral("lab"), QStringLiteral("up")}; }
QStringList labDownArguments() { return {QStringLiteral("lab"), QStringLiteral("down")}; }
QStringList labStatusArguments() { return {QStringLiteral("lab"), QStringLiteral("status")}; }

QStringList labLoadArguments(const QString &produceRate, const QString &consumeRate)
{
    QStringList out{QStringLiteral("lab"), QStringLiteral("load")};
    if (!produceRate.trimmed().isEmpty())
        out << QStringLiteral("--produce-rate") << produceRate.trimmed();
    if (!consumeRate.trimmed().isEmpty())
        out << QStringLiteral("--consume-rate") << consumeRate.trimmed();
    return out.size() > 2 ? out : QStringList{};
}

QStringList labDrillArguments(const LabDrillArgs &a)
{
    QStringList out{QStringLiteral("lab"), QStringLiteral("drill"), a.name, QStringLiteral("--broker"),
                    QString::number(a.broker)};
    const QStringList options = drillOptions(a.name);
    const auto want = [&](const char *flag) { return options.contains(QLatin1String(flag)); };
    if (want("--disk") && !a.disk.trimmed().isEmpty())
        out << QStringLiteral("--disk") << a.disk.trimmed();
    if (want("--ms") && a.ms)
        out << QStringLiteral("--ms") << QString::number(*a.ms);
    if (want("--remove") && a.remove) {
        out << QStringLiteral("--remove");
    } else {
        if (want("--leave") && !a.leave.trimmed().isEmpty())
            out << QStringLiteral("--leave") << a.leave.trimmed();
        else if (want("--percent") && a.percent)
            out << QStringLiteral("--percent") << QString::number(*a.percent);
    }
    if (want("--topic") && !a.topic.trimmed().isEmpty())
        out << QStringLiteral("--topic") << a.topic.trimmed();
    if (want("--partition") && a.partition)
        out << QStringLiteral("--partition") << QString::number(*a.partition);
    if (want("--rate") && !a.rate.trimmed().isEmpty())
        out << QStringLiteral("--rate") << a.rate.trimmed();
    return out;
}

QStringList drillOptions(const QString &name)
{
    QStringList out;
    const auto *d = findDrill(name);
    if (!d)
        return out;
    const QString summary = fromView(d->summary);
    for (const char *flag : {"--disk", "--ms", "--leave", "--percent", "--remove", "--topic", "--partition", "--rate"})
        if (summary.contains(QLatin1String(flag)))
            out << QLatin1String(flag);
    return out;
}

bool drillIsDestructive(const QString &name)
{
    static const QStringList harmless{QStringLiteral("heal-disk"), QStringLiteral("restore"),
                                      QStringLiteral("slow-consumer")};
    return findDrill(name) && !harmless.contains(name);
}

QStringList drillNames()
{
    QStringList out;
    for (const auto &d : spillway::lab::drillCatalog())
        out << fromView(d.name);
    return out;
}

QString drillSummary(const QString &name)
{
    const auto *d = findDrill(name);
    return d ? fromView(d->summary) : QString();
}

QString spillwayCliPath()
{
    const QString env = qEnvironmentVariable("SPILLWAY_CLI");
    if (!env.isEmpty())
        return env;
    const QString next = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("spillway-cli"));
    return next;
}

} // namespace spillway::ui
