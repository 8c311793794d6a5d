// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/ops/journal.h"
#include "core/ops/operation.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace spillway::core::ops {

/// The sequence number of the step after the last one an entry recorded
/// (0 for an entry without steps): where a resumed operation goes on.
inline int nextStepSeq(const JournalEntry &entry) { return entry.steps.empty() ? 0 : entry.steps.back().seq + 1; }

/// Runs an operation's steps, each recorded in the journal before it starts
/// and after it completes, so that recovery knows the last step that began
/// and whether it finished; then calls the test hook (RunOptions::stepHook).
/// A body is `Status()` or `Status(std::string &detail)`, the detail stored
/// with the completed step. A failed body leaves its step started.
class JournalSteps {
public:
    JournalSteps(Journal &journal, std::int64_t id, const RunOptions &options, int seq)
        : m_journal(journal)
        , m_id(id)
        , m_options(options)
        , m_seq(seq)
    {}

    template <class F>
    Status run(std::string_view name, F &&body)
    {
        const int seq = m_seq++;
        if (auto st = m_journal.stepStarted(m_id, seq, name); !st)
            return st;
        std::string detail;
        Status st;
        if constexpr (std::is_invocable_v<F &, std::string &>)
            st = body(detail);
        else
            st = body();
        if (!st)
            return st;
        if (auto done = m_journal.stepDone(m_id, seq, detail); !done)
            return done;
        m_options.stepHook(name);
        return {};
    }
    /// The sequence number the next step will get.
    [[nodiscard]] int next() const { return m_seq; }

private:
    Journal &m_journal;
    std::int64_t m_id;
    const RunOptions &m_options;
    int m_seq;
};

} // namespace spillway::core::ops
