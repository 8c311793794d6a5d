// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/common/kafka_uuid.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace spillway::core {
namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kEncodedLength = 22;

int decodeChar(char c)
{
    const auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

} // namespace

Result<KafkaUuid> KafkaUuid::fromString(std::string_view text)
{
    if (text.size() != kEncodedLength)
        return makeError(Errc::Corrupt, "'" + std::string(text) + "' is not a Kafka Uuid: " +
                                            std::to_string(text.size()) + " characters, expected 22 (URL-safe base64)");
    std::array<std::uint8_t, 16> bytes{};
    std::uint32_t acc = 0;
    int bits = 0;
    std::size_t out = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const int v = decodeChar(text[i]);
        if (v < 0)
            return makeError(Errc::Corrupt, "'" + std::string(text) + "' is not a Kafka Uuid: character " +
                                                std::to_string(i + 1) + " is not URL-safe base64");
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            bytes[out++] = static_cast<std::uint8_t>((acc >> bits) & 0xFF);
        }
    }
    // 22 characters carry 132 bits; the 4 left over are zero in every id
    // Kafka writes, so anything else is not one of its ids.
    if ((acc & ((1u << bits) - 1)) != 0)
        return makeError(Errc::Corrupt,
                         "'" + std::string(text) + "' is not a Kafka Uuid: non-canonical last character");
    return KafkaUuid(bytes);
}

Result<KafkaUuid> KafkaUuid::random()
{
    const int fd = ::open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return Error::fromErrno(errno, "cannot open /dev/urandom");
    std::array<std::uint8_t, 16> bytes{};
    for (;;) {
        std::size_t got = 0;
        while (got < bytes.size()) {
            const ssize_t n = ::read(fd, bytes.data() + got, bytes.size() - got);
            if (n <= 0) {
                const int err = n < 0 ? errno : EIO;
                if (err == EINTR)
                    continue;
                ::close(fd);
                return Error::fromErrno(err, "cannot read /dev/urandom");
            }
            got += static_cast<std::size_t>(n);
        }
        bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);
        bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);
        KafkaUuid id(bytes);
        // Uuid.randomUuid rejects the reserved ids and those starting with '-'.
        if (!id.isZero() && id.toString().front() != '-') {
            ::close(fd);
            return id;
        }
    }
}

std::string KafkaUuid::toString() const
{
    std::string out;
    out.reserve(kEncodedLength);
    std::uint32_t acc = 0;
    int bits = 0;
    for (const auto b : m_bytes) {
        acc = (acc << 8) | b;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(acc >> bits) & 0x3F];
        }
    }
    if (bits > 0)
        out += kAlphabet[(acc << (6 - bits)) & 0x3F];
    return out;
}

std::string KafkaUuid::toHex() const
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (const auto b : m_bytes) {
        out += kHex[b >> 4];
        out += kHex[b & 0xF];
    }
    return out;
}

bool KafkaUuid::isZero() const
{
    for (const auto b : m_bytes) {
        if (b != 0)
            return false;
    }
    return true;
}

} // namespace spillway::core
