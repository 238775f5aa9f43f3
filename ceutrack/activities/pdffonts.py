"""A PDF that prints every name and title as typed (Zoë, Nguyễn, Łukasz, 李).

fpdf2's core fonts are Latin-1 only; `UnicodePDF` embeds DejaVu Sans (regular and bold) and,
when a text needs it, Droid Sans Fallback for Chinese, Japanese and Korean. A character no
embedded font has (a newer emoji) is printed as its Unicode name in brackets instead of a
blank box. The fonts and their licences are vendored beside this module, under fonts/: they are
read on the server only, so they are no static files (never collected, compressed or served).
"""

from __future__ import annotations

import functools
import unicodedata
from pathlib import Path
from typing import Any

from fontTools.ttLib import TTFont
from fpdf import FPDF

SANS = "DejaVuSans"
FALLBACK = "DroidSansFallback"


def font_dir() -> Path:
    return Path(__file__).resolve().parent / "fonts"


@functools.cache
def _coverage(path: Path) -> frozenset[int]:
    """Code points a font has a glyph for (its cmap, read once per process)."""
    font = TTFont(path, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


# Joiners and variation selectors shape emoji; alone they print nothing.
_INVISIBLE = {0x200D, 0xFE0E, 0xFE0F}


class UnicodePDF(FPDF):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fonts = font_dir()
        self.add_font(SANS, "", fonts / "DejaVuSans.ttf")
        self.add_font(SANS, "B", fonts / "DejaVuSans-Bold.ttf")
        self._sans = _coverage(fonts / "DejaVuSans.ttf")
        self._fallback: frozenset[int] | None = None

    def normalize_text(self, text: str) -> str:
        return super().normalize_text(self.printable(text))

    def printable(self, text: str) -> str:
        """The text with every character some embedded font can draw, loading the CJK
        fallback on first need; any other character becomes "[its name]"."""
        out = []
        for char in text:
            point = ord(char)
            if point in self._sans or char.isspace() or point < 0x20:
                out.append(char)
            elif point in _INVISIBLE:
                continue
            elif point in self._fallback_coverage():
                self._use_fallback()
                out.append(char)
            else:
                out.append(f"[{unicodedata.name(char, 'symbol').lower()}]")
        return "".join(out)

    def _fallback_coverage(self) -> frozenset[int]:
        if self._fallback is None:
            self._fallback = _coverage(font_dir() / "DroidSansFallback.ttf")
        return self._fallback

    def _use_fallback(self) -> None:
        if FALLBACK.lower() not in self.fonts:
            self.add_font(FALLBACK, "", font_dir() / "DroidSansFallback.ttf")
            self.set_fallback_fonts([FALLBACK], exact_match=False)
