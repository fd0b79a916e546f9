"""Citation markers: parse ``[n]``, drop invented ones, check each cited sentence against its passage."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rag.text import normalize, sentence_spans, tokens
from rag.types import Citation, Passage

MARKER = re.compile(r"\s?\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\]")
AFTER_STOP = re.compile(r"([.!?][\"'”’)]*)((?:[ \t]*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])+)")
NO_CLAIM = re.compile(
    r"^(the (article|passages?|sources?|context) (does not|doesn't|do not|don't)|i (do not|don't) know|"
    r"(there is|there's) no (information|mention)|"
    r"\((link|image) removed\)\W*$|\(withheld: )",  # what rag.sanitize left in place of removed content
    re.I,
)

# A cited sentence is supported when enough of its content words appear in one passage sentence (or two
# adjacent ones), or when the two are close in embedding space.
MIN_RECALL = 0.6
MIN_SIMILARITY = 0.72

Similarity = Callable[[str, list[str]], list[float]]


@dataclass
class Claim:
    """One sentence of an answer with the passage numbers it cites."""

    text: str  # without markers
    markers: list[int]


def parse_markers(answer: str) -> list[Claim]:
    """Split an answer into sentences and the ``[n]`` markers each carries (``[1, 2]`` counts as two)."""
    # Markers written after the full stop ("news. [1] Next", "news.[1] Next") belong to that sentence: move
    # them before it so the sentence split cannot give them to the next sentence or merge the two.
    answer = AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), answer)
    claims: list[Claim] = []
    for s, e in sentence_spans(answer):
        raw = answer[s:e]
        nums: list[int] = []
        for m in MARKER.finditer(raw):
            nums.extend(int(x) for x in m.group(1).split(","))
        text = MARKER.sub("", raw).strip()
        if not text and claims:  # markers alone after the full stop belong to the previous sentence
            claims[-1].markers.extend(n for n in nums if n not in claims[-1].markers)
            continue
        claims.append(Claim(text=text, markers=list(dict.fromkeys(nums))))
    return claims


def strip_invalid_markers(answer: str, valid: int) -> tuple[str, list[int]]:
    """Remove markers that do not name one of the ``valid`` retrieved passages; return the dropped numbers."""
    dropped: list[int] = []

    def repl(m: re.Match[str]) -> str:
        nums = [int(x) for x in m.group(1).split(",")]
        keep = [n for n in nums if 1 <= n <= valid]
        dropped.extend(n for n in nums if not 1 <= n <= valid)
        if not keep:
            return ""
        lead = " " if m.group(0).startswith(" ") else ""
        return lead + "".join(f"[{n}]" for n in keep)

    return MARKER.sub(repl, answer), dropped


def recall(claim: str, evidence: str) -> float:
    """Share of the claim's content words found in the evidence."""
    c = set(tokens(claim))
    if not c:
        return 1.0
    return len(c & set(tokens(evidence))) / len(c)


def best_quote(claim: str, passage: Passage, similarity: Similarity | None = None) -> tuple[int, int, float, bool]:
    """The passage span (document offsets) that best supports ``claim``, its score and whether it suffices."""
    spans = sentence_spans(passage.text)
    if not spans:
        return passage.start, passage.end, 0.0, False
    windows = [(s, e) for s, e in spans] + [(spans[i][0], spans[i + 1][1]) for i in range(len(spans) - 1)]
    texts = [passage.text[s:e] for s, e in windows]
    rec = [recall(claim, t) for t in texts]
    sims = similarity(claim, texts) if similarity else [0.0] * len(texts)
    # Prefer single sentences: a pair must do clearly better to win.
    scored = [
        (max(r, 0.0) + 0.5 * sm - (0.05 if i >= len(spans) else 0.0), i)
        for i, (r, sm) in enumerate(zip(rec, sims, strict=True))
    ]
    _, i = max(scored)
    supported = (
        rec[i] >= MIN_RECALL or sims[i] >= MIN_SIMILARITY or normalize(claim).lower() in normalize(texts[i]).lower()
    )
    s, e = windows[i]
    return passage.start + s, passage.start + e, max(rec[i], sims[i]), supported


def verify(
    answer: str,
    passages: Sequence[Passage],
    similarity: Similarity | None = None,
    distrust: Collection[int] = (),
) -> tuple[str, list[Citation], list[str]]:
    """Check an answer against the passages it cites.

    Returns the answer with invented markers removed, one Citation per marker (numbered as in the answer), and
    the sentences that are not supported (uncited factual sentences, or cited ones the passage does not back).
    Passages numbered in ``distrust`` (text written to steer the assistant) never count as support.
    """
    cleaned, _ = strip_invalid_markers(answer, len(passages))
    citations: dict[int, Citation] = {}
    unsupported: list[str] = []
    for claim in parse_markers(cleaned):
        if not claim.text or not re.search(r"[A-Za-z]", claim.text):
            continue
        if not claim.markers:
            if not NO_CLAIM.match(claim.text):
                unsupported.append(claim.text)
            continue
        ok_any = False
        for n in claim.markers:
            p = passages[n - 1]
            qs, qe, _score, ok = best_quote(claim.text, p, similarity)
            ok = ok and n not in distrust
            ok_any = ok_any or ok
            prev = citations.get(n)
            if prev is None or (ok and not prev.supported):
                citations[n] = Citation(
                    n=n,
                    id=p.id,
                    source=p.source,
                    start=p.start,
                    end=p.end,
                    text=p.text,
                    quote=p.text[qs - p.start : qe - p.start],
                    quote_start=qs,
                    quote_end=qe,
                    supported=ok,
                )
        if not ok_any:
            unsupported.append(claim.text)
    return cleaned, [citations[n] for n in sorted(citations)], unsupported
