// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/services/app_paths.h"

#include <catch2/catch.hpp>

#include <QDir>

using spillway::core::AppPaths;

namespace {
class EnvGuard {
public:
    explicit EnvGuard(const char *name) : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name)) {}
    ~EnvGuard()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    EnvGuard(const EnvGuard &) = delete;
    EnvGuard &operator=(const EnvGuard &) = delete;

private:
    const char *m_name;
    bool m_had;
    QByteArray m_old;
};
} // namespace

TEST_CASE("AppPaths follows XDG_DATA_HOME and XDG_CONFIG_HOME", "[core][paths]")
{
    EnvGuard d("XDG_DATA_HOME");
    EnvGuard c("XDG_CONFIG_HOME");
    qputenv("XDG_DATA_HOME", "/srv/data/");
    qputenv("XDG_CONFIG_HOME", "/srv/config");
    const auto p = AppPaths::fromEnvironment();
    CHECK(p.dataDir == QStringLiteral("/srv/data/spillway"));
    CHECK(p.configDir == QStringLiteral("/srv/config/spillway"));
    CHECK(p.labRoot == QStringLiteral("/srv/data/spillway/lab"));
}

TEST_CASE("AppPaths ignores relative XDG paths and falls back to HOME", "[core][paths]")
{
    EnvGuard d("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", "relative/dir");
    const auto p = AppPaths::fromEnvironment();
    CHECK(p.dataDir == QDir::homePath() + QStringLiteral("/.local/share/spillway"));
}
