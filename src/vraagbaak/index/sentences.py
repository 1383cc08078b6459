"""Dutch-aware sentence boundaries, shared by the splitter and the highlighter.

A boundary is end punctuation (optionally a closing quote and a footnote mark)
followed by space and a capital, digit or opening quote. Abbreviations that are
followed by lowercase ("motie Mutluer c.s. eerder") are therefore not cut.
"""

from __future__ import annotations

import re

BOUNDARY = re.compile(r"(?<=[.!?])[\"'’”)]*[⁰¹²³⁴⁵⁶⁷⁸⁹]*\s+(?=[A-Z0-9À-Ý\"'‘“(])")
#: The same boundary as a separator for langchain's regex splitter (zero-width before the space).
SEPARATOR = r"(?<=[.!?⁰¹²³⁴⁵⁶⁷⁸⁹\"'’”)])\s+(?=[A-Z0-9À-Ý\"'‘“(])"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of the sentences of ``text``, whitespace excluded."""
    spans, start = [], 0
    for m in BOUNDARY.finditer(text):
        end = m.start() + len(m.group(0).rstrip())
        if text[start:end].strip():
            spans.append((start, end))
        start = m.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]
