"""Read input files into text, refusing what is not text with a clear per-file message."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_LINE_CHARS = 1_000_000  # a longer line is data (a dump, minified code), not an article


@dataclass(frozen=True)
class Document:
    """A loaded document; ``source`` is the name chunks refer to, ``text`` the exact text offsets index."""

    source: str
    text: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def source_name(path: Path) -> str:
    """A stable name for a file: its resolved absolute path."""
    return str(path.resolve())


def html_to_text(raw: str) -> str:
    """Visible text of an HTML page (scripts and styles dropped)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(raw, "html.parser")
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    lines = (line.strip() for line in soup.get_text("\n").splitlines())
    return "\n".join(line for line in lines if line)


def shown(path: Path | str) -> str:
    """A path for a one-line message: control characters (a newline in a file name) written as escapes."""
    text = str(path)
    if all(ch.isprintable() or ch == " " for ch in text):
        return text
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in text)


def _read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; never blocks on a FIFO or device."""
    name = shown(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a pipe or device"
            raise InputError(f"{name}: not a regular file ({kind})")
        if st.st_size == 0:
            raise InputError(f"{name}: empty file (0 bytes)")
        if st.st_size > max_bytes:
            raise InputError(
                f"{name}: {st.st_size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit (RAG_MAX_FILE_MB)"
            )
        try:
            raw = fh.read(max_bytes + 1)  # bounded even if the file grows meanwhile
        except OSError as exc:
            raise InputError(f"{name}: cannot read ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise InputError(f"{name}: over the {max_bytes / 1e6:g} MB limit (RAG_MAX_FILE_MB)")
    return raw


def load_file(path: Path, max_bytes: int) -> Document:
    """Load one file or raise InputError saying why not."""
    name = shown(path)
    raw = _read_regular(path, max_bytes)
    if b"\x00" in raw[:65536]:
        raise InputError(f"{name}: binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not valid UTF-8 (byte {exc.start})") from None
    del raw
    if text.startswith("\ufeff"):
        text = text[1:]
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    longest = _longest_line(text)
    if longest > MAX_LINE_CHARS:
        raise InputError(
            f"{name}: a line of {longest:,} characters is not article text "
            f"(lines over {MAX_LINE_CHARS:,} characters are refused)"
        )
    if not text.strip():
        raise InputError(f"{name}: no text in file")
    return Document(source=source_name(path), text=text)


def _longest_line(text: str) -> int:
    longest = start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            return max(longest, len(text) - start)
        longest = max(longest, end - start)
        start = end + 1


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Files to ingest: files as given, folders walked for supported files; problems yielded as errors."""
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield InputError(f"{shown(path)}: no such file or directory")
            continue
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path, followlinks=False):
                dirs.sort()
                for name in sorted(files):
                    child = Path(root) / name
                    if child.suffix.lower() in SUPPORTED and not name.startswith("."):
                        found = True
                        yield child
            if not found:
                yield InputError(f"{shown(path)}: no supported files ({', '.join(SUPPORTED)})")
        elif path.suffix.lower() in SUPPORTED or not path.exists():  # a dangling link fails in load_file
            yield path
        else:
            yield InputError(f"{shown(path)}: unsupported file type (supported: {', '.join(SUPPORTED)})")
