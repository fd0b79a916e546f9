"""Pure functions turning an answer (the ``Answer.to_dict()`` JSON) into safe HTML for the web chat.

Everything taken from documents or answers is untrusted: it goes through :func:`esc`, which
escapes HTML and also every character Markdown, autolinking or LaTeX could act on, so that no
element, link or image can come out of document text.

>>> esc('<img src=x onerror=alert(1)>')
'&lt;img src&#61;x onerror&#61;alert&#40;1&#41;&gt;'
>>> "<" in esc("![x](http://127.0.0.1:9/leak)")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

# HTML syntax, plus the characters Markdown, autolinking or LaTeX could act on, become entities.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
_ESCAPES.update({c: f"&#{ord(c)};" for c in "'`[]()!*_#~|$\\:@={}^"})
_ESC_RE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")
_MARKER_RE = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_WS_RE = re.compile(r"\s+")

ABSTAIN_LABEL = "Not in the article"
UNVERIFIED_LABEL = "unverified"


def esc(text: Any) -> str:
    """Escape untrusted text for HTML, neutralising Markdown, autolinks and LaTeX too."""
    s = "" if text is None else str(text)
    s = _ESC_RE.sub(lambda m: _ESCAPES[m.group(0)], s)
    # Break "www." and "http://" style autolinks even if a renderer ignores entities.
    return s.replace(".", "&#46;") if "www" in s.lower() else s


def esc_multiline(text: Any) -> str:
    """:func:`esc` plus line breaks kept as ``<br>``."""
    return "<br>".join(esc(line) for line in str(text or "").split("\n"))


def source_label(source: str) -> str:
    """A short display name for a source (its file name when it is a path)."""
    name = PurePath(str(source)).name if source else ""
    return name or str(source or "unknown source")


@dataclass(frozen=True)
class Marker:
    """One ``[n]`` (or ``[n, m]``) marker found in answer text."""

    start: int
    end: int
    numbers: tuple[int, ...]


def find_markers(text: str) -> list[Marker]:
    """Citation markers in answer text, in order."""
    out = []
    for m in _MARKER_RE.finditer(text or ""):
        nums = tuple(int(x) for x in re.split(r"\s*,\s*", m.group(1)))
        out.append(Marker(m.start(), m.end(), nums))
    return out


def quote_span(citation: dict[str, Any]) -> tuple[int, int] | None:
    """Where the supporting quote lies inside the cited passage text, as (start, end) offsets.

    ``quote_start``/``quote_end`` may be article offsets or passage offsets; both are accepted
    when they match the quote, else the quote is searched in the passage.
    """
    text = str(citation.get("text") or "")
    quote = str(citation.get("quote") or "")
    if not text or not quote.strip():
        return None
    qs, qe = citation.get("quote_start"), citation.get("quote_end")
    start = citation.get("start") or 0
    if isinstance(qs, int) and isinstance(qe, int) and qe > qs:
        for a, b in ((qs - start, qe - start), (qs, qe)):
            if 0 <= a < b <= len(text) and _norm(text[a:b]) == _norm(quote):
                return a, b
    i = text.find(quote)
    if i >= 0:
        return i, i + len(quote)
    found = _find_normalized(text, quote.strip())
    return found


def _norm(s: str) -> str:
    return _WS_RE.sub(" ", s).strip()


def _find_normalized(haystack: str, needle: str, drop_markers: bool = False) -> tuple[int, int] | None:
    """Find needle in haystack ignoring whitespace differences (and ``[n]`` markers if asked)."""
    chars: list[str] = []
    index: list[int] = []
    skip: set[int] = set()
    if drop_markers:
        for m in _MARKER_RE.finditer(haystack):
            skip.update(range(m.start(), m.end()))
    prev_space = True
    for i, ch in enumerate(haystack):
        if i in skip:
            continue
        if ch.isspace():
            if prev_space:
                continue
            chars.append(" ")
            prev_space = True
        else:
            chars.append(ch)
            prev_space = False
        index.append(i)
    flat = "".join(chars)
    target = _norm(_MARKER_RE.sub("", needle) if drop_markers else needle)
    if not target:
        return None
    pos = flat.find(target)
    if pos < 0:
        return None
    return index[pos], index[pos + len(target) - 1] + 1


def locate_sentence(text: str, sentence: str) -> tuple[int, int] | None:
    """Where a sentence of the answer lies in the answer text (tolerant of spacing and markers)."""
    sentence = (sentence or "").strip()
    if not sentence:
        return None
    i = text.find(sentence)
    if i >= 0:
        return i, i + len(sentence)
    return _find_normalized(text, sentence) or _find_normalized(text, sentence, drop_markers=True)


def _citations_by_n(answer: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {int(c["n"]): c for c in answer.get("citations") or [] if "n" in c}


def anchor_id(turn: int, n: int) -> str:
    """The element id of source card ``n`` of answer ``turn`` (integers only, never document text)."""
    return f"rag-src-{int(turn)}-{int(n)}"


def _marker_html(numbers: tuple[int, ...], cites: dict[int, dict[str, Any]], turn: int | None) -> str:
    parts = []
    for n in numbers:
        c = cites.get(n)
        if c is None:
            parts.append(f'<sup class="rag-cite rag-cite-missing" title="no such source">[{n}]</sup>')
            continue
        supported = c.get("supported", True) is not False
        cls = "rag-cite" if supported else "rag-cite rag-cite-unverified"
        tip = f"[{n}] {source_label(c.get('source', ''))}: “{c.get('quote') or c.get('text') or ''}”"
        if not supported:
            tip = "Unverified — " + tip
        if turn is None:
            parts.append(f'<sup class="{cls}" title="{esc(tip)}">[{n}]</sup>')
        else:
            href = "#" + anchor_id(turn, n)
            parts.append(
                f'<sup class="{cls}"><a class="rag-cite-link" href="{href}" title="{esc(tip)}">[{n}]</a></sup>'
            )
    return "".join(parts)


def answer_body_html(text: str, answer: dict[str, Any] | None = None, turn: int | None = None) -> str:
    """Answer text as HTML: escaped, ``[n]`` as superscript links, unverified sentences flagged."""
    answer = answer or {}
    text = text or ""
    cites = _citations_by_n(answer)
    flagged = [0] * (len(text) + 1)
    unplaced: list[str] = []
    for sentence in answer.get("unsupported") or []:
        span = locate_sentence(text, str(sentence))
        if span is None:
            unplaced.append(str(sentence))
            continue
        for k in range(span[0], span[1]):
            flagged[k] = 1
    # Atoms: ("text", a, b) or ("marker", Marker); grouped by their flag.
    atoms: list[tuple[str, int, int, Marker | None]] = []
    pos = 0
    for m in find_markers(text):
        if m.start > pos:
            atoms.append(("text", pos, m.start, None))
        atoms.append(("marker", m.start, m.end, m))
        pos = m.end
    if pos < len(text):
        atoms.append(("text", pos, len(text), None))

    out: list[str] = []
    in_flag = False

    def close() -> None:
        out.append(
            f'</span><span class="rag-badge rag-badge-unverified" title="This sentence could not be '
            f'matched to a supporting passage">{UNVERIFIED_LABEL}</span>'
        )

    for kind, a, b, marker in atoms:
        if kind == "marker":
            # A marker belongs to the sentence it follows: keep it inside an open span.
            assert marker is not None
            out.append(_marker_html(marker.numbers, cites, turn))
            continue
        for k in range(a, b):
            f = bool(flagged[k])
            if f and not in_flag:
                out.append('<span class="rag-unverified">')
                in_flag = True
            elif not f and in_flag and not text[k].isspace() and text[k] not in '.,;:!?)"”’':
                close()
                in_flag = False
            ch = text[k]
            out.append("<br>" if ch == "\n" else esc(ch))
    if in_flag:
        close()
    html = "".join(out)
    if unplaced:
        items = "".join(
            f'<li><span class="rag-unverified">{esc(s)}</span> '
            f'<span class="rag-badge rag-badge-unverified">{UNVERIFIED_LABEL}</span></li>'
            for s in unplaced
        )
        html += f'<ul class="rag-unplaced">{items}</ul>'
    return html


def render_answer(answer: dict[str, Any], turn: int) -> str:
    """The final assistant message for one answer."""
    text = str(answer.get("answer") or "")
    if answer.get("error") and not (answer.get("incomplete") and text.strip()):
        return render_notice(str(answer["error"]), kind="error")
    if answer.get("abstained"):
        reason = answer.get("abstain_reason")
        body = esc_multiline(text or "The article does not say.")
        extra = f'<div class="rag-reason">{esc(reason)}</div>' if reason else ""
        return (
            f'<div class="rag-answer rag-abstain"><span class="rag-badge rag-badge-abstain">{ABSTAIN_LABEL}</span> '
            f"{body}{extra}</div>"
        )
    body = answer_body_html(text, answer, turn)
    foot = []
    if answer.get("incomplete"):
        why = f" ({esc(answer['error'])})" if answer.get("error") else ""
        foot.append(f'<span class="rag-badge rag-badge-unverified">incomplete</span> the answer was cut short{why}')
    asked, read = _norm(str(answer.get("question") or "")), _norm(str(answer.get("standalone_question") or ""))
    if read and asked and read != asked:
        foot.append(f'read as <span class="rag-standalone">“{esc(read)}”</span>')
    n_cites = len(answer.get("citations") or [])
    if n_cites:
        foot.append(f"{n_cites} source{'s' if n_cites != 1 else ''}")
    gen = answer.get("generator")
    if gen:
        foot.append(esc(_mode_label(str(gen))))
    footer = f'<div class="rag-foot">{" · ".join(foot)}</div>' if foot else ""
    return f'<div class="rag-answer">{body}{footer}</div>'


def render_partial(text: str) -> str:
    """An answer while it streams: escaped text, markers as plain superscripts, a typing cursor."""
    return f'<div class="rag-answer rag-streaming">{answer_body_html(text)}<span class="rag-cursor">▍</span></div>'


def render_notice(message: str, kind: str = "info") -> str:
    """A short message (error, warning or info) as HTML; the message is escaped."""
    kind = kind if kind in ("info", "warning", "error") else "info"
    icon = {"info": "ℹ", "warning": "⚠", "error": "⚠"}[kind]
    return f'<div class="rag-notice rag-notice-{kind}" role="status">{icon} {esc(message)}</div>'


def _passage_with_mark(text: str, span: tuple[int, int] | None) -> str:
    if span is None:
        return esc(text)
    a, b = span
    return f"{esc(text[:a])}<mark>{esc(text[a:b])}</mark>{esc(text[b:])}"


def _position(p: dict[str, Any]) -> str:
    return (
        f'<span class="rag-pos" title="{esc(p.get("source", ""))}">{esc(source_label(p.get("source", "")))} · '
        f"chars {int(p.get('start') or 0)}–{int(p.get('end') or 0)}</span>"
    )


def render_sources(answer: dict[str, Any] | None, turn: int) -> str:
    """Cited passages (quote highlighted) then, collapsed, the retrieved passages not cited."""
    if not answer:
        return '<div class="rag-sources rag-empty">Sources of the latest answer appear here.</div>'
    cites = sorted(answer.get("citations") or [], key=lambda c: int(c.get("n", 0)))
    parts = ['<div class="rag-sources">']
    if cites:
        parts.append(f'<div class="rag-h">Cited passages ({len(cites)})</div>')
    elif answer.get("abstained"):
        parts.append('<div class="rag-h">No passage supports an answer</div>')
    else:
        parts.append('<div class="rag-h">No citations</div>')
    for c in cites:
        n = int(c.get("n", 0))
        supported = c.get("supported", True) is not False
        badge = (
            ""
            if supported
            else f' <span class="rag-badge rag-badge-unverified" title="The quote does not clearly support the '
            f'claim">{UNVERIFIED_LABEL}</span>'
        )
        cls = "rag-card" if supported else "rag-card rag-card-unverified"
        parts.append(
            f'<div class="{cls}" id="{anchor_id(turn, n)}">'
            f'<div class="rag-card-head"><span class="rag-num">[{n}]</span> {_position(c)}{badge}</div>'
            f'<div class="rag-passage">{_passage_with_mark(str(c.get("text") or ""), quote_span(c))}</div>'
            "</div>"
        )
    cited_ids = {c.get("id") for c in cites}
    others = [p for p in answer.get("retrieved") or [] if p.get("id") not in cited_ids]
    if others:
        parts.append(f'<details class="rag-others"><summary>Retrieved but not cited ({len(others)})</summary>')
        for p in others:
            score = p.get("score")
            score_html = f' <span class="rag-score">score {float(score):.2f}</span>' if score is not None else ""
            parts.append(
                f'<div class="rag-card rag-card-other"><div class="rag-card-head">{_position(p)}{score_html}</div>'
                f'<div class="rag-passage">{esc(p.get("text") or "")}</div></div>'
            )
        parts.append("</details>")
    parts.append("</div>")
    return "".join(parts)


def article_marks(answer: dict[str, Any], source: str, document: str) -> list[tuple[int, int, int, bool]]:
    """Article offsets ``(start, end, n, supported)`` of the quotes cited from ``source``."""
    marks = []
    for c in answer.get("citations") or []:
        if c.get("source") != source:
            continue
        text = str(c.get("text") or "")
        start = int(c.get("start") or 0)
        if document[start : start + len(text)] != text:
            found = document.find(text) if text else -1
            if found < 0:
                continue
            start = found
        span = quote_span(c)
        if span is None:
            continue
        marks.append((start + span[0], start + span[1], int(c.get("n", 0)), c.get("supported", True) is not False))
    return sorted(marks)


def render_article(answer: dict[str, Any] | None, documents: dict[str, str | None]) -> str:
    """Each cited article in full, with the cited quotes highlighted and numbered."""
    if not documents:
        return '<div class="rag-article rag-empty">The article behind the latest answer appears here.</div>'
    parts = []
    for source, document in documents.items():
        parts.append(
            f'<div class="rag-article"><div class="rag-h" title="{esc(source)}">{esc(source_label(source))}</div>'
        )
        if document is None:
            parts.append('<div class="rag-empty">The text of this article is not available.</div></div>')
            continue
        marks = article_marks(answer or {}, source, document)
        out, pos = [], 0
        for a, b, n, supported in marks:
            if a < pos:  # overlapping quotes: keep the first highlight
                continue
            cls = "" if supported else ' class="rag-mark-unverified"'
            out.append(esc(document[pos:a]))
            out.append(f'<mark{cls} title="[{n}]">{esc(document[a:b])}</mark><sup class="rag-cite">[{n}]</sup>')
            pos = b
        out.append(esc(document[pos:]))
        parts.append(f'<div class="rag-article-text">{"".join(out)}</div></div>')
    return "".join(parts)


def _mode_label(generator: str) -> str:
    if generator == "extractive":
        return "offline extractive"
    if generator.startswith("openai:"):
        return generator.split(":", 1)[1]
    return generator


def render_status(status: dict[str, Any]) -> str:
    """The status line: answer mode and collection (values escaped)."""
    mode = _mode_label(str(status.get("generator") or "unknown"))
    coll = status.get("collection") or "?"
    chunks = status.get("chunks")
    chunk_txt = f" · {int(chunks)} passages indexed" if isinstance(chunks, int) else ""
    return (
        f'<div class="rag-status"><span class="rag-dot"></span>Mode: <b>{esc(mode)}</b> · '
        f"Collection: <b>{esc(coll)}</b>{chunk_txt}</div>"
    )
