#!/usr/bin/env python3
"""Side-by-side table of `loupe bench ann` and ann_peers.py results from one run, with ratios.

    ann_ratios.py PEERS.jsonl LOUPE.jsonl [--peer-bandwidth GBPS]

Ratios are Loupe / peer for speed (higher is better for Loupe) and Loupe / peer for build time
and memory (lower is better). Targets of issue #2 are checked and marked PASS or MISS.
"""
import argparse
import json
import re


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def ef_of(setting):
    match = re.search(r"ef=(\d+)", setting)
    return int(match.group(1)) if match else None


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("peers")
    ap.add_argument("loupe")
    ap.add_argument("--peer-bandwidth", action="append", default=[],
                    help="DATASET=GBPS, the read bandwidth ann_peers.py measured before that dataset")
    args = ap.parse_args()
    peers, loupe = read(args.peers), read(args.loupe)
    peer_bandwidth = {k: float(v) for k, v in (item.split("=", 1) for item in args.peer_bandwidth)}
    out = []
    for dataset in dict.fromkeys(row["dataset"] for row in loupe):
        mine = [r for r in loupe if r["dataset"] == dataset]
        theirs = [r for r in peers if r["dataset"] == dataset]
        hnswlib = {ef_of(r["setting"]): r for r in theirs if r["lib"] == "hnswlib"}
        faiss_hnsw = {ef_of(r["setting"]): r for r in theirs if r["lib"] == "faiss" and "HNSW" in r["setting"]}
        faiss_flat = next((r for r in theirs if r["lib"] == "faiss" and "IndexFlatIP" in r["setting"]), None)
        out.append(f"\n### {dataset}\n")
        out.append("| index | ef | Loupe QPS 1q | recall@10 | hnswlib QPS 1q | recall@10 | Loupe/hnswlib | faiss HNSW QPS 1q | recall@10 | Loupe/faiss |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        checks = []
        hnsw_rows = [r for r in mine if r["index"] == "hnsw"]
        for r in hnsw_rows:
            ef = ef_of(r["setting"])
            h, f = hnswlib.get(ef), faiss_hnsw.get(ef)
            row = f"| HNSW M=16 efC=200 | {ef} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | "
            row += f"{h['qps_1q']:.0f} | {h['recall_at_10']:.4f} | **{r['qps_1q'] / h['qps_1q']:.2f}×** | " if h else "– | – | – | "
            row += f"{f['qps_1q']:.0f} | {f['recall_at_10']:.4f} | {r['qps_1q'] / f['qps_1q']:.2f}× |" if f else "– | – | – |"
            out.append(row)
            if h and r["recall_at_10"] >= 0.95 and h["recall_at_10"] >= 0.95:
                checks.append(r["qps_1q"] / h["qps_1q"])
        if hnsw_rows and hnswlib:
            r, h = hnsw_rows[0], next(iter(hnswlib.values()))
            build, mem = r["build_s"] / h["build_s"], r["mem_mb"] / h["mem_mb"]
            out.append("")
            out.append(f"- HNSW build ({r.get('build_threads', '?')} threads): Loupe {r['build_s']:.2f} s, hnswlib {h['build_s']:.2f} s "
                       f"→ **{build:.2f}×** (target ≤ 1.2×: {verdict(build <= 1.2)})")
            out.append(f"- HNSW index size: Loupe {r['mem_mb']:.1f} MB, hnswlib {h['mem_mb']:.1f} MB → **{mem:.2f}×** "
                       f"(target ≤ 1.1×: {verdict(mem <= 1.1)}); Loupe resident {r.get('resident_mb', 0):.1f} MB")
            out.append(f"- HNSW load from disk: {r['load_s']:.3f} s")
            if checks:
                out.append(f"- single-query QPS vs hnswlib where both reach recall@10 ≥ 0.95: "
                           f"min **{min(checks):.2f}×**, max {max(checks):.2f}× (target ≥ 1.0×: {verdict(min(checks) >= 1.0)})")
        quantised = [r for r in mine if r["index"] == "hnsw-int8"]
        if quantised and hnsw_rows:
            floats = {ef_of(r["setting"]): r for r in hnsw_rows}
            out.append("")
            out.append("| HNSW over int8 codes (exact rescoring from the memory-mapped base.fvecs) | ef | QPS 1q | recall@10 | float HNSW QPS | recall@10 | int8/float QPS |")
            out.append("|---|---|---|---|---|---|---|")
            passes = []
            for r in quantised:
                f = floats.get(ef_of(r["setting"]))
                if not f:
                    continue
                out.append(f"| {r['setting']} | {ef_of(r['setting'])} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | "
                           f"{f['qps_1q']:.0f} | {f['recall_at_10']:.4f} | **{r['qps_1q'] / f['qps_1q']:.2f}×** |")
                if r["recall_at_10"] >= 0.95:
                    passes.append(r["qps_1q"] / f["qps_1q"])
            mem = quantised[0]["mem_mb"] / hnsw_rows[0]["mem_mb"]
            out.append("")
            out.append(f"- int8 HNSW index: {quantised[0]['mem_mb']:.1f} MB vs float {hnsw_rows[0]['mem_mb']:.1f} MB → **{mem:.2f}×** "
                       f"(target ≤ 0.35×: {verdict(mem <= 0.35)}); the float vectors stay in the mapped file")
            if passes:
                out.append(f"- int8 vs float QPS at the same ef where int8 reaches recall@10 ≥ 0.95: min **{min(passes):.2f}×** "
                           f"(target ≥ 1.0×: {verdict(min(passes) >= 1.0)})")
            for floor in (0.95, 0.99):
                best_int8 = max((r["qps_1q"] for r in quantised if r["recall_at_10"] >= floor), default=None)
                best_float = max((r["qps_1q"] for r in hnsw_rows if r["recall_at_10"] >= floor), default=None)
                if best_int8 and best_float:
                    out.append(f"- fastest setting with recall@10 ≥ {floor}: int8 {best_int8:.0f} QPS, float {best_float:.0f} QPS "
                               f"→ **{best_int8 / best_float:.2f}×**")
        flat = next((r for r in mine if r["index"] == "flat"), None)
        if flat:
            out.append("")
            bandwidths = [b for b in (flat.get("read_gbps"), peer_bandwidth.get(dataset)) if b]
            if bandwidths and "p50_us" in flat:
                bandwidth = max(bandwidths)
                bytes_ = flat["bound_us"] * flat["read_gbps"] * 1e3 if flat.get("bound_us") else None
                if bytes_:
                    bound = bytes_ / (bandwidth * 1e3)
                    ratio = flat["p50_us"] / bound
                    out.append(f"- Flat single query: p50 {flat['p50_us']:.0f} µs vs bandwidth bound {bound:.0f} µs "
                               f"({bytes_ / 1e6:.1f} MB at {bandwidth:.1f} GB/s, the higher of Loupe's and the peers' probes) "
                               f"→ **{ratio:.2f}×** (target ≤ 1.15×: {verdict(ratio <= 1.15)})")
            if faiss_flat:
                ratio = flat["qps_batch"] / faiss_flat["qps_batch"]
                out.append(f"- Flat batch (1 thread): Loupe {flat['qps_batch']:.0f} QPS, faiss IndexFlatIP {faiss_flat['qps_batch']:.0f} QPS "
                           f"→ **{ratio:.2f}×** (target ≥ 0.9×: {verdict(ratio >= 0.9)}); single query {flat['qps_1q']:.0f} vs {faiss_flat['qps_1q']:.0f} QPS")
    print("\n".join(out))


if __name__ == "__main__":
    main()
