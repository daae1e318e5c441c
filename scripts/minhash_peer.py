#!/usr/bin/env python3
"""minhash_peer.py -- the inputs of `loupe bench minhash` and its peer, datasketch, on them.

  minhash_peer.py inputs --out DIR [--wordnet DIR] [--sets 5000] [--planted 1000] [--pairs 3000]
      Writes, deterministically (seeded):
        sets.bin     the signature-throughput sets: shared/bench/ann_peers.py's run_minhash
                     generator (numpy default_rng(7), --sets sets of 100 distinct tokens from a
                     vocabulary of 1,000,000), then its 200 queries (the first 200 sets with 20
                     tokens replaced, Jaccard 80/120), drawn in the same order as there.
        pairs.bin    --pairs pairs of sets with Jaccard spread over [0.05, 0.95] (sizes 20..300),
                     for the estimate-error test: set 2i and set 2i+1 form pair i.
        corpus.txt   WordNet glosses (the text after '|' in data.noun/verb/adj/adv), one a line.
        queries.txt  --planted lightly edited copies of random glosses (seeded word swaps,
                     deletions, insertions), each with Jaccard >= 0.6 to its original on
                     character 5-gram shingles.
        planted.tsv  query line, corpus line of its original, Jaccard of the pair.
      Set files are little-endian u64: count, count+1 offsets, then the tokens.
  minhash_peer.py run --data DIR [--repeats 3] [--seeds 5]
      Measures datasketch 2.0.0 (MinHash num_perm=128 update_batch, MinHashLSH) on those files
      and prints one JSON line per setting, with the same keys as `loupe bench minhash`.
  minhash_peer.py table PEER.jsonl LOUPE.jsonl
      The side-by-side table with ratios (markdown).

Text shingles here mirror Loupe's `Shingling.characters(5)`: NFKC, lowercase, white space
collapsed to single spaces, then every 5 consecutive code points (the whole text if shorter).
"""
import argparse
import json
import math
import os
import random
import struct
import sys
import time
import unicodedata

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_v] = "1"

NUM_PERM = 128
SHINGLE = 5
THRESHOLD = 0.6
# (label, false-positive weight, false-negative weight, verification, margin): the settings both
# sides run on the planted near-duplicates. Bands and rows come from datasketch's optimiser.
PLANTED_SETTINGS = [
    ("w0.5", 0.5, 0.5, "signature", 0.0),
    ("w0.5", 0.5, 0.5, "signature", 0.05),
    ("w0.1", 0.1, 0.9, "signature", 0.0),
    ("w0.1", 0.1, 0.9, "signature", 0.05),
    ("w0.1", 0.1, 0.9, "exact", 0.0),
]


def now():
    return time.perf_counter()


def log(message):
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- shared inputs

def normalize(text):
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def shingles(text, n=SHINGLE):
    t = normalize(text)
    if not t:
        return []
    if len(t) <= n:
        return [t]
    return [t[i:i + n] for i in range(len(t) - n + 1)]


def jaccard(a, b):
    a, b = set(a), set(b)
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def write_sets(path, sets):
    offsets = [0]
    for s in sets:
        offsets.append(offsets[-1] + len(s))
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(sets)))
        f.write(struct.pack(f"<{len(offsets)}Q", *offsets))
        for s in sets:
            f.write(struct.pack(f"<{len(s)}Q", *[int(x) for x in s]))


def read_sets(path):
    with open(path, "rb") as f:
        data = f.read()
    (count,) = struct.unpack_from("<Q", data, 0)
    offsets = struct.unpack_from(f"<{count + 1}Q", data, 8)
    base = 8 + 8 * (count + 1)
    tokens = struct.unpack_from(f"<{offsets[-1]}Q", data, base)
    return [tokens[offsets[i]:offsets[i + 1]] for i in range(count)]


def wordnet_glosses(folder):
    glosses = []
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(folder, f"data.{pos}"), encoding="utf-8") as f:
            for line in f:
                if line.startswith("  ") or "|" not in line:
                    continue
                gloss = line.split("|", 1)[1].strip()
                gloss = " ".join(gloss.split())  # one line, no tabs
                if gloss:
                    glosses.append(gloss)
    return glosses


def edit(words, rng, vocabulary):
    """1-3 seeded word edits: swap two neighbours, delete one, or insert a corpus word."""
    words = list(words)
    for _ in range(rng.randint(1, 3)):
        kind = rng.choice(("swap", "delete", "insert"))
        if kind == "swap" and len(words) >= 2:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
        elif kind == "delete" and len(words) >= 2:
            del words[rng.randrange(len(words))]
        else:
            words.insert(rng.randrange(len(words) + 1), rng.choice(vocabulary))
    return words


def make_inputs(args):
    import numpy as np
    os.makedirs(args.out, exist_ok=True)
    # 1. ann_peers.py run_minhash's generator, call for call.
    rng = np.random.default_rng(7)
    vocab = 1_000_000
    base = [rng.choice(vocab, 100, replace=False) for _ in range(args.sets)]
    queries = []
    for s in base[:200]:
        q = s.copy()
        q[:20] = rng.choice(vocab, 20, replace=False) + vocab
        queries.append(q)
    write_sets(os.path.join(args.out, "sets.bin"), base + queries)
    # 2. Pairs with a spread of similarities.
    prng = random.Random(11)
    pairs = []
    for i in range(args.pairs):
        target = 0.05 + 0.9 * (i % 19) / 18
        size = prng.randint(20, 300)
        common = round(2 * size * target / (1 + target))
        shared = [prng.getrandbits(64) for _ in range(common)]
        a = shared + [prng.getrandbits(64) for _ in range(size - common)]
        b = shared + [prng.getrandbits(64) for _ in range(size - common)]
        prng.shuffle(a)
        prng.shuffle(b)
        pairs += [a, b]
    write_sets(os.path.join(args.out, "pairs.bin"), pairs)
    # 3. WordNet glosses with planted near-duplicates.
    glosses = wordnet_glosses(args.wordnet)
    vocabulary = sorted({w for g in glosses[:20000] for w in g.split()})
    trng = random.Random(5)
    planted = []
    tried = 0
    while len(planted) < args.planted and tried < 50 * args.planted:
        tried += 1
        line = trng.randrange(len(glosses))
        words = glosses[line].split()
        if len(words) < 6:
            continue
        original = shingles(glosses[line])
        for _ in range(10):
            copy = " ".join(edit(words, trng, vocabulary))
            j = jaccard(original, shingles(copy))
            if j >= 0.6 and copy != glosses[line]:
                planted.append((copy, line, j))
                break
    with open(os.path.join(args.out, "corpus.txt"), "w", encoding="utf-8") as f:
        f.writelines(g + "\n" for g in glosses)
    with open(os.path.join(args.out, "queries.txt"), "w", encoding="utf-8") as f:
        f.writelines(p[0] + "\n" for p in planted)
    with open(os.path.join(args.out, "planted.tsv"), "w", encoding="utf-8") as f:
        f.writelines(f"{i}\t{p[1]}\t{p[2]:.6f}\n" for i, p in enumerate(planted))
    js = [p[2] for p in planted]
    log(f"inputs: {len(base)} sets + 200 queries, {args.pairs} pairs, {len(glosses)} glosses, "
        f"{len(planted)} planted copies (Jaccard min {min(js):.3f} mean {sum(js) / len(js):.3f})")


# ----------------------------------------------------------------------------- datasketch

def encode(tokens):
    return [int(x).to_bytes(8, "little") for x in tokens]


def binomial_mae(j, k):
    """E|X/k - j| for X ~ Binomial(k, j): the error of an ideal MinHash estimator."""
    total = 0.0
    for x in range(k + 1):
        total += math.comb(k, x) * j ** x * (1 - j) ** (k - x) * abs(x / k - j)
    return total


def line(**fields):
    return json.dumps(dict(lib="datasketch", **fields))


def run(args):
    from datasketch import MinHash, MinHashLSH
    from datasketch.lsh import _optimal_param
    import datasketch
    out = []
    folder = args.data
    # (1) signature throughput, as in ann_peers.py: a new MinHash per set, update_batch.
    sets = read_sets(os.path.join(folder, "sets.bin"))
    base, queries = sets[:-200], sets[-200:]
    encoded = [encode(s) for s in base]
    best = cpu = math.inf
    for _ in range(args.repeats):
        t, c = now(), time.process_time()
        signatures = []
        for toks in encoded:
            m = MinHash(num_perm=NUM_PERM, seed=1)
            m.update_batch(toks)
            signatures.append(m)
        best = min(best, now() - t)
        cpu = min(cpu, time.process_time() - c)
    bulk = math.inf
    for _ in range(args.repeats):
        t = now()
        MinHash.bulk(encoded, num_perm=NUM_PERM, seed=1)
        bulk = min(bulk, now() - t)
    out.append(line(test="signatures", setting=f"{len(base)} sets x 100 tokens, k={NUM_PERM}",
                    sets_per_s=len(base) / best, us_per_set=best / len(base) * 1e6,
                    cpu_us_per_set=cpu / len(base) * 1e6,
                    bulk_us_per_set=bulk / len(base) * 1e6, version=datasketch.__version__))
    log(f"datasketch signatures: {best / len(base) * 1e6:.1f} us/set (bulk {bulk / len(base) * 1e6:.1f})")

    # ann_peers.py's LSH micro-benchmark: threshold 0.5, 200 planted queries.
    lsh = MinHashLSH(threshold=0.5, num_perm=NUM_PERM)
    t = now()
    for i, m in enumerate(signatures):
        lsh.insert(i, m)
    insert = now() - t
    qs = []
    for toks in (encode(q) for q in queries):
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch(toks)
        qs.append(m)
    t = now()
    found = [lsh.query(m) for m in qs]
    query = now() - t
    out.append(line(test="synthetic_lsh", setting=f"t=0.5 b={lsh.b} r={lsh.r}",
                    insert_us=insert / len(base) * 1e6, query_qps=len(qs) / query,
                    recall=sum(i in r for i, r in enumerate(found)) / len(found),
                    candidates_per_query=sum(len(r) for r in found) / len(found)))

    # (3) estimate error over seeded pairs, averaged over permutation seeds.
    pairs = read_sets(os.path.join(folder, "pairs.bin"))
    truth = [jaccard(pairs[2 * i], pairs[2 * i + 1]) for i in range(len(pairs) // 2)]
    encoded_pairs = [encode(s) for s in pairs]
    errors, signed = [], []
    for seed in range(1, args.seeds + 1):
        for i, j in enumerate(truth):
            a = MinHash(num_perm=NUM_PERM, seed=seed)
            a.update_batch(encoded_pairs[2 * i])
            b = MinHash(num_perm=NUM_PERM, seed=seed)
            b.update_batch(encoded_pairs[2 * i + 1])
            e = a.jaccard(b) - j
            errors.append(abs(e))
            signed.append(e)
    ideal = sum(binomial_mae(j, NUM_PERM) for j in truth) / len(truth)
    mae = sum(errors) / len(errors)
    sd = math.sqrt(sum((e - mae) ** 2 for e in errors) / (len(errors) - 1))
    out.append(line(test="estimate_error", setting=f"{len(truth)} pairs x {args.seeds} seeds, k={NUM_PERM}",
                    mae=mae, mae_stderr=sd / math.sqrt(len(errors)), bias=sum(signed) / len(signed),
                    binomial_mae=ideal))
    log(f"datasketch estimate MAE {mae:.5f} (binomial {ideal:.5f})")

    # (2) planted near-duplicates in WordNet glosses.
    with open(os.path.join(folder, "corpus.txt"), encoding="utf-8") as f:
        corpus = [l.rstrip("\n") for l in f]
    with open(os.path.join(folder, "queries.txt"), encoding="utf-8") as f:
        texts = [l.rstrip("\n") for l in f]
    planted = []
    with open(os.path.join(folder, "planted.tsv"), encoding="utf-8") as f:
        for l in f:
            q, original, _ = l.split("\t")
            planted.append((int(q), int(original)))
    t = now()
    corpus_shingles = [shingles(g) for g in corpus]
    query_shingles = [shingles(q) for q in texts]
    shingle_time = now() - t
    corpus_sets = [set(s) for s in corpus_shingles]
    corpus_bytes = [[s.encode("utf-8") for s in sh] for sh in corpus_shingles]
    query_bytes = [[s.encode("utf-8") for s in sh] for sh in query_shingles]
    t = now()
    corpus_signatures = []
    for toks in corpus_bytes:
        m = MinHash(num_perm=NUM_PERM, seed=1)
        m.update_batch(toks)
        corpus_signatures.append(m)
    corpus_signature_time = now() - t
    for label, fp, fn, verification, margin in PLANTED_SETTINGS:
        b, r = _optimal_param(THRESHOLD, NUM_PERM, fp, fn)
        lsh = MinHashLSH(num_perm=NUM_PERM, params=(b, r))
        t = now()
        for i, m in enumerate(corpus_signatures):
            lsh.insert(i, m, check_duplication=False)
        insert = now() - t
        hits = reported = true_reported = candidates = 0
        t = now()
        results = []
        for q, toks in enumerate(query_bytes):
            m = MinHash(num_perm=NUM_PERM, seed=1)
            m.update_batch(toks)
            found = lsh.query(m)
            candidates += len(found)
            if verification == "exact":
                qs = set(query_shingles[q])
                kept = [c for c in found if jaccard(qs, corpus_sets[c]) >= THRESHOLD]
            else:
                kept = [c for c in found if m.jaccard(corpus_signatures[c]) >= THRESHOLD - margin]
            results.append(kept)
        query = now() - t
        for (q, original), kept in zip(planted, results):
            hits += original in kept
            reported += len(kept)
            qs = set(query_shingles[q])
            true_reported += sum(jaccard(qs, corpus_sets[c]) >= THRESHOLD for c in kept)
        out.append(line(test="planted", setting=f"{label} b={b} r={r} {verification} margin={margin}",
                        bands=b, rows=r, recall=hits / len(planted),
                        precision=true_reported / reported if reported else None,
                        candidates_per_query=candidates / len(planted), query_qps=len(planted) / query,
                        insert_us=insert / len(corpus) * 1e6,
                        signature_us=corpus_signature_time / len(corpus) * 1e6,
                        shingle_us=shingle_time / (len(corpus) + len(texts)) * 1e6,
                        corpus=len(corpus), queries=len(planted)))
        log(f"datasketch planted {label} b={b} r={r} {verification} margin={margin}: recall {hits / len(planted):.4f}")
    print("\n".join(out), flush=True)


# ----------------------------------------------------------------------------- table

def table(args):
    def load(path):
        with open(path) as f:
            return [json.loads(l) for l in f if l.strip().startswith("{")]
    peers = {(r["test"], r["setting"]): r for r in load(args.peer)}
    mine = {(r["test"], r["setting"]): r for r in load(args.loupe)}

    def fmt(v, digits=4):
        if v is None:
            return "–"
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            v = float(v)
            return f"{v:.{digits}f}" if abs(v) < 1000 else f"{v:,.0f}"
        return str(v)

    print("### (1) signatures, 1 thread (same sets: ann_peers.py run_minhash generator)\n")
    print("| | µs / set (wall) | sets / s | speed-up (wall) | µs / set (CPU) | speed-up (CPU) |")
    print("|---|---|---|---|---|---|")
    for key, r in mine.items():
        if key[0] != "signatures":
            continue
        p = peers.get(key)
        if p:
            print(f"| datasketch {p['version']} MinHash.update_batch | {fmt(p['us_per_set'], 1)} | {fmt(p['sets_per_s'], 0)} | 1 "
                  f"| {fmt(p['cpu_us_per_set'], 1)} | 1 |")
            print(f"| datasketch MinHash.bulk | {fmt(p['bulk_us_per_set'], 1)} | {fmt(1e6 / p['bulk_us_per_set'], 0)} "
                  f"| {p['us_per_set'] / p['bulk_us_per_set']:.1f}× | – | – |")
        for name, field, cpu in (("Loupe signature(of:) per set", "us_per_set", "cpu_us_per_set"),
                                 ("Loupe signatures(ofSets:) batch", "batch_us_per_set", None)):
            speed = f"**{p['us_per_set'] / r[field]:.1f}×**" if p else "–"
            cpu_speed = f"**{p['cpu_us_per_set'] / r[cpu]:.1f}×**" if p and cpu else "–"
            print(f"| {name} ({r['kernels']}) | {fmt(r[field], 2)} | {fmt(1e6 / r[field], 0)} | {speed} "
                  f"| {fmt(r[cpu], 2) if cpu else '–'} | {cpu_speed} |")
        others = ", ".join(f"{k[len('us_per_set_'):]} {r[k]:.2f} µs" for k in r if k.startswith("us_per_set_"))
        print(f"\n{key[1]}; Loupe at lower instruction-set levels (wall): {others}\n")

    print("### (2) planted near-duplicates in WordNet glosses (threshold 0.6, k=128, character 5-grams)\n")
    print("| setting | recall Loupe | recall datasketch | precision Loupe | precision datasketch | candidates/query L / d | query QPS L / d (×) | insert µs L / d |")
    print("|---|---|---|---|---|---|---|---|")
    for key, r in mine.items():
        if key[0] != "planted":
            continue
        p = peers.get(key, {})
        qps = f"{fmt(r['query_qps'], 0)} / {fmt(p.get('query_qps'), 0)}"
        if p.get("query_qps"):
            qps += f" ({r['query_qps'] / p['query_qps']:.0f}×)"
        print(f"| {key[1]} | {fmt(r['recall'])} | {fmt(p.get('recall'))} | {fmt(r['precision'])} | {fmt(p.get('precision'))} "
              f"| {fmt(r['candidates_per_query'], 1)} / {fmt(p.get('candidates_per_query'), 1)} | {qps} "
              f"| {fmt(r['insert_us'], 2)} / {fmt(p.get('insert_us'), 2)} |")
    first = next((r for k, r in mine.items() if k[0] == "planted"), None)
    firstp = next((r for k, r in peers.items() if k[0] == "planted"), None)
    if first:
        print(f"\ncorpus {first['corpus']} glosses, {first['queries']} planted copies; per text: shingling "
              f"{fmt(first['shingle_us'], 2)} µs (Python {fmt(firstp and firstp['shingle_us'], 2)}), signature "
              f"{fmt(first['signature_us'], 2)} µs (datasketch {fmt(firstp and firstp['signature_us'], 2)}); "
              f"Loupe and Python shingles agree on every planted pair's Jaccard within {first.get('shingle_jaccard_max_diff')}\n")

    print("### (3) Jaccard estimate error (mean |estimate − exact|, k=128)\n")
    print("| | MAE | ± stderr | bias | binomial ideal |")
    print("|---|---|---|---|---|")
    for key, r in mine.items():
        if key[0] != "estimate_error":
            continue
        p = peers.get(key)
        if p:
            print(f"| datasketch | {fmt(p['mae'], 5)} | {fmt(p['mae_stderr'], 5)} | {fmt(p['bias'], 5)} | {fmt(p['binomial_mae'], 5)} |")
        print(f"| Loupe | {fmt(r['mae'], 5)} | {fmt(r['mae_stderr'], 5)} | {fmt(r['bias'], 5)} | {fmt(p and p['binomial_mae'], 5)} |")
        print(f"\n{key[1]}\n")

    for key, r in mine.items():
        if key[0] != "synthetic_lsh":
            continue
        p = peers.get(key, {})
        print("### ann_peers.py's LSH micro-benchmark (5,000 sets, 200 queries at Jaccard 0.667, threshold 0.5)\n")
        print("| | insert µs | query QPS | recall | candidates/query |")
        print("|---|---|---|---|---|")
        print(f"| datasketch | {fmt(p.get('insert_us'), 2)} | {fmt(p.get('query_qps'), 0)} | {fmt(p.get('recall'))} | {fmt(p.get('candidates_per_query'), 2)} |")
        print(f"| Loupe | {fmt(r['insert_us'], 2)} | {fmt(r['query_qps'], 0)} | {fmt(r['recall'])} | {fmt(r['candidates_per_query'], 2)} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    a = sub.add_parser("inputs")
    a.add_argument("--out", required=True)
    a.add_argument("--wordnet", default="/usr/share/wordnet")
    a.add_argument("--sets", type=int, default=5000)
    a.add_argument("--planted", type=int, default=1000)
    a.add_argument("--pairs", type=int, default=3000)
    r = sub.add_parser("run")
    r.add_argument("--data", required=True)
    r.add_argument("--repeats", type=int, default=3)
    r.add_argument("--seeds", type=int, default=5)
    t = sub.add_parser("table")
    t.add_argument("peer")
    t.add_argument("loupe")
    args = ap.parse_args()
    {"inputs": make_inputs, "run": run, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
