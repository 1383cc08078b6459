"""``python -m eval``: run the gold set through every retrieval mode and write eval/report.md.

python -m eval                 the configured index and settings, all modes
python -m eval --shapes        also rebuild the index per passage shape (slower)
python -m eval --no-cv         skip the 5-fold cross-validated estimate (about 15 s)
python -m eval --no-documents  skip the documents corpus (eval/by_document.py -> eval/report-documents.md)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from eval.crossval import cross_validate
from eval.harness import DEV3, FRESH, FRESH2, FRESH3, GOLD, MODES, evaluate_modes, load_gold, run_mode, summarise
from eval.report import write_report

SHAPES = [(500, 0, True), (900, 0, True), (1500, 0, True), (1500, 200, True), (1500, 0, False), (4000, 0, True)]


def _summary(label: str, m: dict[str, float]) -> str:
    return (
        f"{label}: R@1 {m['recall@1']:.3f}  R@5 {m['recall@5']:.3f}  MRR@10 {m['mrr@10']:.3f}  "
        f"section {m['section_acc']:.3f}  page {m['page_acc']:.3f}  "
        f"abstain recall {m['abstain_recall']:.3f} (false {m['false_abstain_rate']:.3f})  "
        f"answers right {m['answer_acc']:.3f} (unanswerable answered {m['unanswerable_answered']:.3f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=GOLD)
    parser.add_argument(
        "--fresh",
        type=Path,
        action="append",
        help="a question set reported apart from gold (repeatable; default: fresh, fresh2, fresh3 and dev3.jsonl)",
    )
    parser.add_argument("--index-dir", type=Path, help="the index to evaluate (default: VRAAGBAAK_INDEX_DIR)")
    parser.add_argument("--out", type=Path, default=Path("eval/report.md"))
    parser.add_argument("--shapes", action="store_true", help="also measure passage budgets, overlap and headings")
    parser.add_argument("--no-cv", dest="cv", action="store_false", help="skip the cross-validated held-out estimate")
    parser.add_argument(
        "--no-documents", dest="documents", action="store_false", help="skip the per-document report (builds an index)"
    )
    args = parser.parse_args(argv)

    from vraagbaak.corpus import DEFAULT_CORPUS
    from vraagbaak.index.build import build_index
    from vraagbaak.index.embedders import from_spec
    from vraagbaak.index.search import Searcher
    from vraagbaak.index.store import load_index
    from vraagbaak.service.app import build_searcher
    from vraagbaak.settings import Settings

    settings = Settings.load().with_changes(index_dir=args.index_dir)
    embedder = from_spec(settings.embedder, num_threads=settings.num_threads)
    searcher = build_searcher(settings, embedder=embedder)
    gold = load_gold(args.gold)
    reports = evaluate_modes(searcher, gold)
    cv = cross_validate(searcher, gold) if args.cv else None
    for path in args.fresh or []:
        if not path.exists():
            parser.error(f"no question set at {path}")
    fresh = {
        path.stem: evaluate_modes(searcher, load_gold(path)) for path in args.fresh or [FRESH, FRESH2, FRESH3, DEV3]
    }
    default_mode = next(
        name for name, changes in MODES.items() if replace(settings.retrieval, **changes) == settings.retrieval
    )

    shape_rows = None
    if args.shapes:
        shape_rows = []
        with tempfile.TemporaryDirectory() as tmp:
            for budget, overlap, heading in SHAPES:
                split = replace(settings.split, budget=budget, overlap=overlap, heading_context=heading)
                path = Path(tmp) / f"i{budget}-{overlap}-{int(heading)}"
                manifest = build_index(DEFAULT_CORPUS, path, embedder, split=split, progress=False)
                s = Searcher(load_index(path), embedder, settings.retrieval)
                m = summarise(run_mode(s, gold, desc=f"shape {budget}/{overlap}/{int(heading)}"))
                shape_rows.append(
                    [str(budget), str(overlap), "yes" if heading else "no", str(manifest.passage_count)]
                    + [f"{m[k]:.3f}" for k in ("recall@1", "recall@5", "mrr@10")]
                )

    write_report(
        reports,
        default_mode=default_mode,
        # English answers depend on whether FreeDict is installed here: the report says which.
        settings=asdict(settings.retrieval) | {"glossary_entries": len(searcher.glossary or ())},
        manifest=asdict(searcher.index.manifest),
        out=args.out,
        shape_rows=shape_rows,
        cv=cv,
        fresh=fresh,
    )
    print(_summary(default_mode, next(r for r in reports if r.mode == default_mode).metrics["all"]), file=sys.stderr)
    for name, reports_ in fresh.items():
        m = next(r for r in reports_ if r.mode == default_mode).metrics["all"]
        print(_summary(f"{name} ({int(m['n'])} questions)", m), file=sys.stderr)
    if cv:
        print(_summary(f"{cv.k}-fold cross-validated", cv.metrics["all"]), file=sys.stderr)
    print(f"-> {args.out}", file=sys.stderr)
    if args.documents:
        from eval import by_document

        out = args.out.with_name("report-documents.md")
        for name, m in by_document.run(embedder, settings, out=out).items():
            if name != "unanswerable":
                print(_summary(name, m) + f"  cite {m['cite_acc']:.3f}", file=sys.stderr)
        print(f"-> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
