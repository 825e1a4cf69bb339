#!/usr/bin/env python3
"""Validate corral's JSON reports against docs/report.schema.json.

    tests/report_schema.py FILE...

Each FILE holds one report, on its last line: a --report file, or the
output of --report - (the command's output, then the report). Prints one line per
invalid report, naming the file and the failing key, and exits 1 if any is
invalid; 0 when every one is valid."""
import json
import os
import sys

import jsonschema

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "..", "docs", "report.schema.json")) as f:
    schema = json.load(f)
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
validator = cls(schema)
bad = 0
for path in sys.argv[1:]:
    try:
        with open(path, "rb") as f:
            lines = f.read().splitlines()
        report = json.loads(lines[-1] if lines else b"")
    except (OSError, ValueError) as e:
        print(f"{path}: not a JSON report: {e}")
        bad += 1
        continue
    for err in validator.iter_errors(report):
        where = "/".join(str(p) for p in err.absolute_path) or "(top)"
        print(f"{path}: {where}: {err.message}")
        bad += 1
sys.exit(1 if bad else 0)
