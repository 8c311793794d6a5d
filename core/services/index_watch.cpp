// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/index_watch.h"

#include "core/storage/index/index_verifier.h"
#include "core/storage/index/segment_files.h"

#include <algorithm>
#include <filesystem>
#include <sys/stat.h>
#include <tuple>

namespace spillway::core {
namespace fs = std::filesystem;

namespace {

/// (size, mtime in ns) of a file; size -1 when it does not exist.
std::pair<std::int64_t, std::int64_t> sizeAndMtime(const fs::path &file)
{
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0)
        return {-1, 0};
    return {static_cast<std::int64_t>(st.st_size),
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec};
}

/// The first problem of a bad index verdict, for the alert text.
std::string describeProblem(const FileVerdict &verdict, std::string_view label)
{
    const IndexFinding *problem = verdict.firstProblem();
    std::string text = problem ? problem->describe(label) : "failed verification";
    if (verdict.problemCount > 1)
        text += " (" + std::to_string(verdict.problemCount) + " problems)";
    return text;
}

} // namespace

IndexWatch::Signature IndexWatch::signatureOf(const std::string &logPath)
{
    const auto files = SegmentFiles::fromPath(logPath);
    Signature sig;
    if (!files)
        return sig;
    std::tie(sig.logSize, sig.logMtimeNs) = sizeAndMtime(files->log());
    std::tie(sig.indexSize, sig.indexMtimeNs) = sizeAndMtime(files->offsetIndex());
    std::tie(sig.timeIndexSize, sig.timeIndexMtimeNs) = sizeAndMtime(files->timeIndex());
    return sig;
}

bool IndexWatch::checkPartition(const Target &target, std::int64_t &budget, bool &verifiedAny)
{
    const fs::path partitionDir = fs::path(target.dir) / (target.topic + "-" + std::to_string(target.partition.get()));
    std::vector<Offset> bases;
    std::error_code ec;
    for (fs::directory_iterator it(partitionDir, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path &p = it->path();
        if (p.extension() != ".log")
            continue;
        if (auto base = parseSegmentBaseOffset(p))
            bases.push_back(*base);
    }
    std::sort(bases.begin(), bases.end());
    if (!bases.empty())
        bases.pop_back(); // the active segment: the broker is writing it
    // Forget segments of this dir that are gone (retention) or active again.
    const std::string prefix = partitionDir.string() + "/";
    for (auto it = m_segments.lower_bound(prefix); it != m_segments.end() && it->first.starts_with(prefix);) {
        const auto base = parseSegmentBaseOffset(it->first);
        if (!base || !std::binary_search(bases.begin(), bases.end(), *base)) {
            m_bad.erase(it->first);
            it = m_segments.erase(it);
        } else {
            ++it;
        }
    }
    for (const Offset base : bases) {
        const SegmentFiles files{partitionDir, base};
        const std::string key = files.log().string();
        const Signature sig = signatureOf(key);
        if (sig.logSize < 0)
            continue; // deleted by retention meanwhile
        if (const auto found = m_segments.find(key); found != m_segments.end() && found->second.signature == sig)
            continue;
        if (verifiedAny && sig.logSize > budget)
            return false;
        auto verdict = IndexVerifier::verifyFiles(files);
        verifiedAny = true;
        budget -= sig.logSize;
        if (!verdict)
            continue; // an I/O error: the dir's own probe reports those; try again next time
        Verified v{sig, std::nullopt};
        if (!verdict->indexesOk()) {
            const bool offsetBad = !verdict->offsetIndex.ok();
            const FileVerdict &bad = offsetBad ? verdict->offsetIndex : verdict->timeIndex;
            v.bad = measure::CorruptIndexFinding{target.broker,
                                                 target.dir,
                                                 target.topic,
                                                 target.partition,
                                                 (offsetBad ? files.offsetIndex() : files.timeIndex()).string(),
                                                 describeProblem(bad, "index byte")};
        }
        if (v.bad)
            m_bad.insert(key);
        else
            m_bad.erase(key);
        m_segments[key] = std::move(v);
    }
    return true;
}

void IndexWatch::run(measure::ClusterSnapshot &snapshot, const std::vector<admin::SampledBroker> &brokers)
{
    std::vector<Target> targets;
    for (std::size_t i = 0; i < snapshot.brokers.size(); ++i) {
        const auto &b = snapshot.brokers[i];
        if (i >= brokers.size() || !brokers[i].local)
            continue;
        for (const auto &d : b.dirs) {
            if (d.source != measure::MeasurementSource::LocalScan || !d.exists || d.offline || d.partitionsAsOfMs != 0)
                continue;
            for (const auto &p : d.partitions)
                if (!p.isFuture)
                    targets.push_back({b.id, d.path, p.topic, p.partition});
        }
    }
    if (!targets.empty()) {
        std::int64_t budget = m_options.logBytesPerRound;
        bool verifiedAny = false;
        const std::size_t n = std::min(targets.size(), m_options.partitionsPerRound);
        std::size_t done = 0;
        m_cursor %= targets.size();
        while (done < n) {
            if (!checkPartition(targets[m_cursor], budget, verifiedAny))
                break; // resume this partition next round
            m_cursor = (m_cursor + 1) % targets.size();
            ++done;
        }
    }
    // Every known bad index whose files are still as verified; one that
    // changed (rebuilt, or deleted) is verified again when its turn comes.
    for (auto it = m_bad.begin(); it != m_bad.end();) {
        auto seg = m_segments.find(*it);
        if (seg == m_segments.end() || signatureOf(*it) != seg->second.signature) {
            if (seg != m_segments.end())
                m_segments.erase(seg);
            it = m_bad.erase(it);
            continue;
        }
        snapshot.corruptIndexes.push_back(*seg->second.bad);
        ++it;
    }
}

} // namespace spillway::core
