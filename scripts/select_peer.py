#!/usr/bin/env python3
"""select_peer.py -- inputs, peers and the evaluation of `loupe bench select`.

  select_peer.py inputs --out DIR [--fashion DIR] [--wordnet DIR] [--images-planted 1000]
                        [--texts-planted 1000] [--flip 0.05]
      Writes, deterministically (seeded):
        images.f32         Fashion-MNIST's 60,000 training images as raw pixel vectors
                           (float32 0..255, 784 per row), then one planted copy per chosen
                           original: shifted by one pixel (zero fill), brightness-scaled
                           (x U(0.7, 1.3), clipped), noised by +-2 levels, re-encoded as JPEG
                           (Pillow, quality 75), or resized 28 -> 22 -> 28 (bilinear), in turn.
        images.tsv         copy row, original row, edit.
        labels.i32         the 60,000 labels with a seeded --flip fraction flipped to another
                           class (uniformly), and flipped.u32 the flipped rows.
        pca50.f32          the 60,000 images projected on their first 50 principal components
                           (scikit-learn PCA, full SVD).
        texts.txt          WordNet glosses (the text after '|' in data.noun/verb/adj/adv), then
                           one lightly edited copy of each chosen gloss of 6+ words: a word
                           dropped, two neighbouring words swapped, a typo in one word, one word's
                           case changed, or punctuation changed, in turn.
        texts.tsv          copy line, original line, edit, Jaccard of the pair (character
                           5-gram shingles, as Loupe's Shingling.characters(5)).
        manifest.json      shapes and the benchmark's settings.
  select_peer.py run --data DIR --out RUN [--threads 2]
      The peers, each doing the obvious thing, on --threads threads (BLAS and joblib):
        images: scikit-learn NearestNeighbors(metric="cosine", algorithm="brute").radius_neighbors
        texts:  datasketch 2.0.0 MinHashLSH (same bands as Loupe), exact Jaccard verification
        labels: scikit-learn NearestNeighbors kneighbors + the same distance-weighted vote
        k-center greedy: numpy, one BLAS matrix-vector product per pick
      Writes peer_* result files into RUN and one JSON line per measurement on stdout.
  select_peer.py table --data DIR --run RUN
      Scores both sides' result files against the planted truth and prints the tables.
"""
import argparse
import gzip
import io
import json
import os
import random
import string
import sys
import time
import unicodedata

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
IMAGE_EDITS = ("shift", "brightness", "noise", "jpeg", "resize")
PIXEL_EDITS = ("brightness", "noise", "jpeg")
TEXT_EDITS = ("drop", "swap", "typo", "case", "punctuation")
# Near-duplicate thresholds: cosine similarity of raw pixel vectors, Jaccard of 5-gram shingles.
IMAGE_THRESHOLDS = (0.98, 0.985, 0.99)
IMAGE_THRESHOLD = 0.985
TEXT_THRESHOLD = 0.5
LABEL_K = 50
KCENTER_PICKS = 1000
KCENTER_START = 12345


def now():
    return time.perf_counter()


class Timer:
    """Wall-clock and process CPU seconds (all threads) of a block."""
    def __enter__(self):
        self.wall, self.cpu = now(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = now() - self.wall, time.process_time() - self.cpu


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- inputs

def read_idx(path):
    import numpy as np
    with gzip.open(path) as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def translate(image, dx, dy):
    import numpy as np
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def edit_image(image, kind, rng):
    import numpy as np
    from PIL import Image
    if kind == "shift":
        dx, dy = [(1, 0), (-1, 0), (0, 1), (0, -1)][rng.integers(4)]
        return translate(image, dx, dy)
    if kind == "brightness":
        return np.clip(image.astype(np.float32) * rng.uniform(0.7, 1.3), 0, 255).round().astype(np.uint8)
    if kind == "noise":
        return np.clip(image.astype(np.int16) + rng.integers(-2, 3, image.shape), 0, 255).astype(np.uint8)
    if kind == "jpeg":
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=75)
        return np.array(Image.open(io.BytesIO(buffer.getvalue())))
    small = Image.fromarray(image).resize((22, 22), Image.BILINEAR)
    return np.array(small.resize((28, 28), Image.BILINEAR))


def normalize_text(text):
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def shingles(text, n=5):
    t = normalize_text(text)
    if not t:
        return set()
    if len(t) <= n:
        return {t}
    return {t[i:i + n] for i in range(len(t) - n + 1)}


def jaccard(a, b):
    return len(a & b) / len(a | b) if a or b else 1.0


def wordnet_glosses(folder):
    glosses = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(folder, f"data.{pos}"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                gloss = " ".join(line.split("|", 1)[1].split())
                if gloss:
                    glosses.append(gloss)
    return glosses


def edit_text(text, kind, rng):
    words = text.split()
    if kind == "drop":
        del words[rng.randrange(len(words))]
    elif kind == "swap":
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif kind == "typo":
        i = rng.randrange(len(words))
        w = words[i]
        j = rng.randrange(len(w))
        c = rng.choice(string.ascii_lowercase)
        words[i] = rng.choice((w[:j] + c + w[j + 1:], w[:j] + c + w[j:], w[:j] + w[j + 1:] if len(w) > 1 else w + c))
    elif kind == "case":
        i = rng.randrange(len(words))
        words[i] = words[i].upper() if rng.random() < 0.5 else words[i].capitalize()
    else:
        t = " ".join(words)
        marks = [i for i, c in enumerate(t) if c in ",;:."]
        if marks and rng.random() < 0.5:
            i = rng.choice(marks)
            return t[:i] + t[i + 1:]
        i = rng.choice([i for i, c in enumerate(t) if c == " "])
        return t[:i] + rng.choice((",", ";", " -")) + t[i:]
    return " ".join(words)


def make_inputs(args):
    import numpy as np
    from sklearn.decomposition import PCA
    os.makedirs(args.out, exist_ok=True)
    images = read_idx(os.path.join(args.fashion, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(args.fashion, "train-labels-idx1-ubyte.gz")).astype(np.int32)
    n = len(images)
    rng = np.random.default_rng(3)
    originals = rng.choice(n, args.images_planted, replace=False)
    copies, planted = [], []
    for i, original in enumerate(originals):
        kind = IMAGE_EDITS[i % len(IMAGE_EDITS)]
        copies.append(edit_image(images[original], kind, rng))
        planted.append((n + i, int(original), kind))
    rows = np.concatenate([images.reshape(n, -1), np.array(copies).reshape(len(copies), -1)]).astype(np.float32)
    rows.tofile(os.path.join(args.out, "images.f32"))
    with open(os.path.join(args.out, "images.tsv"), "w") as f:
        f.writelines(f"{c}\t{o}\t{k}\n" for c, o, k in planted)

    flips = np.random.default_rng(1)
    flipped = np.sort(flips.choice(n, int(round(args.flip * n)), replace=False))
    noisy = labels.copy()
    noisy[flipped] = (labels[flipped] + flips.integers(1, 10, len(flipped))) % 10
    noisy.astype(np.int32).tofile(os.path.join(args.out, "labels.i32"))
    flipped.astype(np.uint32).tofile(os.path.join(args.out, "flipped.u32"))
    pca = PCA(n_components=50, svd_solver="full").fit_transform(images.reshape(n, -1).astype(np.float64))
    pca.astype(np.float32).tofile(os.path.join(args.out, "pca50.f32"))

    glosses = wordnet_glosses(args.wordnet)
    trng = random.Random(5)
    texts, text_planted = [], []
    while len(text_planted) < args.texts_planted:
        line = trng.randrange(len(glosses))
        if len(glosses[line].split()) < 6:
            continue
        kind = TEXT_EDITS[len(text_planted) % len(TEXT_EDITS)]
        copy = edit_text(glosses[line], kind, trng)
        if copy == glosses[line]:
            continue
        text_planted.append((len(glosses) + len(texts), line, kind, jaccard(shingles(copy), shingles(glosses[line]))))
        texts.append(copy)
    with open(os.path.join(args.out, "texts.txt"), "w", encoding="utf-8") as f:
        f.writelines(t + "\n" for t in glosses + texts)
    with open(os.path.join(args.out, "texts.tsv"), "w", encoding="utf-8") as f:
        f.writelines(f"{c}\t{o}\t{k}\t{j:.6f}\n" for c, o, k, j in text_planted)

    manifest = dict(images=dict(rows=int(rows.shape[0]), dims=784, base=n), labels=dict(rows=n, classes=10, flipped=len(flipped)),
                    pca=dict(rows=n, dims=50), texts=dict(lines=len(glosses) + len(texts), base=len(glosses)),
                    image_threshold=IMAGE_THRESHOLD, image_thresholds=list(IMAGE_THRESHOLDS), text_threshold=TEXT_THRESHOLD,
                    label_k=LABEL_K, kcenter_picks=KCENTER_PICKS, kcenter_start=KCENTER_START)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    js = [p[3] for p in text_planted]
    log(f"inputs: {rows.shape[0]} images ({len(planted)} planted), {len(flipped)} of {n} labels flipped, "
        f"{len(glosses)} glosses + {len(texts)} planted copies (Jaccard min {min(js):.3f}, mean {sum(js) / len(js):.3f})")


def load(folder):
    import numpy as np
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    images = np.fromfile(os.path.join(folder, "images.f32"), np.float32).reshape(manifest["images"]["rows"], 784)
    return manifest, images


# ----------------------------------------------------------------------------- peers

def write_pairs(path, pairs):
    import numpy as np
    records = np.zeros(len(pairs), dtype=[("a", "<u4"), ("b", "<u4"), ("score", "<f4")])
    if pairs:
        records["a"], records["b"], records["score"] = zip(*pairs)
    records.tofile(path)


def line(**fields):
    return json.dumps(dict(lib="python", **fields))


def run(args):
    import numpy as np
    import sklearn
    from sklearn.neighbors import NearestNeighbors
    import datasketch
    from datasketch import MinHash, MinHashLSH
    manifest, images = load(args.data)
    out = []

    # Vector near-duplicates: radius neighbours under cosine distance 1 - t, every row a query.
    with Timer() as timer:
        radius = 1 - min(manifest["image_thresholds"])
        nn = NearestNeighbors(radius=radius, metric="cosine", algorithm="brute").fit(images)
        distances, neighbours = nn.radius_neighbors(images, return_distance=True)
        pairs = [(i, int(j), float(1 - d)) for i, (row, ds) in enumerate(zip(neighbours, distances)) for j, d in zip(row, ds) if j > i]
    write_pairs(os.path.join(args.out, "peer_image_pairs.bin"), pairs)
    out.append(line(test="image_duplicates", setting="sklearn NearestNeighbors brute cosine radius", seconds=timer.wall,
                    cpu_seconds=timer.cpu, pairs=len(pairs), rows=len(images), version=sklearn.__version__))
    log(f"sklearn radius neighbours: {timer.wall:.1f} s ({timer.cpu:.1f} s CPU), {len(pairs)} pairs")

    # Text near-duplicates: datasketch MinHashLSH with recall-weighted bands, exact verification.
    with open(os.path.join(args.data, "texts.txt"), encoding="utf-8") as f:
        texts = [l.rstrip("\n") for l in f]
    with Timer() as timer:
        sets = [shingles(x) for x in texts]
        lsh = MinHashLSH(threshold=manifest["text_threshold"], num_perm=128, weights=(0.1, 0.9))
        signatures = []
        for i, s in enumerate(sets):
            m = MinHash(num_perm=128, seed=1)
            m.update_batch([x.encode("utf-8") for x in s])
            signatures.append(m)
            lsh.insert(i, m, check_duplication=False)
        pairs = []
        for i, m in enumerate(signatures):
            for j in lsh.query(m):
                if j > i:
                    score = jaccard(sets[i], sets[j])
                    if score >= manifest["text_threshold"]:
                        pairs.append((i, j, score))
    write_pairs(os.path.join(args.out, "peer_text_pairs.bin"), pairs)
    out.append(line(test="text_duplicates", setting=f"datasketch MinHashLSH b={lsh.b} r={lsh.r} exact", seconds=timer.wall,
                    cpu_seconds=timer.cpu, pairs=len(pairs), rows=len(texts), version=datasketch.__version__))
    log(f"datasketch texts: {timer.wall:.1f} s ({timer.cpu:.1f} s CPU), {len(pairs)} pairs (b={lsh.b}, r={lsh.r})")

    # Label mistakes: k nearest neighbours, distance-weighted vote, score 1 - p(given label).
    labels = np.fromfile(os.path.join(args.data, "labels.i32"), np.int32)
    n, k = manifest["labels"]["rows"], manifest["label_k"]
    pca = np.fromfile(os.path.join(args.data, "pca50.f32"), np.float32).reshape(n, 50)
    for name, vectors, metric in (("pixels", images[:n], "cosine"), ("pca50", pca, "euclidean")):
        with Timer() as timer:
            nn = NearestNeighbors(n_neighbors=k, metric=metric, algorithm="brute" if metric == "cosine" else "auto").fit(vectors)
            distance, index = nn.kneighbors()
            eps = max(1e-6 * distance.mean(), 1e-12)
            weights = 1 / (distance + eps)
            votes = np.zeros((n, 10))
            np.add.at(votes, (np.repeat(np.arange(n), k), labels[index].ravel()), weights.ravel())
            p = votes[np.arange(n), labels] / votes.sum(1)
            ranking = np.lexsort((np.arange(n), -(1 - p))).astype(np.uint32)
        ranking.tofile(os.path.join(args.out, f"peer_labels_{name}.u32"))
        out.append(line(test="label_mistakes", setting=f"{name} k={k}", seconds=timer.wall, cpu_seconds=timer.cpu))
        log(f"sklearn label mistakes ({name}): {timer.wall:.1f} s ({timer.cpu:.1f} s CPU)")

    # k-center greedy in numpy: one matrix-vector product per pick.
    x = images[:n] / np.float32(255)
    with Timer() as timer:
        norms = np.einsum("ij,ij->i", x, x)
        start = manifest["kcenter_start"]
        nearest = np.maximum(norms - 2 * (x @ x[start]) + norms[start], 0)
        nearest[start] = -1
        picks = []
        for _ in range(manifest["kcenter_picks"]):
            pick = int(np.argmax(nearest))
            picks.append(pick)
            nearest = np.minimum(nearest, np.maximum(norms - 2 * (x @ x[pick]) + norms[pick], 0))
            nearest[pick] = -1
    np.array(picks, np.uint32).tofile(os.path.join(args.out, "peer_kcenter.u32"))
    out.append(line(test="kcenter", setting=f"{manifest['kcenter_picks']} picks of {n} x 784", seconds=timer.wall,
                    cpu_seconds=timer.cpu, version=np.__version__))
    log(f"numpy k-center: {timer.wall:.1f} s ({timer.cpu:.1f} s CPU)")
    print("\n".join(out), flush=True)


# ----------------------------------------------------------------------------- evaluation

def read_pairs(path):
    import numpy as np
    return np.fromfile(path, dtype=[("a", "<u4"), ("b", "<u4"), ("score", "<f4")])


def score_pairs(records, planted, base, threshold, similarity):
    """Recall of the planted pairs, per edit, and precision over the reported pairs that touch a
    planted copy. A pair (copy of o, x) is correct when x is o, or when x is itself a
    near-duplicate of o in the data (similarity(o, x) >= threshold: the copy joins o's group
    rightly); `strict_precision` counts only (copy, o). Pairs of two original rows are the data
    set's own near-duplicates and are counted apart (`natural`)."""
    kept = records[records["score"] >= threshold]
    found = {(int(a), int(b)) for a, b in zip(kept["a"], kept["b"])}
    original_of = {c: o for c, o, _ in planted}
    truth = {(min(c, o), max(c, o)): kind for c, o, kind in planted}
    recall = {}
    for kind in sorted(set(truth.values())):
        pairs = [p for p, k in truth.items() if k == kind]
        recall[kind] = sum(p in found for p in pairs) / len(pairs)
    touching = [p for p in found if p[1] >= base]
    strict = sum(p in truth for p in touching)
    others = [(original_of[p[1]], p[0]) for p in touching if p not in truth and p[0] < base]
    related = sum(similarity(o, x) >= threshold for o, x in others)
    return dict(recall=sum(p in found for p in truth) / len(truth), by_edit=recall,
                precision=(strict + related) / len(touching) if touching else float("nan"),
                strict_precision=strict / len(touching) if touching else float("nan"),
                reported=len(found), natural=len(found) - len(touching))


def ratio(peer, mine, key):
    return f"{peer[key] / mine[key]:.2f}×" if peer.get(key) and mine.get(key) else "–"


def table(args):
    import numpy as np
    manifest, images = load(args.data)
    def lines(path):
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip().startswith("{")]
    measured = lines(os.path.join(args.run, "peer.jsonl")) + lines(os.path.join(args.run, "loupe.jsonl"))
    def find(lib, test, prefix=""):
        return next((m for m in measured if m["lib"] == lib and m["test"] == test and m["setting"].startswith(prefix)), None)
    run_file = lambda name: os.path.join(args.run, name)

    with open(os.path.join(args.data, "images.tsv")) as f:
        image_planted = [(int(c), int(o), k) for c, o, k in (l.split() for l in f)]
    base = manifest["images"]["base"]
    print(f"### Near-duplicate images: Fashion-MNIST, {base:,} training images + {len(image_planted):,} planted copies "
          f"(raw pixel vectors, cosine)\n")
    sides = [("scikit-learn radius_neighbors (exact)", "peer_image_pairs.bin", find("python", "image_duplicates")),
             ("Loupe exact (blocked sgemm)", "loupe_image_pairs_exact.bin", find("loupe", "image_duplicates", "exact")),
             ("Loupe HNSW M=16 + verification", "loupe_image_pairs_hnsw.bin", find("loupe", "image_duplicates", "hnsw"))]
    unit = images / np.linalg.norm(images, axis=1, keepdims=True)
    cosine = lambda a, b: float(unit[a] @ unit[b])
    peer = sides[0][2]
    print("| method | threshold | recall, all edits | recall, pixel edits | precision | strict precision | pairs of originals "
          "| wall s | CPU s | speed-up wall / CPU |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, file, m in sides:
        records = read_pairs(run_file(file))
        for threshold in manifest["image_thresholds"]:
            s = score_pairs(records, image_planted, base, threshold, cosine)
            pixel = np.mean([s["by_edit"][k] for k in PIXEL_EDITS])
            timing = (f"{m['seconds']:.1f} | {m['cpu_seconds']:.1f} | **{ratio(peer, m, 'seconds')}** / {ratio(peer, m, 'cpu_seconds')}"
                      if threshold == manifest["image_threshold"] else " | | ")
            print(f"| {name} | {threshold} | {s['recall']:.4f} | {pixel:.4f} | {s['precision']:.4f} | {s['strict_precision']:.4f} "
                  f"| {s['natural']} | {timing} |")
    s = score_pairs(read_pairs(run_file(sides[1][1])), image_planted, base, manifest["image_threshold"], cosine)
    print(f"\nrecall by edit at {manifest['image_threshold']} (Loupe exact): " + ", ".join(f"{k} {v:.3f}" for k, v in s["by_edit"].items()))
    print("pixel edits: brightness, noise, JPEG. precision: of the reported pairs that touch a planted copy, those that pair it "
          "with its original or with one of the original's own near-duplicates; strict: with its original only. "
          "Pairs of two original images (natural near-duplicates in Fashion-MNIST) are counted apart.\n")
    loupe_exact = {(int(a), int(b)) for a, b, sc in read_pairs(run_file(sides[1][1])) if sc >= manifest["image_threshold"]}
    peer_exact = {(int(a), int(b)) for a, b, sc in read_pairs(run_file(sides[0][1])) if sc >= manifest["image_threshold"]}
    hnsw = {(int(a), int(b)) for a, b, sc in read_pairs(run_file(sides[2][1])) if sc >= manifest["image_threshold"]}
    print(f"pairs at {manifest['image_threshold']}: Loupe exact {len(loupe_exact)}, sklearn {len(peer_exact)}, identical "
          f"{len(loupe_exact & peer_exact)}; HNSW finds {len(hnsw & loupe_exact) / max(len(loupe_exact), 1):.4f} of the exact pairs\n")

    with open(os.path.join(args.data, "texts.tsv"), encoding="utf-8") as f:
        text_planted = [(int(c), int(o), k) for c, o, k, _ in (l.rstrip("\n").split("\t") for l in f)]
    text_base = manifest["texts"]["base"]
    print(f"### Near-duplicate texts: {text_base:,} WordNet glosses + {len(text_planted):,} lightly edited copies "
          f"(character 5-grams, Jaccard ≥ {manifest['text_threshold']})\n")
    with open(os.path.join(args.data, "texts.txt"), encoding="utf-8") as f:
        texts = [l.rstrip("\n") for l in f]
    text_jaccard = lambda a, b: jaccard(shingles(texts[a]), shingles(texts[b]))
    print("| method | recall | precision | strict precision | pairs of originals | wall s | CPU s | speed-up wall / CPU |")
    print("|---|---|---|---|---|---|---|---|")
    peer = find("python", "text_duplicates")
    for name, file, m in (("datasketch MinHashLSH + exact Jaccard", "peer_text_pairs.bin", peer),
                          ("Loupe NearDuplicates.texts", "loupe_text_pairs.bin", find("loupe", "text_duplicates"))):
        s = score_pairs(read_pairs(run_file(file)), text_planted, text_base, manifest["text_threshold"], text_jaccard)
        print(f"| {name} ({m['setting']}) | {s['recall']:.4f} | {s['precision']:.4f} | {s['strict_precision']:.4f} | {s['natural']} "
              f"| {m['seconds']:.1f} | {m['cpu_seconds']:.1f} | **{ratio(peer, m, 'seconds')}** / {ratio(peer, m, 'cpu_seconds')} |")
    s = score_pairs(read_pairs(run_file("loupe_text_pairs.bin")), text_planted, text_base, manifest["text_threshold"], text_jaccard)
    print("\nrecall by edit (Loupe): " + ", ".join(f"{k} {v:.3f}" for k, v in s["by_edit"].items()) + "\n")

    flipped = set(np.fromfile(os.path.join(args.data, "flipped.u32"), np.uint32).tolist())
    print(f"### Label mistakes: Fashion-MNIST training set, {len(flipped):,} of {manifest['labels']['rows']:,} labels "
          f"flipped (seeded), k = {manifest['label_k']}, distance-weighted vote, score 1 − p(label)\n")
    print("| vectors | method | precision@N | wall s | CPU s | speed-up wall / CPU |")
    print("|---|---|---|---|---|---|")
    for name in ("pixels", "pca50"):
        peer = find("python", "label_mistakes", name)
        for side, file, m in (("scikit-learn kneighbors + numpy vote", f"peer_labels_{name}.u32", peer),
                              ("Loupe exact graph", f"loupe_labels_{name}_exact.u32", find("loupe", "label_mistakes", f"{name} exact")),
                              ("Loupe HNSW graph", f"loupe_labels_{name}_hnsw.u32", find("loupe", "label_mistakes", f"{name} hnsw"))):
            if m is None:
                continue
            ranking = np.fromfile(run_file(file), np.uint32)
            precision = sum(int(r) in flipped for r in ranking[:len(flipped)]) / len(flipped)
            print(f"| {'L2-normalised pixels (cosine)' if name == 'pixels' else 'PCA-50 (L2)'} | {side} | {precision:.4f} "
                  f"| {m['seconds']:.1f} | {m['cpu_seconds']:.1f} | **{ratio(peer, m, 'seconds')}** / {ratio(peer, m, 'cpu_seconds')} |")
    print()

    n = manifest["labels"]["rows"]
    x = images[:n] / np.float32(255)
    norms = np.einsum("ij,ij->i", x, x)
    def covering(picks):
        nearest = np.full(n, np.inf, np.float32)
        for start in range(0, len(picks), 256):
            c = x[picks[start:start + 256]]
            d = norms[:, None] - 2 * (x @ c.T) + np.einsum("ij,ij->i", c, c)[None, :]
            nearest = np.minimum(nearest, d.min(1))
        return float(np.sqrt(max(nearest.max(), 0)))
    peer = find("python", "kcenter")
    mine = find("loupe", "kcenter")
    peer_picks = np.fromfile(run_file("peer_kcenter.u32"), np.uint32)
    loupe_picks = np.fromfile(run_file("loupe_kcenter.u32"), np.uint32)
    start = [manifest["kcenter_start"]]
    same = next((i for i, (a, b) in enumerate(zip(peer_picks, loupe_picks)) if a != b), len(peer_picks))
    print(f"### k-center greedy coreset: {manifest['kcenter_picks']} picks from {n:,} Fashion-MNIST images "
          f"(784-d, pixels / 255, L2), from row {manifest['kcenter_start']}\n")
    print("| implementation | covering radius | wall s | CPU s | speed-up wall / CPU |")
    print("|---|---|---|---|---|")
    print(f"| numpy {peer['version']} (BLAS gemv per pick) | {covering(np.concatenate([start, peer_picks])):.4f} "
          f"| {peer['seconds']:.2f} | {peer['cpu_seconds']:.2f} | 1 |")
    print(f"| Loupe SmartSelect .diverse | {covering(np.concatenate([start, loupe_picks])):.4f} "
          f"| {mine['seconds']:.2f} | {mine['cpu_seconds']:.2f} | **{ratio(peer, mine, 'seconds')}** / {ratio(peer, mine, 'cpu_seconds')} |")
    print(f"\nthe two pick sequences agree on their first {same} of {len(peer_picks)} picks\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inputs")
    p.add_argument("--out", required=True)
    p.add_argument("--fashion", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--wordnet", default="/usr/share/wordnet")
    p.add_argument("--images-planted", type=int, default=1000)
    p.add_argument("--texts-planted", type=int, default=1000)
    p.add_argument("--flip", type=float, default=0.05)
    p = sub.add_parser("run")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--threads", type=int, default=2)
    p = sub.add_parser("table")
    p.add_argument("--data", required=True)
    p.add_argument("--run", required=True)
    args = parser.parse_args()
    if args.command == "run":
        for name in THREAD_VARS:
            os.environ[name] = str(args.threads)
        from threadpoolctl import threadpool_limits
        threadpool_limits(args.threads)
    {"inputs": make_inputs, "run": run, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
