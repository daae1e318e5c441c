#!/usr/bin/env python3
"""images_peer.py -- Pillow's side of `loupe bench images`, and the table comparing the two.

  images_peer.py run [--folder DIR] [--files a.png,b.jpg,...] [--rounds 4] [--repeats 5] [--threads 1,2]
      Measures Pillow (13.0.0 in scripts/bench-images.sh) on the same work as `loupe bench images`:
      the files are read into memory first; a pass processes every file --rounds times, shared out
      among T threads (a ThreadPoolExecutor: Pillow releases the GIL while it decodes and resizes);
      the fastest of --repeats passes counts, for wall time and separately for the workers' CPU time
      (time.thread_time: Pillow's C code runs on the calling thread). Pipelines, as the
      EfficientNet-Lite reference does them:
        crop               Image.open + load, convert('RGB'), resize(shorter side 256, long side
                           round(long*256/short), BICUBIC), crop the centre 224 (floored offsets)
        tensor             crop + (np.asarray(crop, float32) - 127) / 128, transposed to CHW
        crop-reduced-jpeg  crop after Image.draft('RGB', resized size): libjpeg DCT scaling, Pillow's
                           own fast path and the peer of Loupe's reducedJPEGShorterSide
        decode             Image.open + load + convert('RGB') alone, one thread
        resize-crop        resize + crop of the decoded images alone, one thread
      Prints one JSON line per measurement, with the keys `loupe bench images` prints.
  images_peer.py table PEER.jsonl LOUPE.jsonl
      The side-by-side table with Loupe/Pillow ratios of images/s and of CPU time per image
      (markdown); when a file holds several runs, the best figure of each measurement counts.
"""
import argparse
import io
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

try:  # `table` runs without them
    import numpy as np
    import PIL
    from PIL import Image, features
except ImportError:
    np = PIL = Image = features = None

FILES = "astronaut.png,chelsea.png,coffee.png,rocket.jpg,motorcycle_left.png,hubble_deep_field.jpg,camera.png,retina.jpg"
SHORTER, CROP = 256, 224


def resized_size(w, h):
    short, long = min(w, h), max(w, h)
    new_long = round(long * SHORTER / short)
    return (SHORTER, new_long) if w <= h else (new_long, SHORTER)


def crop(im):
    w, h = resized_size(*im.size)
    im = im.resize((w, h), Image.Resampling.BICUBIC)
    left, top = (w - CROP) // 2, (h - CROP) // 2
    return im.crop((left, top, left + CROP, top + CROP))


def decode(data, reduced=False):
    im = Image.open(io.BytesIO(data))
    if reduced and im.format == "JPEG":
        im.draft("RGB", resized_size(*im.size))
    im.load()
    return im.convert("RGB") if im.mode != "RGB" else im


def pipeline_function(name, inputs, decoded):
    if name == "crop":
        return lambda i: crop(decode(inputs[i]))
    if name == "tensor":
        return lambda i: ((np.asarray(crop(decode(inputs[i])), dtype=np.float32) - 127) / 128).transpose(2, 0, 1).copy()
    if name == "crop-reduced-jpeg":
        return lambda i: crop(decode(inputs[i], reduced=True))
    if name == "decode":
        return lambda i: decode(inputs[i])
    if name == "resize-crop":
        return lambda i: crop(decoded[i])
    raise ValueError(name)


def measure(name, inputs, decoded, rounds, repeats, threads):
    function = pipeline_function(name, inputs, decoded)
    work = len(inputs) * rounds

    def worker(index):
        start = time.thread_time()
        for item in range(index, work, threads):
            function(item % len(inputs))
        return time.thread_time() - start

    function(0)  # warm-up
    best = best_cpu = float("inf")
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for _ in range(repeats):
            start = time.perf_counter()
            cpu = worker(0) if threads == 1 else sum(pool.map(worker, range(threads)))
            best = min(best, time.perf_counter() - start)
            best_cpu = min(best_cpu, cpu)
    return {
        "impl": "pillow",
        "pipeline": name,
        "threads": threads,
        "images": work,
        "images_per_s": round(work / best, 1),
        "ms_per_image": round(best * 1000 / work * threads, 3),
        "cpu_ms_per_image": round(best_cpu * 1000 / work, 3),
    }


def run(args):
    names = [n.strip() for n in args.files.split(",")]
    inputs = [open(os.path.join(args.folder, n), "rb").read() for n in names]
    decoded = [decode(data) for data in inputs]
    print(
        f"pillow {PIL.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')}, zlib {features.version('zlib')}, "
        f"webp {features.version('webp')}): {len(names)} files x {args.rounds} rounds per pass, best of {args.repeats}",
        file=sys.stderr,
    )
    for threads in [int(t) for t in args.threads.split(",")]:
        for name in ("crop", "tensor", "crop-reduced-jpeg"):
            print(json.dumps(measure(name, inputs, decoded, args.rounds, args.repeats, threads)), flush=True)
    for name in ("decode", "resize-crop"):
        print(json.dumps(measure(name, inputs, decoded, args.rounds, args.repeats, 1)), flush=True)


def table(peer_path, loupe_path):
    def load(path):
        best = {}
        for line in open(path):
            if line.strip():
                record = json.loads(line)
                key = (record["pipeline"], record["threads"])
                if key not in best:
                    best[key] = record
                else:
                    best[key]["images_per_s"] = max(best[key]["images_per_s"], record["images_per_s"])
                    best[key]["cpu_ms_per_image"] = min(best[key]["cpu_ms_per_image"], record["cpu_ms_per_image"])
        return best

    peer, loupe = load(peer_path), load(loupe_path)
    print("| pipeline | threads | Loupe images/s | Pillow images/s | Loupe/Pillow | Loupe CPU ms/image | Pillow CPU ms/image | Pillow/Loupe CPU |")
    print("|---|---|---|---|---|---|---|---|")
    for key in sorted(loupe, key=lambda k: (k[1], ["crop", "tensor", "crop-reduced-jpeg", "decode", "resize-crop"].index(k[0]))):
        ours, theirs = loupe[key], peer.get(key)
        if theirs is None:
            continue
        ratio = ours["images_per_s"] / theirs["images_per_s"]
        cpu_ratio = theirs["cpu_ms_per_image"] / ours["cpu_ms_per_image"]
        print(
            f"| {key[0]} | {key[1]} | {ours['images_per_s']:.1f} | {theirs['images_per_s']:.1f} | **{ratio:.2f}x** "
            f"| {ours['cpu_ms_per_image']:.2f} | {theirs['cpu_ms_per_image']:.2f} | **{cpu_ratio:.2f}x** |"
        )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--folder", default="/usr/lib/python3/dist-packages/skimage/data")
    r.add_argument("--files", default=FILES)
    r.add_argument("--rounds", type=int, default=4)
    r.add_argument("--repeats", type=int, default=5)
    r.add_argument("--threads", default="1,2")
    t = sub.add_parser("table")
    t.add_argument("peer")
    t.add_argument("loupe")
    args = ap.parse_args()
    if args.command == "run":
        run(args)
    else:
        table(args.peer, args.loupe)


if __name__ == "__main__":
    main()
