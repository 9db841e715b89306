#!/usr/bin/python3
"""Damaged but possibly decodable images, and what PIL makes of each.

Writes small seeded images to tests/Evaluation.Tests/Fixtures/damaged/ and a manifest.json giving, for each,
either the size and SHA-256 of the RGB bytes torchvision's loader sees (Image.open(f).convert('RGB'), with PIL's
default LOAD_TRUNCATED_IMAGES = False) or the error PIL raises:

  - JPEGs with extraneous bytes before a marker (EOI, SOS) and with a corrupted scan byte: libjpeg warns, PIL decodes
  - a truncated JPEG: PIL refuses it
  - a PNG whose IDAT CRC is wrong: PIL does not check IDAT CRCs and decodes it
  - a PNG whose IHDR CRC is wrong: PIL refuses it
  - a 16-bit grayscale PNG: PIL opens it as mode I and convert('RGB') clips each value to 0..255
  - a 16-bit RGB PNG: PIL keeps each sample's high byte
  - an interlaced (Adam7) 16-bit grayscale PNG, written here pass by pass (PIL reads but cannot write interlacing)

Run with the Debian interpreter: /usr/bin/python3 tools/reference/make_damaged_fixtures.py
"""
import hashlib
import io
import json
import os
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "tests", "Evaluation.Tests", "Fixtures", "damaged")


def pixels(w, h, seed):
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255) // max(w - 1, 1), (yy * 255) // max(h - 1, 1), ((xx + yy) * 7) % 256], axis=-1)
    return np.clip(base + rng.randint(0, 24, size=(h, w, 3)), 0, 255).astype(np.uint8)


def jpeg(w, h, seed):
    buffer = io.BytesIO()
    Image.fromarray(pixels(w, h, seed)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(w, h, bit_depth, color_type, raw):
    header = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


def adam7(samples):
    """The raw (filter type 0) scanlines of the seven Adam7 passes of a big-endian 16-bit image."""
    h, w = samples.shape
    raw = b""
    for x0, y0, dx, dy in [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]:
        sub = samples[y0::dy, x0::dx]
        if sub.size:
            raw += b"".join(b"\x00" + sub[y].astype(">u2").tobytes() for y in range(sub.shape[0]))
    return raw


def interlaced_png(w, h, bit_depth, color_type, raw):
    header = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b"")


def corrupt_crc(data, kind):
    at = data.index(kind)
    length = struct.unpack(">I", data[at - 4:at])[0]
    crc = at + 4 + length
    return data[:crc] + bytes([data[crc] ^ 0x5A]) + data[crc + 1:]


def main():
    os.makedirs(OUT, exist_ok=True)
    images = {}

    def save(name, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        try:
            with Image.open(os.path.join(OUT, name)) as im:
                rgb = im.convert("RGB")
                images[name] = {"pil": "decoded", "width": rgb.width, "height": rgb.height,
                                "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}
        except Exception as e:  # what PIL refuses, the engine must refuse too
            images[name] = {"pil": "refused", "error": f"{type(e).__name__}: {e}"}

    good = jpeg(96, 72, 1)
    eoi = good.rindex(b"\xff\xd9")
    save("jpeg_extraneous_before_eoi.jpg", good[:eoi] + b"\x00\x11\x22" + good[eoi:])
    sos = good.index(b"\xff\xda")
    save("jpeg_extraneous_before_sos.jpg", good[:sos] + b"\x00\x11\x22\x33" + good[sos:])
    scan_start = sos + 2 + struct.unpack(">H", good[sos + 2:sos + 4])[0]
    middle = scan_start + (eoi - scan_start) // 2
    while 0xFF in (good[middle - 1], good[middle], good[middle + 1]) or (good[middle] ^ 0x24) == 0xFF:
        middle += 1
    save("jpeg_flipped_scan_byte.jpg", good[:middle] + bytes([good[middle] ^ 0x24]) + good[middle + 1:])
    save("jpeg_truncated_scan.jpg", good[:middle])

    rgb = pixels(40, 30, 2)
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(30))
    clean = png(40, 30, 8, 2, raw)
    save("png_bad_idat_crc.png", corrupt_crc(clean, b"IDAT"))
    save("png_bad_ihdr_crc.png", corrupt_crc(clean, b"IHDR"))

    rng = np.random.RandomState(3)
    gray = np.concatenate([rng.randint(0, 256, size=(8, 24)), rng.randint(0, 65536, size=(8, 24))]).astype(">u2")
    save("png_gray16_16x24.png", png(24, 16, 16, 0, b"".join(b"\x00" + gray[y].tobytes() for y in range(16))))
    interlaced = np.concatenate([rng.randint(0, 256, size=(6, 13)), rng.randint(0, 65536, size=(5, 13))]).astype(">u2")
    save("png_gray16_interlaced_13x11.png", interlaced_png(13, 11, 16, 0, adam7(interlaced)))
    rgb16 = rng.randint(0, 65536, size=(10, 12 * 3)).astype(">u2")
    save("png_rgb16_12x10.png", png(12, 10, 16, 2, b"".join(b"\x00" + rgb16[y].tobytes() for y in range(10))))

    manifest = {"description": "damaged or awkward images and what PIL (convert('RGB')) makes of each",
                "generator": "tools/reference/make_damaged_fixtures.py", "pil": PIL.__version__, "images": images}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
