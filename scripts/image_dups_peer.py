#!/usr/bin/env python3
"""image_dups_peer.py -- planted image near-duplicates on encoder embeddings (scripts/bench-image-dups.sh).

  image_dups_peer.py inputs --out DIR --source fashion [--fashion DIR] [--originals 1500] [--planted 400] [--seed 11]
      Writes DIR/images/: --originals Fashion-MNIST test images (28x28 grayscale PNGs, seeded
      choice), then one edited copy of --planted of them with exactly the edits of
      scripts/select_peer.py (the raw-pixel bench): shifted by one pixel, brightness x U(0.7, 1.3),
      noised by +-2 levels, re-encoded as JPEG q75, resized 28 -> 22 -> 28, in turn.
  image_dups_peer.py inputs --out DIR --source clipart [--clipart DIR] [--originals 1500] [--planted 400] [--seed 11]
      Writes DIR/images/: --originals openclipart PNGs (seeded choice over every category folder),
      each flattened on white and scaled to fit 256x256 (the data set), then one edited copy of
      --planted of them, stronger edits in turn:
        resize      scaled to 50 % (bilinear): a smaller file of the same picture
        jpeg        re-encoded as JPEG, quality 75
        brightness  pixel values x U(0.7, 1.3), clipped
        noise       Gaussian noise, sigma 6 levels, clipped
        shift       cropped by 3-6 % on one or two sides (the picture moves in the frame)
      DIR/planted.tsv: copy file, original file, edit, half (A tunes the threshold, B reports).
  image_dups_peer.py rows --data DIR
      Prints DIR/images/ as catalog rows (NDJSON: id = file name, row_data = absolute path).
  image_dups_peer.py score --data DIR --vectors VECTORS.ndjson [--pairs PAIRS.ndjson]
      Reads the vectors Loupe computed (`loupe embed --model efficientnet-lite0`), scores every
      pair by cosine similarity (numpy), sweeps thresholds and chooses the lowest threshold whose
      precision on half A is >= 0.95; prints recall/precision per edit on half B at it.
      With --pairs (the output of `loupe duplicates --json`), also scores Loupe's own groups.
Precision follows scripts/select_peer.py: of the reported pairs touching a planted copy, those
joining it to its original or to a near-duplicate (at the threshold) of its original.
"""
import argparse
import json
import os
import sys

EDITS = ("resize", "jpeg", "brightness", "noise", "shift")
FASHION_EDITS = ("shift", "brightness", "noise", "jpeg", "resize")


def flatten(path, limit=256):
    from PIL import Image
    image = Image.open(path)
    image.load()
    if image.mode in ("RGBA", "LA", "P", "PA"):
        image = image.convert("RGBA")
        white = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, image)
    image = image.convert("RGB")
    image.thumbnail((limit, limit), Image.BILINEAR)
    return image


def edit(image, kind, rng):
    import numpy as np
    from PIL import Image
    if kind == "resize":
        return image.resize((max(8, image.width // 2), max(8, image.height // 2)), Image.BILINEAR), "png"
    if kind == "jpeg":
        return image, "jpg"  # written as JPEG quality 75
    pixels = np.asarray(image).astype(np.float32)
    if kind == "brightness":
        return Image.fromarray(np.clip(pixels * rng.uniform(0.7, 1.3), 0, 255).round().astype(np.uint8)), "png"
    if kind == "noise":
        return Image.fromarray(np.clip(pixels + rng.normal(0, 6, pixels.shape), 0, 255).round().astype(np.uint8)), "png"
    w, h = image.size
    left, top, right, bottom = 0, 0, w, h
    for side in rng.choice(4, size=int(rng.integers(1, 3)), replace=False):
        cut = rng.uniform(0.03, 0.06)
        if side == 0: left = int(round(w * cut))
        if side == 1: top = int(round(h * cut))
        if side == 2: right = w - int(round(w * cut))
        if side == 3: bottom = h - int(round(h * cut))
    return image.crop((left, top, right, bottom)), "png"


def make_fashion_inputs(args):
    import numpy as np
    from PIL import Image
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from select_peer import edit_image, read_idx
    images = read_idx(os.path.join(args.fashion, "t10k-images-idx3-ubyte.gz"))
    rng = np.random.default_rng(args.seed)
    images_dir = os.path.join(args.out, "images")
    os.makedirs(images_dir, exist_ok=True)
    chosen = rng.choice(len(images), args.originals, replace=False)
    for i, index in enumerate(chosen):
        Image.fromarray(images[index]).save(os.path.join(images_dir, f"o{i:05d}.png"))
    planted = rng.choice(args.originals, args.planted, replace=False)
    with open(os.path.join(args.out, "planted.tsv"), "w") as f:
        for i, o in enumerate(planted):
            kind = FASHION_EDITS[i % len(FASHION_EDITS)]
            Image.fromarray(edit_image(images[chosen[o]], kind, rng)).save(os.path.join(images_dir, f"c{i:05d}.png"))
            f.write(f"c{i:05d}.png\to{o:05d}.png\t{kind}\t{'A' if i % 2 == 0 else 'B'}\n")
    print(f"inputs: {args.originals} Fashion-MNIST originals, {args.planted} planted copies in {images_dir}", file=sys.stderr)


def make_inputs(args):
    if args.source == "fashion":
        return make_fashion_inputs(args)
    import numpy as np
    files = sorted(os.path.join(root, name) for root, _, names in os.walk(args.clipart) for name in names if name.endswith(".png"))
    rng = np.random.default_rng(args.seed)
    images_dir = os.path.join(args.out, "images")
    os.makedirs(images_dir, exist_ok=True)
    originals = []
    for index in rng.permutation(len(files)):
        if len(originals) == args.originals:
            break
        try:
            image = flatten(files[index])
        except Exception as error:  # a damaged PNG in the package: skip it
            print(f"skip {files[index]}: {error}", file=sys.stderr)
            continue
        if min(image.size) < 32:
            continue
        name = f"o{len(originals):05d}.png"
        image.save(os.path.join(images_dir, name))
        originals.append((name, image))
    chosen = rng.choice(len(originals), args.planted, replace=False)
    with open(os.path.join(args.out, "planted.tsv"), "w") as f:
        for i, o in enumerate(chosen):
            kind = EDITS[i % len(EDITS)]
            copy, ext = edit(originals[o][1], kind, rng)
            name = f"c{i:05d}.{ext}"
            if ext == "jpg":
                copy.save(os.path.join(images_dir, name), format="JPEG", quality=75)
            else:
                copy.save(os.path.join(images_dir, name))
            f.write(f"{name}\t{originals[o][0]}\t{kind}\t{'A' if i % 2 == 0 else 'B'}\n")
    print(f"inputs: {len(originals)} originals, {args.planted} planted copies in {images_dir}", file=sys.stderr)


def read_vectors(path):
    import numpy as np
    ids, rows = [], []
    with open(path) as f:
        for line in f:
            if line.strip():
                record = json.loads(line)
                ids.append(os.path.basename(record["id"]))
                rows.append(record["vector"])
    matrix = np.asarray(rows, dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return ids, matrix


def evaluate(found, planted, index, sims, threshold, half, same=None):
    """found: set of (i, j) row pairs i < j at or above the threshold; same(i, j), when given,
    replaces "sims[i, j] >= threshold" as the rule (scripts/image_hash_peer.py: Hamming distances)."""
    rows = [(index[c], index[o], kind) for c, o, kind, h in planted if h in half]
    copies = {c for c, _, _ in rows}
    original_of = {c: o for c, o, _ in rows}
    truth = {(min(c, o), max(c, o)): kind for c, o, kind in rows}
    by_edit = {}
    for kind in EDITS:
        pairs = [p for p, k in truth.items() if k == kind]
        by_edit[kind] = sum(p in found for p in pairs) / len(pairs) if pairs else float("nan")
    touching = [p for p in found if p[0] in copies or p[1] in copies]
    good = 0
    for a, b in touching:
        if (a, b) in truth:
            good += 1
            continue
        copy, other = (a, b) if a in copies else (b, a)
        if same(original_of[copy], other) if same else sims[original_of[copy], other] >= threshold:
            good += 1
    return dict(threshold=threshold, recall=sum(p in found for p in truth) / len(truth), by_edit=by_edit,
                precision=good / len(touching) if touching else 1.0, reported=len(touching))


def score(args):
    import numpy as np
    ids, vectors = read_vectors(args.vectors)
    index = {name: i for i, name in enumerate(ids)}
    with open(os.path.join(args.data, "planted.tsv")) as f:
        planted = [tuple(line.rstrip("\n").split("\t")) for line in f if line.strip()]
    missing = [c for c, o, _, _ in planted if c not in index or o not in index]
    if missing:
        sys.exit(f"{len(missing)} planted files have no vector, e.g. {missing[0]}")
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1)
    upper = np.triu_indices(len(ids), 1)
    values = sims[upper]
    def pairs_at(threshold):
        keep = values >= threshold
        return set(zip(upper[0][keep].tolist(), upper[1][keep].tolist()))
    table = []
    for threshold in np.round(np.arange(0.80, 0.996, 0.005), 3):
        found = pairs_at(threshold)
        table.append((float(threshold), evaluate(found, planted, index, sims, threshold, "A"),
                      evaluate(found, planted, index, sims, threshold, "B")))
    chosen = next((row for row in table if row[1]["precision"] >= 0.95), table[-1])
    copy_sims = {kind: [] for kind in EDITS}
    for c, o, kind, _ in planted:
        copy_sims[kind].append(float(sims[index[c], index[o]]))
    nearest_other = np.sort(sims[: len(ids)], axis=1)[:, -1]
    print(json.dumps(dict(images=len(ids), planted=len(planted), chosen=chosen[0], tune=chosen[1], report=chosen[2],
                          median_copy_cosine={k: float(np.median(v)) for k, v in copy_sims.items()},
                          min_copy_cosine={k: float(np.min(v)) for k, v in copy_sims.items()},
                          median_nearest_cosine=float(np.median(nearest_other)))))
    print("| threshold | recall A | precision A | recall B | precision B |", file=sys.stderr)
    for threshold, a, b in table:
        print(f"| {threshold:.3f} | {a['recall']:.3f} | {a['precision']:.3f} | {b['recall']:.3f} | {b['precision']:.3f} |", file=sys.stderr)
    if args.pairs:
        found = set()
        with open(args.pairs) as f:
            report = json.load(f)
        for group in report["groups"]:
            members = [index[os.path.basename(m)] for m in group["rows"]]
            for x in members:
                for y in members:
                    if x < y and sims[x, y] >= report["threshold"]:
                        found.add((x, y))
        both = evaluate(found, planted, index, sims, report["threshold"], "AB")
        print(json.dumps(dict(loupe_duplicates=both)))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inputs")
    p.add_argument("--out", required=True)
    p.add_argument("--source", choices=("fashion", "clipart"), default="fashion")
    p.add_argument("--fashion", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--clipart", default="/usr/share/openclipart/png")
    p.add_argument("--originals", type=int, default=1500)
    p.add_argument("--planted", type=int, default=400)
    p.add_argument("--seed", type=int, default=11)
    p = sub.add_parser("score")
    p.add_argument("--data", required=True)
    p.add_argument("--vectors", required=True)
    p.add_argument("--pairs")
    p = sub.add_parser("rows")
    p.add_argument("--data", required=True)
    args = parser.parse_args()
    {"inputs": make_inputs, "score": score, "rows": print_rows}[args.command](args)


def print_rows(args):
    """The planted set's images as catalog rows, one NDJSON line each (for `loupe import rows`)."""
    folder = os.path.abspath(os.path.join(args.data, "images"))
    for name in sorted(os.listdir(folder)):
        print(json.dumps({"id": name, "row_data": os.path.join(folder, name), "media_type": "image"}))


if __name__ == "__main__":
    main()
