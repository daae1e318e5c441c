#!/usr/bin/env python3
"""The Python peer of `loupe bench import`, on the files that command writes (--scratch DIR --keep).

  import_peer.py import DIR [--durability power_loss|process_crash]
      NDJSON and .npy vector import into SQLite the way a careful Python script would: orjson (or
      json) per line, numpy for the checks, one executemany per 10,000 rows into a WAL database
      with 64 KiB pages, vectors as float32 blobs keyed by row slot; with power_loss the last
      commit runs under synchronous=FULL (Loupe's acknowledgement rule).
  import_peer.py index DIR [--threads 2] [--ef 64]
      hnswlib (M=16, efConstruction=200) built from vectors.npy on --threads threads, then
      queries.npy one at a time on one thread: QPS, p50, p99 and recall@10 against exact cosine.

One JSON line per measurement on standard output, with the keys Loupe prints.
"""
import argparse
import json
import os
import sqlite3
import sys
import time

import numpy as np

try:
    import orjson

    loads, parser_name = orjson.loads, "orjson"
except ImportError:  # the peer still runs, slower
    loads, parser_name = json.loads, "json"


def connect(path, durability):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA page_size = 65536")
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE vector (key INTEGER PRIMARY KEY, data BLOB NOT NULL)")
    return db


def acknowledge(db, durability):
    if durability == "power_loss":
        db.execute("PRAGMA synchronous = FULL")
        db.execute("BEGIN IMMEDIATE")
        db.execute("CREATE TABLE IF NOT EXISTS synced (at REAL)")
        db.execute("COMMIT")


def store(db, rows):
    db.execute("BEGIN")
    db.executemany("INSERT OR REPLACE INTO vector (key, data) VALUES (?, ?)", rows)
    db.execute("COMMIT")


def import_ndjson(folder, durability, slots, dims):
    db = connect(os.path.join(folder, "peer-ndjson.sqlite"), durability)
    start, cpu = time.perf_counter(), time.process_time()
    rows, stored, rejected = [], 0, 0
    with open(os.path.join(folder, "vectors.ndjson"), "rb") as lines:
        for line in lines:
            if not line.strip():
                continue
            try:
                record = loads(line)
                slot = slots[record["id"]]
                vector = np.asarray(record["vector"], dtype=np.float32)
            except (ValueError, KeyError, TypeError):
                rejected += 1
                continue
            if vector.shape != (dims,) or not np.isfinite(vector).all() or not vector.any():
                rejected += 1
                continue
            rows.append(((1 << 32) | slot, vector.tobytes()))
            if len(rows) == 10_000:
                store(db, rows)
                stored += len(rows)
                rows = []
    if rows:
        store(db, rows)
        stored += len(rows)
    acknowledge(db, durability)
    return stored, time.perf_counter() - start, time.process_time() - cpu


def import_npy(folder, durability, slots, dims):
    db = connect(os.path.join(folder, "peer-npy.sqlite"), durability)
    start, cpu = time.perf_counter(), time.process_time()
    array = np.load(os.path.join(folder, "vectors.npy"), mmap_mode="r")
    with open(os.path.join(folder, "ids.txt")) as handle:
        ids = [line.strip() for line in handle]
    assert array.shape == (len(ids), dims), "ids and rows differ"
    stored = 0
    for first in range(0, len(ids), 10_000):
        block = np.ascontiguousarray(array[first:first + 10_000], dtype=np.float32)
        good = np.isfinite(block).all(axis=1) & block.any(axis=1)
        rows = [((1 << 32) | slots[ids[first + i]], block[i].tobytes()) for i in range(len(block)) if good[i]]
        store(db, rows)
        stored += len(rows)
    acknowledge(db, durability)
    return stored, time.perf_counter() - start, time.process_time() - cpu


def line(**fields):
    print(json.dumps(fields), flush=True)


def run_import(args):
    array = np.load(os.path.join(args.folder, "vectors.npy"), mmap_mode="r")
    count, dims = array.shape
    slots = {f"r{i}": i for i in range(count)}
    for stage, run in (("import_ndjson", import_ndjson), ("import_npy", import_npy)):
        stored, seconds, cpu = run(args.folder, args.durability, slots, dims)
        line(stage=stage, peer=f"python+{parser_name}+sqlite3", count=count, dims=dims, durability=args.durability,
             seconds=round(seconds, 3), per_second=round(stored / seconds), cpu_seconds=round(cpu, 3))


def run_index(args):
    import hnswlib

    base = np.load(os.path.join(args.folder, "vectors.npy"))
    queries = np.load(os.path.join(args.folder, "queries.npy"))
    count, dims = base.shape
    index = hnswlib.Index(space="cosine", dim=dims)
    start = time.perf_counter()
    index.init_index(max_elements=count, M=16, ef_construction=200, random_seed=42)
    index.set_num_threads(args.threads)
    index.add_items(base, np.arange(count))
    line(stage="index_build", peer="hnswlib", vectors=count, seconds=round(time.perf_counter() - start, 3), threads=args.threads)
    index.set_num_threads(1)
    index.set_ef(args.ef)
    normalized = base / np.linalg.norm(base, axis=1, keepdims=True)
    truth_count = min(200, len(queries))
    truth = [set(np.argsort(-(normalized @ (q / np.linalg.norm(q))))[:10]) for q in queries[:truth_count]]
    for q in queries[:200]:
        index.knn_query(q, k=10)
    latencies, answers = [], []
    start = time.perf_counter()
    for q in queries:
        t = time.perf_counter()
        labels, _ = index.knn_query(q, k=10)
        latencies.append(time.perf_counter() - t)
        answers.append(labels[0])
    seconds = time.perf_counter() - start
    recall = sum(len(truth[i] & set(answers[i])) for i in range(truth_count)) / (truth_count * 10)
    latencies.sort()
    line(stage="search", peer="hnswlib", clients=1, queries=len(queries), k=10, ef=args.ef, qps=round(len(queries) / seconds),
         p50_ms=round(latencies[len(latencies) // 2] * 1000, 3), p99_ms=round(latencies[int(len(latencies) * 0.99)] * 1000, 3),
         recall=round(recall, 4))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    imports = commands.add_parser("import")
    imports.add_argument("folder")
    imports.add_argument("--durability", default="power_loss", choices=["power_loss", "process_crash"])
    indexes = commands.add_parser("index")
    indexes.add_argument("folder")
    indexes.add_argument("--threads", type=int, default=2)
    indexes.add_argument("--ef", type=int, default=64)
    args = parser.parse_args()
    run_import(args) if args.command == "import" else run_index(args)


if __name__ == "__main__":
    sys.exit(main())
