#!/usr/bin/python3
"""Single-process, single-thread throughput of the PIL + torchvision evaluation preprocessing.

    bench_pil_torchvision.py DIR [COUNT] [--seconds S]
        Pre-loads the bytes of up to COUNT *.jpg/*.jpeg files from DIR (sorted) into memory,
        warms up, then times, for at least S seconds each (default 3):
          (a) decode only:  Image.open(BytesIO(b)).convert('RGB')   (forces the full decode)
          (b) full:         decode + Resize(256) + CenterCrop(224) + ToTensor + Normalize
        and prints one JSON line:
          {"pil_decode_ms": ..., "pil_torchvision_ms": ..., "images_per_s": ..., ...}
        (ms are per image; images_per_s is for (b)). torch.set_num_threads(1).

    bench_pil_torchvision.py --make-jpegs DIR N
        Writes N synthetic 500x375 quality-90 JPEGs (same generator as the fixtures,
        seeds 10000..10000+N-1) into DIR.
"""
import argparse
import glob
import io
import json
import os
import platform
import sys
import time

sys.dont_write_bytecode = True  # keep tools/reference free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def make_jpegs(out_dir, n):
    from make_preprocess_fixtures import synth_rgb
    os.makedirs(out_dir, exist_ok=True)
    for i in range(n):
        synth_rgb(500, 375, 10000 + i).save(os.path.join(out_dir, f"bench_{i:05d}_500x375_q90.jpg"), "JPEG", quality=90)
    print(f"wrote {n} JPEGs to {out_dir}")


def timed(fn, blobs, seconds):
    """Runs fn over blobs round-robin for >= seconds; returns ms per image."""
    n = 0
    t0 = time.perf_counter()
    while True:
        for b in blobs:
            fn(b)
        n += len(blobs)
        el = time.perf_counter() - t0
        if el >= seconds:
            return 1000.0 * el / n, n


def bench(folder, count, seconds):
    import PIL
    import torch
    import torchvision
    from PIL import Image
    from torchvision import transforms

    torch.set_num_threads(1)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass

    files = sorted(glob.glob(os.path.join(folder, "*.jpg")) + glob.glob(os.path.join(folder, "*.jpeg")))[:count]
    if not files:
        sys.exit(f"no JPEGs in {folder}")
    blobs = []
    for f in files:
        with open(f, "rb") as fh:
            blobs.append(fh.read())

    tf = transforms.Compose([
        transforms.Resize(256),  # bilinear, the torchvision default
        transforms.CenterCrop(224),
        transforms.ToTensor(),
        transforms.Normalize(mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)),
    ])

    def decode(b):
        return Image.open(io.BytesIO(b)).convert("RGB")  # convert() forces load()

    def full(b):
        return tf(decode(b))

    # Warm-up (allocator, lazy imports, caches).
    for b in blobs[: min(len(blobs), 16)]:
        full(b)
    timed(decode, blobs, min(0.5, seconds))

    dec_ms, dec_n = timed(decode, blobs, seconds)
    full_ms, full_n = timed(full, blobs, seconds)
    print(json.dumps({
        "pil_decode_ms": round(dec_ms, 4),
        "pil_torchvision_ms": round(full_ms, 4),
        "images_per_s": round(1000.0 / full_ms, 2),
        "decode_images_per_s": round(1000.0 / dec_ms, 2),
        "images": len(blobs),
        "iterations": {"decode": dec_n, "full": full_n},
        "mean_jpeg_bytes": int(sum(map(len, blobs)) / len(blobs)),
        "pil": PIL.__version__,
        "torchvision": torchvision.__version__,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
    }))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--make-jpegs":
        if len(sys.argv) != 4:
            sys.exit("usage: bench_pil_torchvision.py --make-jpegs DIR N")
        make_jpegs(sys.argv[2], int(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir")
    ap.add_argument("count", nargs="?", type=int, default=64)
    ap.add_argument("--seconds", type=float, default=3.0, help="minimum timed seconds per phase")
    a = ap.parse_args()
    bench(a.dir, a.count, a.seconds)


if __name__ == "__main__":
    main()
