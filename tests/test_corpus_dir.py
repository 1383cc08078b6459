"""The corpus directory and `vraagbaak add | remove | list`: refused files change nothing, nothing is lost.

The CLI runs in-process with the fake embedder (tests/fakes.py): what is tested is the handling of
files, the corpus directory and the index, not the model.
"""

from __future__ import annotations

import json

import pytest
from fakes import HashEmbedder

from vraagbaak import cli
from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.directory import REMOVED, checksum, read_corpus, sources


@pytest.fixture()
def dirs(tmp_path, monkeypatch):
    """A fresh corpus and index directory for the CLI, and the fake model for every build."""
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    monkeypatch.setenv("VRAAGBAAK_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("VRAAGBAAK_INDEX_DIR", str(index))
    monkeypatch.setattr("vraagbaak.index.embedders.from_spec", lambda spec, num_threads=None: HashEmbedder())
    return corpus, index


def other_letter(tmp_path, name: str = "beleidsbrief-2027.txt"):
    """The shipped letter under other references: new document ids, same layout."""
    text = DEFAULT_CORPUS.read_text(encoding="utf-8").replace("7534332", "9999999").replace("7474795", "8888888")
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def served(index) -> list[str]:
    return [d["id"] for d in json.loads((index / "documents.json").read_text(encoding="utf-8"))]


def test_build_seeds_a_new_corpus_directory_with_the_shipped_letter(dirs, capsys):
    corpus, index = dirs
    assert cli.main(["build"]) == 0
    assert [p.name for p in sources(corpus)] == [DEFAULT_CORPUS.name]
    assert served(index) == ["brief-7534332", "bijlage-7534332", "nota-7474795"]
    assert "new corpus directory" in capsys.readouterr().err


def test_add_then_list_then_remove(dirs, tmp_path, capsys):
    corpus, index = dirs
    assert cli.main(["add", str(other_letter(tmp_path))]) == 0
    assert sorted(served(index)) == sorted(
        ["brief-7534332", "bijlage-7534332", "nota-7474795", "brief-9999999", "bijlage-9999999", "nota-8888888"]
    )
    assert (index / "sources" / "beleidsbrief-2027.txt").is_file()  # the index keeps what it read
    capsys.readouterr()
    assert cli.main(["list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert len(listing) == 6 and listing[0].startswith("brief-9999999\tbeleidsbrief-2027.txt\tp. 1–12\t")  # name order
    assert listing[5].startswith("nota-7474795\tbeleidsbrief-jenv-2026-04-24.txt\tp. 15\t")

    assert cli.main(["remove", "bijlage-9999999"]) == 0  # by a document id: its whole file goes
    assert served(index) == ["brief-7534332", "bijlage-7534332", "nota-7474795"]
    assert (corpus / REMOVED / "beleidsbrief-2027.txt").is_file()  # kept, not deleted
    assert cli.main(["remove", DEFAULT_CORPUS.name]) == 1  # the last source stays
    assert "only source" in capsys.readouterr().err


def test_refused_files_change_nothing(dirs, tmp_path, capsys):
    corpus, index = dirs
    assert cli.main(["build"]) == 0
    before, built = checksum(corpus), json.loads((index / "manifest.json").read_text())["built_at"]
    docx = tmp_path / "nota.docx"
    docx.write_bytes(b"PK\x03\x04")
    empty = tmp_path / "leeg.txt"
    empty.write_text("", encoding="utf-8")
    same_ids = tmp_path / "kopie.txt"
    same_ids.write_text(DEFAULT_CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    good = other_letter(tmp_path)
    capsys.readouterr()

    status = cli.main(["add", str(good), str(docx), str(empty), str(same_ids), str(tmp_path / "weg.txt")])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert err[:4] == [
        "vraagbaak: refused nota.docx: unsupported file type '.docx'; "
        "supported: .htm, .html, .markdown, .md, .pdf, .txt",
        f"vraagbaak: refused leeg.txt: {err[1].split(': ', 2)[2]}",
        "vraagbaak: refused kopie.txt: document brief-7534332 is already in beleidsbrief-jenv-2026-04-24.txt",
        "vraagbaak: refused weg.txt: no such file",
    ]
    assert err[4] == "vraagbaak: nothing added (4 of 5 refused)" and "Traceback" not in "".join(err)
    assert checksum(corpus) == before and json.loads((index / "manifest.json").read_text())["built_at"] == built


def test_a_failed_build_takes_the_added_file_out_again(dirs, tmp_path, monkeypatch):
    corpus, _ = dirs
    assert cli.main(["build"]) == 0
    before = checksum(corpus)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("vraagbaak.index.build.build_index", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        cli.main(["add", str(other_letter(tmp_path))])
    assert checksum(corpus) == before and not list(corpus.glob(".*adding"))


def test_two_sources_may_not_give_the_same_document(tmp_path):
    from vraagbaak.corpus import UnreadableDocumentError

    (tmp_path / "a.txt").write_text(DEFAULT_CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(DEFAULT_CORPUS.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(UnreadableDocumentError, match=r"^b\.txt: document brief-7534332 is also in a\.txt$"):
        read_corpus(tmp_path)


def test_the_reader_limits_are_settings(dirs, tmp_path, monkeypatch, capsys):
    from pdfs import simple_pdf

    from vraagbaak.corpus.formats import limits

    monkeypatch.setattr("vraagbaak.corpus.formats._limits", limits())  # the CLI sets them process-wide
    corpus, _ = dirs
    assert cli.main(["build"]) == 0
    before = checksum(corpus)
    capsys.readouterr()
    monkeypatch.setenv("VRAAGBAAK_MAX_PAGES", "2")
    assert cli.main(["add", str(simple_pdf(tmp_path / "drie.pdf", pages=3))]) == 1
    assert capsys.readouterr().err.splitlines()[0] == "vraagbaak: refused drie.pdf: 3 pages, more than the limit of 2"
    assert checksum(corpus) == before
    monkeypatch.setenv("VRAAGBAAK_MAX_PAGES", "twee")
    assert cli.main(["list"]) == 1
    assert "VRAAGBAAK_MAX_PAGES" in capsys.readouterr().err
