// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace spillway::broker {

/// The request versions one Apache Kafka release serves for one API key.
struct ReleaseApiRange {
    std::int16_t apiKey = 0;
    std::int16_t minVersion = 0;
    std::int16_t maxVersion = 0;
};

/// The protocol surface of one Apache Kafka release, restricted to the API
/// keys the lab broker implements (and SASL, which it may one day): what a
/// broker of that release answers in ApiVersions. Used by
/// `spillway.emulate.kafka.version` to make the lab broker speak exactly
/// that release's version ranges, so that clients (Spillway's admin client,
/// librdkafka) can be tested against them without a JVM. It emulates version
/// ranges only; it is not Apache Kafka.
struct KafkaReleaseProfile {
    std::string_view name; ///< "2.0", "3.9", "4.0"
    std::span<const ReleaseApiRange> apis;
    /// KIP-511 (Kafka 2.4): an ApiVersions request of a version the broker
    /// does not know gets UNSUPPORTED_VERSION with the ApiVersions range;
    /// older releases answer it with an empty list.
    bool apiVersionsErrorListsRange = true;

    /// The range of `apiKey` in this release; nullopt when the release does
    /// not have the API at all.
    [[nodiscard]] std::optional<ReleaseApiRange> find(std::int16_t apiKey) const;
};

/// The profile of a release: "2.0", or with a patch number, "2.8.2".
/// nullptr for a release not in the table.
const KafkaReleaseProfile *findKafkaRelease(std::string_view version);

/// Every release in the table, oldest first ("2.0", "2.2", ...).
std::vector<std::string_view> knownKafkaReleases();

/// "2.0, 2.2, 2.4, 2.8, 3.3, 3.9, 4.0": for error messages.
std::string knownKafkaReleasesText();

} // namespace spillway::broker
