#!/usr/bin/env python3
"""Data for the browser tests (standard library only).

    scripts/ui_test_data.py OUT [COUNT]

writes, into OUT:
  fashion-mnist/<Class>/t10k-NNNNN.png   the first COUNT (default 1000) Fashion-MNIST test images
                                         (28x28 gray PNG, Debian dataset-fashion-mnist), through
                                         scripts/prepare-demo-data.py's PNG writer
  fashion-rows.json                      {"rows": [...]} for POST /v1/datasets/{d}/rows: row_data is
                                         the PNG's absolute path, the class is the label, metadata
                                         {index, split}
  fashion-vectors.ndjson                 each image's 784 pixel values / 255 as a vector line
  fashion-metrics.json                   {"metrics": [...]}: "ink" (mean pixel value) per row
  pictures-rows.json                     the skimage photos and 12 openclipart PNGs from each of a few
                                         category folders (rows pointing at the Debian files, the
                                         folder as label), for natural-language search through ConSE
  points-rows-NN.json, points-vectors.ndjson
                                         100,000 seeded synthetic 2-D points in 12 Gaussian blobs
                                         (text rows), for the map's frame time at 100k points
"""
import gzip, importlib.util, json, os, random, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location("prepare_demo_data", os.path.join(HERE, "prepare-demo-data.py"))
demo = importlib.util.module_from_spec(spec)
spec.loader.exec_module(demo)

POINTS = 100_000
POINTS_PER_FILE = 5_000


def fashion(out, count):
    with gzip.open(f"{demo.FASHION}/t10k-images-idx3-ubyte.gz") as f:
        magic, total, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 0x803:
            sys.exit(f"{demo.FASHION}/t10k-images-idx3-ubyte.gz is not an IDX image file")
        images = f.read(count * rows * cols)
    with gzip.open(f"{demo.FASHION}/t10k-labels-idx1-ubyte.gz") as f:
        f.read(8)
        labels = f.read(count)
    size = rows * cols
    records, metrics = [], []
    with open(os.path.join(out, "fashion-vectors.ndjson"), "w") as vectors:
        for i in range(min(count, total)):
            label = demo.CLASSES[labels[i]]
            folder = os.path.join(out, "fashion-mnist", label)
            os.makedirs(folder, exist_ok=True)
            path = os.path.abspath(os.path.join(folder, f"t10k-{i:05d}.png"))
            pixels = images[i * size:(i + 1) * size]
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.write(demo.png_gray(cols, rows, pixels))
            row_id = f"fm-{i:05d}"
            records.append({"id": row_id, "row_data": path, "media_type": "image", "labels": [label],
                            "metadata": {"index": i, "split": "test"}})
            vectors.write(json.dumps({"id": row_id, "vector": [round(p / 255, 4) for p in pixels]}) + "\n")
            metrics.append({"row_id": row_id, "name": "ink", "value": round(sum(pixels) / (255 * size), 5)})
    json.dump({"rows": records}, open(os.path.join(out, "fashion-rows.json"), "w"))
    json.dump({"metrics": metrics}, open(os.path.join(out, "fashion-metrics.json"), "w"))


PICTURE_FOLDERS = ["animals/mammals/housecats", "animals/mammals/horses", "animals/birds", "food/fruit",
                   "transportation/vehicles", "plants/flowers"]


def pictures(out):
    records = []
    for name in demo.SKIMAGE_PHOTOS:
        path = os.path.join(demo.SKIMAGE, name)
        if os.path.exists(path):
            records.append({"id": "photo-" + os.path.splitext(name)[0], "row_data": path, "media_type": "image", "labels": ["photo"]})
    for folder in PICTURE_FOLDERS:
        directory = os.path.join(demo.CLIPART, folder)
        for name in sorted(f for f in os.listdir(directory) if f.endswith(".png"))[:12]:
            records.append({"id": f"{folder.rsplit('/', 1)[-1]}-{os.path.splitext(name)[0]}", "row_data": os.path.join(directory, name),
                            "media_type": "image", "labels": [folder.rsplit("/", 1)[-1]]})
    json.dump({"rows": records}, open(os.path.join(out, "pictures-rows.json"), "w"))
    return len(records)


def points(out):
    generator = random.Random(20260101)
    centres = [(generator.uniform(-50, 50), generator.uniform(-50, 50), generator.uniform(1.5, 6)) for _ in range(12)]
    with open(os.path.join(out, "points-vectors.ndjson"), "w") as vectors:
        for start in range(0, POINTS, POINTS_PER_FILE):
            records = []
            for i in range(start, start + POINTS_PER_FILE):
                blob = i % len(centres)
                x, y, spread = centres[blob]
                records.append({"id": f"p{i:06d}", "row_data": f"point {i} of blob {blob}", "media_type": "text",
                                "labels": [f"blob-{blob:02d}"]})
                vectors.write(f'{{"id":"p{i:06d}","vector":[{generator.gauss(x, spread):.4f},{generator.gauss(y, spread):.4f}]}}\n')
            json.dump({"rows": records}, open(os.path.join(out, f"points-rows-{start // POINTS_PER_FILE:02d}.json"), "w"))


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) == 3 else 1000
    os.makedirs(out, exist_ok=True)
    fashion(out, count)
    picture_count = pictures(out)
    points(out)
    print(f"ui_test_data: {count} Fashion-MNIST images, {picture_count} pictures and {POINTS} points in {out}")


if __name__ == "__main__":
    main()
