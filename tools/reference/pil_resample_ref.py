#!/usr/bin/python3
"""Plain re-implementation of Pillow's 8-bit BILINEAR/BICUBIC resize (libImaging/Resample.c),
meant as a porting guide for the C# preprocessor. `--check` verifies it is bit-exact against
Pillow's own Image.resize and against the fixtures in tests/Evaluation.Tests/Fixtures/preprocess.

Algorithm (Pillow 9.x, unchanged since ~7.0 for 8-bit images):
  * separable, two passes: HORIZONTAL first (only the source rows the vertical pass needs),
    result rounded/clamped to uint8, then VERTICAL on that uint8 intermediate;
    a pass is skipped when that dimension does not change;
  * per output pixel i:  scale = in/out, fscale = max(scale, 1)  (antialias when shrinking),
    support = filter_support * fscale, center = (i + 0.5) * scale,
    xmin = max(int(center - support + 0.5), 0), xmax = min(int(center + support + 0.5), in),
    w[k] = filter((k + xmin - center + 0.5) / fscale) for k in [0, xmax - xmin),
    w /= sum(w)   (all in double);
  * weights to fixed point with PRECISION_BITS = 22: round half away from zero
    (int)(w * 2^22 + (w < 0 ? -0.5 : 0.5));
  * accumulate in int32 starting from 2^21 (rounding), result = clamp(acc >> 22, 0, 255)
    (arithmetic shift = floor);
  * bilinear: support 1, f(x) = max(0, 1 - |x|);
    bicubic:  support 2, Keys kernel with a = -0.5.
"""
import math
import os
import sys

import numpy as np

PRECISION_BITS = 32 - 8 - 2


def _bilinear(x):
    x = abs(x)
    return 1.0 - x if x < 1.0 else 0.0


def _bicubic(x, a=-0.5):
    x = abs(x)
    if x < 1.0:
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1
    if x < 2.0:
        return (((x - 5) * x + 8) * x - 4) * a
    return 0.0


FILTERS = {"bilinear": (_bilinear, 1.0), "bicubic": (_bicubic, 2.0)}


def coeffs(in_size, out_size, interp):
    """Returns (xmin[out], int32 weights[out, ksize]) exactly as Pillow computes them."""
    f, fsupport = FILTERS[interp]
    scale = in_size / out_size
    fscale = max(scale, 1.0)
    support = fsupport * fscale
    ksize = int(math.ceil(support)) * 2 + 1
    xmins = np.zeros(out_size, np.int64)
    kk = np.zeros((out_size, ksize), np.int64)
    for xx in range(out_size):
        center = (xx + 0.5) * scale
        ss = 1.0 / fscale
        xmin = max(int(center - support + 0.5), 0)
        xmax = min(int(center + support + 0.5), in_size) - xmin
        w = [f((x + xmin - center + 0.5) * ss) for x in range(xmax)]
        ww = sum(w)  # sequential double sum, same order as C
        if ww != 0.0:
            w = [v / ww for v in w]
        for x, v in enumerate(w):
            kk[xx, x] = int(v * (1 << PRECISION_BITS) + (-0.5 if v < 0 else 0.5))  # trunc toward 0
        xmins[xx] = xmin
    return xmins, kk


def _pass(src, in_size, out_size, interp, axis):
    """One 1-D pass over `axis` of an HxWxC uint8 array."""
    xmins, kk = coeffs(in_size, out_size, interp)
    ksize = kk.shape[1]
    idx = np.minimum(xmins[:, None] + np.arange(ksize)[None, :], in_size - 1)  # weights are 0 past xmax
    s = np.moveaxis(src.astype(np.int64), axis, 0)          # (in, other, C)
    acc = np.full((out_size,) + s.shape[1:], 1 << (PRECISION_BITS - 1), np.int64)
    for k in range(ksize):
        acc += s[idx[:, k]] * kk[:, k][:, None, None]
    out = np.clip(acc >> PRECISION_BITS, 0, 255).astype(np.uint8)
    return np.moveaxis(out, 0, axis)


def resize(arr, out_w, out_h, interp):
    """arr: HxWx3 uint8. Same result as Image.fromarray(arr).resize((out_w, out_h), BILINEAR/BICUBIC)."""
    h, w = arr.shape[:2]
    out = arr
    if out_w != w:
        # Pillow runs this only over source rows the vertical pass reads; the horizontal
        # pass is row-independent, so doing every row gives the same values.
        out = _pass(out, w, out_w, interp, axis=1)
    if out_h != h:
        out = _pass(out, h, out_h, interp, axis=0)
    return out.copy() if out is arr else out


def resize_shorter_center_crop(arr, interp, size=256, crop=224):
    h, w = arr.shape[:2]
    short, long = (w, h) if w <= h else (h, w)
    ns, nl = size, int(size * long / short)
    nw, nh = (ns, nl) if w <= h else (nl, ns)
    r = resize(arr, nw, nh, interp)
    top, left = int(round((nh - crop) / 2.0)), int(round((nw - crop) / 2.0))
    return r[top:top + crop, left:left + crop]


def _check():
    from PIL import Image
    import json
    rng = np.random.RandomState(0)
    pil = {"bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}
    for (w, h), (ow, oh) in [((500, 375), (341, 256)), ((200, 150), (341, 256)), ((224, 300), (256, 342)),
                             ((37, 23), (11, 50)), ((64, 64), (64, 17)), ((64, 64), (17, 64))]:
        a = rng.randint(0, 256, (h, w, 3)).astype(np.uint8)
        for interp in pil:
            ref = np.asarray(Image.fromarray(a).resize((ow, oh), pil[interp]))
            got = resize(a, ow, oh, interp)
            assert (ref == got).all(), (w, h, ow, oh, interp, int(np.abs(ref.astype(int) - got).max()))
    fx = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "Evaluation.Tests", "Fixtures", "preprocess")
    man = json.load(open(os.path.join(fx, "manifest.json")))
    for e in man["fixtures"]:
        a = np.asarray(Image.open(os.path.join(fx, e["image"])).convert("RGB"))
        got = resize_shorter_center_crop(a, e["interpolation"])
        want = np.frombuffer(open(os.path.join(fx, e["output"]), "rb").read(), np.uint8).reshape(224, 224, 3)
        assert (got == want).all(), e["output"]
    print(f"bit-exact vs Pillow on random images and all {len(man['fixtures'])} fixtures")


if __name__ == "__main__":
    if "--check" in sys.argv:
        _check()
    else:
        print(__doc__)
