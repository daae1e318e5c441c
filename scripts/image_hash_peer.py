#!/usr/bin/env python3
"""image_hash_peer.py -- planted image near-duplicates by perceptual hash (scripts/bench-image-hash-dups.sh).

  image_hash_peer.py peer --data DIR --out HASHES.tsv
      The peer: the `imagehash` package's phash of every file in DIR/images (read as Loupe reads
      images: RGB, transparency over white), then every pair's Hamming distance (numpy popcount).
      Writes "file<TAB>hex" lines and prints the timings as JSON.
  image_hash_peer.py score --data DIR --hashes HASHES.tsv [--vectors VECTORS.ndjson] [--pairs LOUPE.json]
      Sweeps the Hamming threshold t = 0..24: pairs with distance <= t. Chooses on half A of the
      plants the largest t whose precision is >= 0.95 and reports recall per edit and precision on
      half B at it (the protocol of scripts/image_dups_peer.py). With --vectors (EfficientNet-Lite0
      embeddings), also the combination "distance <= t OR cosine >= tau", (t, tau) chosen on half A
      as the pair with the highest recall at precision >= 0.95. With --pairs (the output of
      `loupe duplicates --images --json`), scores Loupe's own groups the same way.
  image_hash_peer.py correlation --data DIR --pairs LOUPE.json
      Loupe's pixel-correlation detector (`loupe duplicates --images --threshold tau`), mirrored
      in numpy: 24x24 gray thumbnails (Pillow convert('L') then resize BILINEAR, which Loupe's
      ImageThumbnail matches bit for bit), every pair's best zero-mean normalised
      cross-correlation over shifts of up to 2 pixels and a [1,2,1] blur of either side. Sweeps
      tau on half A (from the strictest tau down to the first with precision < 0.95, the highest
      recall, the strictest tau among ties) and
      reports half B; with --pairs, scores Loupe's own groups: every pair inside a group counts
      as reported (groups are transitive), a pair is right when it is a planted pair or joins a
      copy to a picture the mirror scores >= tau against the copy's original.
Precision follows scripts/image_dups_peer.py: of the reported pairs touching a planted copy, those
joining it to its original or to a near-duplicate (by the same rule) of its original.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import image_dups_peer  # noqa: E402
from image_dups_peer import EDITS, read_vectors  # noqa: E402


def as_loupe_reads(path):
    from PIL import Image
    image = Image.open(path)
    image.load()
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode in ("P", "RGB", "L") and "transparency" in image.info)
    if not has_alpha:
        return image.convert("RGB")
    rgba = np.asarray(image.convert("RGBA")).astype(np.uint32)
    alpha = rgba[..., 3:4]
    return Image.fromarray(((rgba[..., :3] * alpha + 255 * (255 - alpha) + 127) // 255).astype(np.uint8), "RGB")


def distances(hashes):
    """The n x n Hamming distance matrix of uint64 hashes (8-bit lookup table, row by row)."""
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)
    as_bytes = hashes.view(np.uint8).reshape(len(hashes), 8)
    out = np.empty((len(hashes), len(hashes)), dtype=np.uint8)
    for i in range(len(hashes)):
        out[i] = table[as_bytes[i] ^ as_bytes].sum(axis=1, dtype=np.uint8)
    return out


def peer(args):
    import imagehash
    folder = os.path.join(args.data, "images")
    names = sorted(os.listdir(folder))
    start = time.perf_counter()
    hexes = [str(imagehash.phash(as_loupe_reads(os.path.join(folder, name)))) for name in names]
    hashed = time.perf_counter()
    matrix = distances(np.array([int(h, 16) for h in hexes], dtype=np.uint64))
    pairs = int((np.triu(matrix <= args.max_distance, 1)).sum())
    joined = time.perf_counter()
    with open(args.out, "w") as f:
        for name, h in zip(names, hexes):
            f.write(f"{name}\t{h}\n")
    print(json.dumps(dict(images=len(names), hash_seconds=round(hashed - start, 3), pairs_seconds=round(joined - hashed, 3),
                          total_seconds=round(joined - start, 3), pairs_at_max_distance=pairs, max_distance=args.max_distance)))


def evaluate(found, planted, index, same, half):
    """found: set of (i, j) pairs i < j; same(i, j): whether the rule calls i, j duplicates."""
    return image_dups_peer.evaluate(found, planted, index, None, None, half, same=same)


def load(args):
    with open(os.path.join(args.data, "planted.tsv")) as f:
        planted = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    names, hexes = [], []
    with open(args.hashes) as f:
        for line in f:
            name, h = line.rstrip("\n").split("\t")
            names.append(name)
            hexes.append(int(h, 16))
    return planted, names, np.array(hexes, dtype=np.uint64)


def loupe_groups(path, index):
    """The output of `loupe duplicates --json` and its groups as sorted lists of file indices."""
    with open(path) as f:
        report = json.load(f)
    return report, [sorted(index[os.path.basename(m)] for m in group["rows"]) for group in report["groups"]]


def pairs_where(mask):
    upper = np.triu(mask, 1)
    i, j = np.nonzero(upper)
    return set(zip(i.tolist(), j.tolist()))


def score(args):
    planted, names, hashes = load(args)
    index = {name: i for i, name in enumerate(names)}
    dist = distances(hashes)
    result = dict(images=len(names), planted=len(planted))
    copy_distance = {kind: [] for kind in EDITS}
    for c, o, kind, _ in planted:
        copy_distance[kind].append(int(dist[index[c], index[o]]))
    result["median_copy_distance"] = {k: float(np.median(v)) for k, v in copy_distance.items() if v}
    result["max_copy_distance"] = {k: int(np.max(v)) for k, v in copy_distance.items() if v}
    masked = dist.astype(np.int32) + np.eye(len(names), dtype=np.int32) * 99
    result["median_nearest_distance"] = float(np.median(masked.min(axis=1)))
    table = []
    for t in range(0, 25):
        found = pairs_where(dist <= t)
        same = lambda a, b, t=t: dist[a, b] <= t
        table.append((t, evaluate(found, planted, index, same, "A"), evaluate(found, planted, index, same, "B")))
    passing = [row for row in table if row[1]["precision"] >= 0.95]
    chosen = passing[-1] if passing else table[0]
    result.update(chosen=chosen[0], tune=chosen[1], report=chosen[2])
    lines = ["| max distance | recall A | precision A | recall B | precision B |", "|---|---|---|---|---|"]
    lines += [f"| {t} | {a['recall']:.3f} | {a['precision']:.3f} | {b['recall']:.3f} | {b['precision']:.3f} |" for t, a, b in table]
    if args.vectors:
        vector_ids, vectors = read_vectors(args.vectors)
        order = [vector_ids.index(name) for name in names]
        sims = (vectors @ vectors.T)[np.ix_(order, order)]
        np.fill_diagonal(sims, -1)
        best = None
        for t in range(0, 17):
            for tau in np.round(np.arange(0.80, 0.996, 0.005), 3):
                mask = (dist <= t) | (sims >= tau)
                same = lambda a, b, t=t, tau=tau: dist[a, b] <= t or sims[a, b] >= tau
                found = pairs_where(mask)
                a = evaluate(found, planted, index, same, "A")
                if a["precision"] >= 0.95 and (best is None or a["recall"] > best[2]["recall"]):
                    best = (t, float(tau), a, evaluate(found, planted, index, same, "B"))
        if best:
            result["combined"] = dict(max_distance=best[0], cosine=best[1], tune=best[2], report=best[3])
    if args.pairs:
        report, groups = loupe_groups(args.pairs, index)
        t = int(report["threshold"])
        found = set()
        for members in groups:
            for x in members:
                for y in members:
                    if x < y and dist[x, y] <= t:
                        found.add((x, y))
        result["loupe_duplicates"] = dict(max_distance=t, pairs=report["pairs"], peer_pairs=len(pairs_where(dist <= t)),
                                          both_halves=evaluate(found, planted, index, lambda a, b: dist[a, b] <= t, "AB"),
                                          peer_both_halves=evaluate(pairs_where(dist <= t), planted, index, lambda a, b: dist[a, b] <= t, "AB"))
    print("\n".join(lines), file=sys.stderr)
    print(json.dumps(result))


THUMBNAIL_SIDE = 24
MAX_SHIFT = 2


def thumbnails(folder, names):
    from PIL import Image
    return np.stack([np.asarray(as_loupe_reads(os.path.join(folder, name)).convert("L").resize((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.BILINEAR),
                                dtype=np.float64) / 255 for name in names])


def correlations(thumbs):
    """n x n ImageCorrelation scores (Sources/Curation/Duplicates/ImageCorrelation.swift), all pairs."""
    side, n = THUMBNAIL_SIDE, len(thumbs)
    rows = (thumbs[:, :, :-2] + 2 * thumbs[:, :, 1:-1] + thumbs[:, :, 2:]) / 4
    padded = np.concatenate([thumbs[:, :, :1], thumbs, thumbs[:, :, -1:]], axis=2)
    rows = (padded[:, :, :-2] + 2 * padded[:, :, 1:-1] + padded[:, :, 2:]) / 4
    padded = np.concatenate([rows[:, :1], rows, rows[:, -1:]], axis=1)
    blurred = (padded[:, :-2] + 2 * padded[:, 1:-1] + padded[:, 2:]) / 4

    def centred(x):
        x = x.reshape(n, -1)
        x = x - x.mean(axis=1, keepdims=True)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        flat = norms[:, 0] ** 2 <= x.shape[1] * 1e-6
        out = x / np.where(norms > 0, norms, 1)
        out[flat] = 0
        return out

    best = np.full((n, n), -np.inf)
    for dy in range(-MAX_SHIFT, MAX_SHIFT + 1):
        for dx in range(-MAX_SHIFT, MAX_SHIFT + 1):
            ya, yb = (slice(0, side - dy), slice(dy, side)) if dy >= 0 else (slice(-dy, side), slice(0, side + dy))
            xa, xb = (slice(0, side - dx), slice(dx, side)) if dx >= 0 else (slice(-dx, side), slice(0, side + dx))
            a, b = centred(thumbs[:, ya, xa]), centred(thumbs[:, yb, xb])
            a_blur, b_blur = centred(blurred[:, ya, xa]), centred(blurred[:, yb, xb])
            best = np.maximum(best, np.maximum(a @ b.T, np.maximum(a_blur @ b.T, a @ b_blur.T)))
    sims = np.maximum(best, best.T)
    np.fill_diagonal(sims, -1)
    return sims


def correlation(args):
    with open(os.path.join(args.data, "planted.tsv")) as f:
        planted = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    folder = os.path.join(args.data, "images")
    names = sorted(os.listdir(folder))
    index = {name: i for i, name in enumerate(names)}
    start = time.perf_counter()
    sims = correlations(thumbnails(folder, names))
    seconds = time.perf_counter() - start
    upper = np.triu_indices(len(names), 1)
    values = sims[upper]
    result = dict(images=len(names), planted=len(planted), numpy_seconds=round(seconds, 3))
    copy_scores = {kind: [] for kind in EDITS}
    for c, o, kind, _ in planted:
        copy_scores[kind].append(float(sims[index[c], index[o]]))
    result["min_copy_score"] = {k: round(min(v), 4) for k, v in copy_scores.items() if v}
    table = []
    for tau in np.round(np.arange(0.950, 0.9995, 0.001), 3):
        keep = values >= tau
        found = set(zip(upper[0][keep].tolist(), upper[1][keep].tolist()))
        same = lambda a, b, tau=tau: sims[a, b] >= tau
        strict = evaluate(found, planted, index, lambda a, b: False, "B")["precision"]
        table.append((float(tau), evaluate(found, planted, index, same, "A"), dict(evaluate(found, planted, index, same, "B"), strict_precision=strict)))
    # From the strictest tau down, the thresholds before the first whose precision on A falls
    # under 0.95 (below it, the lenient precision can rise again as transitive neighbours count
    # as right); among them the highest recall on A, the strictest tau among ties.
    passing = []
    for row in reversed(table):
        if row[1]["precision"] < 0.95:
            break
        passing.append(row)
    top = max(row[1]["recall"] for row in passing) if passing else None
    chosen = [row for row in passing if row[1]["recall"] == top][0] if passing else table[-1]
    result.update(chosen=chosen[0], tune=chosen[1], report=chosen[2])
    lines = ["| correlation | recall A | precision A | recall B | precision B | strict precision B |", "|---|---|---|---|---|---|"]
    lines += [f"| {t:.3f} | {a['recall']:.3f} | {a['precision']:.3f} | {b['recall']:.3f} | {b['precision']:.3f} | {b['strict_precision']:.3f} |"
              for t, a, b in table if round(t * 1000) % 5 == 0 or t == chosen[0]]
    if args.pairs:
        report, groups = loupe_groups(args.pairs, index)
        tau = float(report["threshold"])
        found = set()
        for members in groups:
            found.update((x, y) for k, x in enumerate(members) for y in members[k + 1:])
        same = lambda a, b: sims[a, b] >= tau
        mirror = int((values >= tau).sum())
        result["loupe_duplicates"] = dict(
            threshold=tau, pairs=report["pairs"], mirror_pairs=mirror, group_pairs=len(found),
            half_b=dict(evaluate(found, planted, index, same, "B"), strict_precision=evaluate(found, planted, index, lambda a, b: False, "B")["precision"]),
            both_halves=evaluate(found, planted, index, same, "AB"))
    print("\n".join(lines), file=sys.stderr)
    print(json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("peer")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--max-distance", type=int, default=6)
    p = sub.add_parser("score")
    p.add_argument("--data", required=True)
    p.add_argument("--hashes", required=True)
    p.add_argument("--vectors")
    p.add_argument("--pairs")
    p = sub.add_parser("correlation")
    p.add_argument("--data", required=True)
    p.add_argument("--pairs")
    args = parser.parse_args()
    {"peer": peer, "score": score, "correlation": correlation}[args.command](args)


if __name__ == "__main__":
    main()
