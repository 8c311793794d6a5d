// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/lab/lab_session.h"
#include "core/lab/lab_status.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace spillway::app {

/// The output of one `spillway-cli lab ...` command: in human mode each step
/// is printed as it happens; with --json the steps are collected and one
/// document is printed at the end ({"command":..,"ok":..,"steps":[..],...}).
/// Errors go to stderr in human mode. Single-threaded, one per command.
class LabOutput {
public:
    LabOutput(std::string command, bool json) : m_command(std::move(command)), m_json(json) {}

    /// Where the lab's steps go.
    [[nodiscard]] lab::Reporter reporter();
    /// Prints the end of a successful command; `fields` are extra JSON
    /// members (name, value). Returns ExitOk.
    int ok(const std::vector<std::pair<std::string, std::string>> &fields = {});
    /// Prints an error (and its hint); returns `exitCode`.
    int fail(const core::Error &error, int exitCode);

private:
    std::string m_command;
    bool m_json;
    std::vector<std::string> m_steps;
};

/// `lab status` for people: one block per broker with a line per disk, the
/// load generator, and what is unavailable.
void printLabStatus(const lab::LabStatus &status);

/// Options shared by the lab subcommands, taken out of an argument list.
class LabArgs {
public:
    explicit LabArgs(std::vector<std::string> args) : m_args(std::move(args)) {}

    bool flag(std::string_view name);
    /// "--name VALUE" or "--name=VALUE" (the last one when repeated); an error when the value is missing.
    core::Result<std::optional<std::string>> value(std::string_view name);
    core::Result<std::optional<int>> integer(std::string_view name);
    core::Result<std::optional<std::uint64_t>> size(std::string_view name);
    /// A rate in bytes/s; "msg/s" rates use `messageBytes`.
    core::Result<std::optional<std::uint64_t>> rate(std::string_view name, std::uint64_t messageBytes);
    /// --root, made absolute; the default lab root when absent.
    core::Result<std::filesystem::path> root();
    /// An error naming the first argument nobody took, if any.
    [[nodiscard]] core::Status finish() const;
    /// Takes the first remaining positional argument.
    std::optional<std::string> positional();

private:
    std::vector<std::string> m_args;
};

} // namespace spillway::app
