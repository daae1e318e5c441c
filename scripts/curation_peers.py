#!/usr/bin/env python3
"""The peers of `loupe bench curation`: scikit-learn's KMeans and umap-learn, on the same file.

  curation_peers.py export --images T10K.gz --labels LABELS.gz --out DIR
      Decodes Fashion-MNIST's gzip IDX files into DIR/fashion-mnist-10k.fvecs (pixels / 255 as
      float32, 784-d) and DIR/fashion-mnist-10k-labels.ivecs, the files both sides read.
  curation_peers.py run --data FILE.fvecs [--kmeans 10,100] [--restarts 3] [--threads 2]
                        [--loupe-embedding FILE.f32] [--umap-runs 2]
      One JSON line per measurement, with the keys `loupe bench curation` prints:
      - KMeans(n_clusters=k, n_init=restarts, algorithm="lloyd", init="k-means++", max_iter=300,
        tol=1e-4): wall time of fit, inertia_ (and the inertia recomputed in float64), n_iter_.
      - umap.UMAP() with its defaults (15 neighbours, min_dist 0.1, spectral init), no
        random_state so that numba runs it in parallel; run `--umap-runs` times in one process:
        the first includes numba's JIT compilation, the later ones do not. Trustworthiness (k=10)
        by sklearn.manifold.trustworthiness.
      - sklearn's trustworthiness of Loupe's embedding (--loupe-embedding), so that both
        embeddings are scored by the same code.
Threads: threadpoolctl limits BLAS and OpenMP to --threads; set NUMBA_NUM_THREADS (the bench
script does) before starting Python.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    dims = magic & 0xFF
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def write_vecs(path, rows, dtype):
    rows = np.ascontiguousarray(rows, dtype=dtype)
    n, d = rows.shape
    out = np.empty((n, d + 1), dtype=dtype)
    out.view(np.int32)[:, 0] = d
    out[:, 1:] = rows
    out.tofile(path)


def read_fvecs(path):
    raw = np.fromfile(path, dtype=np.float32)
    d = raw[:1].view(np.int32)[0]
    return np.ascontiguousarray(raw.reshape(-1, d + 1)[:, 1:])


def export(args):
    images = read_idx(args.images).reshape(-1, 28 * 28).astype(np.float32) / 255.0
    labels = read_idx(args.labels).astype(np.int32).reshape(-1, 1)
    os.makedirs(args.out, exist_ok=True)
    write_vecs(os.path.join(args.out, "fashion-mnist-10k.fvecs"), images, np.float32)
    write_vecs(os.path.join(args.out, "fashion-mnist-10k-labels.ivecs"), labels, np.int32)
    print(f"wrote {images.shape[0]} rows × {images.shape[1]} to {args.out}", file=sys.stderr)


def emit(**fields):
    print(json.dumps(fields), flush=True)


def run(args):
    from threadpoolctl import threadpool_limits, threadpool_info
    from sklearn.cluster import KMeans
    from sklearn.manifold import trustworthiness

    X = read_fvecs(args.data)
    with threadpool_limits(limits=args.threads):
        for pool in threadpool_info():
            print(f"threadpool: {pool.get('internal_api')} {pool.get('num_threads')} threads "
                  f"{pool.get('architecture', '')}", file=sys.stderr)
        for k in [int(v) for v in args.kmeans.split(",") if v]:
            model = KMeans(n_clusters=k, n_init=args.restarts, algorithm="lloyd", init="k-means++",
                           max_iter=300, tol=1e-4, random_state=args.seed)
            start = time.perf_counter()
            model.fit(X)
            seconds = time.perf_counter() - start
            centres = model.cluster_centers_.astype(np.float64)
            exact = float(((X.astype(np.float64) - centres[model.labels_]) ** 2).sum())
            emit(task="kmeans", implementation="sklearn", k=k, restarts=args.restarts, seconds=round(seconds, 4),
                 inertia=round(float(model.inertia_), 2), inertia_float64=round(exact, 2), iterations=int(model.n_iter_))
        if args.umap_runs > 0:
            import umap
            import numba
            for run_index in range(args.umap_runs):
                reducer = umap.UMAP(n_neighbors=15, min_dist=0.1, n_components=2)
                start = time.perf_counter()
                embedding = reducer.fit_transform(X)
                seconds = time.perf_counter() - start
                trust = trustworthiness(X, embedding, n_neighbors=10)
                emit(task="umap", implementation="umap-learn", run=run_index + 1, includes_jit=run_index == 0,
                     seconds=round(seconds, 4), trustworthiness=round(float(trust), 4),
                     numba_threads=numba.get_num_threads())
        if args.loupe_embedding:
            embedding = np.fromfile(args.loupe_embedding, dtype=np.float32).reshape(X.shape[0], -1)
            trust = trustworthiness(X, embedding, n_neighbors=10)
            emit(task="umap", implementation="loupe (sklearn's score)", trustworthiness=round(float(trust), 4))


def main():
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers(dest="command", required=True)
    e = commands.add_parser("export")
    e.add_argument("--images", required=True)
    e.add_argument("--labels", required=True)
    e.add_argument("--out", required=True)
    r = commands.add_parser("run")
    r.add_argument("--data", required=True)
    r.add_argument("--kmeans", default="10,100")
    r.add_argument("--restarts", type=int, default=3)
    r.add_argument("--threads", type=int, default=2)
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--umap-runs", type=int, default=2)
    r.add_argument("--loupe-embedding")
    args = parser.parse_args()
    export(args) if args.command == "export" else run(args)


if __name__ == "__main__":
    main()
