// SPDX-License-Identifier: GPL-3.0-or-later
// `spillway-cli brokers start|stop|restart|status`: a BrokerSupervisor run in
// a short-lived event loop. The broker is started in its own session and
// keeps running after spillway-cli exits; a later `stop` attaches to it
// through its pid file.
#include "app/cli/brokers_control.h"

#include "app/cli/cli_command.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QTimer>

#include <cstdio>

namespace spillway::app {
using namespace spillway::core;

void ensureEventLoop()
{
    if (QCoreApplication::instance())
        return;
    static char name[] = "spillway-cli";
    static char *argv[] = {name, nullptr};
    static int argc = 1;
    static QCoreApplication app(argc, argv);
}

void runUntil(BrokerSupervisor &supervisor, const std::function<bool()> &done, std::chrono::milliseconds limit)
{
    if (done())
        return;
    QEventLoop loop;
    QTimer guard;
    guard.setSingleShot(true);
    QObject::connect(&guard, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&supervisor, &BrokerSupervisor::statusChanged, &loop, [&] {
        if (done())
            loop.quit();
    });
    guard.start(static_cast<int>(limit.count()));
    loop.exec();
}

namespace {

bool settled(BrokerState s)
{
    return s == BrokerState::Running || s == BrokerState::Stopped || s == BrokerState::Crashed ||
           s == BrokerState::External;
}

void waitForHealth(BrokerSupervisor &supervisor, const SupervisorOptions &options)
{
    if (supervisor.state() != BrokerState::Running && supervisor.state() != BrokerState::External)
        return;
    supervisor.refresh();
    runUntil(
        supervisor, [&] { return supervisor.health() != BrokerHealth::Unknown; },
        options.probeTimeout + std::chrono::seconds(2));
}

void printStatus(const BrokerEntry &entry, const BrokerStatus &status, bool json, const Error *error)
{
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("id").value(entry.id);
        writeStatusMembers(w, status);
        w.key("error");
        if (error) {
            w.beginObject();
            w.key("code").value(toString(error->code));
            w.key("message").value(error->message);
            w.key("hint").value(error->hint);
            w.endObject();
        } else {
            w.null();
        }
        w.endObject();
        std::printf("%s\n", w.str().c_str());
        return;
    }
    if (error)
        std::fprintf(stderr, "spillway-cli brokers: %s\n", error->describe().c_str());
    std::printf("%s: %s\n", entry.id.c_str(), status.describe().c_str());
    for (const auto &line : status.crashLog)
        std::printf("  | %s\n", line.c_str());
}

int exitCodeFor(const std::string &verb, const BrokerStatus &status, const Error *error)
{
    if (error)
        return error->code == Errc::Locked ? ExitProblems : ExitUsage;
    if (verb == "stop")
        return status.state == BrokerState::Stopped || status.state == BrokerState::Crashed ? ExitOk : ExitProblems;
    if (verb == "status")
        return status.state == BrokerState::Crashed ||
                       (status.state == BrokerState::Running && status.health == BrokerHealth::Unresponsive)
                   ? ExitProblems
                   : ExitOk;
    return status.state == BrokerState::Running ? ExitOk : ExitProblems;
}

/// A remote broker has no process to supervise: its status is one probe of
/// each bootstrap server until one answers.
int remoteStatus(const BrokerEntry &entry, bool json)
{
    BrokerHealthProbe probe;
    ProbeResult last;
    for (const auto &server : entry.bootstrapServers) {
        QEventLoop loop;
        QObject::connect(&probe, &BrokerHealthProbe::finished, &loop, [&](const ProbeResult &r) {
            last = r;
            loop.quit();
        });
        probe.probe(server, false, std::chrono::seconds(5));
        loop.exec();
        if (last.answered)
            break;
    }
    const std::string description =
        last.answered ? "reachable (ApiVersions from " + last.address + " in " + std::to_string(last.latencyMs) + " ms)"
                      : "unreachable (" + last.address + ": " + last.error + ")";
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("id").value(entry.id);
        w.key("state").value("remote");
        w.key("health").value(last.answered ? "healthy" : "unresponsive");
        w.key("description").value(description);
        w.key("healthDetail").value(last.answered ? last.address : last.address + ": " + last.error);
        w.key("error").null();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
    } else {
        std::printf("%s: remote, %s\n", entry.id.c_str(), description.c_str());
    }
    return last.answered ? ExitOk : ExitProblems;
}

} // namespace

int brokersUsageError(const std::string &message)
{
    std::fprintf(stderr, "spillway-cli brokers: %s (see spillway-cli brokers --help)\n", message.c_str());
    return ExitUsage;
}

int brokersFail(const Error &error, bool json)
{
    if (json) {
        JsonWriter w;
        w.beginObject();
        w.key("error").beginObject();
        w.key("code").value(toString(error.code));
        w.key("message").value(error.message);
        w.key("hint").value(error.hint);
        w.endObject();
        w.endObject();
        std::printf("%s\n", w.str().c_str());
    }
    std::fprintf(stderr, "spillway-cli brokers: %s\n", error.describe().c_str());
    return ExitUsage;
}

void writeStatusMembers(JsonWriter &w, const BrokerStatus &status)
{
    w.key("state").value(toString(status.state));
    w.key("health").value(toString(status.health));
    w.key("description").value(status.describe());
    w.key("pid");
    status.pid > 0 ? w.value(static_cast<std::int64_t>(status.pid)) : w.null();
    w.key("startedBySpillway").value(status.state != BrokerState::External);
    w.key("attached").value(status.attached);
    w.key("detail").value(status.detail);
    w.key("healthDetail").value(status.healthDetail);
    w.key("exitCode");
    status.exitCode ? w.value(*status.exitCode) : w.null();
    w.key("exitSignal");
    status.exitSignal ? w.value(signalName(*status.exitSignal)) : w.null();
    w.key("killedAfterTimeout").value(status.killedAfterTimeout);
    w.key("logTail").beginArray();
    for (const auto &l : status.crashLog)
        w.value(l);
    w.endArray();
}

BrokerStatus observeBroker(const BrokerRegistry &registry, const BrokerEntry &entry)
{
    if (!entry.isLocal())
        return {};
    ensureEventLoop();
    BrokerSupervisor supervisor(entry, registry.stateDir(entry.id));
    return supervisor.status();
}

int runBrokerControl(const std::string &verb, const BrokerRegistry &registry, const BrokerEntry &entry,
                     const ControlOptions &options)
{
    ensureEventLoop();
    if (!entry.isLocal() && verb == "status")
        return remoteStatus(entry, options.json);
    SupervisorOptions so;
    if (options.timeout && verb == "start")
        so.startTimeout = *options.timeout;
    if (options.timeout && verb != "start")
        so.stopTimeout = *options.timeout;
    BrokerSupervisor supervisor(entry, registry.stateDir(entry.id), so);

    Status result;
    if (verb == "start" && supervisor.state() == BrokerState::Running) {
        // Already running, started earlier by Spillway: nothing to do.
    } else if (verb == "start") {
        result = supervisor.start();
    }
    if (verb == "stop")
        result = supervisor.stop();
    else if (verb == "restart")
        result = supervisor.restart();

    const auto limit = so.startTimeout + so.stopTimeout * 2 + std::chrono::seconds(10);
    if (result.ok() && verb == "restart") {
        // Through Stopping and Stopped to Starting, then until it settles.
        bool restarted = supervisor.state() == BrokerState::Starting;
        runUntil(
            supervisor,
            [&] {
                restarted |= supervisor.state() == BrokerState::Starting;
                return (restarted && settled(supervisor.state())) || supervisor.state() == BrokerState::Crashed;
            },
            limit);
    } else if (result.ok() && verb != "status") {
        runUntil(
            supervisor, [&] { return settled(supervisor.state()); }, limit);
    }
    if (result.ok())
        waitForHealth(supervisor, so);
    const Error *error = result.ok() ? nullptr : &result.error();
    printStatus(entry, supervisor.status(), options.json, error);
    return exitCodeFor(verb, supervisor.status(), error);
}

} // namespace spillway::app
