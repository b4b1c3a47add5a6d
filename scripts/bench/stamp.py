#!/usr/bin/env python3
"""Prefixes each line of stdin with CLOCK_MONOTONIC seconds, the clock of
`perf record -k CLOCK_MONOTONIC`, so that `perf report --time start,end` can cut a profile
at the scenario boundaries printed by the benchmark."""
import sys, time

for line in sys.stdin:
    print(f"{time.clock_gettime(time.CLOCK_MONOTONIC):.3f} {line}", end="", flush=True)
