// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/json_writer.h"
#include "core/services/broker_registry.h"
#include "core/services/broker_supervisor.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace spillway::app {

/// What `brokers start|stop|restart|status` do: run a BrokerSupervisor in a
/// QCoreApplication event loop until the broker settles (running, stopped,
/// crashed), so that for scripts start and stop are synchronous.
struct ControlOptions {
    std::optional<std::chrono::milliseconds> timeout; ///< start: start timeout; stop: SIGKILL timeout
    bool json = false;
};

int runBrokerControl(const std::string &verb, const core::BrokerRegistry &registry, const core::BrokerEntry &entry,
                     const ControlOptions &options);

/// A QCoreApplication for the supervisor's signals and timers, made once
/// when the process has none (spillway-cli is not a Qt application otherwise).
void ensureEventLoop();
/// Runs the event loop until `done()` holds (checked at start and at each
/// status change of `supervisor`) or `limit` passes.
void runUntil(core::BrokerSupervisor &supervisor, const std::function<bool()> &done, std::chrono::milliseconds limit);

/// The state of a broker without waiting for a health probe (for `list`).
core::BrokerStatus observeBroker(const core::BrokerRegistry &registry, const core::BrokerEntry &entry);

/// `brokers config get|set|unset N ...` (brokers_config.cpp).
int runBrokersConfig(const core::BrokerRegistry &registry, std::vector<std::string> args, bool json);

/// Prints "spillway-cli brokers: <message> (see --help)"; returns ExitUsage.
int brokersUsageError(const std::string &message);
/// Prints the error (and with `json`, {"error":{...}} on stdout); returns ExitUsage.
int brokersFail(const core::Error &error, bool json);

/// {"state":..., "health":..., "pid":..., "description":...} members of a status.
void writeStatusMembers(core::JsonWriter &json, const core::BrokerStatus &status);

} // namespace spillway::app
