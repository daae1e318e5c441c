#!/usr/bin/env python3
"""image_encoder_peer.py -- the PyTorch side of scripts/bench-image-encoder.sh.

  image_encoder_peer.py input --batch 16 --out FILE
      Writes the exact batch shared/bench/encoder_peers.py encodes (torch.randint(0, 256) with
      Generator().manual_seed(0), normalised as (p - 127) / 128), as float32 little-endian NCHW,
      so that `loupe bench image-encoder --input FILE` encodes the same pixels.
  image_encoder_peer.py peer --shared DIR -- ARGS...
      Runs DIR/bench/encoder_peers.py ARGS in this process, timing each of its passes for CPU as
      well (process CPU time, all threads), and adds to its JSON line the CPU time per image of
      its fastest pass and the process's peak resident memory: {"model", "lib": "pytorch",
      "threads", "batch", "items_per_s", "cpu_ms_per_image", "peak_rss_mb"} (MB = 10^6 bytes,
      from getrusage ru_maxrss).
  image_encoder_peer.py table RESULTS.jsonl
      The side-by-side markdown table: best images/s of each side over the rounds, the ratio,
      and the peak RSS.
"""
import argparse
import contextlib
import io
import json
import os
import resource
import runpy
import sys
import time


def write_input(args):
    import torch
    g = torch.Generator().manual_seed(0)
    pixels = torch.randint(0, 256, (args.batch, 3, 224, 224), generator=g, dtype=torch.uint8)
    x = ((pixels.float() - 127.0) / 128.0).contiguous()
    x.numpy().astype("<f4").tofile(args.out)


def run_peer(args):
    script = os.path.join(args.shared, "bench", "encoder_peers.py")
    sys.argv = [script] + args.rest
    peer = runpy.run_path(script, run_name="encoder_peers")
    fastest = {}

    def best_pass(run_pass, repeats):
        """encoder_peers.best_pass, also noting the process CPU time of the fastest pass."""
        best = None
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            run_pass()
            dt, dc = time.perf_counter() - t, time.process_time() - c
            if best is None or dt < best:
                best, fastest["cpu_s"] = dt, dc
        return best

    # bench_effnet looks best_pass up in its module's globals (run_path returns a copy of them).
    peer["main"].__globals__["best_pass"] = best_pass
    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        peer["main"]()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6
    for line in captured.getvalue().splitlines():
        if line.startswith("{"):
            row = json.loads(line)
            row["lib"] = "pytorch"
            images = -(-args_value(args.rest, "--images", 128) // args_value(args.rest, "--image-batch", 16)) \
                * args_value(args.rest, "--image-batch", 16)
            row["cpu_ms_per_image"] = round(fastest["cpu_s"] * 1000 / images, 2)
            row["peak_rss_mb"] = round(peak, 1)
            print(json.dumps(row), flush=True)


def args_value(rest, name, default):
    """The integer after `name` in the peer's arguments, or `default`."""
    return int(rest[rest.index(name) + 1]) if name in rest else default


def table(args):
    best = {}
    with open(args.results) as f:
        for line in f:
            if not line.startswith("{"):
                continue
            row = json.loads(line)
            key = row["lib"]
            if key not in best or row["items_per_s"] > best[key]["items_per_s"]:
                best[key] = row
    torch_row, loupe_row = best.get("pytorch"), best.get("loupe")
    print("| EfficientNet-Lite0, batch {}, {} threads | images/s | ratio | CPU ms / image | ratio (CPU) | peak RSS (MB) |".format(
        (loupe_row or torch_row)["batch"], (loupe_row or torch_row)["threads"]))
    print("|---|---|---|---|---|---|")
    if torch_row:
        print(f"| PyTorch (encoder_peers.py) | {torch_row['items_per_s']:.1f} | 1.00 "
              f"| {torch_row['cpu_ms_per_image']:.1f} | 1.00 | {torch_row['peak_rss_mb']:.0f} |")
    if loupe_row:
        ratio = f"**{loupe_row['items_per_s'] / torch_row['items_per_s']:.2f}×**" if torch_row else "–"
        cpu_ratio = f"**{torch_row['cpu_ms_per_image'] / loupe_row['cpu_ms_per_image']:.2f}×**" if torch_row else "–"
        print(f"| Loupe (`loupe bench image-encoder`) | {loupe_row['items_per_s']:.1f} | {ratio} "
              f"| {loupe_row['cpu_ms_per_image']:.1f} | {cpu_ratio} | {loupe_row['peak_rss_mb']:.0f} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("input")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--out", required=True)
    p = sub.add_parser("peer")
    p.add_argument("--shared", required=True)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p = sub.add_parser("table")
    p.add_argument("results")
    args = ap.parse_args()
    if args.command == "peer" and args.rest[:1] == ["--"]:
        args.rest = args.rest[1:]
    {"input": write_input, "peer": run_peer, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
