#!/usr/bin/env python3
"""make-image-hash-golden.py -- the `imagehash` package's pHash and dHash of real images, for
Tests/EncodersTests/Fixtures/image_hashes.json (ImageHashTests compares Loupe's ImageHash with it).

  make-image-hash-golden.py > Tests/EncodersTests/Fixtures/image_hashes.json

Needs Pillow 13.0.0, numpy, scipy and imagehash 4.3.2 (e.g. a venv under /work/peers). Hashes the
skimage sample photos Debian's python3-skimage installs and the small images in
Tests/EncodersTests/Fixtures/images. Images are read as Loupe's ImageDecoder reads them (the
EfficientNet reference): RGB, transparency composited over white with
(c*a + 255*(255-a) + 127) // 255; then `imagehash.phash(image)` / `imagehash.dhash(image)`
(which convert to "L" and resize with LANCZOS themselves).

`phash_tied` marks images whose low-frequency DCT coefficients tie at the median (a checkerboard's
are exact zeros in exact arithmetic): there the bits follow rounding noise (scipy's FFT-based DCT
and a direct sum disagree in the last place), so no implementation can be expected to match them.
"""
import json
import os
import sys

import imagehash
import numpy as np
import PIL
from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from image_hash_peer import as_loupe_reads  # noqa: E402  (RGB, transparency over white, as ImageDecoder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"
FIXTURES = os.path.join(ROOT, "Tests/EncodersTests/Fixtures/images")
SKIMAGE_PHOTOS = ["astronaut.png", "brick.png", "camera.png", "chelsea.png", "coffee.png", "coins.png", "color.png",
                  "grass.png", "gravel.png", "horse.png", "hubble_deep_field.jpg", "logo.png", "moon.png",
                  "motorcycle_left.png", "page.png", "rocket.jpg", "text.png", "retina.jpg", "phantom.png"]
FIXTURE_IMAGES = ["q90_444.jpg", "q90_420.jpg", "gray.jpg", "cmyk.jpg", "progressive.jpg", "lossy.webp", "lossy_alpha.webp",
                  "lossless_alpha.webp", "rgb8_trns.png", "palette8_trns.png", "gray_alpha8.png", "rgb8_interlaced.png",
                  "palette4.png", "chessboard_RGB.png", "green_palette.png", "checker_bilevel.png"]


def median_tied(image):
    """Whether a low-frequency DCT coefficient of phash lies within rounding noise of the median,
    and the pHash with such coefficients counted as equal to the median (Loupe's rule)."""
    import scipy.fftpack
    pixels = np.asarray(image.convert("L").resize((32, 32), Image.Resampling.LANCZOS)).astype(np.float64)
    low = scipy.fftpack.dct(scipy.fftpack.dct(pixels, axis=0), axis=1)[:8, :8]
    median = np.median(low)
    tolerance = 1e-9 * max(2.0, np.max(np.abs(low)))  # Loupe's 1e-9 * max(1, |c|) on scipy's coefficients, which are 2c
    bits = (low > median + tolerance).flatten()
    exact = "{:016x}".format(int("".join("1" if b else "0" for b in bits), 2))
    return bool(np.min(np.abs(low - median)) <= tolerance), exact


def main():
    cases = []
    for folder, names, prefix in ((SKIMAGE, SKIMAGE_PHOTOS, "skimage/"), (FIXTURES, FIXTURE_IMAGES, "images/")):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.exists(path):
                print(f"skip {path}: not installed", file=sys.stderr)
                continue
            image = as_loupe_reads(path)
            tied, exact = median_tied(image)
            cases.append(dict(file=prefix + name, size_wh=list(image.size), phash=str(imagehash.phash(image)),
                              phash_tied=tied, phash_exact=exact, dhash=str(imagehash.dhash(image))))
    json.dump(dict(generator="scripts/make-image-hash-golden.py", imagehash=imagehash.__version__, pillow=PIL.__version__,
                   cases=cases), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
