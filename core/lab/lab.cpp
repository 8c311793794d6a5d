// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/lab/lab.h"

#include "core/lab/broker_probe.h"
#include "core/lab/lab_units.h"
#include "core/lab/labfs_control.h"
#include "core/lab/mount_table.h"
#include "core/lab/server_properties.h"

namespace spillway::lab {
namespace {

Status validate(const UpRequest &r)
{
    if (r.brokers && *r.brokers != 1)
        return makeError(Errc::Unsupported,
                         "--brokers " + std::to_string(*r.brokers) +
                             ": the lab runs 1 broker until the lab broker replicates",
                         "scenario C's 3-broker layout (testKafka with replication factor 2) comes with replication; "
                         "use --brokers 1");
    if (r.disks && (*r.disks < 1 || *r.disks > 16))
        return makeError(Errc::InvalidArgument, "--disks must be between 1 and 16");
    if (r.spares && (*r.spares < 0 || *r.spares > 8))
        return makeError(Errc::InvalidArgument, "--spares must be between 0 and 8");
    if (r.capacity && *r.capacity < (4ULL << 20))
        return makeError(Errc::InvalidArgument, "--capacity must be at least 4 MiB");
    if (r.port && (*r.port < 1 || *r.port > 65535))
        return makeError(Errc::InvalidArgument, "--port must be between 1 and 65535");
    if (r.messageBytes && (*r.messageBytes < 1 || *r.messageBytes > (1U << 20)))
        return makeError(Errc::InvalidArgument, "--message-size must be between 1 B and 1 MiB");
    if (r.emulateKafka && *r.emulateKafka != "none") {
        // The broker checks the release against its table when it starts;
        // here only the shape, so that nothing but a version lands in the file.
        const std::string &v = *r.emulateKafka;
        int dots = 0;
        bool ok = !v.empty() && v.front() != '.' && v.back() != '.';
        for (std::size_t i = 0; ok && i < v.size(); ++i) {
            if (v[i] == '.')
                ok = ++dots <= 2 && v[i - 1] != '.';
            else
                ok = v[i] >= '0' && v[i] <= '9';
        }
        if (!ok || dots == 0)
            return makeError(Errc::InvalidArgument, "--emulate-kafka takes a release such as 2.8 or 3.9.1, or none");
    }
    return {};
}

/// The shape asked for, against the shape the lab was created with.
Result<LabConfig> mergeConfig(const std::optional<LabConfig> &existing, const UpRequest &r,
                              const std::filesystem::path &root)
{
    LabConfig c = existing.value_or(LabConfig{});
    if (existing) {
        const auto fixed = [&](const char *option, const std::optional<int> &asked, int has) -> Status {
            if (asked && *asked != has)
                return makeError(Errc::InvalidArgument,
                                 "the lab at " + root.string() + " was created with " + option + " " +
                                     std::to_string(has) + ", not " + std::to_string(*asked),
                                 "lab reset --yes deletes it so that lab up can make another layout");
            return {};
        };
        for (auto st : {fixed("--brokers", r.brokers, c.brokers), fixed("--disks", r.disks, c.disks),
                        fixed("--spares", r.spares, c.spares)})
            if (!st)
                return st.error();
        if (r.noFuse && c.mode == DiskMode::Labfs)
            return makeError(Errc::InvalidArgument,
                             "the lab at " + root.string() +
                                 " was created with labfs disks; --no-fuse would hide "
                                 "their data",
                             "lab reset --yes, then lab up --no-fuse");
    } else {
        c.brokers = r.brokers.value_or(c.brokers);
        c.disks = r.disks.value_or(c.disks);
        c.spares = r.spares.value_or(c.spares);
        c.mode = r.noFuse ? DiskMode::Plain : DiskMode::Labfs;
    }
    c.capacity = r.capacity.value_or(c.capacity);
    c.port = r.port.value_or(c.port);
    c.produceRate = r.produceRate.value_or(c.produceRate);
    c.consumeRate = r.consumeRate.value_or(c.consumeRate);
    c.messageBytes = r.messageBytes.value_or(c.messageBytes);
    if (r.emulateKafka)
        c.emulateKafka = *r.emulateKafka == "none" ? std::string() : *r.emulateKafka;
    return c;
}

/// Everything the state names runs, and every labfs disk answers.
bool fullyUp(LabSession &s)
{
    auto &state = s.state();
    if (!state || state->mode != s.config()->mode || !s.loadgenRunning())
        return false;
    for (int b = 1; b <= s.config()->brokers; ++b) {
        if (!s.brokerRunning(b) || !BrokerProbe::isListening(s.portOf(b)))
            return false;
        for (int d = 0; d < s.config()->totalDisks() && s.config()->mode == DiskMode::Labfs; ++d) {
            const DiskRun *disk = state->disk(b, d);
            if (disk == nullptr || !disk->mounted || !MountTable::isMountPoint(s.layout().diskPath(b, d)) ||
                !LabfsControl::status(s.layout().controlSocket(b, d)))
                return false;
        }
    }
    return true;
}

Status unmountLeftovers(LabSession &s)
{
    auto mounts = MountTable::under(s.layout().root());
    if (!mounts)
        return mounts.error();
    for (const auto &m : *mounts) {
        bool lazy = false;
        if (auto st = MountTable::unmount(m, s.layout().labfsLog(), lazy); !st)
            return st;
        s.say(std::string(lazy ? "lazily unmounted" : "unmounted") + " the stale mount " + m.mountPoint.string() +
              " (" + m.fsType + ")");
    }
    return {};
}

Status prepareDisks(LabSession &s, int broker)
{
    const LabConfig &c = *s.config();
    if (c.mode == DiskMode::Plain) {
        for (int d = 0; d < c.totalDisks(); ++d) {
            std::error_code ec;
            std::filesystem::create_directories(s.layout().diskPath(broker, d), ec);
            if (ec)
                return core::Error::fromErrno(ec.value(), "cannot create " + s.layout().diskPath(broker, d).string());
            s.ensureState(c.mode).ensureDisk(broker, d);
        }
        s.say("disks data0..data" + std::to_string(c.totalDisks() - 1) + " of broker " + std::to_string(broker) +
              " are plain directories in " + s.layout().brokerDir(broker).string() +
              " (no capacity limit, no fault drills)");
        return s.saveState();
    }
    for (int d = 0; d < c.totalDisks(); ++d)
        if (auto st = s.mountDisk(broker, d); !st)
            return st;
    return {};
}

Status startAll(LabSession &s)
{
    const LabConfig &c = *s.config();
    if (auto st = LoadRates{c.produceRate, c.consumeRate, c.messageBytes}.write(s.layout().loadControlFile()); !st)
        return st;
    s.ensureState(c.mode);
    if (auto st = s.saveState(); !st)
        return st;
    for (int b = 1; b <= c.brokers; ++b) {
        std::error_code ec;
        std::filesystem::create_directories(s.layout().brokerDir(b), ec);
        auto written = ServerProperties::ensure(s.layout(), c, b, s.portOf(b));
        if (!written)
            return written.error();
        s.say(*written);
        if (auto st = prepareDisks(s, b); !st)
            return st;
    }
    for (int b = 1; b <= c.brokers; ++b)
        if (auto st = s.startBroker(b); !st)
            return st;
    if (auto st = s.createTopic(); !st)
        return st;
    if (auto st = s.startLoadgen(); !st)
        return st;
    s.say("the lab is up: bootstrap 127.0.0.1:" + std::to_string(s.portOf(1)) + ", topic " + kLabTopic + ", " +
          std::to_string(c.disks) + " log dirs + " + std::to_string(c.spares) + " spare of " +
          (c.mode == DiskMode::Labfs ? formatBytes(c.capacity) + " (labfs)" : std::string("plain directories")) +
          ", load " + formatRate(c.produceRate) + " in, " + formatRate(c.consumeRate) + " out");
    return {};
}

} // namespace

Status Lab::stopEverything(LabSession &s, std::chrono::seconds brokerGrace)
{
    std::optional<Error> firstError;
    const auto keep = [&](Status st) {
        if (!st && !firstError)
            firstError = st.error();
    };
    if (s.state()) {
        // A slowed disk would drag the load generator's and the brokers' clean
        // shutdown past the timeout; failed ones stay failed (the broker has
        // them offline anyway).
        for (const auto &d : s.state()->disks) {
            const auto socket = s.layout().controlSocket(d.broker, d.index);
            if (auto st = LabfsControl::status(socket);
                st && st->mode == "slow" && LabfsControl::command(socket, "healthy"))
                s.say("healed the slow disk " + LabLayout::diskName(d.index) + " of broker " +
                      std::to_string(d.broker) + " so that the broker can shut down cleanly");
        }
    }
    keep(s.stopLoadgen());
    if (s.state()) {
        std::vector<int> brokers;
        for (const auto &b : s.state()->brokers)
            brokers.push_back(b.id);
        for (int b : brokers)
            keep(s.stopBroker(b, brokerGrace));
        std::vector<std::pair<int, int>> disks;
        for (const auto &d : s.state()->disks)
            disks.emplace_back(d.broker, d.index);
        for (const auto &[b, d] : disks) {
            keep(s.unmountDisk(b, d, false));
        }
    }
    keep(unmountLeftovers(s));
    auto left = MountTable::under(s.layout().root());
    if (left && !left->empty() && !firstError)
        firstError = makeError(Errc::Io, "still mounted: " + left->front().mountPoint.string(),
                               "unmount it by hand (fusermount3 -u -z " + left->front().mountPoint.string() + ")");
    if (firstError)
        return *firstError;
    return {};
}

Result<UpOutcome> Lab::up(const std::filesystem::path &root, const UpRequest &request, const LabBinaries &binaries,
                          const Reporter &say)
{
    if (auto st = validate(request); !st)
        return st.error();
    auto session = LabSession::open(root, binaries, say, true);
    if (!session)
        return session.error();
    LabSession &s = **session;
    const bool created = !s.config().has_value();
    auto config = mergeConfig(s.config(), request, root);
    if (!config)
        return config.error();
    if (config->mode == DiskMode::Labfs) {
        std::string reason;
        auto fuse = s.probeFuse(reason);
        if (!fuse)
            return fuse.error();
        if (!*fuse && !created)
            return makeError(Errc::Unsupported, "this lab has labfs disks but FUSE cannot be used now: " + reason,
                             "fix FUSE (/dev/fuse, fusermount3), or lab reset --yes and lab up --no-fuse");
        if (!*fuse) {
            config->mode = DiskMode::Plain;
            s.say("FUSE is not usable here (" + reason +
                  "): the lab uses plain directories; drills fail-disk, "
                  "heal-disk, slow-disk, readonly-disk, unmount-disk and fill-disk are unavailable");
        }
    } else if (request.noFuse && created) {
        s.say("--no-fuse: the lab uses plain directories; drills fail-disk, heal-disk, slow-disk, readonly-disk, "
              "unmount-disk and fill-disk are unavailable");
    }

    if (s.state()) {
        if (s.config() && fullyUp(s)) {
            s.say("the lab at " + root.string() + " is already up (bootstrap 127.0.0.1:" + std::to_string(s.portOf(1)) +
                  "); lab down stops it");
            const LabConfig &has = *s.config();
            if (config->port != has.port || config->capacity != has.capacity)
                s.say("--port and --capacity take effect at the next lab up after lab down");
            if (config->produceRate != has.produceRate || config->consumeRate != has.consumeRate ||
                config->messageBytes != has.messageBytes)
                s.say("to change the running load, use spillway-cli lab load");
            return UpOutcome::AlreadyUp;
        }
        s.say("the lab at " + root.string() + " did not stop cleanly: cleaning up what is left, keeping the data");
        if (!s.config())
            (void)s.setConfig(*config); // the steps need the shape; rewritten below anyway
        if (auto st = stopEverything(s, std::chrono::seconds(30)); !st)
            return st.error();
        if (auto st = s.removeState(); !st)
            return st.error();
    } else if (auto st = unmountLeftovers(s); !st) {
        return st.error();
    }

    for (int b = 1; b <= config->brokers; ++b) {
        const int port = config->port + b - 1;
        if (!BrokerProbe::canBind(port))
            return makeError(Errc::InvalidArgument,
                             "port " + std::to_string(port) + " on 127.0.0.1 is in use (another Kafka broker?)",
                             "stop what uses it, or pass --port N (the lab keeps the port you choose)");
    }
    if (auto st = s.setConfig(*config); !st)
        return st.error();
    if (created)
        s.say("created a lab at " + root.string() + " (" + std::string(toString(config->mode)) + " disks)");
    if (auto st = startAll(s); !st) {
        s.say("lab up failed; stopping what it started (logs stay in " + s.layout().logsDir().string() + ")");
        (void)stopEverything(s, std::chrono::seconds(10));
        (void)s.removeState();
        return st.error();
    }
    return UpOutcome::Started;
}

Status Lab::down(const std::filesystem::path &root, const LabBinaries &binaries, const Reporter &say,
                 std::chrono::seconds brokerGrace)
{
    std::error_code ec;
    if (!std::filesystem::exists(LabLayout(root).configFile(), ec)) {
        say("there is no lab at " + root.string() + "; nothing to stop");
        return {};
    }
    auto session = LabSession::open(root, binaries, say, false);
    if (!session)
        return session.error();
    LabSession &s = **session;
    if (!s.state())
        s.say("the lab at " + root.string() + " is not up");
    if (auto st = stopEverything(s, brokerGrace); !st)
        return st;
    if (auto st = s.removeState(); !st)
        return st;
    s.say("the lab is down; its data stays in " + root.string() +
          " (lab up starts it again, lab reset --yes deletes "
          "it)");
    return {};
}

Status Lab::reset(const std::filesystem::path &root, bool confirmed, const LabBinaries &binaries, const Reporter &say)
{
    if (!confirmed)
        return makeError(Errc::InvalidArgument, "lab reset deletes " + root.string() + " and all the lab's data",
                         "pass --yes to confirm");
    std::error_code ec;
    if (!std::filesystem::exists(root, ec)) {
        say("there is no lab at " + root.string() + "; nothing to delete");
        return {};
    }
    // Never delete a directory that is not a lab: only a root holding
    // lab.properties, or nothing but what a failed first `lab up` leaves.
    if (!std::filesystem::exists(LabLayout(root).configFile(), ec)) {
        for (const auto &entry : std::filesystem::directory_iterator(root, ec)) {
            const auto name = entry.path().filename().string();
            if (name != "lab.lock" && name != "logs")
                return makeError(Errc::InvalidArgument,
                                 root.string() + " does not look like a lab (no lab.properties); not deleting it");
        }
        std::filesystem::remove_all(root, ec);
        if (ec)
            return core::Error::fromErrno(ec.value(), "cannot delete " + root.string());
        say("deleted " + root.string());
        return {};
    }
    auto session = LabSession::open(root, binaries, say, false);
    if (!session)
        return session.error();
    LabSession &s = **session;
    if (auto st = stopEverything(s, std::chrono::seconds(30)); !st)
        return st;
    if (auto st = s.removeState(); !st)
        return st;
    const auto removed = std::filesystem::remove_all(root, ec);
    if (ec)
        return core::Error::fromErrno(ec.value(), "cannot delete " + root.string());
    s.say("deleted " + root.string() + " (" + std::to_string(removed) + " files and directories)");
    return {};
}

Result<LoadRates> Lab::setLoad(const std::filesystem::path &root, const LoadRequest &request,
                               const LabBinaries &binaries, const Reporter &say)
{
    auto session = LabSession::open(root, binaries, say, false);
    if (!session)
        return session.error();
    LabSession &s = **session;
    if (!s.config())
        return makeError(Errc::NotFound, "there is no lab at " + root.string(), "spillway-cli lab up");
    auto current = LoadRates::read(s.layout().loadControlFile());
    LoadRates before =
        current ? *current : LoadRates{s.config()->produceRate, s.config()->consumeRate, s.config()->messageBytes};
    LoadRates after = before;
    after.produceBytesPerSecond = request.produceRate.value_or(before.produceBytesPerSecond);
    after.consumeBytesPerSecond = request.consumeRate.value_or(before.consumeBytesPerSecond);
    after.messageBytes = request.messageBytes.value_or(before.messageBytes);
    if (auto st = after.write(s.layout().loadControlFile()); !st)
        return st.error();
    s.say("load: produce " + formatRate(after.produceBytesPerSecond) + " (was " +
          formatRate(before.produceBytesPerSecond) + "), consume " + formatRate(after.consumeBytesPerSecond) +
          " (was " + formatRate(before.consumeBytesPerSecond) + "), messages of " + formatBytes(after.messageBytes));
    if (!s.loadgenRunning())
        s.say("the load generator is not running; lab up starts it at the lab's normal rates");
    return after;
}

} // namespace spillway::lab
