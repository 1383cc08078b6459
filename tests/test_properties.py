"""Property-based tests (hypothesis) for the two parsers that take outside input:
the corpus reader and the HTTP parameter parser."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vraagbaak.corpus import DEFAULT_CORPUS
from vraagbaak.corpus.reader import ADDRESS_LINES, HEADER_LINES, read_text
from vraagbaak.service.params import (
    K_MAX,
    K_MIN,
    MAX_QUERY_CHARS,
    ApiError,
    parse_passages_params,
    parse_query,
    parse_search_params,
)

CORPUS_LINES = DEFAULT_CORPUS.read_text(encoding="utf-8").splitlines()
HEADER_TEXT = ("Cluster secretaris-generaal", "Onze referentie")
_LAYOUT = {*HEADER_LINES, *ADDRESS_LINES, "Datum", "Onze referentie"}
#: Lines that are text, not running header: dropping one leaves a valid letter (a damaged header is not valid).
DROPPABLE = [
    i
    for i in range(len(CORPUS_LINES))
    if not any(CORPUS_LINES[j].strip() in _LAYOUT for j in range(max(0, i - 4), i + 1))
]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_or_value_error(text: str):
    try:
        return read_text(text)
    except ValueError:
        return None


def assert_invariants(corpus) -> None:
    last_page = 0
    for doc in corpus.documents:
        assert doc.first_page <= doc.last_page and doc.first_page > last_page - 1
        page = doc.first_page
        for section in doc.sections:
            assert section.path and all(h.strip() for h in section.path)
            for p in section.paragraphs:
                assert p.page >= page, "pages go back within a document"
                assert doc.first_page <= p.page <= p.page_end <= doc.last_page
                assert p.text.strip()
                assert not any(h in p.text for h in HEADER_TEXT), "running header text leaked into a paragraph"
                page = p.page_end
        last_page = doc.last_page
    assert corpus.page_count >= last_page


@FAST
@given(st.text())
def test_reader_raises_only_value_error_on_any_text(text):
    read_or_value_error(text)


@FAST
@given(st.lists(st.sampled_from([*CORPUS_LINES, "", "Datum", "Onze referentie", "1 ", "BIJLAGE"]), max_size=80))
def test_reader_raises_only_value_error_on_letter_like_lines(lines):
    corpus = read_or_value_error("\n".join(lines))
    if corpus is not None:
        assert_invariants(corpus)


@FAST
@given(st.data())
def test_reader_keeps_its_invariants_when_lines_are_dropped(data):
    """The real letter with a few lines removed: when it still reads, pages stay monotone and headers stay out."""
    drop = data.draw(st.sets(st.sampled_from(DROPPABLE), max_size=5))
    corpus = read_or_value_error("\n".join(line for i, line in enumerate(CORPUS_LINES) if i not in drop))
    if corpus is not None:
        assert_invariants(corpus)


def test_the_shipped_letter_keeps_the_invariants():
    assert_invariants(read_text("\n".join(CORPUS_LINES)))


# ------------------------------------------------------------------ service/params.py

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@FAST
@given(st.one_of(st.none(), st.text(max_size=1200), json_values))
def test_parse_query_returns_a_clean_question_or_a_400(value):
    try:
        q = parse_query(value)
    except ApiError as e:
        assert e.status == 400 and e.code in {"missing_query", "invalid_query", "query_too_long"}
        return
    assert isinstance(q, str) and q == q.strip() and q
    assert len(q) <= MAX_QUERY_CHARS and unicodedata.is_normalized("NFC", q)
    assert not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in q)


@FAST
@given(st.dictionaries(st.sampled_from(["q", "k", "document", "x"]), st.lists(json_values | st.text(), max_size=3)))
def test_parse_search_params_never_fails_with_anything_but_api_error(args):
    try:
        params = parse_search_params(args)
    except ApiError as e:
        assert 400 <= e.status < 500
        return
    assert K_MIN <= params.k <= K_MAX and params.q


@FAST
@given(st.integers(K_MIN, K_MAX), st.sampled_from(["{}", "+{}"]))
def test_k_as_text_or_number_means_the_same(k, template):
    as_text = parse_search_params({"q": ["politie"], "k": [template.format(k)]})
    assert as_text == parse_search_params({"q": ["politie"], "k": [k]})
    assert as_text.k == k


@FAST
@given(st.integers(K_MIN, K_MAX), st.sampled_from([" {} ", "{} ", "\t{}"]))
def test_k_is_taken_as_given_not_trimmed(k, template):
    """As a document id is: a parameter with spaces around it is refused, never guessed at."""
    with pytest.raises(ApiError):
        parse_search_params({"q": ["politie"], "k": [template.format(k)]})


@FAST
@given(st.dictionaries(st.sampled_from(["offset", "limit", "document"]), st.lists(st.text(max_size=12), max_size=2)))
def test_parse_passages_params_never_fails_with_anything_but_api_error(args):
    try:
        params = parse_passages_params(args)
    except ApiError as e:
        assert e.status == 400
        return
    assert params.offset >= 0 and 1 <= params.limit <= 500
