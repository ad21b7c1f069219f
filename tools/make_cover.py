"""Draw the default cover art (src/newsaudio/data/cover.png): 1400x1400, as Apple's minimum asks.

Run once when the design changes: `uv run python tools/make_cover.py`. Pure numpy + zlib, so no
imaging library joins the dependencies for one picture.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np

SIZE = 1400
OUT = Path(__file__).resolve().parents[1] / "src" / "newsaudio" / "data" / "cover.png"


def draw() -> np.ndarray:
    y, x = np.mgrid[0:SIZE, 0:SIZE] / SIZE
    image = np.zeros((SIZE, SIZE, 3))
    # Deep teal to navy, top to bottom.
    image[..., 0] = 0.04 + 0.02 * y
    image[..., 1] = 0.32 - 0.18 * y
    image[..., 2] = 0.40 - 0.10 * y
    # A row of rounded level bars, like a speech waveform, in warm white.
    bars = 23
    heights = (
        0.08 + 0.5 * np.abs(np.sin(np.linspace(0.3, 3.4, bars) * 2.1)) * np.hanning(bars + 2)[1:-1]
    )
    width = 0.6 / bars
    for i, h in enumerate(heights):
        cx = 0.2 + (i + 0.5) * 0.6 / bars
        inside = (np.abs(x - cx) < width * 0.32) & (np.abs(y - 0.5) < h / 2)
        image[inside] = (0.98, 0.93, 0.82)
    return (image * 255).round().astype(np.uint8)


def png(pixels: np.ndarray) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    height, width, _ = pixels.shape
    raw = b"".join(b"\0" + pixels[row].tobytes() for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


if __name__ == "__main__":
    OUT.write_bytes(png(draw()))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")
