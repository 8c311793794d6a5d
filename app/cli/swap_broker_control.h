// SPDX-License-Identifier: GPL-3.0-or-later
// The two BrokerControls of the disk swap: a lab broker (through the lab's
// own session, so that state.properties stays true) and a broker of the
// registry (through BrokerSupervisor, in a short-lived event loop).
#pragma once

#include "core/ops/broker_control.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>

namespace spillway::app {

/// Lines the controls say ("stopped broker 1 ..."); may be empty.
using SwapSay = std::function<void(const std::string &)>;

/// Lab broker `broker` of the lab at `root`. Holds the lab's lock until destroyed.
core::Result<std::unique_ptr<core::ops::BrokerControl>> makeLabBrokerControl(const std::filesystem::path &root,
                                                                             int broker, SwapSay say);
/// The registry's broker `name` (`dataDir` empty: the default data dir).
core::Result<std::unique_ptr<core::ops::BrokerControl>>
makeRegistryBrokerControl(const std::string &name, const std::filesystem::path &dataDir, SwapSay say);
/// Either, from a BrokerControl::identity().
core::ops::BrokerControlFactory brokerControlFactory(SwapSay say);

/// Metadata and DescribeLogDirs of one broker through the admin client.
core::Result<core::ops::BrokerView> describeBrokerViaAdmin(const std::string &bootstrap, std::int32_t brokerId);
/// Polls ApiVersions until the broker answers or `timeout` passes.
core::Status waitForApiVersions(const std::string &bootstrap, std::chrono::milliseconds timeout);

} // namespace spillway::app
