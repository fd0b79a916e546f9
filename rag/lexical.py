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


FORMAT = 9  # bumped when the persisted layout or the stemmer changes; older files are rebuilt


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
    tf: Any = None  # int32 per entry of ``data``: the term's count in that chunk (what an update starts from)

    def rows_of(self, source: str) -> Any:
        """The rows of one document's chunks (an empty array when the index does not know it)."""
        import numpy as np

        by = self.__dict__.get("_by_source")
        if by is None:
            assert self.sources is not None and self.source_names is not None
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
        assert self.sources is not None and self.source_names is not None
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
    if missing:
        found = _stored_vectors(store, [ids[r] for r in missing])
        if found is None:
            return None
        out[missing] = found
    return out


def _stored_vectors(store: Store, ids: list[str]) -> Any:
    """The vectors the store holds for ``ids``, in order (None if one is gone).

    Read back rather than taken from the encoder: the store normalises them for cosine space on its side.
    """
    import numpy as np

    pages: list[Any] = []
    col = store.chunks()
    for lo in range(0, len(ids), 5000):
        part = ids[lo : lo + 5000]
        got = col.get(ids=part, include=["embeddings"])
        found = dict(zip(got["ids"], got["embeddings"], strict=True))
        if len(found) != len(part):
            return None  # deleted by another process since the texts were read
        pages.append(np.asarray([found[cid] for cid in part], dtype=np.float32))
    return np.concatenate(pages) if pages else np.zeros((0, 0), dtype=np.float32)


def bm25_arrays(docs: list[list[str]]) -> tuple[dict[str, int], Any, Any, Any]:
    """(vocab, data, indices, indptr) of BM25, Lucene variant, term-major, built with numpy alone.

    The same scores as ``bm25s.BM25(k1=K1, b=B).index(docs)`` (checked in tests) without importing bm25s and scipy.
    """
    vocab, data, indices, indptr, _ = _bm25(docs)
    return vocab, data, indices, indptr


def _counts(docs: list[list[str]], first_row: int = 0) -> tuple[list[int], list[str], list[int]]:
    """(row, term, count) of every distinct term of each token list, rows numbered from ``first_row``."""
    rows: list[int] = []
    terms: list[str] = []
    counts: list[int] = []
    for row, doc in enumerate(docs, first_row):
        tf: dict[str, int] = {}
        for term in doc:
            tf[term] = tf.get(term, 0) + 1
        rows.extend([row] * len(tf))
        terms.extend(tf)
        counts.extend(tf.values())
    return rows, terms, counts


def _bm25(docs: list[list[str]]) -> tuple[dict[str, int], Any, Any, Any, Any]:
    """``bm25_arrays`` plus each entry's term count."""
    import numpy as np

    rows, terms, counts = _counts(docs)
    vocab = {term: t for t, term in enumerate(sorted(set(terms)))}
    cols = np.fromiter((vocab[term] for term in terms), dtype=np.int64, count=len(terms))
    lengths = np.asarray([len(d) for d in docs], dtype=np.int64)
    data, indices, indptr, tf = _assemble(len(vocab), np.asarray(rows, dtype=np.int64), cols, counts, lengths)
    return vocab, data, indices, indptr, tf


def _assemble(terms: int, rows: Any, cols: Any, counts: Any, lengths: Any) -> tuple[Any, Any, Any, Any]:
    """(data, indices, indptr, tf), term-major, of the (row, term, count) entries of chunks of ``lengths`` tokens.

    The vocabulary is numbered in term order and rows follow the store's order, so an index updated in place and one
    built anew over the same chunks hold the same arrays.
    """
    import numpy as np

    tf_a = np.asarray(counts, dtype=np.float64)
    lengths = np.asarray(lengths, dtype=np.float64)
    n = len(lengths)
    per_term = np.bincount(cols, minlength=terms)
    df = per_term.astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    part = tf_a / (tf_a + K1 * ((1 - B) + B * lengths[rows] / max(float(lengths.mean()) if n else 0.0, 1e-9)))
    order = np.lexsort((rows, cols))  # term-major, chunks in order within a term
    data = (idf[cols] * part)[order].astype(np.float32)
    indices = np.asarray(rows)[order].astype(np.int32)
    indptr = np.concatenate([[0], np.cumsum(per_term)]).astype(np.int64)
    tf = np.asarray(counts, dtype=np.int32)[order]
    return data, indices, indptr, tf


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
        return _empty(revision, model)
    vocab, data, indices, indptr, tf = _bm25(docs)
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
        tf=tf,
    )


def _empty(revision: str, model: str = "") -> LexicalIndex:
    import numpy as np

    empty = np.zeros(0, dtype=np.int64)
    return LexicalIndex(
        revision,
        [],
        {},
        np.zeros(0, dtype=np.float32),
        empty.astype(np.int32),
        empty,
        None,
        model=model,
        sources=empty.astype(np.int32),
        lengths=empty.astype(np.int32),
        source_names=[],
        tf=empty.astype(np.int32),
    )


class Changes:
    """What one ingest wrote: chunks added (in the order they were stored) and chunk ids deleted.

    Kept by the ingestor as it writes, so that the index of the new revision is the previous one updated: only the
    new chunks are tokenized, and only their vectors are read back from the store.
    """

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.docs: list[list[str]] = []  # BM25 tokens of each added chunk
        self.sources: list[str] = []
        self.removed: set[str] = set()
        self.unsure = False  # an id added twice, or deleted after it was added: no update is attempted
        self._added: set[str] = set()

    def add(self, ids: list[str], texts: list[str], sources: list[str]) -> None:
        fresh = set(ids)
        if len(fresh) != len(ids) or not fresh.isdisjoint(self._added) or not fresh.isdisjoint(self.removed):
            self.unsure = True
        self._added |= fresh
        self.ids.extend(ids)
        self.docs.extend(tokens(text) or ["\u2205"] for text in texts)
        self.sources.extend(sources)

    def remove(self, ids: list[str]) -> None:
        if not self._added.isdisjoint(ids):
            self.unsure = True
        self.removed.update(ids)


def updated_index(
    previous: LexicalIndex, revision: str, changes: Changes, vectors: Any, model: str
) -> LexicalIndex | None:
    """``previous`` with ``changes`` (whose chunks have ``vectors``) applied, as ``build_index`` would build it anew.

    None when it cannot tell.
    """
    import numpy as np

    n_old = len(previous.ids)
    if changes.unsure or previous.tf is None or previous.sources is None or previous.lengths is None:
        return None
    if n_old and (previous.vectors is None or previous.model != model):
        return None
    at = {cid: row for row, cid in enumerate(previous.ids)}
    if any(cid in at for cid in changes.ids):
        return None  # an added chunk the index already holds: not a change this function follows
    keep = np.ones(n_old, dtype=bool)
    for cid in changes.removed:
        row = at.get(cid)
        if row is None:
            return None  # the store held a chunk the index does not: it was not the store's index
        keep[row] = False
    ids = [cid for cid, kept in zip(previous.ids, keep.tolist(), strict=True) if kept] + changes.ids
    if not ids:
        return _empty(revision, model)
    kept_rows = np.flatnonzero(keep)
    renumber = np.full(n_old, -1, dtype=np.int64)
    renumber[kept_rows] = np.arange(len(kept_rows))

    # The previous index's entries of the kept chunks, and the new chunks' entries after them.
    old_terms = np.repeat(np.arange(len(previous.vocab), dtype=np.int64), np.diff(previous.indptr))
    live = keep[previous.indices]
    old_rows = renumber[previous.indices[live]]
    old_terms = old_terms[live]
    old_counts = previous.tf[live]
    new_rows, new_terms, new_counts = _counts(changes.docs, len(kept_rows))
    # The vocabulary: the terms kept chunks still use and the new chunks' ones, in term order.
    by_number = [""] * len(previous.vocab)
    for term, t in previous.vocab.items():
        by_number[t] = term
    used = np.flatnonzero(np.bincount(old_terms, minlength=len(by_number)))
    words = sorted({by_number[t] for t in used.tolist()}.union(new_terms))
    vocab = {term: t for t, term in enumerate(words)}
    to_new = np.full(len(by_number), -1, dtype=np.int64)
    to_new[used] = [vocab[by_number[t]] for t in used.tolist()]
    rows = np.concatenate([old_rows, np.asarray(new_rows, dtype=np.int64)])
    cols = np.concatenate([to_new[old_terms], np.fromiter((vocab[t] for t in new_terms), np.int64, len(new_terms))])
    counts = np.concatenate([old_counts, np.asarray(new_counts, dtype=np.int32)])
    lengths = np.concatenate(
        [previous.lengths[kept_rows].astype(np.int64), np.asarray([len(d) for d in changes.docs], dtype=np.int64)]
    )
    data, indices, indptr, tf = _assemble(len(vocab), rows, cols, counts, lengths)

    # Sources numbered in order of first appearance, as a new build numbers them.
    names = list(previous.source_names or [])
    number = {name: i for i, name in enumerate(names)}
    for name in changes.sources:
        number.setdefault(name, len(number))
    names = list(number)
    codes = np.concatenate(
        [previous.sources[kept_rows].astype(np.int64), np.fromiter((number[s] for s in changes.sources), np.int64)]
    )
    present, first = np.unique(codes, return_index=True)
    present = present[np.argsort(first, kind="stable")]
    recode = np.full(len(names), -1, dtype=np.int64)
    recode[present] = np.arange(len(present))

    dim = vectors.shape[1] if len(vectors) else previous.vectors.shape[1]
    if n_old and previous.vectors.shape[1] != dim:
        return None
    added, vectors = vectors, np.empty((len(ids), dim), dtype=np.float32)  # one copy of the kept rows, not two
    if n_old:
        vectors[: len(kept_rows)] = previous.vectors[keep]
    if len(added):
        vectors[len(kept_rows) :] = added
    return LexicalIndex(
        revision,
        ids,
        vocab,
        data,
        indices,
        indptr,
        vectors,
        model=model,
        sources=recode[codes].astype(np.int32),
        lengths=lengths.astype(np.int32),
        source_names=[names[i] for i in present.tolist()],
        tf=tf,
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

    def advance(self, since: str, revision: str, changes: Changes, count: int) -> bool:
        """Save the index of ``revision``: the saved one of ``since`` with what one ingest changed since then.

        False (nothing saved) when the saved index is not of ``since`` or the result does not hold ``count`` chunks;
        ``get`` then builds it from the store.
        """
        model = self.store.settings.embedding_model
        previous = _empty(since, model) if since == "empty" else self._load()
        if previous is None or previous.revision != since:
            return False
        vectors = _stored_vectors(self.store, changes.ids)
        if vectors is None:
            return False
        index = updated_index(previous, revision, changes, vectors, model)
        if index is None or len(index.ids) != count:
            return False
        with self._lock:
            self._save(index)
            self._index = index
        return True

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
