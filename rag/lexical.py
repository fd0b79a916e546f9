"""BM25 and the chunk vectors of the collection, rebuilt from Chroma when it changes and persisted beside the store."""

from __future__ import annotations

import logging
import math
import os
import pickle
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rag.store import Store
from rag.text import tokens

log = logging.getLogger(__name__)

REVISION_TTL_S = 1.0


FORMAT = 5  # bumped when the persisted layout changes; older files are rebuilt


@dataclass
class LexicalIndex:
    """BM25 (Lucene variant) over the chunks as plain arrays: no bm25s or scipy import when answering.

    ``data[indptr[t]:indptr[t + 1]]`` are the scores of term ``t`` in the chunks ``indices[...]`` (bm25s's
    precomputed layout); a chunk's texts are read back from the store, so the index stays small at scale.
    """

    revision: str
    ids: list[str]
    vocab: dict[str, int]
    data: Any  # float32 scores
    indices: Any  # int32 chunk rows
    indptr: Any  # int64 term offsets
    vectors: Any = None  # float32 (chunks, dim): the chunks' embeddings, row-aligned with ids, for exact dense search
    format: int = FORMAT
    model: str = ""  # the embedding model of the vectors
    sources: Any = None  # int32 per chunk: its document's position in ``source_names``
    lengths: Any = None  # int32 per chunk: how many tokens BM25 counted
    source_names: list[str] | None = None

    def rows_of(self, source: str) -> Any:
        """The rows of one document's chunks (an empty array when the index does not know it)."""
        import numpy as np

        by = self.__dict__.get("_by_source")
        if by is None:
            order = np.argsort(self.sources, kind="stable")
            cuts = np.flatnonzero(np.diff(self.sources[order])) + 1
            by = {
                self.source_names[int(self.sources[part[0]])]: np.sort(part)
                for part in np.split(order, cuts)
                if len(part)
            }
            self.__dict__["_by_source"] = by
        return by.get(source, np.zeros(0, dtype=np.int64))

    def source_of(self, row: int) -> str:
        return self.source_names[int(self.sources[row])]

    def df(self, term: str) -> int:
        """How many chunks hold the (stemmed) term."""
        t = self.vocab.get(term)
        return 0 if t is None else int(self.indptr[t + 1] - self.indptr[t])

    def idf(self, term: str) -> float:
        """Inverse document frequency of a stemmed term over the chunks (unknown terms get the maximum)."""
        n = max(1, len(self.ids))
        return math.log(1 + (n + 1) / (self.df(term) + 0.5))

    def scores(self, query: str) -> Any:
        """BM25 score of every chunk for the query (its terms summed, repeats counted, as bm25s does)."""
        import numpy as np

        out = np.zeros(len(self.ids), dtype=np.float32)
        for term in tokens(query):
            t = self.vocab.get(term)
            if t is not None:
                lo, hi = self.indptr[t], self.indptr[t + 1]
                out[self.indices[lo:hi]] += self.data[lo:hi]
        return out

    def nearest(self, vector: Any, k: int) -> list[tuple[int, float]]:
        """(row, cosine) of the ``k`` chunks closest to a normalised vector, exactly (no approximate index)."""
        if self.vectors is None or not len(self.ids):
            return []
        import numpy as np

        sims = self.vectors @ np.asarray(vector, dtype=np.float32)
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k]
        return sorted(((int(i), float(sims[i])) for i in top), key=lambda x: (-x[1], x[0]))

    def rescore(self, query: str, rows: list[int], alone: bool = False) -> list[float]:
        """BM25 of the given chunks with each term's IDF taken over those chunks.

        Among many unrelated documents the article's own topic words turn rare and outweigh the word that tells its
        passages apart ("missiles" over "denied"); weighed within the candidates, the telling word counts again.
        With ``alone`` the chunks' lengths are also weighed against their own mean: the score they would have in a
        store holding only them (one document's chunks, ranked as if it were alone). Over every chunk, this is the
        plain score.
        """
        import numpy as np

        out: dict[int, float] = dict.fromkeys(rows, 0.0)
        pool = np.asarray(sorted(out), dtype=np.int64)
        n = len(pool)
        lengths = self.lengths if alone and self.lengths is not None and n else None
        if lengths is not None:
            mean_all, mean_here = float(lengths.mean()), float(lengths[pool].mean())
        for term in tokens(query):
            t = self.vocab.get(term)
            if t is None or not n:
                continue
            lo, hi = self.indptr[t], self.indptr[t + 1]
            posting = self.indices[lo:hi]
            hit = _members(pool, posting)
            local_df = int(hit.sum())
            if not local_df:
                continue
            found = posting[hit]
            part = self.data[lo:hi][hit].astype(np.float64) / _lucene_idf(len(self.ids), self.df(term))
            if lengths is not None:
                # part = tf / (tf + K(length / mean)): recover tf, then weigh the length against this mean.
                dl = lengths[found].astype(np.float64)
                tf = part * _k(dl, mean_all) / np.maximum(1.0 - part, 1e-9)
                part = tf / (tf + _k(dl, mean_here))
            for row, score in zip(found.tolist(), (part * _lucene_idf(n, local_df)).tolist(), strict=True):
                out[row] += score
        return [out[r] for r in rows]

    def pool_df(self, rows: list[int]) -> Callable[[str], int]:
        """How many of the given chunks hold a (stemmed) term: ``df`` within a set of candidates."""
        import numpy as np

        pool = np.asarray(sorted(set(rows)), dtype=np.int64)

        def df(term: str) -> int:
            t = self.vocab.get(term)
            if t is None or not len(pool):
                return 0
            return int(_members(pool, self.indices[self.indptr[t] : self.indptr[t + 1]]).sum())

        return df

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) of the best ``k`` chunks with a positive score."""
        if not self.ids or not any(t in self.vocab for t in tokens(query)):
            return []
        import numpy as np

        scores = self.scores(query)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(((int(i), float(scores[i])) for i in top), key=lambda x: (-x[1], x[0]))
        return [(i, s) for i, s in ranked if s > 0]


def _members(pool: Any, rows: Any) -> Any:
    """Which of ``rows`` are in ``pool`` (a sorted int array), as a boolean mask."""
    import numpy as np

    if not len(pool):
        return np.zeros(len(rows), dtype=bool)
    at = np.searchsorted(pool, rows)
    at[at == len(pool)] = 0
    return pool[at] == rows


K1, B = 1.5, 0.75  # BM25's usual parameters (bm25s's defaults)


def _k(length: Any, mean: float) -> Any:
    """BM25's length normalisation: K = k1 · (1 − b + b · length / mean length)."""
    return K1 * ((1 - B) + B * length / mean)


def _lucene_idf(n: int, df: int) -> float:
    """The IDF bm25s's Lucene variant bakes into the index's scores."""
    return math.log(1 + (n - df + 0.5) / (df + 0.5))


def _read_chunks(store: Store, with_vectors: bool) -> tuple[list[str], list[list[str]], Any, list[str]]:
    """Ids, BM25 tokens, (optionally) vectors and the source of every chunk, read in pages."""
    import numpy as np

    ids: list[str] = []
    docs: list[list[str]] = []
    vectors: list[Any] = []
    sources: list[str] = []
    col = store.chunks()
    include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
    offset, page = 0, 5000
    while col is not None:
        got = col.get(include=include, limit=page, offset=offset)  # type: ignore[arg-type]
        if not got["ids"]:
            break
        ids.extend(got["ids"])
        docs.extend(tokens(text) or ["\u2205"] for text in got["documents"])
        sources.extend(str((meta or {}).get("source", "")) for meta in got["metadatas"])
        if with_vectors:
            vectors.append(np.asarray(got["embeddings"], dtype=np.float32))
        offset += len(got["ids"])
    return ids, docs, (np.concatenate(vectors) if vectors else None), sources


def _vectors(store: Store, ids: list[str], previous: LexicalIndex) -> Any:
    """The chunk vectors of ``ids``: those ``previous`` holds, the others read from the store (None if one is gone).

    A chunk id names one text and the collection one model, so a vector kept for an id stays right.
    """
    import numpy as np

    known = {cid: row for row, cid in enumerate(previous.ids)}
    out = np.empty((len(ids), previous.vectors.shape[1]), dtype=np.float32)
    missing: list[int] = []
    for row, cid in enumerate(ids):
        old = known.get(cid)
        if old is None:
            missing.append(row)
        else:
            out[row] = previous.vectors[old]
    col = store.chunks()
    for lo in range(0, len(missing), 5000):
        rows = missing[lo : lo + 5000]
        got = col.get(ids=[ids[r] for r in rows], include=["embeddings"])
        found = dict(zip(got["ids"], got["embeddings"], strict=True))
        if len(found) != len(rows):
            return None  # deleted by another process since the texts were read
        for r in rows:
            out[r] = found[ids[r]]
    return out


def bm25_arrays(docs: list[list[str]]) -> tuple[dict[str, int], Any, Any, Any]:
    """(vocab, data, indices, indptr) of BM25, Lucene variant, term-major, built with numpy alone.

    The same scores as ``bm25s.BM25(k1=K1, b=B).index(docs)`` (checked in tests) without importing bm25s and scipy.
    """
    import numpy as np

    vocab: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    counts: list[int] = []
    for row, doc in enumerate(docs):
        tf: dict[int, int] = {}
        for term in doc:
            t = vocab.setdefault(term, len(vocab))
            tf[t] = tf.get(t, 0) + 1
        rows.extend([row] * len(tf))
        cols.extend(tf)
        counts.extend(tf.values())
    row_a = np.asarray(rows, dtype=np.int64)
    col_a = np.asarray(cols, dtype=np.int64)
    tf_a = np.asarray(counts, dtype=np.float64)
    lengths = np.asarray([len(d) for d in docs], dtype=np.float64)
    n = len(docs)
    df = np.bincount(col_a, minlength=len(vocab)).astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    part = tf_a / (tf_a + K1 * ((1 - B) + B * lengths[row_a] / max(float(lengths.mean()), 1e-9)))
    order = np.lexsort((row_a, col_a))  # term-major, chunks in order within a term
    data = (idf[col_a] * part)[order].astype(np.float32)
    indices = row_a[order].astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(col_a, minlength=len(vocab)))]).astype(np.int64)
    return vocab, data, indices, indptr


def build_index(store: Store, revision: str, previous: LexicalIndex | None = None) -> LexicalIndex:
    """The index of the store as it is now; vectors ``previous`` holds are reused instead of read again."""
    import numpy as np

    model = store.settings.embedding_model
    usable = previous is not None and previous.vectors is not None and previous.ids and previous.model == model
    base = previous if usable else None
    try:
        ids, docs, vectors, sources = _read_chunks(store, with_vectors=base is None)
        if base is not None:
            vectors = _vectors(store, ids, base)
            if vectors is None:
                raise RuntimeError("chunks changed while they were read")
    except Exception as exc:  # noqa: BLE001 - Chroma cannot always return vectors while another process writes
        log.info("chunk vectors unavailable (%s); dense search goes through Chroma for this revision", exc)
        ids, docs, vectors, sources = _read_chunks(store, with_vectors=False)
    if not ids:
        empty = np.zeros(0, dtype=np.int64)
        return LexicalIndex(revision, [], {}, np.zeros(0, dtype=np.float32), empty.astype(np.int32), empty, None)
    vocab, data, indices, indptr = bm25_arrays(docs)
    names = list(dict.fromkeys(sources))
    number = {name: i for i, name in enumerate(names)}
    return LexicalIndex(
        revision,
        ids,
        vocab,
        data,
        indices,
        indptr,
        vectors,
        model=model,
        sources=np.asarray([number[name] for name in sources], dtype=np.int32),
        lengths=np.asarray([len(d) for d in docs], dtype=np.int32),
        source_names=names,
    )


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
            saved = self._load()
            if saved is not None and saved.revision == revision:
                index = saved
            else:
                # The index of an earlier revision still holds most chunk vectors: only new chunks' are read.
                index = build_index(self.store, revision, self._index or saved)
                self._save(index)
            self._index = index
            return index

    def _path(self) -> Any:
        folder = self.store.lexical_dir()
        return None if folder is None else folder / f"{self.store.settings.collection}.lexical.pkl"

    def _load(self) -> LexicalIndex | None:
        """The saved index, whatever its revision (None when absent, unreadable or of another format)."""
        path = self._path()
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                index = pickle.load(fh)
        except Exception as exc:  # noqa: BLE001 - a damaged cache is rebuilt
            log.warning("lexical index cache unreadable (%s); rebuilding", exc)
            return None
        if not isinstance(index, LexicalIndex) or getattr(index, "format", 0) != FORMAT:
            return None
        return index

    def _save(self, index: LexicalIndex) -> None:
        path = self._path()
        if path is None or (index.ids and index.vectors is None):  # one without vectors is not kept on disk
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
