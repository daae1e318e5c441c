#!/usr/bin/env python3
"""make-image-fixtures.py -- the small image fixtures of EncodersTests and what Pillow makes of them.

  python scripts/make-image-fixtures.py [--out Tests/EncodersTests/Fixtures]

Needs Pillow 13.0.0 (the version the EfficientNet reference used) and numpy, e.g. a venv with
`pip install pillow==13.0.0 numpy`. Deterministic: running it twice writes the same files (Pillow's
encoders are deterministic for a given version).

Writes, into OUT/images/:
  * PNGs in every layout Loupe's decoder handles: 16-bit RGB, RGBA, gray and gray+alpha; 8-bit
    gray+alpha; palettes of 8 and 4 bits, with and without tRNS; 1- and 2-bit gray; RGB with a
    colour-key tRNS; an Adam7-interlaced RGB image. Pillow cannot write most of these, so a small
    PNG writer below does (zlib + CRC, filter type 0).
  * JPEGs: 4:2:0, 4:2:2, 4:4:4, progressive, grayscale, CMYK (Adobe, as Pillow writes it).
  * WebPs: lossy, lossless with alpha, lossy with alpha, a two-frame animation.
  * Copies of four small skimage files: chessboard_RGB.png (16-bit RGB), checker_bilevel.png
    (1-bit), green_palette.png, and truncated.jpg (a JPEG cut off in its Huffman tables).
  * Bad files: decompression bombs (a PNG, a JPEG and a WebP whose headers declare far more pixels
    than they hold).
The pictures are crops of skimage's chelsea.png (Debian python3-skimage) so they look like photos.

And OUT/image_expectations.json:
  * "decode": for each fixture, Pillow's size, mode and the sha256 of the RGB bytes Loupe must
    produce under both alpha rules (composite over white with out=(c*a+255*(255-a)+127)//255 on
    Pillow's RGBA conversion, and Pillow's convert('RGB')).
  * "resize": sha256 of Pillow's Image.resize((w, h), filter) of decoded skimage photos for many
    sizes and every filter, including sizes that make Pillow run the vertical pass first.
"""
import argparse
import hashlib
import io
import json
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image, features

SKIMAGE = "/usr/lib/python3/dist-packages/skimage/data"


def sha(b):
    return hashlib.sha256(b).hexdigest()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def pack_rows(samples, bit_depth):
    """samples: uint array (h, w*channels); returns the packed rows (no filter byte)."""
    if bit_depth == 16:
        return [row.astype(">u2").tobytes() for row in samples]
    if bit_depth == 8:
        return [row.astype(np.uint8).tobytes() for row in samples]
    rows = []
    per_byte = 8 // bit_depth
    for row in samples:
        out = bytearray()
        for i in range(0, len(row), per_byte):
            byte = 0
            for j in range(per_byte):
                value = int(row[i + j]) if i + j < len(row) else 0
                byte |= value << (8 - bit_depth * (j + 1))
            out.append(byte)
        rows.append(bytes(out))
    return rows


ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def write_png(path, pixels, color_type, bit_depth, palette=None, trns=None, interlace=False):
    """pixels: (h, w, channels) or (h, w) array of sample values."""
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    h, w, c = pixels.shape
    raw = b""
    if interlace:
        for x0, y0, dx, dy in ADAM7:
            sub = pixels[y0::dy, x0::dx]
            if sub.shape[0] == 0 or sub.shape[1] == 0:
                continue
            for row in pack_rows(sub.reshape(sub.shape[0], -1), bit_depth):
                raw += b"\x00" + row
    else:
        for row in pack_rows(pixels.reshape(h, -1), bit_depth):
            raw += b"\x00" + row
    data = b"\x89PNG\r\n\x1a\n"
    data += png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0))
    if palette is not None:
        data += png_chunk(b"PLTE", bytes(palette))
    if trns is not None:
        data += png_chunk(b"tRNS", trns)
    data += png_chunk(b"IDAT", zlib.compress(raw, 9))
    data += png_chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)


def composite_over_white(im):
    """The reference's alpha rule on Pillow's RGBA conversion."""
    rgba = np.asarray(im.convert("RGBA")).astype(np.int64)
    c, a = rgba[:, :, :3], rgba[:, :, 3:4]
    return ((c * a + 255 * (255 - a) + 127) // 255).astype(np.uint8)


def has_alpha(im):
    return im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info


def decoded(path):
    with Image.open(path) as im:
        im.load()
        mode, size = im.mode, im.size
        drop = np.asarray(im.convert("RGB"))
        white = composite_over_white(im) if has_alpha(im) else drop
    return {
        "mode": mode,
        "size_wh": list(size),
        "rgb_sha256_composite_over_white": sha(white.tobytes()),
        "rgb_sha256_drop_alpha": sha(drop.tobytes()),
    }


def make_fixtures(folder):
    os.makedirs(folder, exist_ok=True)
    chelsea = np.asarray(Image.open(f"{SKIMAGE}/chelsea.png").convert("RGB"))
    photo = chelsea[100:148, 150:214]  # 64 x 48, the cat's face
    h, w, _ = photo.shape
    yy, xx = np.mgrid[0:h, 0:w]
    alpha = ((xx * 255) // (w - 1)).astype(np.uint8)  # 0 at the left edge, 255 at the right
    alpha[: h // 3] = 255
    alpha[h // 3 : h // 2] = 0
    gray = np.asarray(Image.fromarray(photo).convert("L"))
    names = []

    def png(name, *args, **kwargs):
        write_png(os.path.join(folder, name), *args, **kwargs)
        names.append(name)

    # 16-bit colour with distinct low bytes (Pillow keeps the high byte).
    photo16 = photo.astype(np.uint32) * 257 + (xx[:, :, None] * 7 + yy[:, :, None] * 3) % 200
    png("rgb16.png", photo16, 2, 16)
    png("rgb16_trns.png", photo16, 2, 16, trns=struct.pack(">HHH", *[int(v) for v in photo16[0, 0]]))
    png("rgba16.png", np.dstack([photo16, alpha.astype(np.uint32) * 257 + 100]), 6, 16)
    # 16-bit gray over 0..1000: Pillow clips to 255 when converting "I;16" to RGB.
    png("gray16.png", (gray.astype(np.uint32) * 1000) // 255, 0, 16)
    gray16 = (gray.astype(np.uint32) * 1000) // 255
    png("gray16_trns.png", gray16, 0, 16, trns=struct.pack(">H", int(gray16.min())))  # a dark value, under 256
    png("gray_alpha8.png", np.dstack([gray, alpha]), 4, 8)
    png("gray_alpha16.png", np.dstack([gray.astype(np.uint32) * 257 + 3, alpha.astype(np.uint32) * 257]), 4, 16)
    png("gray2.png", gray >> 6, 0, 2)
    png("gray8_trns.png", gray, 0, 8, trns=struct.pack(">H", int(gray[0, 0])))
    png("rgb8_trns.png", photo, 2, 8, trns=struct.pack(">HHH", *[int(v) for v in photo[0, 0]]))
    png("rgb8_interlaced.png", photo, 2, 8, interlace=True)
    png("gray16_interlaced.png", (gray.astype(np.uint32) * 300) // 255, 0, 16, interlace=True)

    quantized = Image.fromarray(photo).quantize(colors=16, dither=Image.Dither.NONE)
    indices = np.asarray(quantized)
    palette = quantized.getpalette()[: 16 * 3]
    png("palette4.png", indices, 3, 4, palette=palette)
    png("palette8_trns.png", indices, 3, 8, palette=palette, trns=bytes(range(0, 256, 17))[:16])
    png("palette8_short_trns.png", indices, 3, 8, palette=palette, trns=bytes([0, 128, 200]))

    rgb = Image.fromarray(photo)
    for name, kwargs in [
        ("q90_420.jpg", dict(quality=90, subsampling="4:2:0")),
        ("q90_422.jpg", dict(quality=90, subsampling="4:2:2")),
        ("q90_444.jpg", dict(quality=90, subsampling="4:4:4")),
        ("progressive.jpg", dict(quality=80, progressive=True)),
    ]:
        rgb.save(os.path.join(folder, name), **kwargs)
        names.append(name)
    Image.fromarray(gray).save(os.path.join(folder, "gray.jpg"), quality=90)
    names.append("gray.jpg")
    rgb.convert("CMYK").save(os.path.join(folder, "cmyk.jpg"), quality=90)
    names.append("cmyk.jpg")

    rgba = Image.fromarray(np.dstack([photo, alpha]))
    rgb.save(os.path.join(folder, "lossy.webp"), quality=80, method=4)
    rgba.save(os.path.join(folder, "lossless_alpha.webp"), lossless=True, exact=True)
    rgba.save(os.path.join(folder, "lossy_alpha.webp"), quality=80, method=4)
    frame2 = Image.fromarray(np.ascontiguousarray(photo[::-1]))
    rgb.save(os.path.join(folder, "animated.webp"), save_all=True, append_images=[frame2], duration=100, loop=0)
    names += ["lossy.webp", "lossless_alpha.webp", "lossy_alpha.webp", "animated.webp"]

    # Small real files from skimage: 16-bit RGB, 1-bit gray, an 8-bit palette, a truncated JPEG.
    for name in ["chessboard_RGB.png", "checker_bilevel.png", "green_palette.png", "truncated.jpg"]:
        shutil.copyfile(f"{SKIMAGE}/{name}", os.path.join(folder, name))
        if name != "truncated.jpg":
            names.append(name)

    # Decompression bombs: headers that declare 40000 x 40000 (1.6 GP) or 16383 x 16383.
    data = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 40000, 40000, 8, 2, 0, 0, 0))
    data += png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + png_chunk(b"IEND", b"")
    open(os.path.join(folder, "bomb.png"), "wb").write(data)
    jpeg = bytearray(open(os.path.join(folder, "q90_420.jpg"), "rb").read())
    sof = jpeg.index(b"\xff\xc0")
    jpeg[sof + 5 : sof + 9] = struct.pack(">HH", 40000, 40000)
    open(os.path.join(folder, "bomb.jpg"), "wb").write(bytes(jpeg))
    # A lossless WebP whose VP8L header says 16384 x 16384 (14-bit width-1 and height-1 fields).
    buffer = io.BytesIO()
    rgb.save(buffer, format="WEBP", lossless=True)
    webp = bytearray(buffer.getvalue())
    assert webp[12:16] == b"VP8L" and webp[20] == 0x2F
    header = int.from_bytes(webp[21:25], "little")
    header = (header & ~((1 << 28) - 1)) | 16383 | (16383 << 14)
    webp[21:25] = header.to_bytes(4, "little")
    open(os.path.join(folder, "bomb.webp"), "wb").write(bytes(webp))
    return names


FILTERS = {
    "box": Image.Resampling.BOX,
    "bilinear": Image.Resampling.BILINEAR,
    "hamming": Image.Resampling.HAMMING,
    "bicubic": Image.Resampling.BICUBIC,
    "lanczos": Image.Resampling.LANCZOS,
}


def resize_cases():
    """chelsea.png (451 x 300): ten sizes with bicubic, the first four with every filter;
    camera.png (gray, 512 x 512) and retina.jpg (1411 x 1411): a few reductions. Kept small so the
    debug-build test stays quick."""
    cases = []
    for source in ["chelsea.png", "camera.png", "retina.jpg"]:
        with Image.open(f"{SKIMAGE}/{source}") as im:
            im = im.convert("RGB")
            w, h = im.size
            sizes = [
                (w // 2, h // 3),  # down both ways
                (w * 2 + 1, h * 3 // 2),  # up both ways
                (w // 3, h * 2),  # down one way, up the other
                (w, h // 5),  # height only: Pillow runs the vertical pass first
                (w - 7, h // 4),  # height falls much more than width: vertical first
                (w // 4, h),  # width only
                (w, h),  # no change: a copy
                (1, 1),
                (3, 997),
                (224, 224),
            ]
            if source == "chelsea.png":
                plan = [(size, "bicubic") for size in sizes] + [
                    (size, name) for size in sizes[:4] for name in FILTERS if name != "bicubic"
                ]
            elif source == "camera.png":
                plan = [(sizes[0], "bicubic"), (sizes[3], "bicubic"), (sizes[4], "bilinear")]
            else:
                plan = [(sizes[0], "bicubic"), (sizes[4], "bicubic"), (sizes[9], "lanczos")]
            for (fw, fh), name in plan:
                out = im.resize((fw, fh), FILTERS[name])
                cases.append({"source": source, "filter": name, "size_wh": [fw, fh], "sha256": sha(out.tobytes())})
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "EncodersTests", "Fixtures"))
    args = ap.parse_args()
    folder = os.path.join(args.out, "images")
    names = make_fixtures(folder)
    expectations = {
        "generator": {
            "pillow": Image.__version__,
            "libjpeg_turbo": features.version("libjpeg_turbo"),
            "webp": features.version("webp"),
            "numpy": np.__version__,
        },
        "decode": {name: decoded(os.path.join(folder, name)) for name in names},
        "resize": resize_cases(),
    }
    with open(os.path.join(args.out, "image_expectations.json"), "w") as f:
        json.dump(expectations, f, indent=1, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(folder, n)) for n in os.listdir(folder))
    print(f"{len(names)} fixtures ({total} bytes) and {len(expectations['resize'])} resize cases in {args.out}")


if __name__ == "__main__":
    main()
