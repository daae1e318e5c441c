#!/usr/bin/env python3
"""The peers of `loupe bench rtree`, on the points and queries it exported (`--export DIR`).

  rtree_peers.py SET_DIR [SET_DIR ...] [--leaf-capacity N ...] [--repeats R]

Peers, each queried one query at a time on one thread, like Loupe:
- `rtree` (libspatialindex): bulk-loaded from numpy arrays, queried through its numpy entry points
  (`intersection_v`, `nearest_v` with one box each: ids come back as arrays, not Python objects).
  Rectangle = `intersection_v`; radius = `intersection_v` of the circle's box, then the exact
  distance test in numpy; lasso = `intersection_v` of the polygon's box, then shapely's vectorised
  `intersects_xy` on the candidates; kNN = `nearest_v(strict=True)`.
- `shapely` STRtree (GEOS, also Sort-Tile-Recursive, node capacity 10): rectangle = `query(box)`,
  radius = `query(point, predicate="dwithin")`, lasso = `query(polygon, predicate="intersects")`
  (GEOS prepares the polygon). GEOS has no k-nearest query, so kNN is left out.

Prints one JSON line per peer and set, with the same keys as Loupe's lines; `*_hits` counts every
id returned, so equal totals mean equal answers.
"""
import argparse
import json
import os
import sys
import time

import numpy as np


def load_set(folder):
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    read = lambda name, width: np.fromfile(os.path.join(folder, name), dtype="<f4").reshape(-1, width)
    points = read("points.f32", 2)
    return meta, {
        "points": points,
        "rects": read("rects.f32", 4),
        "circles": read("circles.f32", 3),
        "polygons": read("polygons.f32", 2 * meta["vertices"]).reshape(-1, meta["vertices"], 2),
        "knn": read("knn.f32", 2),
    }


def timed(queries, run, warmup=20):
    """Per-query latencies (s) of run(i) over the queries after a warm-up, and the total hits."""
    for i in range(min(warmup, queries)):
        run(i)
    latencies = np.empty(queries)
    hits = 0
    for i in range(queries):
        start = time.perf_counter()
        result = run(i)
        latencies[i] = time.perf_counter() - start
        hits += len(result)
    return latencies, hits


def add_timings(line, kind, timing):
    latencies, hits = timing
    line[f"{kind}_p50_us"] = round(float(np.percentile(latencies, 50)) * 1e6, 1)
    line[f"{kind}_p99_us"] = round(float(np.percentile(latencies, 99)) * 1e6, 1)
    line[f"{kind}_hits"] = int(hits)


def run_rtree(meta, data, leaf_capacity):
    from rtree import index
    import shapely

    points = data["points"].astype(np.float64)
    xs, ys = points[:, 0].copy(), points[:, 1].copy()
    n = len(points)
    properties = index.Property()
    properties.dimension = 2
    properties.leaf_capacity = leaf_capacity
    properties.index_capacity = leaf_capacity
    start = time.perf_counter()
    tree = index.Index((np.arange(n, dtype=np.int64), points, points), properties=properties)
    build = time.perf_counter() - start

    rects = data["rects"].astype(np.float64)
    circles = data["circles"].astype(np.float64)
    polygons = [shapely.Polygon(p) for p in data["polygons"].astype(np.float64)]
    for polygon in polygons:
        shapely.prepare(polygon)
    knn = data["knn"].astype(np.float64)
    q = len(rects)
    # One query box each, as (1, 2) arrays of minima and maxima.
    rect_mins, rect_maxs = rects[:, None, :2].copy(), rects[:, None, 2:].copy()
    circle_mins = circles[:, None, :2] - circles[:, None, 2:]
    circle_maxs = circles[:, None, :2] + circles[:, None, 2:]
    polygon_bounds = np.array([p.bounds for p in polygons])
    polygon_mins, polygon_maxs = polygon_bounds[:, None, :2].copy(), polygon_bounds[:, None, 2:].copy()
    knn_boxes = knn[:, None, :].copy()

    def radius(i):
        x, y, r = circles[i]
        candidates, _ = tree.intersection_v(circle_mins[i], circle_maxs[i])
        dx, dy = xs[candidates] - x, ys[candidates] - y
        return candidates[dx * dx + dy * dy <= r * r]

    def lasso(i):
        candidates, _ = tree.intersection_v(polygon_mins[i], polygon_maxs[i])
        return candidates[shapely.intersects_xy(polygons[i], xs[candidates], ys[candidates])]

    line = {"dataset": meta["name"], "n": n, "index": "rtree-libspatialindex", "node_capacity": leaf_capacity,
            "build_s": round(build, 4)}
    add_timings(line, "rect", timed(q, lambda i: tree.intersection_v(rect_mins[i], rect_maxs[i])[0]))
    add_timings(line, "radius", timed(q, radius))
    add_timings(line, "lasso", timed(q, lasso))
    add_timings(line, "knn", timed(q, lambda i: tree.nearest_v(knn_boxes[i], knn_boxes[i], num_results=meta["k"], strict=True)[0]))
    return line


def run_shapely(meta, data):
    import shapely
    from shapely import STRtree

    points = data["points"].astype(np.float64)
    geometries = shapely.points(points)
    start = time.perf_counter()
    tree = STRtree(geometries)
    tree.query(shapely.box(0, 0, 0, 0))  # STRtree builds lazily, on the first query
    build = time.perf_counter() - start
    rects = [shapely.box(*r) for r in data["rects"].astype(np.float64)]
    circles = data["circles"].astype(np.float64)
    centres = [shapely.Point(c[0], c[1]) for c in circles]
    polygons = [shapely.Polygon(p) for p in data["polygons"].astype(np.float64)]
    q = len(rects)
    line = {"dataset": meta["name"], "n": len(points), "index": "shapely-strtree", "node_capacity": 10,
            "build_s": round(build, 4)}
    add_timings(line, "rect", timed(q, lambda i: tree.query(rects[i])))
    add_timings(line, "radius", timed(q, lambda i: tree.query(centres[i], predicate="dwithin", distance=circles[i, 2])))
    add_timings(line, "lasso", timed(q, lambda i: tree.query(polygons[i], predicate="intersects")))
    return line


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sets", nargs="+", help="folders written by `loupe bench rtree --export`")
    parser.add_argument("--leaf-capacity", type=int, nargs="+", default=[32, 100],
                        help="libspatialindex leaf and index capacities to measure (100 is its default)")
    parser.add_argument("--peers", default="rtree,shapely", help="comma list: rtree, shapely")
    args = parser.parse_args()
    peers = args.peers.split(",")
    for folder in args.sets:
        meta, data = load_set(folder)
        print(f"{meta['name']}: {meta['n']} points, {meta['queries']} queries of each kind", file=sys.stderr)
        if "rtree" in peers:
            for capacity in args.leaf_capacity:
                print(json.dumps(run_rtree(meta, data, capacity)), flush=True)
        if "shapely" in peers:
            print(json.dumps(run_shapely(meta, data)), flush=True)


if __name__ == "__main__":
    main()
