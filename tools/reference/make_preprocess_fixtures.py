#!/usr/bin/python3
"""Reference preprocessing fixtures made with PIL + torchvision.

Writes synthetic test images plus the 224x224 RGB output of the standard
ImageNet evaluation transform

    Image.open(f).convert('RGB')                 # torchvision default loader
    transforms.Resize(256, interpolation=...)    # shorter side -> 256
    transforms.CenterCrop(224)

as raw HWC uint8 bytes (224*224*3, no header) to
tests/Evaluation.Tests/Fixtures/preprocess/<image>.<interp>.rgb, and a
manifest.json describing every fixture.

Deterministic: every image comes from a seeded numpy generator, and PIL's JPEG
encoder is deterministic for a given libjpeg build. Re-running with the same
PIL/libjpeg versions gives byte-identical files.

Run with the Debian interpreter (needs python3-torchvision, python3-pil):
    /usr/bin/python3 tools/reference/make_preprocess_fixtures.py
"""
import argparse
import hashlib
import io
import json
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

import PIL

try:
    import torch
    import torchvision
    from torchvision import transforms
    from torchvision.transforms import InterpolationMode
    HAVE_TV = True
except ImportError:  # pragma: no cover - fallback documented in README
    HAVE_TV = False

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "tests", "Evaluation.Tests", "Fixtures", "preprocess")

RESIZE = 256
CROP = 224
MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
INTERPS = ("bilinear", "bicubic")


# --------------------------------------------------------------------------
# Synthetic "natural-looking" image generator
# --------------------------------------------------------------------------
def synth_rgb(w, h, seed, noise=3.0):
    """Smooth gradients + blurred and sharp shapes + mild seeded noise (sigma `noise`)."""
    rng = np.random.RandomState(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    u = xx / max(w - 1, 1)
    v = yy / max(h - 1, 1)

    # Smooth background: per-channel linear gradient + low-frequency waves.
    img = np.zeros((h, w, 3), np.float64)
    for c in range(3):
        a, b, d = rng.uniform(-1, 1, 3)
        fx, fy = rng.uniform(0.5, 2.5, 2)
        ph = rng.uniform(0, 2 * np.pi)
        img[..., c] = (
            128
            + 60 * (a * u + b * v)
            + 35 * d * np.sin(2 * np.pi * (fx * u + fy * v) + ph)
            + 20 * np.cos(2 * np.pi * fx * u * v + ph)
        )
    base = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")

    # Soft blobs (blurred shapes) -> smooth edges.
    soft = Image.new("RGB", (w, h), (0, 0, 0))
    mask = Image.new("L", (w, h), 0)
    ds, dm = ImageDraw.Draw(soft), ImageDraw.Draw(mask)
    s = min(w, h)
    for _ in range(4):
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        r = rng.uniform(0.08, 0.3) * s
        col = tuple(int(x) for x in rng.randint(0, 256, 3))
        box = [cx - r, cy - r * rng.uniform(0.5, 1.0), cx + r, cy + r * rng.uniform(0.5, 1.0)]
        ds.ellipse(box, fill=col)
        dm.ellipse(box, fill=int(rng.randint(120, 230)))
    mask = mask.filter(ImageFilter.GaussianBlur(radius=max(2, s // 40)))
    base = Image.composite(soft, base, mask)

    # Sharp shapes -> hard edges, thin lines, text-like detail.
    d = ImageDraw.Draw(base)
    for _ in range(3):
        x0, y0 = rng.uniform(0, w * 0.8), rng.uniform(0, h * 0.8)
        x1, y1 = x0 + rng.uniform(0.1, 0.4) * w, y0 + rng.uniform(0.1, 0.4) * h
        d.rectangle([x0, y0, x1, y1], fill=tuple(int(x) for x in rng.randint(0, 256, 3)))
    for _ in range(2):
        pts = [(float(rng.uniform(0, w)), float(rng.uniform(0, h))) for _ in range(rng.randint(3, 6))]
        d.polygon(pts, fill=tuple(int(x) for x in rng.randint(0, 256, 3)))
    for _ in range(6):
        d.line(
            [(float(rng.uniform(0, w)), float(rng.uniform(0, h))), (float(rng.uniform(0, w)), float(rng.uniform(0, h)))],
            fill=tuple(int(x) for x in rng.randint(0, 256, 3)),
            width=int(rng.randint(1, 4)),
        )
    # A fine checker patch (high frequency, aliasing-sensitive).
    cw, ch = max(8, w // 8), max(8, h // 8)
    px, py = int(rng.randint(0, w - cw)), int(rng.randint(0, h - ch))
    for j in range(0, ch, 2):
        for i in range(0, cw, 2):
            if ((i + j) // 2) % 2 == 0:
                d.rectangle([px + i, py + j, px + i + 1, py + j + 1], fill=(250, 250, 250))

    arr = np.asarray(base).astype(np.float64)
    arr += rng.normal(0.0, noise, arr.shape)  # mild sensor-like noise
    return Image.fromarray(np.clip(np.rint(arr), 0, 255).astype(np.uint8), "RGB")


def jpeg_bytes(img, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


# (file name, description, builder, interpolations) - builder returns the encoded bytes.
# Size budget (< 4 MB for the folder): each output is 150,528 bytes, so bicubic
# outputs are only written for the plain RGB JPEGs that are actually resized
# (256x256 is crop-only, so bilinear == bicubic there); the decode/colour-
# conversion variants get bilinear only. --all writes every combination.
RGB_SIZES = [(500, 375), (375, 500), (640, 480), (1024, 683), (300, 300),
             (256, 256), (224, 300), (200, 150), (1200, 400)]


def image_specs():
    specs = []
    for i, (w, h) in enumerate(RGB_SIZES):
        specs.append((f"rgb_{w}x{h}_q90.jpg", "baseline JPEG q90, 4:2:0",
                      lambda w=w, h=h, i=i: jpeg_bytes(synth_rgb(w, h, 1000 + i), quality=90),
                      INTERPS if (w, h) != (RESIZE, RESIZE) else ("bilinear",)))

    specs.append(("rgb_500x375_q90_progressive.jpg", "progressive JPEG q90, 4:2:0",
                  lambda: jpeg_bytes(synth_rgb(500, 375, 2000), quality=90, progressive=True),
                  ("bilinear",)))

    specs.append(("gray_400x300_q90.jpg", "grayscale (L) JPEG q90",
                  lambda: jpeg_bytes(synth_rgb(400, 300, 2001).convert("L"), quality=90),
                  ("bilinear",)))

    def rgba_png():
        rgb = synth_rgb(320, 240, 2002, noise=0.0)  # no noise keeps the PNG small
        yy, xx = np.mgrid[0:240, 0:320]
        alpha = np.clip(255 * (xx / 319.0) * (0.5 + 0.5 * np.cos(yy / 239.0 * np.pi)), 0, 255)
        alpha[:40, :60] = 0      # fully transparent corner (RGB underneath is kept!)
        alpha[-40:, -60:] = 255  # fully opaque corner
        a = Image.fromarray(alpha.astype(np.uint8), "L")
        img = rgb.copy()
        img.putalpha(a)
        buf = io.BytesIO()
        img.save(buf, "PNG", optimize=False, compress_level=9)
        return buf.getvalue()
    specs.append(("rgba_320x240.png", "RGBA PNG, alpha varies 0..255", rgba_png, ("bilinear",)))

    def pal_png():
        img = synth_rgb(300, 200, 2003).quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                                                 dither=Image.Dither.NONE)
        buf = io.BytesIO()
        img.save(buf, "PNG", optimize=False, compress_level=9)
        return buf.getvalue()
    specs.append(("palette_300x200.png", "palette (P) PNG, 64 colours", pal_png, ("bilinear",)))

    specs.append(("cmyk_320x240_q90.jpg", "CMYK JPEG q90 (PIL writes Adobe APP14, inverted)",
                  lambda: jpeg_bytes(synth_rgb(320, 240, 2004).convert("CMYK"), quality=90),
                  ("bilinear",)))
    return specs


# --------------------------------------------------------------------------
# Reference transform
# --------------------------------------------------------------------------
def pil_resize_crop(img, interp):
    """PIL-only re-implementation of Resize(256) + CenterCrop(224) (torchvision 0.14 semantics)."""
    w, h = img.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = RESIZE, int(RESIZE * long / short)
    nw, nh = (new_short, new_long) if w <= h else (new_long, new_short)
    if (nw, nh) != (w, h):
        img = img.resize((nw, nh), {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}[interp])
    top = int(round((nh - CROP) / 2.0))   # Python round(): banker's rounding
    left = int(round((nw - CROP) / 2.0))
    return img.crop((left, top, left + CROP, top + CROP)), (nw, nh), (left, top)


def tv_resize_crop(img, interp):
    mode = {"bilinear": InterpolationMode.BILINEAR, "bicubic": InterpolationMode.BICUBIC}[interp]
    t = transforms.Compose([transforms.Resize(RESIZE, interpolation=mode), transforms.CenterCrop(CROP)])
    return t(img)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--pil-only", action="store_true", help="do not use torchvision even if installed")
    ap.add_argument("--all", action="store_true",
                    help="write every image x interpolation combination (exceeds the 4 MB budget)")
    args = ap.parse_args()
    use_tv = HAVE_TV and not args.pil_only
    if use_tv:
        torch.set_num_threads(1)
    os.makedirs(args.out, exist_ok=True)
    # Remove what a previous run wrote (as listed in its manifest) so no stale
    # fixture survives a change of the image list.
    old = os.path.join(args.out, "manifest.json")
    if os.path.exists(old):
        with open(old) as f:
            prev = json.load(f)
        for n in [i["file"] for i in prev.get("images", [])] + [x["output"] for x in prev.get("fixtures", [])]:
            p = os.path.join(args.out, os.path.basename(n))
            if os.path.exists(p):
                os.remove(p)

    manifest = {
        "description": "Image.open(f).convert('RGB') -> Resize(256, interp) -> CenterCrop(224); "
                       "outputs are raw uint8 RGB, HWC, row-major, 224*224*3 bytes, no header",
        "generator": "tools/reference/make_preprocess_fixtures.py",
        "pil": PIL.__version__,
        "torchvision": torchvision.__version__ if use_tv else None,
        "torch": torch.__version__ if use_tv else None,
        "numpy": np.__version__,
        "normalize_mean": list(MEAN),
        "normalize_std": list(STD),
        "images": [],
        "fixtures": [],
    }

    for name, desc, build, interps in image_specs():
        if args.all:
            interps = INTERPS
        data = build()
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(data)
        with Image.open(os.path.join(args.out, name)) as im0:
            src_mode, src_fmt = im0.mode, im0.format
            progressive = bool(im0.info.get("progressive") or im0.info.get("progression"))
            rgb = im0.convert("RGB")  # torchvision's default loader
        w, h = rgb.size
        manifest["images"].append({
            "file": name, "description": desc, "format": src_fmt, "mode": src_mode,
            "width": w, "height": h, "progressive": progressive, "bytes": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            # Full-resolution pixels after convert('RGB'), HWC: lets a test tell decoder
            # differences apart from resize differences without storing the big buffer.
            "decoded_rgb_sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
            "decoded_rgb_mean": [float(m) for m in np.asarray(rgb).reshape(-1, 3).mean(axis=0)],
        })

        for interp in interps:
            ref, (nw, nh), (left, top) = pil_resize_crop(rgb, interp)
            if use_tv:
                out = tv_resize_crop(rgb, interp)
                if out.tobytes() != ref.tobytes():
                    sys.exit(f"torchvision and PIL re-implementation disagree for {name} {interp}")
            else:
                out = ref
            assert out.mode == "RGB" and out.size == (CROP, CROP)
            raw = out.tobytes()
            assert len(raw) == CROP * CROP * 3
            oname = f"{name}.{interp}.rgb"
            with open(os.path.join(args.out, oname), "wb") as f:
                f.write(raw)

            entry = {
                "image": name,
                "interpolation": interp,
                "resize": RESIZE,
                "crop": CROP,
                "output": oname,
                "output_layout": "HWC uint8 RGB",
                "source_width": w,
                "source_height": h,
                "source_mode": src_mode,
                "resized_width": nw,
                "resized_height": nh,
                "crop_left": left,
                "crop_top": top,
                "output_sha256": hashlib.sha256(raw).hexdigest(),
                "pil": PIL.__version__,
                "torchvision": torchvision.__version__ if use_tv else None,
            }
            if interp == "bilinear":
                arr = np.frombuffer(raw, np.uint8).reshape(CROP, CROP, 3)
                if use_tv:
                    t = transforms.Normalize(MEAN, STD)(transforms.ToTensor()(out))  # CHW float32
                    means = [float(t[c].mean()) for c in range(3)]
                    # float64 reference of the same quantity (ToTensor divides by 255)
                    stds = [float(t[c].std(unbiased=False)) for c in range(3)]
                else:
                    x = arr.astype(np.float32) / np.float32(255)
                    x = (x - np.array(MEAN, np.float32)) / np.array(STD, np.float32)
                    means = [float(x[..., c].mean()) for c in range(3)]
                    stds = [float(x[..., c].std()) for c in range(3)]
                means64 = [float(((arr[..., c].astype(np.float64) / 255.0) - MEAN[c]).mean() / STD[c])
                           for c in range(3)]
                entry["normalized_mean"] = means
                entry["normalized_mean_f64"] = means64
                entry["normalized_std"] = stds
            manifest["fixtures"].append(entry)

    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")

    total = sum(os.path.getsize(os.path.join(args.out, n)) for n in os.listdir(args.out))
    print(f"wrote {len(manifest['images'])} images, {len(manifest['fixtures'])} fixtures, "
          f"{total} bytes to {args.out} (PIL {PIL.__version__}, torchvision "
          f"{manifest['torchvision']})")


if __name__ == "__main__":
    main()
