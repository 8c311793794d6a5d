// SPDX-License-Identifier: GPL-3.0-or-later
// spillway-broker: the Kafka-compatible lab broker. Thin: reads the config,
// starts the broker, stops it on SIGTERM/SIGINT.
#include "broker/broker.h"

#include <csignal>
#include <cstdio>
#include <string>
#include <sys/signalfd.h>
#include <thread>
#include <unistd.h>

int main(int argc, char **argv)
{
    std::string configPath;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-h" || arg == "--help") {
            std::printf("Usage: spillway-broker <server.properties>\n"
                        "       spillway-broker --config <server.properties>\n\n"
                        "The Spillway lab broker: speaks the Kafka protocol and stores Kafka's on-disk format.\n"
                        "Configuration uses Apache Kafka's keys (broker.id, listeners, log.dirs, ...).\n");
            return 0;
        }
        if (arg == "-V" || arg == "--version") {
            std::printf("spillway-broker %s\n", SPILLWAY_VERSION_STRING);
            return 0;
        }
        if (arg == "--config" && i + 1 < argc) {
            configPath = argv[++i];
        } else if (configPath.empty() && !arg.empty() && arg[0] != '-') {
            configPath = arg;
        } else {
            std::fprintf(stderr, "spillway-broker: unexpected argument '%s' (see --help)\n", arg.c_str());
            return 2;
        }
    }
    if (configPath.empty()) {
        std::fprintf(stderr, "spillway-broker: no configuration file given (see --help)\n");
        return 2;
    }

    auto config = spillway::broker::BrokerConfig::load(configPath);
    if (!config.ok()) {
        std::fprintf(stderr, "spillway-broker: %s\n", config.error().describe().c_str());
        return 2;
    }
    for (const auto &w : config->warnings)
        std::fprintf(stderr, "spillway-broker: warning: %s\n", w.c_str());

    // Signals are read from a signalfd by a small thread that asks the loop to stop.
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    pthread_sigmask(SIG_BLOCK, &mask, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    spillway::broker::Broker broker(*config);
    broker.log = [](const std::string &line) { std::fprintf(stderr, "spillway-broker: %s\n", line.c_str()); };
    if (auto st = broker.start(); !st.ok()) {
        std::fprintf(stderr, "spillway-broker: %s\n", st.error().describe().c_str());
        return 1;
    }
    const auto ports = broker.boundPorts();
    for (std::size_t i = 0; i < ports.size(); ++i)
        std::printf("spillway-broker %d listening on %s:%u\n", config->brokerId, config->listeners[i].host.c_str(),
                    ports[i]);
    std::fflush(stdout);

    const int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    std::thread signals([&] {
        signalfd_siginfo info{};
        if (read(sfd, &info, sizeof info) == static_cast<ssize_t>(sizeof info))
            std::fprintf(stderr, "spillway-broker: signal %u, shutting down\n", info.ssi_signo);
        broker.stop();
    });
    broker.run();
    if (broker.fatalError()) {
        std::fprintf(stderr, "spillway-broker: %s\n", broker.fatalError()->c_str());
        kill(getpid(), SIGTERM);
        signals.join();
        close(sfd);
        return 1;
    }
    // The loop ended without a signal only on an internal error; wake the thread.
    kill(getpid(), SIGTERM);
    signals.join();
    close(sfd);
    return 0;
}
