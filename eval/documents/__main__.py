"""``python -m eval.documents OUT_DIR``: write the evaluation documents (see the package docstring) to OUT_DIR."""

from __future__ import annotations

import argparse
from pathlib import Path

from eval.documents import write_corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.documents", description=__doc__.split(":", 1)[1].strip())
    parser.add_argument("out", type=Path, help="the corpus directory to write (created if missing)")
    args = parser.parse_args(argv)
    for path in write_corpus(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
