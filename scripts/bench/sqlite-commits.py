#!/usr/bin/env python3
"""Raw durable SQLite commit rate on this disk: one small row per transaction, WAL mode,
synchronous=FULL (the settings mds uses). The ceiling for any design that writes one durable
audit event per request. Usage: scripts/bench/sqlite-commits.py [COUNT] [DIR]"""
import os, sqlite3, sys, tempfile, time

count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
base = sys.argv[2] if len(sys.argv) > 2 else None
with tempfile.TemporaryDirectory(dir=base) as d:
    db = sqlite3.connect(os.path.join(d, "commits.db"), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)")
    started = time.perf_counter()
    for i in range(count):
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t (payload) VALUES (?)", ("x" * 200,))
        db.execute("COMMIT")
    secs = time.perf_counter() - started
    print(f"{count} durable commits in {secs:.2f} s: {count / secs:.0f} commits/s")
