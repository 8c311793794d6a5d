#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes core/protocol/messages/<api>.h: one C++ struct per Kafka request and
response, with a single io() that both decodes and encodes (core/protocol/codec.h).

Input: Kafka's JSON message definitions (../shared/kafka-protocol/messages in
the workspace, Apache-2.0). Only facts of the wire format are taken from them:
field names (kept as Kafka spells them, so structs can be checked line by line),
types, versions, nullability, tags and defaults. The output is Spillway's own
code in Spillway's own format; the JSON files are neither copied nor shipped.

Usage: scripts/gen_protocol_messages.py [definitions dir] [output dir]
Re-run after changing the generator; the output is committed.
"""
import json
import os
import re
import shutil
import subprocess
import sys

PRIMITIVES = {
    "bool": "bool", "int8": "std::int8_t", "int16": "std::int16_t", "int32": "std::int32_t",
    "int64": "std::int64_t", "uint16": "std::uint16_t", "uint32": "std::uint32_t", "float64": "double",
    "string": "std::string", "bytes": "Bytes", "records": "RecordsView", "uuid": "Uuid",
}


def strip_comments(text):
    """Removes // comments outside strings (the definitions are JSON + comments)."""
    out, i, in_str = [], 0, False
    while i < len(text):
        c = text[i]
        if in_str:
            out.append(c)
            if c == "\\":
                out.append(text[i + 1])
                i += 2
                continue
            if c == '"':
                in_str = False
        elif c == '"':
            in_str = True
            out.append(c)
        elif text.startswith("//", i):
            while i < len(text) and text[i] != "\n":
                i += 1
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def parse_versions(spec):
    """'3+' -> (3, None); '0-4' -> (0, 4); '5' -> (5, 5); 'none' -> None."""
    if spec is None or spec == "none":
        return None
    if spec.endswith("+"):
        return (int(spec[:-1]), None)
    if "-" in spec:
        lo, hi = spec.split("-")
        return (int(lo), int(hi))
    return (int(spec), int(spec))


def versions_expr(spec, message_range):
    v = parse_versions(spec)
    if v is None:
        return "kNoVersions"
    lo, hi = v
    if lo <= message_range[0] and (hi is None or hi >= message_range[1]):
        return None  # every version of the message
    if hi is None:
        return f"since({lo})"
    return f"range({lo}, {hi})"


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class Gen:
    def __init__(self, msg):
        self.msg = msg
        self.range = parse_versions(msg["validVersions"])
        if self.range[1] is None:
            raise SystemExit(f"{msg['name']}: open-ended validVersions")
        self.common = {s["name"]: s for s in msg.get("commonStructs", [])}
        self.emitted = set()

    def cpp_type(self, field):
        t = field["type"]
        nullable = parse_versions(field.get("nullableVersions")) is not None
        if t.startswith("[]"):
            inner = t[2:]
            inner_cpp = PRIMITIVES.get(inner, inner)
            base = f"std::vector<{inner_cpp}>"
        else:
            base = PRIMITIVES.get(t, t)
        if nullable and base not in ("RecordsView",):
            return f"std::optional<{base}>"
        return base

    def default_init(self, field, cpp):
        d = field.get("default")
        t = field["type"]
        if cpp.startswith("std::optional"):
            if d not in (None, "null"):
                raise SystemExit(f"{field['name']}: non-null default on a nullable field")
            return ""
        if d is None or d == "null":
            if t in ("int8", "int16", "int32", "int64", "uint16", "uint32", "float64"):
                return " = 0"
            if t == "bool":
                return " = false"
            return ""
        if t == "bool":
            return f" = {d}"
        if t == "string":
            return f' = "{d}"' if d else ""
        if t in ("int8", "int16", "int32", "int64", "uint16", "uint32", "float64"):
            value = int(d, 0) if isinstance(d, str) else int(d)
            if t == "int32" and value == -2147483648:
                return " = INT32_MIN"
            if t == "int64":
                return f" = {value}LL" if abs(value) > 2**31 else f" = {value}"
            return f" = {value}"
        raise SystemExit(f"{field['name']}: unsupported default {d!r} for {t}")

    def default_value(self, field, cpp):
        init = self.default_init(field, cpp)
        if not init:
            return None
        return f"{cpp}{{{init[3:]}}}"

    def struct_fields(self, fields):
        """Collects nested struct definitions referenced by these fields."""
        nested = []
        for f in fields:
            t = f["type"][2:] if f["type"].startswith("[]") else f["type"]
            if t in PRIMITIVES:
                continue
            if "fields" in f:
                nested.append((t, f["fields"]))
            elif t in self.common and t not in self.emitted:
                nested.append((t, self.common[t]["fields"]))
        return nested

    def emit_struct(self, name, fields, indent, out, top=False):
        pad = " " * indent
        out.append(f"{pad}struct {name} {{")
        if top:
            out.extend(self.top_constants(indent + 4))
        for sname, sfields in self.struct_fields(fields):
            if sname in self.emitted:
                continue
            self.emitted.add(sname)
            self.emit_struct(sname, sfields, indent + 4, out)
            out.append("")
        for f in fields:
            cpp = self.cpp_type(f)
            out.append(f"{pad}    {cpp} {f['name']}{self.default_init(f, cpp)};")
        if not top:
            out.append(f"{pad}    bool operator==(const {name} &) const = default;")
        out.append("")
        out.append(f"{pad}    template <class Io>")
        out.append(f"{pad}    void io(Io &io)")
        out.append(f"{pad}    {{")
        tagged = []
        for f in fields:
            if "tag" in f:
                tagged.append(f)
                continue
            args = [f["name"]]
            present = versions_expr(f.get("versions"), self.range)
            nullable = versions_expr(f.get("nullableVersions"), self.range) if f.get("nullableVersions") else None
            if f.get("nullableVersions") and nullable is None:
                nullable = "kAllVersions"
            if nullable is not None:
                args.append(present or "kAllVersions")
                args.append(nullable)
            elif present is not None:
                args.append(present)
            out.append(f"{pad}        io.field({', '.join(args)});")
        if tagged:
            out.append(f"{pad}        io.tags([&](auto &tag) {{")
            for f in tagged:
                cpp = self.cpp_type(f)
                present = versions_expr(f.get("taggedVersions", f.get("versions")), self.range) or "kAllVersions"
                args = [str(f["tag"]), f["name"], present]
                dv = self.default_value(f, cpp)
                if dv and dv not in (f"{cpp}{{0}}", f"{cpp}{{false}}"):
                    args.append(dv)
                out.append(f"{pad}            tag({', '.join(args)});")
            out.append(f"{pad}        }});")
        else:
            out.append(f"{pad}        io.tags();")
        out.append(f"{pad}    }}")
        out.append(f"{pad}}};")

    def top_constants(self, indent):
        pad = " " * indent
        flex = parse_versions(self.msg.get("flexibleVersions"))
        first_flex = flex[0] if flex else -1
        return [
            f"{pad}static constexpr spillway::core::ApiKey kApiKey = static_cast<spillway::core::ApiKey>({self.msg['apiKey']});",
            f"{pad}static constexpr std::int16_t kMinVersion = {self.range[0]};",
            f"{pad}static constexpr std::int16_t kMaxVersion = {self.range[1]};",
            f"{pad}static constexpr std::int16_t kFirstFlexibleVersion = {first_flex};",
            "",
        ]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "shared", "kafka-protocol", "messages")
    dst = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "..", "core", "protocol", "messages")
    pairs = {}
    for fn in sorted(os.listdir(src)):
        if not fn.endswith(".json"):
            continue
        msg = json.loads(strip_comments(open(os.path.join(src, fn), encoding="utf-8").read()))
        if msg.get("type") not in ("request", "response"):
            continue
        pairs.setdefault(msg["apiKey"], []).append(msg)
    written = []
    for key, msgs in sorted(pairs.items()):
        msgs.sort(key=lambda m: 0 if m["type"] == "request" else 1)
        api = msgs[0]["name"][: -len("Request")]
        out = [
            "// SPDX-License-Identifier: GPL-3.0-or-later",
            "// Generated by scripts/gen_protocol_messages.py from Kafka's message",
            "// definitions; do not edit by hand. Field names are Kafka's.",
            "#pragma once",
            "",
            '#include "core/protocol/message.h"',
            "",
            "#include <climits>",
            "#include <cstdint>",
            "#include <optional>",
            "#include <string>",
            "#include <vector>",
            "",
            "namespace spillway::core {",
            "",
        ]
        for m in msgs:
            g = Gen(m)
            flex = m.get("flexibleVersions", "none")
            out.append(f"/// {m['name']}: API key {key}, versions {m['validVersions']}, flexible {flex}.")
            g.emit_struct(m["name"], m["fields"], 0, out, top=True)
            out.append("")
        out.append("} // namespace spillway::core")
        name = snake(api) + ".h"
        with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
            f.write("\n".join(out) + "\n")
        written.append(name)
    with open(os.path.join(dst, "all.h"), "w", encoding="utf-8") as f:
        f.write("// SPDX-License-Identifier: GPL-3.0-or-later\n// Generated by scripts/gen_protocol_messages.py.\n#pragma once\n\n")
        for name in written:
            f.write(f'#include "core/protocol/messages/{name}"\n')
    # Keep the output in the project's style (scripts/check-format.sh checks it).
    clang_format = shutil.which("clang-format")
    if clang_format:
        subprocess.run([clang_format, "-i"] + [os.path.join(dst, n) for n in written + ["all.h"]], check=True)
    print(f"wrote {len(written)} message headers to {dst}")


if __name__ == "__main__":
    main()
