#!/usr/bin/env python3
"""Validate `ktcp --json` output against docs/ktcp.schema.json.

Usage:
  check-json.py [--schema FILE] [--require DEF,...] LOG...
      every "KTCP-JSON: DEF DOCUMENT" line of the LOGs (the VM console,
      where tests/vm/t-cli.sh writes what ktcp printed), DOCUMENT checked
      against the schema's $defs/DEF; --require: each of these DEFs must
      have been seen at least once.
  check-json.py [--schema FILE] --def DEF FILE...
      each FILE one document of definition DEF.

Prints one line per invalid document and a count; exits 1 if a document
is invalid, none was found, or a required definition never came, 2 on a
bad call. The schema itself is checked first (Draft 2020-12).
"""
import argparse
import json
import os
import re
import sys

try:
    import jsonschema
except ImportError:
    sys.exit("check-json: python3-jsonschema is missing (make deps)")

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RECORD = re.compile(rb"KTCP-JSON: ([a-z_]+) (.*)$")


def validator_for(schema, name):
    if name not in schema.get("$defs", {}):
        raise KeyError(name)
    sub = {"$schema": schema["$schema"], "$defs": schema["$defs"],
           "$ref": "#/$defs/" + name}
    return jsonschema.Draft202012Validator(sub)


def main():
    ap = argparse.ArgumentParser(add_help=True)
    ap.add_argument("--schema", default=os.path.join(TOP, "docs",
                                                     "ktcp.schema.json"))
    ap.add_argument("--require", default="")
    ap.add_argument("--def", dest="defn")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(f"check-json: {args.schema}: not a valid schema: {e.message}")
        return 1

    # Bytes, not text: the console has kernel lines that need not be
    # UTF-8, but a document must be (RFC 8259), so each is decoded alone,
    # strictly, and one that is not UTF-8 is invalid.
    records = []  # (where, def, bytes)
    for path in args.files:
        with open(path, "rb") as f:
            if args.defn:
                records.append((path, args.defn, f.read()))
                continue
            for n, line in enumerate(f, 1):
                m = RECORD.search(line.rstrip(b"\r\n"))
                if m:
                    records.append((f"{path}:{n}", m.group(1).decode(),
                                    m.group(2)))

    bad = 0
    seen = set()
    validators = {}
    for where, name, text in records:
        try:
            v = validators.setdefault(name, validator_for(schema, name))
        except KeyError:
            print(f"{where}: no definition '{name}' in the schema")
            bad += 1
            continue
        try:
            doc = json.loads(text.decode("utf-8"))
        except ValueError as e:  # UnicodeDecodeError is one
            print(f"{where}: {name}: not JSON ({e}): {text[:200]!r}")
            bad += 1
            continue
        errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors:
            path = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{where}: {name}: at {path}: {e.message}")
        if errors:
            bad += 1
        else:
            seen.add(name)
    missing = [d for d in args.require.split(",") if d and d not in seen]
    for d in missing:
        print(f"check-json: no valid '{d}' document was seen")
    print(f"check-json: {len(records) - bad} valid, {bad} invalid")
    return 1 if bad or missing or not records else 0


if __name__ == "__main__":
    sys.exit(main())
