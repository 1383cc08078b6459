"""Quality per document on a corpus like a user's: the letter as a PDF, a report, a note, a web page, a memo.

The shipped corpus is the letter's text extraction. Users bring PDFs, Markdown, HTML and plain text, so
this builds a second index over the documents corpus:

- ``beleidsbrief-jenv-2026-04-24.pdf``, the shipped letter printed with its true page breaks
  (``tests/pdfs.py``), asked the letter's gold set (``eval/gold.jsonl``);
- the evaluation documents of ``eval/documents`` (a drawn ten-page PDF report, a Markdown note, an HTML
  Kamerstuk, a plain-text memo), asked ``eval/gold_documents.jsonl``;

and reports, per document: Recall@1 and @5, MRR@10, and whether the top hit cites the gold page (PDFs)
or section (the formats without pages). ``page exact`` is the page accuracy of the top hits that hold
the evidence: how often a right passage also cites the right page, the reader's share of the error.
``eval/fresh_documents.jsonl``, written without sight of the code, is reported apart and never tuned on.
The readers' speed (pages or characters per second) is measured on the same files. Nothing here tunes:
it runs the configured settings (the answer rules were written partly against this gold set's failures:
docs/quality.md).
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from eval.harness import (
    FRESH,
    GOLD,
    GoldQuestion,
    Outcome,
    answer_accuracy_by_kind,
    answer_metrics,
    load_gold,
    run_mode,
    summarise,
)
from eval.markdown import figure, table

HERE = Path(__file__).parent
GOLD_DOCUMENTS = HERE / "gold_documents.jsonl"
FRESH_DOCUMENTS = HERE / "fresh_documents.jsonl"
LETTER_PDF = "beleidsbrief-jenv-2026-04-24.pdf"
#: The issue's targets: (R@5, citation accuracy of the top hit). The letter's citation is its page.
TARGETS = {LETTER_PDF: (0.95, 0.95), "other": (0.90, 0.90)}


def write_documents_corpus(out: Path) -> list[Path]:
    """The evaluation documents and the letter as a PDF, written to ``out``."""
    from eval.documents import write_corpus
    from tests.pdfs import letter_pdf
    from vraagbaak.corpus import DEFAULT_CORPUS, read_file

    paths = write_corpus(out)
    paths.append(letter_pdf(read_file(DEFAULT_CORPUS), out / LETTER_PDF))
    return sorted(paths)


@dataclass(frozen=True)
class ReaderSpeed:
    source: str
    reader: str
    pages: int
    chars: int
    seconds: float  # best of three, the whole read (file checks, child process for a PDF, assembly)

    def row(self) -> list[str]:
        per_page = f"{self.pages / self.seconds:.1f}" if self.pages else "–"
        return [
            self.source,
            self.reader,
            str(self.pages or "–"),
            f"{self.chars:,}",
            f"{self.seconds * 1000:.0f}",
            per_page,
            f"{self.chars / self.seconds / 1000:.0f}",
        ]


def reader_speeds(paths: list[Path], runs: int = 3) -> list[ReaderSpeed]:
    from vraagbaak.corpus import read_path, reader_for

    out = []
    for path in paths:
        best = float("inf")
        for _ in range(runs):
            started = time.perf_counter()
            corpus = read_path(path)
            best = min(best, time.perf_counter() - started)
        chars = sum(len(p.text) for d in corpus.documents for s in d.sections for p in s.paragraphs)
        out.append(ReaderSpeed(path.name, reader_for(path).name, corpus.page_count, chars, best))
    return out


def group_of(q: GoldQuestion, sources: set[str]) -> str:
    """The source file a question is about: named in the documents' sets, the letter's PDF for the letter's."""
    if q.document in sources:
        return q.document
    return LETTER_PDF if q.answerable else "unanswerable"


def page_exact(outcomes: list[Outcome]) -> float:
    """Of the top hits that hold the evidence, the share that cites the gold page."""
    right = [o for o in outcomes if o.question.page is not None and o.first_hit_rank == 1]
    ok = [o.top_pages is not None and o.top_pages[0] <= o.question.page <= o.top_pages[1] for o in right]
    return sum(ok) / len(ok) if ok else float("nan")


def per_document(outcomes: list[Outcome], sources: set[str]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[group_of(o.question, sources)].append(o)
    metrics = {}
    for name, group in sorted(groups.items()):
        metrics[name] = {**summarise(group), "page_exact": page_exact(group)}
    return metrics


def _rows(metrics: dict[str, dict[str, float]], formats: dict[str, str]) -> list[list[str]]:
    rows = []
    for name, m in metrics.items():
        if name == "unanswerable":
            continue
        r5_target, cite_target = TARGETS.get(name, TARGETS["other"])
        met = m["recall@5"] >= r5_target and m["cite_acc"] >= cite_target
        rows.append(
            [
                name,
                formats.get(name, "?"),
                str(int(m["n"])),
                *(figure(m[k]) for k in ("recall@1", "recall@5", "mrr@10", "page_acc", "page_exact", "section_acc")),
                figure(m["cite_acc"]),
                f"R@5 ≥ {r5_target:.2f}, cite ≥ {cite_target:.2f}: {'met' if met else 'NOT met'}",
            ]
        )
    return rows


LETTER_COLUMNS = ("recall@1", "recall@5", "mrr@10", "page_acc", "page_exact", "section_acc")
HEADER = ["document", "reader", "questions", "R@1", "R@5", "MRR@10", "page", "page exact", "section", "cite", "target"]


def evaluate_documents(searcher, *, gold: list[GoldQuestion], fresh: list[GoldQuestion] | None, progress: bool = True):
    """Outcomes of the letter's and the documents' gold questions, and of the fresh ones, on ``searcher``."""
    outcomes = run_mode(searcher, gold, progress=progress, desc="documents corpus")
    fresh_outcomes = run_mode(searcher, fresh, progress=progress, desc="documents, fresh") if fresh else None
    return outcomes, fresh_outcomes


def write_documents_report(
    *,
    out: Path,
    metrics: dict[str, dict[str, float]],
    fresh_metrics: dict[str, dict[str, float]] | None,
    abstention: dict[str, dict[str, float]],
    speeds: list[ReaderSpeed],
    formats: dict[str, str],
    build: dict[str, float],
    letter_alone: dict[str, dict[str, float]],
    answers: dict[str, list[Outcome]] | None = None,
) -> None:
    parts = [
        "# Quality per document: the documents corpus",
        "",
        "Generated by `make eval` (`eval/by_document.py`); the method is in its docstring. One index over the",
        f"letter printed as a PDF and the evaluation documents of `eval/documents`: {int(build['documents'])} "
        f"documents, {int(build['passages'])} passages, built in {build['seconds']:.0f} s. "
        "The configured settings. The ranking and abstention settings are the letter's, but "
        "`answer_unshared_min_similarity` was",
        "chosen with this gold set among others, and the answer rules of 2026-12-01 (4e1d5a9..024add5, "
        "9596f14..61d75b9) were",
        "written against its failures (docs/quality.md); the fresh set is held out.",
        "",
        "`page` and `section`: the top hit cites the gold page or section. `page exact`: the same, over the top",
        "hits that hold the evidence (the reader's share). `cite`: page for a PDF, section for the formats",
        "without pages, the document for a plain text (no sections).",
        "",
        "## The letter as a PDF, alone",
        "",
        "The letter printed with its true page breaks (`tests/pdfs.py`) and indexed on its own, asked the",
        "letter's question sets: the PDF path against the extracted text's figures in `eval/report.md`.",
        "",
        table(
            ["question set", "questions", "R@1", "R@5", "MRR@10", "page", "page exact", "section"],
            [[name, str(int(m["n"])), *(figure(m[k]) for k in LETTER_COLUMNS)] for name, m in letter_alone.items()],
            align="lrrrrrrr",
        ),
        "",
        "## Gold questions, all documents in one index",
        "",
        table(HEADER, _rows(metrics, formats), align="llrrrrrrrrl"),
        "",
    ]
    if fresh_metrics:
        parts += [
            "## Fresh questions (written without sight of the code, never tuned on)",
            "",
            table(HEADER, _rows(fresh_metrics, formats), align="llrrrrrrrrl"),
            "",
        ]
    parts += [
        "## Abstention",
        "",
        table(
            ["question set", "unanswerable flagged", "answerable flagged"],
            [[name, figure(m["abstain_recall"]), figure(m["false_abstain_rate"])] for name, m in abstention.items()],
            align="lrr",
        ),
        "",
    ]
    if answers:
        parts += _direct_answers(answers)
    parts += [
        "## Reader speed",
        "",
        "Best of 3 reads of each file, the whole read as `vraagbaak add` does it (a PDF in a child process",
        "with its time limit). Formats without pages have no pages per second; their characters per second",
        "compare.",
        "",
        table(
            ["file", "reader", "pages", "characters", "ms", "pages/s", "k chars/s"],
            [s.row() for s in speeds],
            align="llrrrrr",
        ),
        "",
    ]
    out.write_text("\n".join(parts), encoding="utf-8")


def _direct_answers(answers: dict[str, list[Outcome]]) -> list[str]:
    """Typed answers right per kind, and unanswerable questions answered, per question set."""
    by_set = {name: answer_accuracy_by_kind(outs) for name, outs in answers.items()}
    kinds = sorted({k for m in by_set.values() for k in m if k != "all"})
    rows = []
    for name, outs in answers.items():
        m, a = by_set[name], answer_metrics(outs)
        cells = [f"{m[k][0]}: {figure(m[k][1])}" if k in m else "–" for k in kinds]
        unanswerable = f"{figure(a['unanswerable_answered'])} of {int(a['unanswerable_n'])}"
        rows.append([name, *cells, f"**{m['all'][0]}: {figure(m['all'][1])}**", unanswerable])
    return [
        "## Direct answers",
        "",
        "The `answer` of each response, as `eval/report.md` counts it: a typed answer is right when its text",
        "holds one of the question's `answer_keys` and, for a PDF, its page is the gold page. Each cell: typed",
        "questions of that kind, share right. The configured settings; the fresh sets' failures were never read.",
        "",
        table(
            ["question set", *kinds, "all typed", "unanswerable: answer given"],
            rows,
            align="l" + "r" * (len(kinds) + 2),
        ),
        "",
    ]


def run(embedder, settings, *, out: Path, progress: bool = True) -> dict[str, dict[str, float]]:
    """Build the documents corpus and its index in a temporary directory, evaluate, write ``out``."""
    import tempfile

    from vraagbaak.corpus import reader_for
    from vraagbaak.index.build import build_index
    from vraagbaak.index.search import Searcher
    from vraagbaak.index.store import load_index

    letter_gold = load_gold(GOLD)
    doc_gold = load_gold(GOLD_DOCUMENTS)
    fresh = load_gold(FRESH_DOCUMENTS) if FRESH_DOCUMENTS.exists() else None
    with tempfile.TemporaryDirectory() as tmp:
        corpus_dir = Path(tmp) / "corpus"
        paths = write_documents_corpus(corpus_dir)
        formats = {p.name: reader_for(p).name for p in paths}
        speeds = reader_speeds(paths)
        sources = {p.name for p in paths}

        def searcher_over(path: Path, name: str):
            built = build_index(path, Path(tmp) / name, embedder, split=settings.split, progress=progress)
            return built, Searcher(load_index(Path(tmp) / name), embedder, settings.retrieval)

        # The letter's PDF alone: the PDF path against the text reader's figures, with no other document
        # to compete with. Then everything in one index, as a user's corpus is.
        _, alone = searcher_over(corpus_dir / LETTER_PDF, "letter-index")
        alone_outcomes = {
            "the letter's gold set": run_mode(alone, letter_gold, progress=progress, desc="letter PDF"),
            "the letter's fresh set": run_mode(alone, load_gold(FRESH), progress=progress, desc="letter, fresh"),
        }
        letter_alone = {name: {**summarise(out), "page_exact": page_exact(out)} for name, out in alone_outcomes.items()}
        manifest, searcher = searcher_over(corpus_dir, "index")
        outcomes, fresh_outcomes = evaluate_documents(
            searcher, gold=letter_gold + doc_gold, fresh=fresh, progress=progress
        )
        documents = len(searcher.index.documents)
    letter_ids = {q.id for q in letter_gold}
    metrics = per_document(outcomes, sources)
    fresh_metrics = per_document(fresh_outcomes, sources) if fresh_outcomes else None
    abstention = {
        "the letter's gold set, on its PDF": summarise([o for o in outcomes if o.question.id in letter_ids]),
        "the documents' gold set": summarise([o for o in outcomes if o.question.id not in letter_ids]),
    }
    if fresh_outcomes:
        abstention["the documents' fresh set"] = summarise(fresh_outcomes)
    answers = {f"the letter's PDF alone, {name[4:]}": outs for name, outs in alone_outcomes.items()} | {
        "all documents: the letter's gold set": [o for o in outcomes if o.question.id in letter_ids],
        "all documents: the documents' gold set": [o for o in outcomes if o.question.id not in letter_ids],
    }
    if fresh_outcomes:
        answers["all documents: the documents' fresh set"] = fresh_outcomes
    write_documents_report(
        out=out,
        metrics=metrics,
        fresh_metrics=fresh_metrics,
        abstention=abstention,
        speeds=speeds,
        formats=formats,
        build={"documents": documents, "passages": manifest.passage_count, "seconds": manifest.build_seconds},
        letter_alone=letter_alone,
        answers=answers,
    )
    return {**metrics, **{f"{LETTER_PDF} alone, {k[4:]}": m for k, m in letter_alone.items()}}
