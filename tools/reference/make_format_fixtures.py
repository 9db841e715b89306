#!/usr/bin/python3
"""Decode fixtures for the formats beside JPEG and PNG, made with PIL.

Writes small seeded images to tests/Evaluation.Tests/Fixtures/formats/ and a
manifest.json giving, for each, its size and the SHA-256 of the RGB bytes
that torchvision's default loader sees (Image.open(f).convert('RGB')):

  - lossless WebP (RGB, and RGBA: alpha dropped as convert('RGB') drops it)
  - BMP, 24-bit and 8-bit palette
  - a JPEG carrying EXIF orientation 6 (rotate 90): PIL's loader ignores it,
    so the decoded image keeps the stored width and height

Run with the Debian interpreter: /usr/bin/python3 tools/reference/make_format_fixtures.py
"""
import hashlib
import io
import json
import os

import numpy as np
import PIL
from PIL import Image

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OUT = os.path.join(REPO, "tests", "Evaluation.Tests", "Fixtures", "formats")


def pixels(w, h, seed, channels=3):
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255) // max(w - 1, 1), (yy * 255) // max(h - 1, 1), ((xx + yy) * 7) % 256], axis=-1)
    noise = rng.randint(0, 24, size=(h, w, 3))
    rgb = np.clip(base + noise, 0, 255).astype(np.uint8)
    if channels == 4:
        alpha = rng.randint(0, 256, size=(h, w, 1)).astype(np.uint8)
        return np.concatenate([rgb, alpha], axis=-1)
    return rgb


def main():
    os.makedirs(OUT, exist_ok=True)
    images = {}

    def save(name, data):
        path = os.path.join(OUT, name)
        with open(path, "wb") as f:
            f.write(data)
        with Image.open(path) as im:
            rgb = im.convert("RGB")
            images[name] = {"width": rgb.width, "height": rgb.height,
                            "rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest()}

    def encode(image, fmt, **kwargs):
        buffer = io.BytesIO()
        image.save(buffer, fmt, **kwargs)
        return buffer.getvalue()

    save("rgb_96x64_lossless.webp", encode(Image.fromarray(pixels(96, 64, 1)), "WEBP", lossless=True))
    save("rgba_80x60_lossless.webp", encode(Image.fromarray(pixels(80, 60, 2, channels=4), "RGBA"), "WEBP", lossless=True))
    save("rgb_90x70.bmp", encode(Image.fromarray(pixels(90, 70, 3)), "BMP"))
    save("palette_70x50.bmp", encode(Image.fromarray(pixels(70, 50, 4)).quantize(64), "BMP"))
    exif = Image.Exif()
    exif[0x0112] = 6
    save("exif_rotate90_120x80.jpg", encode(Image.fromarray(pixels(120, 80, 5)), "JPEG", quality=90, exif=exif.tobytes()))

    manifest = {"description": "PIL decodes (convert('RGB')) of small images in formats beside JPEG and PNG",
                "generator": "tools/reference/make_format_fixtures.py", "pil": PIL.__version__, "images": images}
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
