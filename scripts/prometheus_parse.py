#!/usr/bin/env python3
"""Parses a Prometheus text exposition (standard input) with the reference parser of the
Prometheus project (prometheus_client) and prints its samples as JSON lines:
{"family": ..., "type": ..., "name": ..., "labels": {...}, "value": ...}.
Exits non-zero, with the parser's message, on text the parser refuses."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def main() -> int:
    text = sys.stdin.read()
    try:
        for family in text_string_to_metric_families(text):
            for s in family.samples:
                print(json.dumps({
                    "family": family.name,
                    "type": family.type,
                    "name": s.name,
                    "labels": s.labels,
                    "value": s.value,
                }))
    except Exception as e:  # the parser's refusal is the test's failure
        print(f"unparsable exposition: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
