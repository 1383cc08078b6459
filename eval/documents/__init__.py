"""Evaluation documents in formats other than the shipped letter: fictional, realistic Dutch government texts.

Each is about its own topic, so that retrieval across them is meaningful, with concrete facts that the
questions in ``eval/gold_documents.jsonl`` ask about:

- ``rapport-jeugdbescherming.pdf``: an inspection report on waiting times in youth protection, drawn with
  reportlab by :func:`eval.documents.report.draw_report` (ten pages with every hard case of a real PDF);
- ``notitie.md``: a policy note on cybercrime against small businesses (front matter, a table, admonitions);
- ``kamerstuk.html``: a parliamentary letter on victim support, as the official publications site prints it;
- ``memo.txt``: an internal memo on prison capacity, plain text.

``python -m eval.documents OUT_DIR`` writes them all to ``OUT_DIR`` (:func:`write_corpus`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from eval.documents.report import draw_report

HERE = Path(__file__).parent
PDF_NAME = "rapport-jeugdbescherming.pdf"
#: The documents kept as source files beside this module, copied as they are.
STATIC = ("notitie.md", "kamerstuk.html", "memo.txt")


def write_corpus(out: Path) -> list[Path]:
    """Write every evaluation document to ``out`` (created if missing); return the paths, in name order."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [draw_report(out / PDF_NAME)]
    for name in STATIC:
        paths.append(Path(shutil.copyfile(HERE / name, out / name)))
    # Hook: the shipped letter printed as a PDF (tests/pdfs.py letter_pdf) belongs here too, so that the gold
    # questions about the letter can be asked of its PDF; add it as paths.append(letter_pdf(..., out / NAME)).
    return sorted(paths)
