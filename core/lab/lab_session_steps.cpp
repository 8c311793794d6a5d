// SPDX-License-Identifier: GPL-3.0-or-later
// LabSession's steps: brokers, the load generator and labfs disks.
#include "core/lab/broker_probe.h"
#include "core/lab/lab_session.h"
#include "core/lab/lab_units.h"
#include "core/lab/labfs_control.h"
#include "core/lab/mount_table.h"

#include <thread>

namespace spillway::lab {
namespace {

constexpr auto kBrokerStartTimeout = std::chrono::seconds(90);

std::string pidText(const ProcessRef &ref) { return "pid " + std::to_string(ref.pid); }

} // namespace

bool LabSession::brokerRunning(int broker)
{
    const BrokerRun *b = m_state ? m_state->broker(broker) : nullptr;
    return b != nullptr && b->process && isRunning(*b->process);
}

bool LabSession::loadgenRunning() { return m_state && m_state->loadgen && isRunning(*m_state->loadgen); }

Status LabSession::startBroker(int broker)
{
    const int port = portOf(broker);
    if (!BrokerProbe::canBind(port))
        return makeError(Errc::InvalidArgument,
                         "port " + std::to_string(port) + " on 127.0.0.1 is in use (another Kafka broker?)",
                         "stop what uses it, or pass --port N to spillway-cli lab up");
    std::error_code ec;
    std::filesystem::create_directories(m_layout.metadataDir(broker), ec);
    const auto log = m_layout.brokerLog(broker);
    const auto offset = fileSizeOrZero(log);
    auto ref = spawnDetached({m_binaries.broker.string(), m_layout.serverProperties(broker).string()}, log);
    if (!ref)
        return ref.error();
    BrokerRun &run = ensureState(m_config->mode).ensureBroker(broker);
    run.port = port;
    run.process = *ref;
    if (auto st = saveState(); !st)
        return st;
    const auto deadline = std::chrono::steady_clock::now() + kBrokerStartTimeout;
    while (!BrokerProbe::isListening(port)) {
        if (!isRunning(*ref)) {
            run.process.reset();
            (void)saveState();
            return makeError(Errc::Io,
                             "broker " + std::to_string(broker) + " exited during startup:\n" +
                                 lastLines(logSince(log, offset), 8),
                             "see " + log.string());
        }
        if (std::chrono::steady_clock::now() > deadline)
            return makeError(Errc::Io,
                             "broker " + std::to_string(broker) + " (" + pidText(*ref) +
                                 ") does not accept connections on port " + std::to_string(port) + " after 90 s",
                             "see " + log.string());
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    say("started broker " + std::to_string(broker) + " (" + pidText(*ref) + ") on 127.0.0.1:" + std::to_string(port) +
        ", log " + log.string());
    return {};
}

Status LabSession::stopBroker(int broker, std::chrono::milliseconds grace)
{
    BrokerRun *run = m_state ? m_state->broker(broker) : nullptr;
    if (run == nullptr || !run->process || !isRunning(*run->process)) {
        if (run != nullptr && run->process) {
            say("broker " + std::to_string(broker) + " (" + pidText(*run->process) + ") was not running");
            run->process.reset();
            return saveState();
        }
        return {};
    }
    const ProcessRef ref = *run->process;
    const auto outcome = stopProcess(ref, grace);
    if (isRunning(ref))
        return makeError(Errc::Io, "broker " + std::to_string(broker) + " (" + pidText(ref) + ") does not stop");
    say(outcome.killed ? "killed broker " + std::to_string(broker) + " (" + pidText(ref) + ") with SIGKILL after " +
                             std::to_string(std::chrono::duration_cast<std::chrono::seconds>(grace).count()) +
                             " s without a clean shutdown"
                       : "stopped broker " + std::to_string(broker) + " (" + pidText(ref) + "): clean shutdown");
    run->process.reset();
    return saveState();
}

Status LabSession::restartBroker(int broker, std::string *startupLog)
{
    if (auto st = stopBroker(broker, std::chrono::seconds(30)); !st)
        return st;
    const auto offset = fileSizeOrZero(m_layout.brokerLog(broker));
    if (auto st = startBroker(broker); !st)
        return st;
    if (startupLog != nullptr)
        *startupLog = logSince(m_layout.brokerLog(broker), offset);
    return {};
}

Status LabSession::createTopic()
{
    const auto log = m_layout.loadgenLog();
    const auto offset = fileSizeOrZero(log);
    auto code = runToCompletion({m_binaries.loadgen.string(), "--create-topic", "--bootstrap",
                                 "127.0.0.1:" + std::to_string(portOf(1)), "--topic", kLabTopic, "--partitions",
                                 std::to_string(kLabPartitions)},
                                log, std::chrono::seconds(90));
    if (!code)
        return code.error();
    const std::string said = lastLines(logSince(log, offset), 1);
    if (*code != 0)
        return makeError(Errc::Io, "could not create " + std::string(kLabTopic) + ": " + said, "see " + log.string());
    say(said);
    return {};
}

Status LabSession::startLoadgen()
{
    const auto log = m_layout.loadgenLog();
    auto ref = spawnDetached({m_binaries.loadgen.string(), "--bootstrap", "127.0.0.1:" + std::to_string(portOf(1)),
                              "--topic", kLabTopic, "--group", kLabGroup, "--control",
                              m_layout.loadControlFile().string(), "--status", m_layout.loadStatusFile().string()},
                             log);
    if (!ref)
        return ref.error();
    ensureState(m_config->mode).loadgen = *ref;
    if (auto st = saveState(); !st)
        return st;
    say("started the load generator (" + pidText(*ref) + "): a producer and the consumer group " + kLabGroup + " on " +
        kLabTopic + ", log " + log.string());
    return {};
}

Status LabSession::stopLoadgen()
{
    if (!m_state || !m_state->loadgen)
        return {};
    const ProcessRef ref = *m_state->loadgen;
    if (isRunning(ref)) {
        const auto outcome = stopProcess(ref, std::chrono::seconds(15));
        if (isRunning(ref))
            return makeError(Errc::Io, "the load generator (" + pidText(ref) + ") does not stop");
        say(std::string(outcome.killed ? "killed" : "stopped") + " the load generator (" + pidText(ref) + ")");
    } else {
        say("the load generator (" + pidText(ref) + ") was not running");
    }
    m_state->loadgen.reset();
    return saveState();
}

Status LabSession::mountDisk(int broker, int disk)
{
    const auto mountPoint = m_layout.diskPath(broker, disk);
    const auto backing = m_layout.backingDir(broker, disk);
    const auto socket = m_layout.controlSocket(broker, disk);
    const std::string name = "broker-" + std::to_string(broker) + "-" + LabLayout::diskName(disk);
    if (socket.string().size() > LabfsControl::kMaxSocketPath)
        return makeError(Errc::InvalidArgument,
                         "the control socket path " + socket.string() + " is longer than a Unix socket allows (107)",
                         "use a shorter --root");
    std::error_code ec;
    std::filesystem::create_directories(mountPoint, ec);
    std::filesystem::create_directories(backing, ec);
    if (ec)
        return Error::fromErrno(ec.value(), "cannot create " + backing.string());
    if (MountTable::isMountPoint(mountPoint))
        return makeError(Errc::InvalidArgument, mountPoint.string() + " is already mounted");
    if (auto st = moveStrayFilesAside(broker, disk); !st)
        return st;
    // Nothing serves this disk now, so a socket file left behind is stale.
    std::filesystem::remove(socket, ec);
    const auto log = m_layout.labfsLog();
    const auto offset = fileSizeOrZero(log);
    auto code = runToCompletion({m_binaries.labfs.string(), "mount", "--backing", backing.string(), "--mountpoint",
                                 mountPoint.string(), "--capacity", labfsSize(m_config->capacity), "--control",
                                 socket.string(), "--name", name},
                                log, std::chrono::seconds(30));
    if (!code)
        return code.error();
    if (*code != 0)
        return makeError(*code == 3 ? Errc::Unsupported : Errc::Io,
                         "spillway-labfs could not mount " + mountPoint.string() + " (exit " + std::to_string(*code) +
                             "): " + lastLines(logSince(log, offset), 3),
                         *code == 3 ? "run spillway-cli lab reset --yes, then lab up --no-fuse for plain directories"
                                    : "see " + log.string());
    if (!MountTable::isMountPoint(mountPoint))
        return makeError(Errc::Io, "spillway-labfs said it mounted " + mountPoint.string() +
                                       " but /proc/self/mountinfo does not list it");
    DiskRun &run = ensureState(m_config->mode).ensureDisk(broker, disk);
    run.mounted = true;
    run.unmountedByDrill = false;
    run.labfs.reset();
    if (auto status = LabfsControl::status(socket); status && status->pid)
        run.labfs = currentProcess(static_cast<pid_t>(*status->pid));
    if (!run.labfs) {
        const auto found = findProcesses("spillway-labfs", mountPoint.string());
        if (found.size() == 1)
            run.labfs = found.front();
    }
    if (auto st = saveState(); !st)
        return st;
    say("mounted " + LabLayout::diskName(disk) + " of broker " + std::to_string(broker) + " at " + mountPoint.string() +
        " (labfs, " + formatBytes(m_config->capacity) + (run.labfs ? ", " + pidText(*run.labfs) : std::string()) + ")");
    return {};
}

Status LabSession::moveStrayFilesAside(int broker, int disk)
{
    // Whatever was written into the bare mount point (a broker running while
    // the disk was unmounted writes its checkpoints there, on the parent
    // filesystem) must not hide under the mount.
    const auto path = m_layout.diskPath(broker, disk);
    std::error_code ec;
    std::string names;
    for (const auto &entry : std::filesystem::directory_iterator(path, ec))
        names += (names.empty() ? "" : ", ") + entry.path().filename().string();
    if (names.empty())
        return {};
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto aside =
        m_layout.brokerDir(broker) / ("stray-" + LabLayout::diskName(disk) + "-" + std::to_string(seconds));
    std::filesystem::create_directories(aside, ec);
    for (const auto &entry : std::filesystem::directory_iterator(path, ec)) {
        std::filesystem::rename(entry.path(), aside / entry.path().filename(), ec);
        if (ec)
            return Error::fromErrno(ec.value(), "cannot move " + entry.path().string() + " aside");
    }
    say("found files in the bare mount point " + path.string() + " on the parent filesystem (" + names +
        "), written while the disk was not mounted; moved them to " + aside.string());
    return {};
}

Status LabSession::unmountDisk(int broker, int disk, bool lazyOnly)
{
    const auto mountPoint = m_layout.diskPath(broker, disk);
    DiskRun *run = m_state ? m_state->disk(broker, disk) : nullptr;
    const auto log = m_layout.labfsLog();
    if (MountTable::isMountPoint(mountPoint)) {
        bool lazy = lazyOnly;
        Status st = lazyOnly ? MountTable::unmountLazily(mountPoint, log)
                             : MountTable::unmount(MountEntry{mountPoint, "fuse", ""}, log, lazy);
        if (!st)
            return st;
        say((lazy ? "lazily unmounted " : "unmounted ") + mountPoint.string());
    }
    if (run == nullptr)
        return {};
    run->mounted = false;
    if (!lazyOnly && run->labfs) {
        // Unmounting ends the daemon; one that lingers is ours to stop.
        if (!waitForExit(*run->labfs, std::chrono::seconds(5))) {
            stopProcess(*run->labfs, std::chrono::seconds(5));
            say("stopped spillway-labfs (" + pidText(*run->labfs) + ") of " + LabLayout::diskName(disk));
        }
        run->labfs.reset();
    }
    return saveState();
}

} // namespace spillway::lab
