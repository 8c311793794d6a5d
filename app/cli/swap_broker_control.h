// SPDX-License-Identifier: GPL-3.0-or-later
// The two BrokerControls of the disk swap: a lab broker (through the lab's
// own session, so that state.properties stays true) and a broker of the
// registry (through BrokerSupervisor, in a short-lived event loop).
#pragma once

#include "core/ops/broker_control.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace spillway::app {

/// Lines the controls say ("stopped broker 1 ..."); may be empty.
using SwapSay = std::function<void(const std::string &)>;
/// Says each line indented on stderr; nothing (empty) with `json`.
SwapSay sayOnStderr(bool json);

/// Lab broker `broker` of the lab at `root`. Holds the lab's lock until destroyed.
core::Result<std::unique_ptr<core::ops::BrokerControl>> makeLabBrokerControl(const std::filesystem::path &root,
                                                                             int broker, SwapSay say);
/// The registry's broker `name` (`dataDir` empty: the default data dir).
core::Result<std::unique_ptr<core::ops::BrokerControl>>
makeRegistryBrokerControl(const std::string &name, const std::filesystem::path &dataDir, SwapSay say);
/// The broker flags of the commands that stop and start a broker
/// (`ops swap-disk`, `ops rebuild-index`): `--lab [ROOT] --broker N` or
/// `--broker-name NAME [--data-dir DIR]`, as given (not yet checked).
struct BrokerTargetArgs {
    bool lab = false;
    std::filesystem::path labRoot; ///< the default lab root when --lab has no value
    std::optional<std::string> brokerNumber;
    std::optional<std::string> brokerName;
    std::optional<std::string> dataDir;

    /// Whether --lab or --broker-name (or --broker, --data-dir) was given.
    [[nodiscard]] bool any() const { return lab || brokerNumber || brokerName || dataDir; }
    /// Exactly one of --lab and --broker-name.
    [[nodiscard]] bool oneTarget() const { return lab != brokerName.has_value(); }
};
/// Takes those flags out of `args`; `bad` is set when a value is missing.
BrokerTargetArgs takeBrokerTargetArgs(std::vector<std::string> &args, bool &bad);
/// The lab broker number of --broker (1 when absent); false when it is not a number >= 1.
bool labBrokerNumber(const BrokerTargetArgs &target, int &number);
/// The control the flags name (the lab's broker `number`, or the registry's broker).
core::Result<std::unique_ptr<core::ops::BrokerControl>> makeBrokerControl(const BrokerTargetArgs &target, int number,
                                                                          SwapSay say);
/// Either, from a BrokerControl::identity().
core::ops::BrokerControlFactory brokerControlFactory(SwapSay say);

/// Metadata and DescribeLogDirs of one broker through the admin client.
core::Result<core::ops::BrokerView> describeBrokerViaAdmin(const std::string &bootstrap, std::int32_t brokerId);
/// Polls ApiVersions until the broker answers or `timeout` passes.
core::Status waitForApiVersions(const std::string &bootstrap, std::chrono::milliseconds timeout);

} // namespace spillway::app
