#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Check that the YNL spec of the ktcp family matches its UAPI header and
the kernel code, both ways, and print every difference.

  spec vs header: every command, attribute set, attribute, enum, flag,
      constant and multicast group: C name, value and type. A type comes
      from the attribute's comment in the header ("u32, ...", "nested,
      KTCP_OPT_A_*", "NUL-terminated string", "binary"), or from the
      enum's comment ("Counters, all u64"); *_UNSPEC is unused, *_PAD pad.
      A nest's comment names its set by prefix; "enum NAME" names an enum.
  spec vs kernel/: each policy entry's type and checks (min, max,
      max-len, flags-mask; reply-only attributes are NLA_REJECT and in no
      request), each operation's do/dump and admin-perm flag, the
      multicast groups, and that every event is sent somewhere.

Where the header's C differs from what YNL would generate, the spec says
so: render-max on an enum means its __X_MAX count member and X_MAX, as YNL
renders them; the command enum's X_CMD_UNSPEC = 0 is implied; flags-mask
may name a const as well as a flags definition. A flags entry's value is
a bit number, as in YNL. Checks that ynl-gen-c.py cannot render are in
KERNEL_ONLY_CHECKS. --generated compares the header that ynl-gen-c.py
made from the spec (scripts/check-ynl.sh) with ktcp.h instead.

Usage: check-spec.py [--spec FILE] [--header FILE] [--kernel DIR]
       check-spec.py [--header FILE] --generated FILE
Exit status: 0 when all match, 1 with one line per difference, 2 on a
usage or parse error.
"""

import argparse
import os
import re
import sys

try:
    import yaml
except ImportError:
    sys.exit("check-spec: python3-yaml is missing (make deps)")

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ParseError(Exception):
    pass


def c_upper(name):
    return name.upper().replace("-", "_")


def c_lower(name):
    return name.lower().replace("-", "_")


# --- C: comments, defines, enums, expressions -------------------------------

COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def strip_comments(text):
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def comment_text(c):
    c = re.sub(r"^/\*|\*/$|^//", "", c)
    return " ".join(re.sub(r"^\s*\*", "", ln).strip() for ln in c.splitlines()).strip()


def parse_defines(text):
    """Object-like #defines: name -> value text (comments removed)."""
    defs = {}
    text = strip_comments(text).replace("\\\n", " ")
    for m in re.finditer(r"^\s*#\s*define\s+(\w+)(\(?)(.*)$", text, re.M):
        if m.group(2):
            continue  # function-like
        defs[m.group(1)] = m.group(3).strip()
    return defs


def parse_enums(text):
    """enum NAME { ... }: name -> {doc, entries: [(cname, expr, comment)]}."""
    enums = {}
    for m in re.finditer(r"((?:/\*(?:(?!\*/).)*\*/\s*)?)enum\s+(\w+)\s*\{(.*?)\}\s*;",
                         text, re.S):
        doc = comment_text(m.group(1).strip()) if m.group(1).strip() else ""
        entries = []
        pending = []
        last_end_line = None
        body = m.group(3)
        pos = 0
        tok = re.compile(r"/\*.*?\*/|//[^\n]*|(\w+)\s*(?:=\s*([^,/]+?))?\s*(?:,|$)", re.S)
        while True:
            t = tok.search(body, pos)
            if not t:
                break
            line = body.count("\n", 0, t.start())
            if t.group(0).startswith("/"):
                text_c = comment_text(t.group(0))
                if entries and last_end_line == line:
                    name, expr, com = entries[-1]
                    entries[-1] = (name, expr, (com + " " + text_c).strip())
                else:
                    pending.append(text_c)
            elif t.group(1):
                entries.append((t.group(1), (t.group(2) or "").strip(), " ".join(pending)))
                pending = []
                last_end_line = body.count("\n", 0, t.end())
            pos = t.end() if t.end() > pos else pos + 1
        enums[m.group(2)] = {"doc": doc, "entries": entries}
    return enums


def evaluate(expr, names, depth=0):
    """An integer or string constant expression; names maps identifiers."""
    expr = expr.strip()
    if depth > 20:
        raise ParseError("recursive definition: " + expr)
    if re.fullmatch(r'"[^"]*"', expr):
        return expr[1:-1]

    def ident(m):
        word = m.group(0)
        if re.fullmatch(r"0[xX][0-9a-fA-F]+[uUlL]*|\d+[uUlL]*", word):
            return re.sub(r"[uUlL]+$", "", word)
        if word not in names:
            raise ParseError("unknown name %s in '%s'" % (word, expr))
        v = names[word]
        if isinstance(v, str):
            v = evaluate(v, names, depth + 1)
        return "(%d)" % v

    py = re.sub(r"\b\w+\b", ident, expr)
    if not re.fullmatch(r"[\s\d()+\-*/<>|&~xXa-fA-F]*", py):
        raise ParseError("not a constant expression: " + expr)
    return int(eval(py.replace("/", "//"), {"__builtins__": {}}))  # noqa: S307


# --- the header ------------------------------------------------------------------

TYPE_WORDS = [
    (r"\bNUL-terminated\b|\bstring\b", "string"),
    (r"\bnested\b", "nest"),
    (r"\bbinary\b", "binary"),
    (r"\bu8\b", "u8"), (r"\bu16\b", "u16"), (r"\bu32\b", "u32"),
    (r"\bu64\b", "u64"), (r"\bflag\b", "flag"),
]


def type_from_comment(comment):
    best = None
    for rx, t in TYPE_WORDS:
        m = re.search(rx, comment)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), t)
    return best[1] if best else None


class Header:
    def __init__(self, path):
        text = open(path).read()
        self.defines = parse_defines(text)
        self.enums = parse_enums(text)
        guard = [n for n, v in self.defines.items() if v == "" and n.startswith("_")]
        for g in guard:
            del self.defines[g]
        self.values = dict(self.defines)
        for e in self.enums.values():
            nxt = 0
            for name, expr, _ in e["entries"]:
                v = evaluate(expr, self.values) if expr else nxt
                self.values[name] = v
                nxt = v + 1
        for n in list(self.values):
            self.values[n] = evaluate(str(self.values[n]), self.values) \
                if isinstance(self.values[n], str) else self.values[n]

    def attr_type(self, enum, cname, comment):
        if cname.endswith("_UNSPEC"):
            return "unused"
        if cname.endswith("_PAD"):
            return "pad"
        t = type_from_comment(comment)
        if t:
            return t
        m = re.search(r"\ball (u8|u16|u32|u64)\b", self.enums[enum]["doc"])
        return m.group(1) if m else None


# --- kernel/ ------------------------------------------------------------------------

NLA_TYPES = {"NLA_U8": "u8", "NLA_U16": "u16", "NLA_U32": "u32", "NLA_U64": "u64",
             "NLA_NUL_STRING": "string", "NLA_STRING": "string",
             "NLA_BINARY": "binary", "NLA_FLAG": "flag", "NLA_NESTED": "nest",
             "NLA_REJECT": "reject"}


def split_top(s, sep=","):
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur)
    return [x.strip() for x in out]


class Kernel:
    def __init__(self, kdir, names):
        self.names = names
        sources = []
        for root, _, files in os.walk(kdir):
            for f in sorted(files):
                if f.endswith((".c", ".h")) and not f.endswith(".mod.c"):
                    sources.append(os.path.join(root, f))
        self.text = {p: strip_comments(open(p).read()) for p in sources}
        alltext = "\n".join(self.text.values())
        self.macros = parse_defines(alltext)
        self.ranges = {}
        for m in re.finditer(r"struct\s+netlink_range_validation\s+(\w+)\s*=\s*\{(.*?)\}\s*;",
                             alltext, re.S):
            r = {}
            for f in split_top(m.group(2)):
                fm = re.fullmatch(r"\.(min|max)\s*=\s*(.+)", f, re.S)
                if fm:
                    r[fm.group(1)] = self.value(fm.group(2))
            self.ranges[m.group(1)] = r
        self.policies = {}  # array name -> {cname: policy}
        for m in re.finditer(r"struct\s+nla_policy\s+(\w+)\s*\[[^\]]*\]\s*=\s*\{(.*?)\}\s*;",
                             alltext, re.S):
            entries = {}
            for item in split_top(m.group(2)):
                im = re.fullmatch(r"\[\s*(\w+)\s*\]\s*=\s*(.+)", item, re.S)
                if not im:
                    raise ParseError("policy %s: cannot read '%s'" % (m.group(1), item))
                entries[im.group(1)] = self.policy(im.group(2))
            self.policies[m.group(1)] = entries
        self.ops = {}
        for m in re.finditer(r"\{([^{}]*\.cmd\s*=\s*(\w+)[^{}]*)\}", alltext):
            body = m.group(1)
            self.ops[m.group(2)] = {
                "do": bool(re.search(r"\.doit\s*=", body)),
                "dump": bool(re.search(r"\.dumpit\s*=", body)),
                "admin": "GENL_ADMIN_PERM" in body,
            }
        self.mcgrps = set()
        for m in re.finditer(r"struct\s+genl_multicast_group\s+\w+\s*\[[^\]]*\]\s*=\s*\{(.*?)\}\s*;",
                             alltext, re.S):
            self.mcgrps |= set(re.findall(r"\.name\s*=\s*(\w+)", m.group(1)))
        self.alltext = alltext

    # Sizes the policies use, as on every Linux target.
    SIZEOF = {"struct in_addr": 4, "struct in6_addr": 16, "u32": 4}

    def value(self, expr):
        expr = re.sub(r"sizeof\s*\(\s*([^)]*?)\s*\)",
                      lambda m: str(self.SIZEOF[m.group(1)]), expr)
        return evaluate(expr, {"INT_MAX": 0x7fffffff, **self.macros, **self.names})

    def policy(self, expr):
        expr = " ".join(expr.split())
        if re.fullmatch(r"\w+", expr) and expr in self.macros:
            return self.policy(self.macros[expr])
        p = {}
        m = re.fullmatch(r"\{(.*)\}", expr)
        if m:
            for f in split_top(m.group(1)):
                fm = re.fullmatch(r"\.(\w+)\s*=\s*(.+)", f)
                if fm and fm.group(1) == "type":
                    p["type"] = NLA_TYPES.get(fm.group(2), fm.group(2))
                elif fm and fm.group(1) == "len":
                    p["max-len"] = self.value(fm.group(2))
            return p
        m = re.fullmatch(r"(NLA_POLICY_\w+)\((.*)\)", expr)
        if not m:
            raise ParseError("cannot read policy '%s'" % expr)
        kind, args = m.group(1), split_top(m.group(2))
        if kind == "NLA_POLICY_NESTED":
            return {"type": "nest", "nested": args[0]}
        p["type"] = NLA_TYPES.get(args[0], args[0])
        if kind == "NLA_POLICY_MIN":
            p["min"] = self.value(args[1])
        elif kind == "NLA_POLICY_MAX":
            p["max"] = self.value(args[1])
        elif kind == "NLA_POLICY_RANGE":
            p["min"], p["max"] = self.value(args[1]), self.value(args[2])
        elif kind == "NLA_POLICY_FULL_RANGE":
            r = self.ranges[args[1].lstrip("&")]
            p.update({k: v for k, v in r.items()})
        elif kind == "NLA_POLICY_MASK":
            p["flags-mask"] = self.value(args[1])
        elif kind == "NLA_POLICY_VALIDATE_FN":
            # The function checks the length (4 or 16 bytes, whole u32s),
            # which YNL cannot say: the spec gives a min-len at most.
            pass
        else:
            raise ParseError("unknown policy macro %s" % kind)
        # A lower bound of 0 on an unsigned type is no bound.
        if p.get("min") == 0:
            del p["min"]
        return p


# --- the spec ------------------------------------------------------------------


class Spec:
    def __init__(self, path):
        self.y = yaml.safe_load(open(path))
        y = self.y
        if not isinstance(y, dict):
            raise ParseError("%s is not a YAML mapping" % path)
        fam = y["name"]
        self.family = fam
        self.items = {}  # C name -> value, everything the spec defines
        self.enums = {}  # C enum name -> [(cname, value)]
        self.consts = {}  # spec name -> value (for flags-mask etc.)
        self.c_family = c_upper(y.get("c-family-name", fam + "-family-name"))
        self.c_version = c_upper(y.get("c-version-name", fam + "-family-version"))
        self.items[self.c_family] = fam
        self.items[self.c_version] = y.get("version", 1)
        for d in y.get("definitions", []):
            self.definition(fam, d)
        self.sets = {}
        for s in y["attribute-sets"]:
            self.attr_set(fam, s)
        self.operations(fam, y["operations"])
        self.mcgrps = {}
        for g in y.get("mcast-groups", {}).get("list", []):
            c = c_upper(g.get("c-define-name", "%s-mcgrp-%s" % (fam, g["name"])))
            self.mcgrps[g["name"]] = c
            self.items[c] = g["name"]

    def add(self, cname, value):
        if cname in self.items:
            raise ParseError("spec defines %s twice" % cname)
        self.items[cname] = value

    def definition(self, fam, d):
        t = d["type"]
        if t == "const":
            c = c_upper(d.get("name-prefix", fam + "-") + d["name"])
            self.add(c, d["value"])
            self.consts[d["name"]] = d["value"]
            return
        prefix = d.get("name-prefix", "%s-%s-" % (fam, d["name"]))
        entries, v = [], d.get("value-start", 0)
        mask = bit = 0
        for i, e in enumerate(d["entries"]):
            e = e if isinstance(e, dict) else {"name": e}
            if t == "flags":
                # As YNL: a value is a bit number, counting on from the
                # previous entry's (from value-start, 0, for the first).
                bit = e.get("value", bit + 1 if i else d.get("value-start", 0))
                v = 1 << bit
                mask |= v
            else:
                v = e.get("value", v)
            c = c_upper(prefix + e["name"])
            self.add(c, v)
            entries.append((c, v))
            v += 1
        if t == "flags":
            self.consts[d["name"]] = mask
            # A C enum, as YNL renders flags (its generated code uses
            # the enum type).
            self.enums[c_lower(d.get("enum-name", "%s-%s" % (fam, d["name"])))] = entries
            return
        if d.get("render-max"):
            # The count member, and NAME_MAX one below it (a define here).
            cnt = c_upper("--" + prefix + "max")
            self.add(cnt, v)
            entries.append((cnt, v))
            self.add(c_upper(prefix + "max"), v - 1)
        self.enums[c_lower(d.get("enum-name", "%s-%s" % (fam, d["name"])))] = entries

    def attr_set(self, fam, s):
        prefix = s.get("name-prefix", "%s-%s-a-" % (fam, s["name"]))
        attrs, v = [], 1
        for a in s["attributes"]:
            v = a.get("value", v)
            c = c_upper(prefix + a["name"])
            self.add(c, v)
            attrs.append({**a, "c": c, "value": v})
            v += 1
        ename = c_lower(s.get("enum-name", "%s-%s-attrs" % (fam, s["name"])))
        cnt = c_upper(s.get("attr-cnt-name", "--" + prefix + "max"))
        self.add(cnt, v)
        entries = [(a["c"], a["value"]) for a in attrs] + [(cnt, v)]
        mx = c_upper(s.get("attr-max-name", prefix + "max"))
        self.add(mx, v - 1)
        self.enums[ename] = entries
        self.sets[s["name"]] = {"prefix": c_upper(prefix), "attrs": attrs, "enum": ename}

    def operations(self, fam, ops):
        prefix = ops.get("name-prefix", fam + "-cmd-")
        self.ops, v = [], 1
        entries = []
        unspec = c_upper(prefix + "unspec")
        for o in ops["list"]:
            v = o.get("value", v)
            c = c_upper(prefix + o["name"])
            self.add(c, v)
            self.ops.append({**o, "c": c, "value": v})
            entries.append((c, v))
            v += 1
        # The command enum starts with an implied UNSPEC = 0.
        self.add(unspec, 0)
        entries.insert(0, (unspec, 0))
        cnt = c_upper(self.y.get("cmd-cnt-name", "--" + prefix + "max"))
        self.add(cnt, v)
        entries.append((cnt, v))
        self.add(c_upper(self.y.get("cmd-max-name", prefix + "max")), v - 1)
        self.enums[c_lower(ops.get("enum-name", fam + "-commands"))] = entries

    def attr_by_c(self):
        return {a["c"]: (sname, a) for sname, s in self.sets.items() for a in s["attrs"]}


# --- the comparisons ------------------------------------------------------------


def compare_header(spec, hdr, diffs):
    hv = hdr.values
    for c in sorted(set(hv) | set(spec.items)):
        if c not in spec.items:
            diffs.append("only in the header: %s = %r" % (c, hv[c]))
        elif c not in hv:
            diffs.append("only in the spec: %s = %r" % (c, spec.items[c]))
        elif hv[c] != spec.items[c]:
            diffs.append("%s: header %r, spec %r" % (c, hv[c], spec.items[c]))
    for ename in sorted(set(hdr.enums) | set(spec.enums)):
        if ename not in spec.enums:
            diffs.append("only in the header: enum %s" % ename)
            continue
        if ename not in hdr.enums:
            diffs.append("only in the spec: enum %s" % ename)
            continue
        h = [n for n, _, _ in hdr.enums[ename]["entries"]]
        s = [n for n, _ in spec.enums[ename]]
        if set(h) != set(s):
            only_h, only_s = sorted(set(h) - set(s)), sorted(set(s) - set(h))
            diffs.append("enum %s: members differ: header only %s, spec only %s"
                         % (ename, only_h or "-", only_s or "-"))
    # Types, nests and enums of attributes, from the header's comments.
    prefixes = {s["prefix"]: name for name, s in spec.sets.items()}
    enum_of = {c_lower(d.get("enum-name", "%s-%s" % (spec.family, d["name"]))): d["name"]
               for d in spec.y.get("definitions", []) if d["type"] == "enum"}
    for sname, s in spec.sets.items():
        if s["enum"] not in hdr.enums:
            continue
        comments = {n: com for n, _, com in hdr.enums[s["enum"]]["entries"]}
        for a in s["attrs"]:
            if a["c"] not in comments:
                continue
            com = comments[a["c"]]
            ht = hdr.attr_type(s["enum"], a["c"], com)
            if ht is None:
                diffs.append("%s: the header's comment names no type: '%s'" % (a["c"], com))
            elif ht != a.get("type"):
                diffs.append("%s: type %s in the header, %s in the spec"
                             % (a["c"], ht, a.get("type")))
            m = re.search(r"\b(KTCP_\w+?_)\*", com)
            if ht == "nest" and m:
                want = prefixes.get(m.group(1))
                if want != a.get("nested-attributes"):
                    diffs.append("%s: nests %s* in the header, set %s in the spec"
                                 % (a["c"], m.group(1), a.get("nested-attributes")))
            m = re.search(r"\benum (\w+)", com)
            if m and enum_of.get(m.group(1)) != a.get("enum"):
                diffs.append("%s: enum %s in the header, %s in the spec"
                             % (a["c"], m.group(1), a.get("enum")))
    # Notification-only commands are events in the spec.
    hcmds = {n: com for e in hdr.enums.values() for n, _, com in e["entries"]}
    for o in spec.ops:
        note = "notification only" in hcmds.get(o["c"], "")
        is_event = "event" in o or "notify" in o
        if note != is_event:
            diffs.append("%s: %s in the header, %s in the spec"
                         % (o["c"], "notification only" if note else "a request",
                            "an event" if is_event else "a request"))
        if is_event and o.get("mcgrp") not in spec.mcgrps:
            diffs.append("%s: event of unknown group %s" % (o["c"], o.get("mcgrp")))


def request_attrs(spec):
    names = set()
    for o in spec.ops:
        for kind in ("do", "dump"):
            for a in o.get(kind, {}).get("request", {}).get("attributes", []):
                names.add((o.get("attribute-set"), a))
    return names


# Checks of kernel policies that the spec cannot carry for ynl-gen-c.py
# (6.12) to accept it or render them right: C name -> the checks.
KERNEL_ONLY_CHECKS = {
    # A flags-mask is rendered as if the flags were contiguous; drop-state's
    # are not (no CLOSE, no LISTEN).
    "KTCP_FILTER_A_STATES": {"flags-mask": "drop-state"},
}


def compare_kernel(spec, kern, diffs):
    by_c = spec.attr_by_c()
    requested = request_attrs(spec)
    policy_sets = {}
    for pname, entries in kern.policies.items():
        for c, p in entries.items():
            if c not in by_c:
                diffs.append("policy %s: %s is not in the spec" % (pname, c))
                continue
            sname, a = by_c[c]
            policy_sets.setdefault(pname, set()).add(sname)
            if p.get("type") == "reject":
                if (sname, a["name"]) in requested:
                    diffs.append("%s: rejected by policy %s but in a request of the spec"
                                 % (c, pname))
                continue
            if p.get("type") != a.get("type"):
                diffs.append("%s: policy %s has type %s, the spec %s"
                             % (c, pname, p.get("type"), a.get("type")))
            if p.get("type") == "nest":
                nested = kern.policies.get(p["nested"], {})
                want = spec.sets.get(a.get("nested-attributes"), {}).get("prefix", "?")
                bad = [n for n in nested if not n.startswith(want)]
                if bad:
                    diffs.append("%s: nests policy %s (%s), the spec set %s"
                                 % (c, p["nested"], ", ".join(bad), a.get("nested-attributes")))
                continue
            checks = dict(a.get("checks", {}))
            checks.pop("min-len", None)  # enforced by a validation function
            checks.update(KERNEL_ONLY_CHECKS.get(c, {}))
            if "flags-mask" in checks:
                checks["flags-mask"] = spec.consts.get(checks["flags-mask"], checks["flags-mask"])
            for k in ("min", "max", "max-len"):
                if isinstance(checks.get(k), str):
                    checks[k] = spec.consts.get(checks[k], checks[k])
            pol = {k: v for k, v in p.items() if k != "type"}
            if pol != checks:
                diffs.append("%s: policy %s checks %s, the spec %s"
                             % (c, pname, pol or "nothing", checks or "nothing"))
    for pname, sets in policy_sets.items():
        if len(sets) > 1:
            diffs.append("policy %s mixes the sets %s" % (pname, ", ".join(sorted(sets))))
    # Attributes of requests need a policy entry.
    allpol = {c for e in kern.policies.values() for c in e}
    for sname, aname in sorted(requested):
        c = c_upper(spec.sets[sname]["prefix"].lower() + aname) if sname in spec.sets else aname
        if c not in allpol:
            diffs.append("%s: in a request of the spec, but no policy in kernel/" % c)
    # Operations.
    for o in spec.ops:
        k = kern.ops.get(o["c"])
        if "event" in o or "notify" in o:
            if k:
                diffs.append("%s: an event in the spec, an operation in kernel/" % o["c"])
            if not re.search(r"\b%s\b" % o["c"], kern.alltext):
                diffs.append("%s: an event in the spec that kernel/ never sends" % o["c"])
            continue
        if not k:
            diffs.append("%s: in the spec, not in kernel/'s operations" % o["c"])
            continue
        have = {"do": "do" in o, "dump": "dump" in o,
                "admin": "admin-perm" in o.get("flags", [])}
        for key in ("do", "dump", "admin"):
            if have[key] != k[key]:
                diffs.append("%s: %s %s in the spec, %s in kernel/"
                             % (o["c"], key, "yes" if have[key] else "no",
                                "yes" if k[key] else "no"))
    known = {o["c"] for o in spec.ops}
    for c in sorted(set(kern.ops) - known):
        diffs.append("%s: an operation in kernel/, not in the spec" % c)
    groups = set(spec.mcgrps.values())
    for c in sorted(groups ^ kern.mcgrps):
        diffs.append("multicast group %s: only in %s" % (c, "the spec" if c in groups else "kernel/"))


def check_generated(gen_path, hdr_path):
    """Every define and enumerator of gen_path is in hdr_path, equal."""
    try:
        gen, hdr = Header(gen_path), Header(hdr_path)
    except (ParseError, OSError) as e:
        print("check-spec: cannot check: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    diffs = []
    for name in sorted(gen.values):
        # The include guard is the generator's own.
        if name.startswith("_UAPI_") or name.startswith("_LINUX_"):
            continue
        if name not in hdr.values:
            diffs.append("%s: generated from the spec, not in %s"
                         % (name, os.path.relpath(hdr_path)))
        elif gen.values[name] != hdr.values[name]:
            diffs.append("%s: %r generated from the spec, %r in %s"
                         % (name, gen.values[name], hdr.values[name],
                            os.path.relpath(hdr_path)))
    for d in diffs:
        print("check-spec: " + d)
    if diffs:
        return 1
    print("check-spec: the %d names of the generated header are in %s"
          % (len(gen.values), os.path.relpath(hdr_path)))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\nUsage:")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Exit status: 0 when all match, 1 with one line "
                                 "per difference, 2 when a file cannot be read.")
    ap.add_argument("--spec", default=os.path.join(TOP, "include/uapi/linux/ktcp.yaml"),
                    help="the YNL spec (default: %(default)s)")
    ap.add_argument("--header", default=os.path.join(TOP, "include/uapi/linux/ktcp.h"),
                    help="the UAPI header (default: %(default)s)")
    ap.add_argument("--kernel", default=os.path.join(TOP, "kernel"),
                    help="kernel source directory ('' to skip those checks)")
    ap.add_argument("--generated", metavar="FILE",
                    help="instead: check that every name FILE (the UAPI header "
                    "ynl-gen-c.py made from the spec) defines is in the header, "
                    "with the same value")
    args = ap.parse_args()
    if args.generated:
        return check_generated(args.generated, args.header)
    try:
        spec = Spec(args.spec)
        hdr = Header(args.header)
        diffs = []
        compare_header(spec, hdr, diffs)
        if args.kernel:
            compare_kernel(spec, Kernel(args.kernel, hdr.values), diffs)
    except (ParseError, KeyError, TypeError, AttributeError, OSError,
            yaml.YAMLError) as e:
        # A malformed spec (a missing key, a list where a mapping belongs).
        print("check-spec: cannot check: %s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 2
    for d in diffs:
        print("check-spec: " + d)
    if diffs:
        print("check-spec: %s and %s differ in %d place(s)"
              % (os.path.relpath(args.spec), os.path.relpath(args.header), len(diffs)))
        return 1
    nattrs = sum(len(s["attrs"]) for s in spec.sets.values())
    print("check-spec: %s matches %s%s (%d commands, %d attributes, %d multicast group(s))"
          % (os.path.relpath(args.spec), os.path.relpath(args.header),
             " and " + os.path.relpath(args.kernel) if args.kernel else "",
             len(spec.ops), nattrs, len(spec.mcgrps)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
