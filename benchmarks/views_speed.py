"""Speed of the issue-5 view logic (floors: waterfall < 100 ms, image -> cells < 50 ms).

    .venv/bin/python benchmarks/views_speed.py

1. A 500-step x 1000-bucket histogram tag laid out as a 160 x 48 waterfall (value range over all
   steps, re-binning, layout, and the styled runs a renderer draws).
2. A 1024 x 1024 PNG (encoded bytes in memory) decoded and turned into half-block cells for a
   100 x 40 cell area, with no cache: a smooth image and a noisy one (PNG's worst case).
Prints the median and best of several runs, in milliseconds.
"""

from __future__ import annotations

import io
import statistics
import time

import numpy as np
from PIL import Image

from tbx_tui.term import termgraphics
from tbx_tui.view import histo, imagecells, waterfall


def timeit(fn, repeat: int = 15) -> tuple[float, float]:
    fn()  # warm up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)


def histograms(steps: int = 500, buckets: int = 1000) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    out = []
    for s in range(steps):
        edges = np.sort(rng.normal(s / 100, 1 + s / 500, buckets + 1))
        counts = rng.integers(0, 100, buckets).astype(np.float64)
        out.append(np.stack([edges[:-1], edges[1:], counts], axis=1))
    return out


def png(kind: str) -> bytes:
    y, x = np.mgrid[0:1024, 0:1024]
    rgb = np.stack([x / 4, y / 4, (x + y) / 8], axis=-1)
    if kind == "noise":
        rgb = rgb + np.random.default_rng(1).normal(0, 40, rgb.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).save(buf, format="PNG")
    return buf.getvalue()


def main() -> None:
    hs = histograms()
    steps = list(range(500))

    def wf() -> None:
        w = waterfall.render(hs, steps, 160, 48)
        for _ in w.lines():
            pass

    med, best = timeit(wf)
    print(
        f"waterfall 500 steps x 1000 buckets -> 160x48: median {med:.1f} ms, best {best:.1f} ms"
        "  (floor 100 ms)"
    )
    med, best = timeit(lambda: histo.rebin(hs, 1000))
    print(f"  re-bin all 500 steps onto 1000 bins:       median {med:.1f} ms, best {best:.1f} ms")
    med, best = timeit(lambda: histo.bands(hs))
    print(f"  percentile bands of all 500 steps:          median {med:.1f} ms, best {best:.1f} ms")

    for kind in ("smooth", "noise"):
        data = png(kind)

        def cells(data=data) -> None:
            imagecells.to_cells(imagecells.decode(data), 100, 40, "halfblock")

        med, best = timeit(cells)
        print(
            f"1024x1024 PNG ({kind}, {len(data) // 1024} KiB) -> 100x40 half-blocks: "
            f"median {med:.1f} ms, best {best:.1f} ms  (floor 50 ms)"
        )
    img = imagecells.decode(png("smooth")).resize((800, 800))
    med, best = timeit(lambda: termgraphics.sixel(img), repeat=3)
    print(f"  sixel encoding of an 800x800 image:         median {med:.1f} ms, best {best:.1f} ms")


if __name__ == "__main__":
    main()
