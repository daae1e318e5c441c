#!/usr/bin/env python3
"""Side-by-side tables of Loupe's SimHash and IVF against faiss, from one run, with ratios.

    strategy_ratios.py PEERS.jsonl LOUPE.jsonl

PEERS.jsonl holds the lines of `ann_peers.py --libs lsh` (faiss IndexLSH + IndexRefineFlat) and of
`scripts/ivf_peer.py` (faiss IndexIVFFlat, IndexIVFScalarQuantizer SQ8 + refine); LOUPE.jsonl the
lines of `loupe bench ann --indexes simhash,ivf,ivf-int8`. QPS ratios are Loupe / faiss (higher is
better for Loupe). The SimHash target of issue #3 (at equal code bits and rescoring budget,
recall@10 and single-query QPS at least faiss's) is marked PASS or MISS per setting.
"""
import json
import re
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def verdict(ok):
    return "PASS" if ok else "MISS"


def lsh_key(row):
    match = re.search(r"SimHash (\d+)b \+ refine k_factor=(\d+)", row["setting"])
    return (int(match.group(1)), int(match.group(2))) if match else None


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    peers, loupe = read(sys.argv[1]), read(sys.argv[2])
    out = []
    misses = 0
    for dataset in dict.fromkeys(row["dataset"] for row in loupe):
        mine = [r for r in loupe if r["dataset"] == dataset]
        theirs = [r for r in peers if r["dataset"] == dataset]
        lsh = {lsh_key(r): r for r in theirs if r.get("lib") == "faiss" and lsh_key(r)}
        simhash = [r for r in mine if r["index"].startswith("simhash")]
        if simhash:
            out.append(f"\n### {dataset}: SimHash vs faiss IndexLSH + IndexRefineFlat (first {simhash[0].get('queries', '?')} queries, 1 thread)\n")
            out.append("| Loupe index | bits | k_factor | Loupe QPS 1q | recall@10 | faiss QPS 1q | recall@10 | QPS Loupe/faiss | recall Δ | target |")
            out.append("|---|---|---|---|---|---|---|---|---|---|")
            for r in simhash:
                f = lsh.get((r["bits"], r["k_factor"]))
                if not f:
                    out.append(f"| {r['index']} | {r['bits']} | {r['k_factor']} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | – | – | – | – | – |")
                    continue
                ratio, delta = r["qps_1q"] / f["qps_1q"], r["recall_at_10"] - f["recall_at_10"]
                ok = ratio >= 1 and delta >= 0
                if r["index"] == "simhash" and not ok:
                    misses += 1
                target = verdict(ok) if r["index"] == "simhash" else "(variant)"
                out.append(f"| {r['index']} | {r['bits']} | {r['k_factor']} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | "
                           f"{f['qps_1q']:.0f} | {f['recall_at_10']:.4f} | **{ratio:.2f}×** | {delta:+.4f} | {target} |")
            first = simhash[0]
            peer_builds = {k[0]: v["build_s"] for k, v in lsh.items()}
            for r in {x["bits"]: x for x in simhash if x["index"] == "simhash"}.values():
                if r["bits"] in peer_builds:
                    out.append(f"- {r['bits']}-bit build: Loupe {r['build_s']:.2f} s ({r.get('build_threads', '?')} threads), "
                               f"faiss {peer_builds[r['bits']]:.2f} s")
            del first
        for kind, name in (("flat", "ivf"), ("sq8", "ivf-int8")):
            rows = [r for r in mine if r["index"] == name]
            if not rows:
                continue
            faiss_rows = {r["nprobe"]: r for r in theirs if r.get("kind") == kind}
            label = "IndexIVFFlat" if kind == "flat" else "IndexIVFScalarQuantizer SQ8 + IndexRefineFlat"
            out.append(f"\n### {dataset}: {name} vs faiss {label} (nlist {rows[0]['nlist']}, all queries, 1 thread)\n")
            out.append("| nprobe | Loupe QPS 1q | recall@10 | scanned | faiss QPS 1q | recall@10 | scanned | QPS Loupe/faiss | batch Loupe/faiss |")
            out.append("|---|---|---|---|---|---|---|---|---|")
            for r in rows:
                f = faiss_rows.get(r["nprobe"])
                if not f:
                    out.append(f"| {r['nprobe']} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | {r.get('scanned', 0):.0f} | – | – | – | – | – |")
                    continue
                out.append(f"| {r['nprobe']} | {r['qps_1q']:.0f} | {r['recall_at_10']:.4f} | {r.get('scanned', 0):.0f} | "
                           f"{f['qps_1q']:.0f} | {f['recall_at_10']:.4f} | {f.get('scanned', 0):.0f} | "
                           f"**{r['qps_1q'] / f['qps_1q']:.2f}×** | {r['qps_batch'] / f['qps_batch']:.2f}× |")
            f = next(iter(faiss_rows.values()), None)
            if f:
                out.append(f"- train + add ({rows[0].get('build_threads', '?')} threads): Loupe {rows[0]['build_s']:.2f} s, "
                           f"faiss {f['build_s']:.2f} s → {rows[0]['build_s'] / f['build_s']:.2f}×; "
                           f"file Loupe {rows[0]['mem_mb']:.1f} MB, faiss {f['mem_mb']:.1f} MB")
    out.append(f"\nSimHash target (recall and QPS ≥ faiss at equal bits and k_factor): "
               f"{'PASS on every setting' if misses == 0 else f'MISS on {misses} setting(s)'}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
