#!/usr/bin/env python3
"""ivf_peer.py -- faiss IVF on a texmex dataset folder, under ann_peers.py's timing rules.

ann_peers.py has no IVF runner; this peer measures faiss on the same files `loupe bench ann` reads
(base.fvecs, query.fvecs, groundtruth.ivecs as written by `ann_peers.py --export-only`) and imports
ann_peers.py's own timing helpers, so the rules are identical: the build (train + add) on
--build-threads threads, every query on one thread (OMP/BLAS pinned to 1), the best of --repeats
passes after a 50-query warm-up, recall@10 against the first 10 ids of groundtruth.ivecs, and
mem_mb the size of the serialised index.

  * flat : faiss IndexIVFFlat(IndexFlatIP, d, nlist, METRIC_INNER_PRODUCT)   (spherical k-means)
  * sq8  : faiss IndexIVFScalarQuantizer(QT_8bit) wrapped in IndexRefineFlat, k_factor = --k-factor
           (int8 lists whose best k * k_factor candidates are rescored exactly, as Loupe's ivf-int8)

    ivf_peer.py --data DIR [--nlist 1024] [--nprobe 1,2,4,8,16,32,64] [--kinds flat,sq8]
                [--k-factor 10] [--repeats 3] [--build-threads N] [--shared-bench DIR]

stdout: one JSON line per setting, with the keys of ann_peers.py (dataset, lib, setting, build_s,
qps_1q, qps_batch, recall_at_10, mem_mb) plus kind, nlist, nprobe, scanned (mean vectors in the
probed lists), p50_us, p99_us, build_threads.
"""
import argparse
import json
import os
import sys
import tempfile


def parse():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, help="folder with base.fvecs, query.fvecs, groundtruth.ivecs")
    ap.add_argument("--nlist", type=int, default=1024)
    ap.add_argument("--nprobe", default="1,2,4,8,16,32,64")
    ap.add_argument("--kinds", default="flat,sq8")
    ap.add_argument("--k-factor", type=int, default=10)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--build-threads", type=int, default=os.cpu_count())
    ap.add_argument("--shared-bench", default=os.environ.get("SHARED_BENCH", os.path.join(here, "..", "..", "shared", "bench")),
                    help="folder of ann_peers.py (default: $SHARED_BENCH or ../shared/bench beside the repository)")
    return ap.parse_args()


def read_vecs(path, dtype):
    import numpy as np
    raw = np.fromfile(path, dtype=np.int32)
    if raw.size == 0:
        raise SystemExit(f"{path} is empty")
    d = int(raw[0])
    if d <= 0 or raw.size % (d + 1):
        raise SystemExit(f"{path}: not a whole number of rows of {d} values")
    rows = raw.reshape(-1, d + 1)
    if (rows[:, 0] != d).any():
        raise SystemExit(f"{path}: rows of different widths")
    return np.ascontiguousarray(rows[:, 1:]).view(dtype)


def main():
    args = parse()
    sys.path.insert(0, os.path.abspath(args.shared_bench))
    try:
        import ann_peers as peers   # pins OMP/BLAS threads to 1 before numpy and faiss load
    except ImportError:
        raise SystemExit(f"cannot import ann_peers.py from {args.shared_bench} (set --shared-bench or SHARED_BENCH)")
    import faiss
    import numpy as np

    B = read_vecs(os.path.join(args.data, "base.fvecs"), np.float32)
    Q = read_vecs(os.path.join(args.data, "query.fvecs"), np.float32)
    gt = read_vecs(os.path.join(args.data, "groundtruth.ivecs"), np.int32)
    d = B.shape[1]
    name = os.path.basename(os.path.normpath(args.data))
    nprobes = [int(x) for x in args.nprobe.split(",") if x.strip()]
    peers.log(f"{name}: base {B.shape}, queries {Q.shape}, faiss {faiss.__version__}")
    for kind in [k.strip() for k in args.kinds.split(",") if k.strip()]:
        quantizer = faiss.IndexFlatIP(d)
        if kind == "flat":
            ivf = faiss.IndexIVFFlat(quantizer, d, args.nlist, faiss.METRIC_INNER_PRODUCT)
            index, label = ivf, f"IndexIVFFlat nlist={args.nlist}"
        elif kind == "sq8":
            ivf = faiss.IndexIVFScalarQuantizer(quantizer, d, args.nlist, faiss.ScalarQuantizer.QT_8bit,
                                                faiss.METRIC_INNER_PRODUCT)
            index = faiss.IndexRefineFlat(ivf)
            index.k_factor = args.k_factor
            label = f"IndexIVFScalarQuantizer SQ8 nlist={args.nlist} + refine k_factor={args.k_factor}"
        else:
            raise SystemExit(f"unknown kind {kind!r}: use flat or sq8")
        faiss.omp_set_num_threads(args.build_threads)
        t = peers.now()
        index.train(B)
        index.add(B)
        build = peers.now() - t
        faiss.omp_set_num_threads(1)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "ivf.faiss")
            faiss.write_index(index, path)
            mem = peers.file_mb(path)
        peers.log(f"{kind}: trained and filled in {build:.2f}s on {args.build_threads} threads, {mem:.1f} MB")
        sizes = np.array([ivf.invlists.list_size(i) for i in range(args.nlist)])
        for nprobe in nprobes:
            ivf.nprobe = nprobe
            # Mean vectors in the probed lists (untimed): the work a query does.
            _, probed = quantizer.search(Q, nprobe)
            scanned = float(sizes[probed].sum(axis=1).mean())
            qps, p50, p99, ids = peers.time_single(lambda q: index.search(q[None, :], peers.K)[1][0], Q, args.repeats)
            qps_b, _ = peers.time_batch(lambda QQ: index.search(QQ, peers.K)[1], Q, args.repeats)
            recall = peers.recall_at_k(ids, gt)
            peers.log(f"{kind} nprobe={nprobe}: {qps:.0f} QPS, recall@10 {recall:.4f}")
            print(json.dumps(dict(dataset=name, lib="faiss", setting=f"{label} nprobe={nprobe}", build_s=round(build, 4),
                                  qps_1q=round(qps, 1), qps_batch=round(qps_b, 1), recall_at_10=round(recall, 4),
                                  mem_mb=round(mem, 3), kind=kind, nlist=args.nlist, nprobe=nprobe, scanned=round(scanned, 1),
                                  p50_us=round(p50, 1), p99_us=round(p99, 1), build_threads=args.build_threads)), flush=True)
        del index, ivf, quantizer


if __name__ == "__main__":
    main()
