#!/usr/bin/env python3
"""Side-by-side table of `loupe bench trees` and scripts/trees_peers.py results from one run.

    trees_ratios.py PEERS.jsonl LOUPE.jsonl

For every dataset: scikit-learn's rows, then Loupe's, each Loupe row with its QPS over the best
scikit-learn KDTree and BallTree settings (higher is better for Loupe), for one query per call
and for all queries in one call. The target of issue #3 is checked on lowdim16: every exact
Loupe tree at least as fast as the best KDTree and BallTree, single thread, with results
identical to brute force.
"""
import json
import sys


def read(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip().startswith("{")]


def verdict(ok):
    return "PASS" if ok else "MISS"


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    peers, loupe = read(sys.argv[1]), read(sys.argv[2])
    out = []
    for dataset in dict.fromkeys(row["dataset"] for row in loupe):
        mine = [r for r in loupe if r["dataset"] == dataset]
        theirs = [r for r in peers if r["dataset"] == dataset]
        best = {}
        for cls in ("KDTree", "BallTree"):
            rows = [r for r in theirs if r["index"] == cls]
            if rows:
                best[cls] = (max(rows, key=lambda r: r["qps_1q"]), max(rows, key=lambda r: r["qps_batch"]))
        out.append(f"\n### {dataset}\n")
        out.append("| library | index | setting | build s | QPS 1 query/call | QPS all in 1 call | QPS per CPU s | recall@10 | scored/query | identical to brute force |")
        out.append("|---|---|---|---|---|---|---|---|---|---|")
        for r in theirs:
            out.append(f"| scikit-learn | {r['index']} | {r['setting']} | {r['build_s']:.3f} | {r['qps_1q']:.0f} | "
                       f"{r['qps_batch']:.0f} | {r.get('cpu_qps_1q', 0):.0f} | {r['recall_at_10']:.4f} | – | – |")
        for r in mine:
            identical = f"{r['identical']:.4f}" if r.get("identical") is not None else "–"
            out.append(f"| Loupe | {r['index']} | {r['setting']}, {r['metric']} | {r['build_s']:.3f} | {r['qps_1q']:.0f} | "
                       f"{r['qps_batch']:.0f} | {r.get('cpu_qps_1q', 0):.0f} | {r['recall_at_10']:.4f} | "
                       f"{r['scored_per_query']:.0f} | {identical} |")
        if not best:
            continue
        out.append("")
        head = " | ".join(f"÷ best {cls} 1q | ÷ best {cls} batch" for cls in best)
        out.append(f"| Loupe index | setting | {head} |")
        out.append("|---|---|" + "---|---|" * len(best))
        checks = []
        for r in mine:
            cells = []
            for cls, (single, batch) in best.items():
                a, b = r["qps_1q"] / single["qps_1q"], r["qps_batch"] / batch["qps_batch"]
                cells.append(f"{a:.1f}× | {b:.1f}×")
                exact = r["index"] != "flat" and r.get("budget") is None
                if exact:
                    checks.append((r, cls, a, b))
            out.append(f"| {r['index']} | {r['setting']}, {r['metric']} | " + " | ".join(cells) + " |")
        if checks and dataset.startswith("lowdim"):
            worst_single = min(c[2] for c in checks)
            worst_batch = min(c[3] for c in checks)
            identical = min(c[0].get("identical", 0) for c in checks)
            recall = min(c[0]["recall_at_10"] for c in checks)
            out.append("")
            out.append(f"- Target (issue #3): every exact Loupe tree ≥ the best scikit-learn KDTree and BallTree, single thread: "
                       f"slowest ratio {worst_single:.1f}× one query per call, {worst_batch:.1f}× all queries in one call "
                       f"→ {verdict(worst_single >= 1 and worst_batch >= 1)}")
            out.append(f"- Exact trees identical to brute force (ids and scores) on {identical:.4f} of the queries, "
                       f"recall@10 ≥ {recall:.4f} → {verdict(identical == 1.0)}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
