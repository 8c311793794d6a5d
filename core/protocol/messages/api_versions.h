// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/protocol/message.h"

#include <cstdint>
#include <string>
#include <vector>

namespace spillway::core {

/// ApiVersions (key 18), versions 0-4, flexible 3+.
struct ApiVersionsRequest {
    static constexpr ApiKey kApiKey = ApiKey::ApiVersions;
    static constexpr std::int16_t kFirstFlexibleVersion = 3;

    std::string ClientSoftwareName;
    std::string ClientSoftwareVersion;

    template <class Io>
    void io(Io &io)
    {
        io.field(ClientSoftwareName, since(3));
        io.field(ClientSoftwareVersion, since(3));
        io.tags();
    }
};

struct ApiVersionsResponse {
    static constexpr ApiKey kApiKey = ApiKey::ApiVersions;
    static constexpr std::int16_t kFirstFlexibleVersion = 3;

    struct ApiVersion {
        std::int16_t ApiKey = 0;
        std::int16_t MinVersion = 0;
        std::int16_t MaxVersion = 0;
        bool operator==(const ApiVersion &) const = default;
        template <class Io>
        void io(Io &io)
        {
            io.field(ApiKey);
            io.field(MinVersion);
            io.field(MaxVersion);
            io.tags();
        }
    };
    struct SupportedFeatureKey {
        std::string Name;
        std::int16_t MinVersion = 0;
        std::int16_t MaxVersion = 0;
        bool operator==(const SupportedFeatureKey &) const = default;
        template <class Io>
        void io(Io &io)
        {
            io.field(Name, since(3));
            io.field(MinVersion, since(3));
            io.field(MaxVersion, since(3));
            io.tags();
        }
    };
    struct FinalizedFeatureKey {
        std::string Name;
        std::int16_t MaxVersionLevel = 0;
        std::int16_t MinVersionLevel = 0;
        bool operator==(const FinalizedFeatureKey &) const = default;
        template <class Io>
        void io(Io &io)
        {
            io.field(Name, since(3));
            io.field(MaxVersionLevel, since(3));
            io.field(MinVersionLevel, since(3));
            io.tags();
        }
    };

    std::int16_t ErrorCode = 0;
    std::vector<ApiVersion> ApiKeys;
    std::int32_t ThrottleTimeMs = 0;
    std::vector<SupportedFeatureKey> SupportedFeatures;
    std::int64_t FinalizedFeaturesEpoch = -1;
    std::vector<FinalizedFeatureKey> FinalizedFeatures;
    bool ZkMigrationReady = false;

    template <class Io>
    void io(Io &io)
    {
        io.field(ErrorCode);
        io.field(ApiKeys);
        io.field(ThrottleTimeMs, since(1));
        io.tags([&](auto &tag) {
            tag(0, SupportedFeatures, since(3));
            tag(1, FinalizedFeaturesEpoch, since(3), std::int64_t{-1});
            tag(2, FinalizedFeatures, since(3));
            tag(3, ZkMigrationReady, since(3));
        });
    }
};

} // namespace spillway::core
