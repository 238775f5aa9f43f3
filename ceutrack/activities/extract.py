"""Reading the text out of an uploaded certificate, in a child process with hard limits.

An uploaded file is hostile input: a few kilobytes of PDF can expand into megabytes of text
operators that keep pypdf busy for many seconds, and a crafted image can ask Pillow or tesseract
for gigabytes. So nothing here runs in the web process or in the Celery worker itself:
`run_extraction` starts `python -m ceutrack.activities.extract` with the file on its standard
input, and the child limits its own CPU time and address space (`resource.setrlimit`, inherited
by the tesseract process it starts) before touching the bytes, while the parent enforces a
wall-clock timeout (`wall_clock`) and kills the child's whole process group when it runs over.
The child reads at most `max_pages` pages, keeps at most `max_chars` characters and prints one
JSON object.

This module imports no Django, so the child starts quickly; the caller passes the limits in
(`ceutrack.activities.certificates.read_certificate` takes them from the settings).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

PDF = "application/pdf"
IMAGE_TYPES = ("image/png", "image/jpeg")
# Images are scaled so their longer side is at most this many pixels before OCR: enough for
# certificate lettering, and it bounds tesseract's time on a 50-megapixel phone photo.
OCR_MAX_SIDE = 2400
# Small images are enlarged first: tesseract reads 10-point text best at about 300 dpi.
OCR_MIN_SIDE = 1200
# Pillow refuses to decode anything larger (a decompression bomb).
MAX_IMAGE_PIXELS = 40_000_000
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Extraction:
    """What a reading gave: the text ("" when none), how it was read ("text" layer or "ocr"),
    and, when it failed, why (for the logs; people get one plain message)."""

    text: str = ""
    method: str = ""
    problem: str = ""

    @property
    def readable(self) -> bool:
        return bool(self.text.strip())


# ------------------------------------------------------------------ the parent side


def run_extraction(
    data: bytes,
    content_type: str,
    *,
    seconds: float,
    memory_bytes: int,
    max_pages: int,
    max_chars: int,
) -> Extraction:
    """Read `data` in a child process; never raises for anything the file does."""
    command = [
        sys.executable,
        "-m",
        "ceutrack.activities.extract",
        f"--type={content_type}",
        f"--seconds={seconds:g}",
        f"--memory={memory_bytes}",
        f"--pages={max_pages}",
        f"--chars={max_chars}",
    ]
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(_ROOT),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        # tesseract's OpenMP threads would multiply CPU use and address space.
        "OMP_THREAD_LIMIT": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    # Where this process keeps its compiled bytecode, if elsewhere than beside the sources:
    # without it the child compiles pypdf and Pillow from source on every reading (about
    # 0.6 s of its CPU allowance).
    if os.environ.get("PYTHONPYCACHEPREFIX"):
        env["PYTHONPYCACHEPREFIX"] = os.environ["PYTHONPYCACHEPREFIX"]
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=_ROOT,
            start_new_session=True,
        )
    except OSError as error:  # no process could be started (out of processes, say)
        return Extraction(problem=f"could not start the reader: {error}"[:200])
    try:
        out, err = process.communicate(data, timeout=wall_clock(seconds))
    except subprocess.TimeoutExpired:
        _kill_group(process)
        process.communicate()
        return Extraction(problem=f"took longer than {wall_clock(seconds):g} s")
    except BaseException:
        _kill_group(process)
        process.communicate()
        raise
    if process.returncode != 0:
        reason = (
            "ran out of CPU time"
            if process.returncode in (-signal.SIGXCPU, -signal.SIGPROF)
            else f"stopped with code {process.returncode}"
        )
        detail = err.decode(errors="replace").strip().splitlines()[-1:] or [""]
        return Extraction(problem=f"{reason} {detail[0][:200]}".strip())
    try:
        answer = json.loads(out)
        return Extraction(
            text=str(answer.get("text", ""))[:max_chars],
            method=str(answer.get("method", "")),
            problem=str(answer.get("problem", ""))[:200],
        )
    except (ValueError, AttributeError):
        return Extraction(problem="gave no readable answer")


def wall_clock(cpu_seconds: float) -> float:
    """The wall-clock bound for a reading allowed `cpu_seconds` of CPU: twice as long plus a
    second (to start Python), since a busy machine shares its cores."""
    return 2 * cpu_seconds + 1


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """The child and anything it started (tesseract)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


# ------------------------------------------------------------------ the child side


def apply_limits(*, seconds: float, memory_bytes: int) -> None:
    """This process may use `seconds` of CPU time in all (its start included) and
    `memory_bytes` of address space.
    - RLIMIT_CPU counts whole seconds only (rounded up); tesseract inherits it.
    - A CPU-time timer (ITIMER_PROF, not inherited by the processes it starts) holds this
      process to the fraction: a limit of 0.5 s stops it after 0.5 s, not 1. Its SIGPROF,
      unhandled, ends the process like RLIMIT_CPU's SIGXCPU does."""
    cpu = max(1, int(seconds + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    used = resource.getrusage(resource.RUSAGE_SELF)
    signal.setitimer(signal.ITIMER_PROF, max(seconds - used.ru_utime - used.ru_stime, 0.001))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _cap(text: str, max_chars: int) -> str:
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n", text)
    return text.strip()[:max_chars]


def pdf_text(data: bytes, *, max_pages: int, max_chars: int) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return ""
    parts: list[str] = []
    total = 0
    for page in reader.pages[:max_pages]:
        text = page.extract_text() or ""
        parts.append(text)
        total += len(text)
        if total >= max_chars:
            break
    return _cap("\n".join(parts), max_chars)


def pdf_images(data: bytes, *, max_pages: int) -> list[object]:
    """The pictures on a scanned PDF's first pages (a scan is one picture per page)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return []
    images: list[object] = []
    for page in reader.pages[:max_pages]:
        pictures = sorted(
            page.images, key=lambda p: p.image.width * p.image.height if p.image else 0
        )
        if pictures and pictures[-1].image is not None:
            images.append(pictures[-1].image)
    return images


def prepare_for_ocr(image: object) -> object:
    """Grey, sized for tesseract, contrast stretched."""
    from PIL import Image, ImageFilter, ImageOps

    assert isinstance(image, Image.Image)
    image = ImageOps.exif_transpose(image) or image
    grey = image.convert("L")
    longest = max(grey.size)
    if longest > OCR_MAX_SIDE or longest < OCR_MIN_SIDE:
        scale = (OCR_MAX_SIDE if longest > OCR_MAX_SIDE else OCR_MIN_SIDE) / longest
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    # A median filter clears the speckle of a phone photo or a fax without eroding letters.
    return ImageOps.autocontrast(grey.filter(ImageFilter.MedianFilter(3)), cutoff=1)


def ocr_text(images: list[object], *, deadline: float, max_chars: int) -> str:
    import pytesseract

    parts: list[str] = []
    for image in images:
        left = deadline - time.monotonic()
        if left <= 0.5:
            break
        prepared = prepare_for_ocr(image)
        parts.append(pytesseract.image_to_string(prepared, config="--psm 4", timeout=left))
        if sum(map(len, parts)) >= max_chars:
            break
    return _cap("\n".join(parts), max_chars)


def open_image(data: bytes) -> object:
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def extract(
    data: bytes, content_type: str, *, seconds: float, max_pages: int, max_chars: int
) -> Extraction:
    """Text layer first; OCR for images and for PDFs without one."""
    deadline = time.monotonic() + seconds
    if content_type == PDF:
        text = pdf_text(data, max_pages=max_pages, max_chars=max_chars)
        if text.strip():
            return Extraction(text=text, method="text")
        images = pdf_images(data, max_pages=max_pages)
        if not images:
            return Extraction(problem="no text layer and no scanned page")
    elif content_type in IMAGE_TYPES:
        images = [open_image(data)]
    else:
        return Extraction(problem=f"not a certificate type: {content_type[:40]}")
    try:
        text = ocr_text(images, deadline=deadline, max_chars=max_chars)
    except OSError as error:
        # pytesseract's TesseractNotFoundError is an OSError: no OCR on this machine.
        return Extraction(problem=f"OCR unavailable: {error}"[:200])
    return Extraction(text=text, method="ocr") if text.strip() else Extraction(problem="no text")


def extract_safely(
    data: bytes, content_type: str, *, seconds: float, max_pages: int, max_chars: int
) -> Extraction:
    """`extract`, with every parser failure turned into an unreadable result."""
    try:
        return extract(
            data, content_type, seconds=seconds, max_pages=max_pages, max_chars=max_chars
        )
    except (Exception, MemoryError, RecursionError) as error:
        return Extraction(problem=f"{type(error).__name__}: {error}"[:200])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--type", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--memory", type=int, default=512 * 2**20)
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--chars", type=int, default=20_000)
    options = parser.parse_args(argv)
    apply_limits(seconds=options.seconds, memory_bytes=options.memory)
    data = sys.stdin.buffer.read()
    result = extract_safely(
        data,
        options.type,
        seconds=options.seconds,
        max_pages=options.pages,
        max_chars=options.chars,
    )
    json.dump(
        {"text": result.text, "method": result.method, "problem": result.problem},
        sys.stdout,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
