"""The English -> Dutch glossary (index/glossary.py) read from dictd files written here, and the installed one."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from vraagbaak.index import glossary as g
from vraagbaak.index.glossary import Glossary, from_freedict, load, read_dictd
from vraagbaak.index.lexical import DutchAnalyzer


def _b64(n: int) -> str:
    digits = ""
    while True:
        digits = g._B64[n % 64] + digits
        n //= 64
        if not n:
            return digits


def write_dictd(directory: Path, name: str, entries: dict[str, str]) -> None:
    """A dictd database as FreeDict ships it: a gzip text of entries and an index of base64 offsets."""
    blob, index = b"", []
    for head, text in {"00-database-info": "about\n", **entries}.items():
        data = text.encode()
        index.append(f"{head}\t{_b64(len(blob))}\t{_b64(len(data))}")
        blob += data
    (directory / f"{name}.dict.dz").write_bytes(gzip.compress(blob))
    (directory / f"{name}.index").write_text("\n".join(index) + "\n", encoding="utf-8")


NLD_ENG = {
    "slachtoffer": "slachtoffer /slɑxtɔfər/\nvictim\n",
    "regering": "regering /rəɤ°eriŋ/\n1. control, reign, rule\n2. administration, government\n",
    "overheid": "overheid /ovərhɛi˘t/\nadministration, government\n",
    "rechtsbijstand": "rechtsbijstand\nlegal aid (formal)\n",
    "in de war": "in de war\nconfused\n",
}
ENG_NLD = {"prison": "prison /prɪzn/\ngevangenis\n"}


@pytest.fixture
def dictd(tmp_path):
    write_dictd(tmp_path, "freedict-nld-eng", NLD_ENG)
    write_dictd(tmp_path, "freedict-eng-nld", ENG_NLD)
    return tmp_path


def test_both_directions_make_one_english_to_dutch_table(dictd):
    nld = read_dictd(dictd / "freedict-nld-eng.index", dictd / "freedict-nld-eng.dict.dz")
    assert set(nld) == set(NLD_ENG)  # the database's own info entry is no word
    table = from_freedict(nld, read_dictd(dictd / "freedict-eng-nld.index", dictd / "freedict-eng-nld.dict.dz"))
    assert table.translations("government") == {"regering", "overheid"}
    assert table.translations("prison") == {"gevangenis"}
    assert table.translations("legal aid") == {"rechtsbijstand"}  # the note in brackets is dropped
    assert table.translations("confused") == frozenset()  # a Dutch phrase would add only its function words


def test_a_word_is_looked_up_without_its_english_ending():
    table = Glossary({"victim": frozenset({"slachtoffer"}), "agency": frozenset({"dienst"}), "sign": frozenset("x")})
    assert table.translations("Victims") == {"slachtoffer"}
    assert table.translations("agencies") == {"dienst"}
    assert table.translations("signed") == table.translations("signing") == {"x"}
    assert table.translations("unknown") == frozenset()
    # The likeliest base first: "notes" is "note" before "not", and "-es" goes only after a sibilant.
    table = Glossary({"note": frozenset({"notitie"}), "not": frozenset({"niet"}), "box": frozenset({"doos"})})
    assert table.translations("notes") == {"notitie"}
    assert table.translations("boxes") == {"doos"}
    assert table.translations("note's") == {"notitie"}


def test_a_word_with_too_many_translations_is_left_out():
    assert len(Glossary({"set": frozenset(str(i) for i in range(g.MAX_TRANSLATIONS + 1))})) == 0


def test_groups_hold_one_set_per_content_word_with_its_own_form_and_its_translations():
    table = Glossary({"victims": frozenset({"slachtoffers"}), "legal aid": frozenset({"rechtsbijstand"})})
    groups = table.groups("When does the NOVA give legal aid to victims?", DutchAnalyzer())
    stem = DutchAnalyzer()
    assert groups == [
        frozenset(stem("nova")),  # a name is shared as written
        frozenset(stem("give")),  # an unknown word keeps its own form (a loanword may be in the text)
        frozenset(stem("legal aid") + stem("rechtsbijstand")),  # a known two-word phrase is one word
        frozenset(stem("victims") + stem("slachtoffers")),
    ]


def test_a_word_that_is_a_dutch_stopword_keeps_its_translations():
    groups = Glossary({"door": frozenset({"deur"})}).groups("Who opens the door?", DutchAnalyzer())
    assert frozenset(DutchAnalyzer()("deur")) in groups


def test_a_headword_with_two_entries_keeps_both_and_dutch_phrases_are_left_out(tmp_path):
    write_dictd(tmp_path, "two", {"kei": "kei\nboulder\n"})
    index = (tmp_path / "two.index").read_text(encoding="utf-8").splitlines()
    blob = gzip.decompress((tmp_path / "two.dict.dz").read_bytes()) + b"kei\nstone\n"
    (tmp_path / "two.dict.dz").write_bytes(gzip.compress(blob))
    extra = f"kei\t{_b64(len(blob) - 10)}\t{_b64(10)}\toriginal"  # a fourth column, as dictd allows
    (tmp_path / "two.index").write_text("\n".join([*index, extra]) + "\n", encoding="utf-8")
    table = from_freedict(
        read_dictd(tmp_path / "two.index", tmp_path / "two.dict.dz"), {"see": "see\nzorg dragen, zien\n"}
    )
    assert table.translations("boulder") == table.translations("stone") == {"kei"}
    assert table.translations("see") == {"zien"}


def test_without_the_dictionaries_the_glossary_is_off_and_says_so(tmp_path, caplog):
    load.cache_clear()
    try:
        assert load(tmp_path) is None
    finally:
        load.cache_clear()
    assert "apt-get install dict-freedict-nld-eng" in caplog.text


@pytest.mark.skipif(not (g.DICTD_DIR / "freedict-nld-eng.index").is_file(), reason="FreeDict not installed")
def test_the_installed_freedict_data_translates_policy_words():
    """.ci/run and the Dockerfile install Debian's dict-freedict-nld-eng and dict-freedict-eng-nld."""
    table = load()
    assert table is not None and len(table) > 10_000
    assert "slachtoffer" in table.translations("victims")
    assert "gevangenis" in table.translations("prison")
    assert {"regering", "overheid"} <= table.translations("government")
