// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/common/result.h"
#include "core/common/strong_type.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::core::admin {

/// Where a broker listens, and its node id once Metadata has told us. A
/// plain value type.
struct BrokerEndpoint {
    std::string host;
    int port = 0;
    std::optional<BrokerId> nodeId; ///< unknown for a bootstrap server

    /// "host:port", with brackets around an IPv6 literal.
    [[nodiscard]] std::string address() const;
    /// "broker 3 (host:port)" or "bootstrap server host:port": how errors name it.
    [[nodiscard]] std::string describe() const;
};

/// Parses one "host:port" ("[::1]:9092" for IPv6 literals).
Result<BrokerEndpoint> parseEndpoint(std::string_view text);
/// Parses Kafka's bootstrap.servers form "host:port,host:port" (spaces
/// around entries allowed). At least one entry; errors name the bad entry.
Result<std::vector<BrokerEndpoint>> parseBootstrap(std::string_view text);

} // namespace spillway::core::admin
