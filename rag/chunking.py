"""Split a document into overlapping chunks on sentence/paragraph boundaries, keeping exact offsets."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """``document[start:end] == text``."""

    start: int
    end: int
    text: str


def chunk_text(text: str, size: int, overlap: int) -> list[Chunk]:
    """Chunks of at most ``size`` characters with about ``overlap`` shared, exact offsets kept."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    overlap = min(overlap, size // 2)
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=["\n\n", "\n", ". ", "? ", "! ", "; ", ", ", " ", ""],
        keep_separator="end",
        strip_whitespace=True,
    )
    chunks: list[Chunk] = []
    cursor = 0
    for piece in splitter.split_text(text):
        if not piece.strip():
            continue
        # Search from just behind the previous chunk's start: overlap means the next one starts before it ends.
        start = text.find(piece, max(0, cursor))
        if start < 0:
            start = text.find(piece)
        if start < 0:  # cannot happen for a splitter that only removes whitespace at the edges
            raise ValueError("chunk text not found in document")
        chunks.append(Chunk(start=start, end=start + len(piece), text=piece))
        cursor = start + 1
    return chunks
