// SPDX-License-Identifier: GPL-3.0-or-later
// The one test main() of every Spillway test executable. For Qt test
// executables it sets QT_QPA_PLATFORM=offscreen *before* any Qt application
// object exists (otherwise a GUI test binary would need a display, and under
// ctest would silently register no tests), and it turns unexpected Qt warnings
// into a failing exit code.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#ifdef SPILLWAY_TEST_QT
#include "tests/support/qt_messages.h"
#ifdef SPILLWAY_TEST_GUI
#include <QApplication>
using TestApplication = QApplication;
#else
#include <QCoreApplication>
using TestApplication = QCoreApplication;
#endif

namespace {
int runWithQt(int argc, char **argv)
{
    ::setenv("QT_QPA_PLATFORM", "offscreen", 1);
    // Qt warns when XDG_RUNTIME_DIR is unset (as under CI as root); give it a
    // private one for this run rather than hiding the warning.
    std::string runtimeDir;
    if (const char *rt = std::getenv("XDG_RUNTIME_DIR"); rt == nullptr || *rt == '\0') {
        std::string tmpl = "/tmp/spillway-test-runtime-XXXXXX";
        if (::mkdtemp(tmpl.data()) != nullptr) {
            runtimeDir = tmpl;
            ::setenv("XDG_RUNTIME_DIR", runtimeDir.c_str(), 1);
        }
    }
    spillway::test::installQtMessageGuard();
    int result = 0;
    {
        TestApplication app(argc, argv);
        result = Catch::Session().run(argc, argv);
    }
    if (const int n = spillway::test::unexpectedQtMessageCount(); n > 0) {
        std::fprintf(stderr, "FAILED: %d unexpected Qt warning(s) during the tests (see above)\n", n);
        if (result == 0)
            result = 1;
    }
    if (!runtimeDir.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(runtimeDir, ec);
    }
    return result;
}
} // namespace
#endif

int main(int argc, char **argv)
{
#ifdef SPILLWAY_TEST_QT
    return runWithQt(argc, argv);
#else
    return Catch::Session().run(argc, argv);
#endif
}
