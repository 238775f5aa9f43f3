"""Per-field accuracy of the certificate prefill on the generated corpus.

    .venv/bin/python benchmarks/prefill_accuracy.py [--count 24] [--no-images] [--misses]

Every certificate of `tests/certificate_corpus.py` is read twice through the production path,
the limited child process (`ceutrack.activities.extract.run_extraction`): as a PDF with a text
layer, and as a noisy, slightly rotated photo (OCR with tesseract; skipped with a note when
tesseract is not installed, or with --no-images). Each reading is parsed by
`ceutrack.activities.prefill.parse_certificate` and compared field by field with what the
certificate says. A field is right when it equals the expected value exactly (the title and
provider compared case- and space-insensitively; an absent index, kind or AHIMA approval must
be proposed as absent).

Targets: date, units and index >= 90 %; title and provider >= 80 %.
The last line is one JSON object: `fields` (name -> accuracy, 0..1), `certificates` (number of
readings scored), per-form figures under `pdf` and `image`, and `targets_met`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ceutrack.activities.extract import run_extraction  # noqa: E402
from ceutrack.activities.prefill import parse_certificate  # noqa: E402
from tests.certificate_corpus import FIELDS, Certificate, as_image, as_pdf, corpus  # noqa: E402

TARGETS = {"completed_on": 0.9, "units": 0.9, "aapc_index": 0.9, "title": 0.8, "provider": 0.8}
# The worker's default limits (settings.CERTIFICATE_READ_*).
LIMITS_SECONDS, LIMITS_MEMORY_BYTES, LIMITS_MAX_PAGES, LIMITS_MAX_CHARS = (
    10.0,
    768 * 2**20,
    3,
    20_000,
)


def _norm(value: object) -> object:
    return " ".join(value.casefold().split()) if isinstance(value, str) else value


def score(certificate: Certificate, text: str) -> dict[str, bool]:
    proposal = parse_certificate(text)
    return {
        name: _norm(getattr(proposal, name)) == _norm(certificate.expected[name] or None)
        or (not certificate.expected[name] and not getattr(proposal, name))
        for name in FIELDS
    }


def _accuracy(rows: list[dict[str, bool]]) -> dict[str, float]:
    return (
        {name: round(sum(r[name] for r in rows) / len(rows), 3) for name in FIELDS} if rows else {}
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--no-images", action="store_true")
    parser.add_argument("--misses", action="store_true", help="print each wrong field")
    options = parser.parse_args()

    ocr = not options.no_images and shutil.which("tesseract") is not None
    if not options.no_images and not ocr:
        print("tesseract is not installed: images skipped (apt-get install tesseract-ocr)")
    results: dict[str, list[dict[str, bool]]] = {"pdf": [], "image": []}
    seconds: dict[str, float] = {"pdf": 0.0, "image": 0.0}
    for certificate in corpus(options.count):
        forms = [("pdf", as_pdf(certificate), "application/pdf")]
        if ocr:
            kind = "jpeg" if int(certificate.name[-2:]) % 2 else "png"
            forms.append(("image", as_image(certificate, kind=kind), f"image/{kind}"))
        for form, data, content_type in forms:
            started = time.perf_counter()
            extraction = run_extraction(
                data,
                content_type,
                seconds=LIMITS_SECONDS,
                memory_bytes=LIMITS_MEMORY_BYTES,
                max_pages=LIMITS_MAX_PAGES,
                max_chars=LIMITS_MAX_CHARS,
            )
            seconds[form] += time.perf_counter() - started
            row = score(certificate, extraction.text)
            results[form].append(row)
            if options.misses and not all(row.values()):
                proposal = parse_certificate(extraction.text)
                for name in FIELDS:
                    if not row[name]:
                        print(
                            f"  {certificate.name} {form} {name}: got "
                            f"{getattr(proposal, name)!r}, expected {certificate.expected[name]!r}"
                        )
                if extraction.problem:
                    print(f"  {certificate.name} {form}: {extraction.problem}")

    every = results["pdf"] + results["image"]
    fields = _accuracy(every)
    print(f"{'field':<14}{'all':>8}{'pdf':>8}{'image':>8}")
    pdf, image = _accuracy(results["pdf"]), _accuracy(results["image"])
    for name in FIELDS:
        print(
            f"{name:<14}{fields[name]:>8.0%}{pdf[name]:>8.0%}"
            + (f"{image[name]:>8.0%}" if image else f"{'-':>8}")
        )
    for form in ("pdf", "image"):
        if results[form]:
            mean = seconds[form] / len(results[form])
            print(f"{form}: {len(results[form])} readings, {mean:.2f} s each in the child process")
    met = all(fields[name] >= target for name, target in TARGETS.items())
    print(
        json.dumps(
            {
                "fields": fields,
                "certificates": len(every),
                "pdf": {"certificates": len(results["pdf"]), "fields": pdf},
                "image": {"certificates": len(results["image"]), "fields": image},
                "targets": TARGETS,
                "targets_met": met,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
