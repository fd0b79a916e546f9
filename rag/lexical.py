"""BM25 over the chunk collection, rebuilt from Chroma when it changes and persisted beside the store."""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
from dataclasses import dataclass
from typing import Any

from rag.store import Store
from rag.text import tokens

log = logging.getLogger(__name__)

REVISION_TTL_S = 1.0


@dataclass
class LexicalIndex:
    """A BM25 index with the chunk rows it was built from."""

    revision: str
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    bm25: Any
    _df: dict[str, int] | None = None

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks (unknown terms get the maximum)."""
        import math

        if self._df is None:
            df: dict[str, int] = {}
            for text in self.texts:
                for t in set(tokens(text)):
                    df[t] = df.get(t, 0) + 1
            self._df = df
        n = max(1, len(self.texts))
        return math.log(1 + (n + 1) / (self._df.get(term, 0) + 0.5))

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) of the best ``k`` chunks with a positive score."""
        if not self.ids:
            return []
        vocab = self.bm25.vocab_dict
        q = [t for t in tokens(query) if t in vocab]
        if not q:
            return []
        scores = self.bm25.get_scores(q)
        import numpy as np

        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: (-x[1], x[0]))
        return [(i, s) for i, s in ranked if s > 0]


def build_index(store: Store, revision: str) -> LexicalIndex:
    import bm25s

    ids: list[str] = []
    texts: list[str] = []
    metas: list[dict[str, Any]] = []
    for cid, text, meta in store.iter_chunks():
        ids.append(cid)
        texts.append(text)
        metas.append(dict(meta))
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    bm25 = bm25s.BM25()
    if texts:
        bm25.index([tokens(t) or ["\u2205"] for t in texts], show_progress=False)
    return LexicalIndex(revision, ids, texts, metas, bm25)


class LexicalCache:
    """Keeps the index of the store's current revision: memory first, then disk, else rebuilt.

    The store's revision is read at most every ``REVISION_TTL_S`` seconds (an answer asks for the index many
    times); a write made in this process is seen at once, one made by another process within that time.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._checked: tuple[float, int] = (-1e9, -1)  # (monotonic time, Store.local_writes) of the last check

    def get(self) -> LexicalIndex:
        now = time.monotonic()
        checked_at, writes = self._checked
        index = self._index
        if index is not None and writes == Store.local_writes and now - checked_at < REVISION_TTL_S:
            return index
        writes = Store.local_writes
        revision = self.store.revision()
        self._checked = (now, writes)
        with self._lock:
            if self._index is not None and self._index.revision == revision:
                return self._index
            index = self._load(revision)
            if index is None:
                index = build_index(self.store, revision)
                self._save(index)
            self._index = index
            return index

    def _path(self) -> Any:
        folder = self.store.lexical_dir()
        return None if folder is None else folder / f"{self.store.settings.collection}.bm25.pkl"

    def _load(self, revision: str) -> LexicalIndex | None:
        path = self._path()
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                index = pickle.load(fh)
        except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt
            log.warning("lexical index cache unreadable (%s); rebuilding", exc)
            return None
        if not isinstance(index, LexicalIndex) or index.revision != revision:
            return None
        return index

    def _save(self, index: LexicalIndex) -> None:
        path = self._path()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A name of its own per writer: two processes rebuilding at once never share a half-written file.
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            try:
                with tmp.open("wb") as fh:
                    pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(path)
            finally:
                tmp.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("cannot save the lexical index (%s); it will be rebuilt next time", exc)
