#!/usr/bin/env python3
"""Turns the Debian-packaged datasets into the folders `make demo` imports (standard library only).

    scripts/prepare-demo-data.py OUT

writes, idempotently (a folder that is complete is kept):
  OUT/fashion-mnist/<Class>/t10k-NNNNN.png   Fashion-MNIST's 10,000 test images (28x28 gray PNG),
                                             one sub-folder per class, so folder import labels them
  OUT/pictures/<category>/<file>.png         the skimage photos (category "photos") and up to
                                             PER_CATEGORY openclipart PNGs of each category folder
  OUT/wordnet-glosses.ndjson                 20,000 WordNet glosses, one data row a line:
                                             {"id", "text", "labels": [lexicographer file],
                                              "metadata": {"pos", "lemma", "synset"}}
Sources: Debian dataset-fashion-mnist, python3-skimage, openclipart-png, wordnet-base.
"""
import gzip, json, os, shutil, struct, sys, zlib

FASHION = "/usr/share/datasets/fashion-mnist"
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
CLIPART = "/usr/share/openclipart/png"
WORDNET = "/usr/share/wordnet"
CLASSES = ["T-shirt-top", "Trouser", "Pullover", "Dress", "Coat",
           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle-boot"]
SKIMAGE_PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png",
                  "hubble_deep_field.jpg", "camera.png", "retina.jpg", "horse.png", "cell.png",
                  "coins.png", "grass.png", "gravel.png", "brick.png", "page.png", "moon.png"]
PER_CATEGORY = 60
GLOSSES = 20_000
# WordNet's lexicographer files (lexnames(5WN)), by number: the glosses' coarse topic labels.
LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact noun.attribute
noun.body noun.cognition noun.communication noun.event noun.feeling noun.food noun.group
noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant noun.possession
noun.process noun.quantity noun.relation noun.shape noun.state noun.substance noun.time
verb.body verb.change verb.cognition verb.communication verb.competition verb.consumption
verb.contact verb.creation verb.emotion verb.motion verb.perception verb.possession
verb.social verb.stative verb.weather adj.ppl""".split()


def png_gray(width, height, pixels):
    """A minimal 8-bit grayscale PNG (filter 0 on every row)."""
    raw = b"".join(b"\x00" + pixels[y * width:(y + 1) * width] for y in range(height))
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def fashion_mnist(out):
    done = os.path.join(out, ".complete")
    if os.path.exists(done):
        return
    with gzip.open(f"{FASHION}/t10k-images-idx3-ubyte.gz") as f:
        magic, count, rows, cols = struct.unpack(">IIII", f.read(16))
        assert magic == 0x803, "not an IDX image file"
        images = f.read()
    with gzip.open(f"{FASHION}/t10k-labels-idx1-ubyte.gz") as f:
        magic, label_count = struct.unpack(">II", f.read(8))
        assert magic == 0x801 and label_count == count, "labels do not match images"
        labels = f.read()
    for name in CLASSES:
        os.makedirs(os.path.join(out, name), exist_ok=True)
    size = rows * cols
    for i in range(count):
        path = os.path.join(out, CLASSES[labels[i]], f"t10k-{i:05d}.png")
        with open(path, "wb") as f:
            f.write(png_gray(cols, rows, images[i * size:(i + 1) * size]))
    open(done, "w").close()


def pictures(out):
    done = os.path.join(out, ".complete")
    if os.path.exists(done):
        return
    os.makedirs(os.path.join(out, "photos"), exist_ok=True)
    for name in SKIMAGE_PHOTOS:
        source = os.path.join(SKIMAGE, name)
        if os.path.exists(source):
            shutil.copy(source, os.path.join(out, "photos", name))
    for category in sorted(os.listdir(CLIPART)):
        folder = os.path.join(CLIPART, category)
        if not os.path.isdir(folder):
            continue
        files = sorted(os.path.join(dirpath, f) for dirpath, _, names in os.walk(folder)
                       for f in names if f.endswith(".png"))[:PER_CATEGORY]
        if len(files) < 10:
            continue
        os.makedirs(os.path.join(out, category), exist_ok=True)
        for source in files:
            shutil.copy(source, os.path.join(out, category, os.path.basename(source)))
    open(done, "w").close()


def wordnet(path):
    if os.path.exists(path):
        return
    rows = []
    for pos in ["noun", "verb", "adj", "adv"]:
        for line in open(os.path.join(WORDNET, f"data.{pos}"), encoding="utf-8", errors="replace"):
            if line.startswith("  ") or "|" not in line:
                continue
            fields, gloss = line.split("|", 1)
            parts = fields.split()
            offset, lexnum, word_count = parts[0], int(parts[1]), int(parts[3], 16)
            lemma = parts[4].replace("_", " ")
            rows.append({"id": f"wn-{pos}-{offset}", "text": gloss.strip(),
                         "labels": [LEXNAMES[lexnum] if lexnum < len(LEXNAMES) else f"{pos}.{lexnum:02d}"],
                         "metadata": {"pos": pos, "lemma": lemma, "synonyms": word_count}})
    # A spread over the whole file rather than its first entries: every k-th row.
    step = max(1, len(rows) // GLOSSES)
    chosen = rows[::step][:GLOSSES]
    temporary = path + ".partial"
    with open(temporary, "w", encoding="utf-8") as f:
        for row in chosen:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    os.replace(temporary, path)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    fashion_mnist(os.path.join(out, "fashion-mnist"))
    pictures(os.path.join(out, "pictures"))
    wordnet(os.path.join(out, "wordnet-glosses.ndjson"))
    print(f"prepare-demo-data: ready in {out}")


if __name__ == "__main__":
    main()
