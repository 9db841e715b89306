#!/usr/bin/python3
"""Reference fixtures for the ten-crop view, made with PIL + torchvision.

For some of the images make_preprocess_fixtures.py wrote (tests/Evaluation.Tests/Fixtures/preprocess/), runs

    Image.open(f).convert('RGB')                  # torchvision default loader
    transforms.Resize(256, interpolation=...)     # shorter side -> 256
    transforms.TenCrop(224)                       # tl, tr, bl, br, centre, then the same of the flipped image

and writes manifest.json into tests/Evaluation.Tests/Fixtures/tencrop/: for each case the sha256 of each of
the ten 224x224 crops (raw HWC uint8 RGB, in TenCrop's order), the resized size, and each crop's window in the
unflipped resized image. For the ImageNet-sized case it also writes the ten crops themselves as one
gzip-compressed raw file (`<image>.<interp>.tencrop.rgb.gz`, 10 * 150,528 bytes before compression), so that
a test can measure the difference, not only detect it.

Cross-checked against a PIL-only re-implementation of five_crop/hflip (torchvision 0.14 semantics). Images
whose (resized width - 224) is odd are included on purpose: the flipped image's centre crop is then not the
mirror of the unflipped centre crop (Python's round() is banker's rounding).

    /usr/bin/python3 tools/reference/make_tencrop_fixtures.py
"""
import gzip
import hashlib
import json
import os
import sys

import PIL
from PIL import Image
import torchvision
from torchvision import transforms
from torchvision.transforms import InterpolationMode

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE = os.path.join(REPO, "tests", "Evaluation.Tests", "Fixtures", "preprocess")
OUT = os.path.join(REPO, "tests", "Evaluation.Tests", "Fixtures", "tencrop")
RESIZE, CROP = 256, 224
# (image, interpolation, write the crops' bytes): every case gets each crop's sha256; the bytes themselves
# (1.1 MB compressed a case) only for the ImageNet-sized one, to keep the fixtures small.
CASES = [
    ("rgb_500x375_q90.jpg", "bilinear", True),    # 341x256: width - 224 = 117, odd
    ("rgb_375x500_q90.jpg", "bicubic", False),    # 256x341: height - 224 odd (the flip does not move rows)
    ("rgb_1024x683_q90.jpg", "bilinear", False),  # 383x256: odd, the other way round (79.5 -> 80)
    ("rgb_256x256_q90.jpg", "bilinear", False),   # no resize: crops of the decoded pixels
]


def pil_ten_crop(img):
    """torchvision 0.14's ten_crop(img, 224) in PIL alone, with each crop's window in the unflipped image."""
    w, h = img.size
    def five(image, flipped):
        ct, cl = int(round((h - CROP) / 2.0)), int(round((w - CROP) / 2.0))
        boxes = [(0, 0), (w - CROP, 0), (0, h - CROP), (w - CROP, h - CROP), (cl, ct)]
        crops = [image.crop((l, t, l + CROP, t + CROP)) for l, t in boxes]
        windows = [{"left": (w - CROP - l) if flipped else l, "top": t, "flipped": flipped} for l, t in boxes]
        return crops, windows
    a, wa = five(img, False)
    b, wb = five(img.transpose(Image.FLIP_LEFT_RIGHT), True)
    return a + b, wa + wb


def main():
    os.makedirs(OUT, exist_ok=True)
    manifest = {
        "description": "Image.open(f).convert('RGB') -> Resize(256, interp) -> TenCrop(224); each output file is "
                       "gzip of the ten crops' raw uint8 RGB, HWC, row-major, 224*224*3 bytes each, in TenCrop order",
        "generator": "tools/reference/make_tencrop_fixtures.py",
        "pil": PIL.__version__, "torchvision": torchvision.__version__, "fixtures": [],
    }
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    for name, interp, write_bytes in CASES:
        mode = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}[interp]
        with Image.open(os.path.join(SOURCE, name)) as im:
            rgb = im.convert("RGB")
        resized = transforms.Resize(RESIZE, interpolation=mode)(rgb)
        crops = transforms.TenCrop(CROP)(resized)
        reference, windows = pil_ten_crop(resized)
        for i, (c, r) in enumerate(zip(crops, reference)):
            if c.tobytes() != r.tobytes():
                sys.exit(f"torchvision and the PIL re-implementation disagree for {name} crop {i}")
        raw = b"".join(c.tobytes() for c in crops)
        assert len(raw) == 10 * CROP * CROP * 3
        output = f"{name}.{interp}.tencrop.rgb.gz" if write_bytes else None
        if output:
            with open(os.path.join(OUT, output), "wb") as f:
                # mtime 0: the same bytes on every run.
                with gzip.GzipFile(fileobj=f, mode="wb", compresslevel=9, mtime=0) as z:
                    z.write(raw)
        manifest["fixtures"].append({
            "image": name, "interpolation": interp, "resize": RESIZE, "crop": CROP, "output": output,
            "source_width": rgb.size[0], "source_height": rgb.size[1],
            "resized_width": resized.size[0], "resized_height": resized.size[1],
            "windows": windows,
            "crop_sha256": [hashlib.sha256(c.tobytes()).hexdigest() for c in crops],
        })
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(manifest['fixtures'])} ten-crop fixtures, {total} bytes, to {OUT} "
          f"(PIL {PIL.__version__}, torchvision {torchvision.__version__})")


if __name__ == "__main__":
    main()
