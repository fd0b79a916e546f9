"""Read input files into text, refusing what is not text with a clear per-file message."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rag.errors import InputError

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm")


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


def load_file(path: Path, max_bytes: int) -> Document:
    """Load one file or raise InputError saying why not."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    if size == 0:
        raise InputError(f"{path}: empty file (0 bytes)")
    if size > max_bytes:
        raise InputError(f"{path}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:.0f} MB limit (RAG_MAX_FILE_MB)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if b"\x00" in raw[:65536]:
        raise InputError(f"{path}: binary file, not text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    if not text.strip():
        raise InputError(f"{path}: no text in file")
    return Document(source=source_name(path), text=text)


def expand_paths(paths: Iterable[str | Path]) -> Iterator[Path | InputError]:
    """Files to ingest: files as given, folders walked for supported files; problems yielded as errors."""
    for raw in paths:
        path = Path(raw)
        if not os.path.lexists(path):
            yield InputError(f"{path}: no such file or directory")
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
                yield InputError(f"{path}: no supported files ({', '.join(SUPPORTED)})")
        elif path.suffix.lower() in SUPPORTED or not path.exists():  # a dangling link fails in load_file
            yield path
        else:
            yield InputError(f"{path}: unsupported file type (supported: {', '.join(SUPPORTED)})")
