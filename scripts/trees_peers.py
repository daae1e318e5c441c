#!/usr/bin/env python3
"""scikit-learn's exact trees (KDTree, BallTree) on a texmex dataset, under the rules of
`loupe bench trees`: one JSON line per setting on standard output.

    trees_peers.py --data DIR [--leaf-sizes default,40,16] [--repeats 3] [--nq N]

DIR holds base.fvecs, query.fvecs and groundtruth.ivecs as written by
shared/bench/ann_peers.py --export-only. Every thread pool is pinned to one thread. For each
class and leaf size: the build time; "qps_1q", a Python loop with one query per call (best of
--repeats passes after a warm-up; it includes the per-call overhead a Python user pays); and
"qps_batch", one call with every query. recall@10 is against the first 10 ground-truth ids.
Distances are Euclidean; on the unit vectors of these datasets they rank like cosine.
"""
import os

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

import argparse
import inspect
import json
import sys
import time

import numpy as np
from sklearn.neighbors import BallTree, KDTree

K = 10


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        raise SystemExit(f"{path} is empty")
    width = int(raw[0])
    if width <= 0 or raw.size % (width + 1) != 0:
        raise SystemExit(f"{path}: not a texmex file of rows of {width} values")
    rows = raw.reshape(-1, width + 1)
    if not (rows[:, 0] == width).all():
        raise SystemExit(f"{path}: rows of different widths")
    return np.ascontiguousarray(rows[:, 1:]).view(dtype)


def default_leaf_size(cls):
    for source in (cls.__init__, cls):
        try:
            parameter = inspect.signature(source).parameters.get("leaf_size")
            if parameter is not None and parameter.default is not inspect.Parameter.empty:
                return int(parameter.default)
        except (TypeError, ValueError):
            pass
    doc = cls.__doc__ or ""
    marker = "leaf_size : positive int, default="
    if marker in doc:
        return int(doc.split(marker, 1)[1].split()[0].rstrip(","))
    raise SystemExit(f"cannot find the default leaf_size of {cls.__name__}")


def recall_at_10(found, truth):
    hits = sum(len(set(f[:K].tolist()) & set(t[:K].tolist())) for f, t in zip(found, truth))
    return hits / (K * len(found))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder with base.fvecs, query.fvecs, groundtruth.ivecs")
    ap.add_argument("--leaf-sizes", default="default,40,16",
                    help="comma list of leaf sizes; 'default' is the library's own (%(default)s)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--nq", type=int, default=None, help="use only the first NQ queries")
    args = ap.parse_args()

    base = read_vecs(os.path.join(args.data, "base.fvecs"), np.float32)
    queries = read_vecs(os.path.join(args.data, "query.fvecs"), np.float32)
    truth = read_vecs(os.path.join(args.data, "groundtruth.ivecs"), np.int32)
    if args.nq:
        queries, truth = queries[: args.nq], truth[: args.nq]
    name = os.path.basename(os.path.normpath(args.data))
    print(f"{name}: {base.shape[0]} x {base.shape[1]} base, {len(queries)} queries", file=sys.stderr)

    for cls in (KDTree, BallTree):
        default = default_leaf_size(cls)
        seen = set()
        for item in args.leaf_sizes.split(","):
            item = item.strip()
            leaf = default if item == "default" else int(item)
            if leaf in seen:
                continue
            seen.add(leaf)
            start = time.perf_counter()
            tree = cls(base, leaf_size=leaf)
            build = time.perf_counter() - start

            def one(q):
                return tree.query(q[None, :], k=K, return_distance=False)[0]

            for q in queries[:50]:
                one(q)
            best, best_cpu, found = float("inf"), float("inf"), None
            for _ in range(args.repeats):
                cpu, wall = time.thread_time(), time.perf_counter()
                results = [one(q) for q in queries]
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                if wall < best:
                    best, found = wall, results
                best_cpu = min(best_cpu, cpu)
            batch = float("inf")
            for _ in range(args.repeats):
                start = time.perf_counter()
                tree.query(queries, k=K, return_distance=False)
                batch = min(batch, time.perf_counter() - start)
            setting = f"leaf {leaf}" + (" (default)" if leaf == default else "")
            line = dict(dataset=name, lib="sklearn", index=cls.__name__, setting=setting, leaf_size=leaf,
                        build_s=round(build, 4), qps_1q=round(len(queries) / best, 1),
                        qps_batch=round(len(queries) / batch, 1), cpu_qps_1q=round(len(queries) / best_cpu, 1),
                        recall_at_10=round(recall_at_10(found, truth), 4))
            print(json.dumps(line), flush=True)
            print(f"{cls.__name__} {setting}: built in {build:.3f} s, {line['qps_1q']:.0f} QPS single, "
                  f"{line['qps_batch']:.0f} batch, recall@10 {line['recall_at_10']:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
