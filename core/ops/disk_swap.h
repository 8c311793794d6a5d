// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/ops/broker_control.h"
#include "core/ops/disk_swap_sync.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace spillway::core::ops {

struct RecoveryContext;

/// Replace log dir `from` of a broker by the spare `to`.
struct DiskSwapRequest {
    std::filesystem::path from;
    std::filesystem::path to;
    /// Needed to execute when `from` is still readable and holds partitions
    /// with no other replica: the swap leaves their files on `from` (nothing
    /// is deleted) but the broker serves them empty from the spare.
    bool acceptLoss = false;
    /// How long the last step waits for the broker to be back in the ISR of
    /// its replicated partitions; 0: look once, do not wait.
    std::chrono::seconds syncTimeout{30 * 60};
};

/// One partition that was on the swapped-out dir.
struct SwapPartition {
    std::string name;        ///< "<topic>-<p>"
    std::int64_t bytes = -1; ///< on the old dir; -1 when unknown (unreadable)
    bool lost = false;       ///< no other in-sync replica: re-created empty
    std::string why;         ///< "replication factor 1", "in sync on broker 2", ...
    std::string predictedDir;
};

/// What a finished (or recovered) swap did.
struct DiskSwapReport {
    std::int64_t id = 0;
    OperationState state = OperationState::Running;
    std::string summary;
    std::vector<std::pair<std::string, std::string>> recreated; ///< partition, log dir it is in now
    std::vector<SwapPartition> lost;
    std::vector<std::string> missing; ///< expected back but not (yet) in any log dir
    std::vector<std::string> notes;
    std::filesystem::path backup; ///< server.properties as it was
    /// The broker's replicated partitions at the end of the `sync` step.
    SyncStatus sync;
    /// How the wait ended: "in sync", "timed out after N s", "stopped by the
    /// operator", "not waited (sync timeout 0)", "re-checked by recover".
    std::string syncEnd;
    /// Completed with warnings: the swap is done but some replicated
    /// partitions are not (yet) back in sync (listed in sync.outOfSync()).
    bool warnings = false;
};

/// The disk swap of scenarios B and C as one operation: check the spare
/// (a directory, empty but for lost+found, writable, on a filesystem of its
/// own, room for the partitions that will be re-replicated), write its
/// meta.properties (the cluster.id, node id and version of the other dirs; a
/// new directory.id for KRaft), stop the broker, replace `from` by `to` in
/// `log.dirs` (comments kept; a backup next to the file; atomic rename),
/// start the broker, wait until it answers and reports the spare online,
/// and report which partitions came back where and which were lost (no
/// other in-sync replica: the broker re-creates them empty), then follow
/// re-replication (Metadata ISR, DescribeLogDirs of the broker and of the
/// leaders: evaluateReplicaSync) until the broker is back in the ISR of all
/// its replicated partitions, or `syncTimeout`, or cancel: those two end the
/// wait with the partitions still out of sync listed and the swap done with
/// warnings (state done, the summary says so). Nothing is ever deleted: the
/// old dir's files stay where they were.
///
/// Steps, journaled before and after: check-spare, prepare-spare,
/// stop-broker, edit-config, start-broker, verify, sync. Cancel or failure before
/// edit-config rolls back (the spare emptied again, the broker started if it
/// was running); a failed start after the edit puts the old server.properties
/// back from the backup and starts the broker as it was. recover() lets the
/// config on disk decide: new log.dirs -> roll forward (start, verify); old
/// -> roll back; an entry interrupted while waiting for the sync is re-checked
/// once (no new wait) and completed. Blocking; any thread.
class DiskSwap {
public:
    static constexpr std::string_view kKind = "disk-swap";
    static constexpr const char *kSteps[] = {"check-spare",  "prepare-spare", "stop-broker", "edit-config",
                                             "start-broker", "verify",        "sync"};

    /// Reads server.properties, the dirs and (when it runs) the broker's own
    /// view; changes nothing.
    static Result<Plan> plan(BrokerControl &broker, const DiskSwapRequest &request);
    /// The partitions of a plan made by plan() (from its params).
    static std::vector<SwapPartition> partitionsOf(const Plan &plan);
    /// The notes of a plan (KRaft, shared filesystem, unreadable dir ...).
    static std::vector<std::string> notesOf(const Plan &plan);

    static Result<DiskSwapReport> execute(Journal &journal, BrokerControl &broker, const Plan &plan,
                                          const RunOptions &options = {});
    static Result<OperationState> recover(Journal &journal, const JournalEntry &entry, const RecoveryContext &context);
    /// recover() with a given control (tests); returns the report.
    static Result<DiskSwapReport> recoverWith(Journal &journal, const JournalEntry &entry, BrokerControl &broker,
                                              const RunOptions &options = {});
};

/// The edits of a disk swap on their own, for tests and previews.
namespace swapfiles {

/// `log.dirs` (or `log.dir`) of a server.properties text: the key, the raw
/// value and the dirs.
struct LogDirsSetting {
    std::string key;
    std::string value;
    std::vector<std::filesystem::path> dirs;
};
Result<LogDirsSetting> readLogDirs(const std::string &serverPropertiesText);
/// The value with the entry naming `from` replaced by `to` (other entries
/// as written); an error when `from` is not one of them or `to` already is.
Result<std::string> replaceLogDir(const std::string &value, const std::filesystem::path &from,
                                  const std::filesystem::path &to);
/// Writes `text` as the new `file`: a backup `<name>.spillway-backup-<UTC>`
/// of the current bytes (same mode), then temp + fsync + rename + fsync of
/// the dir. Refuses when the file no longer holds `expected`. Returns the
/// backup's path.
Result<std::filesystem::path> replaceFileWithBackup(const std::filesystem::path &file, const std::string &expected,
                                                    const std::string &text);
/// The meta.properties for a spare: version, node id and cluster.id of the
/// first readable one among `dirs`; a new directory.id when it has one
/// (KRaft, Kafka 3.7+). nullopt when no dir has a readable meta.properties.
Result<std::optional<std::string>> spareMetaProperties(const std::vector<std::filesystem::path> &dirs);
/// Partition dirs ("<topic>-<p>", live ones) of a log dir and their bytes
/// on the disk (allocated: st_blocks).
Result<std::map<std::string, std::int64_t>> scanLogDir(const std::filesystem::path &dir);
/// The spare's checks: a directory, nothing in it but lost+found (and a
/// meta.properties equal to `ourMeta`), writable. Notes for a spare that
/// shares a filesystem with `others`.
Status checkSpare(const std::filesystem::path &spare, const std::string &ourMeta,
                  const std::vector<std::filesystem::path> &others, std::vector<std::string> &notes);

} // namespace swapfiles

} // namespace spillway::core::ops
