"""Hybrid retrieval: dense (exact cosine over the stored vectors) and BM25 rankings, fused with reciprocal ranks."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from rag.errors import RagError, StoreError
from rag.lexical import LexicalCache
from rag.store import Store
from rag.text import STOPWORDS, stem, words
from rag.types import Passage

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

log = logging.getLogger(__name__)

STANDOUT = 2.0  # a BM25 score this many times the next one's
RRF_K = 60
LEXICAL_GAP = 0.25  # a match found by BM25 alone this far below the best dense similarity is dropped


@dataclass
class Hit:
    """A fused result with the evidence behind it."""

    passage: Passage
    dense: float  # cosine of question and chunk (0 when BM25 alone found it while another process writes)
    lexical: float  # BM25 score, 0 when only dense found it
    query_vector: list[float] | None = None


class HybridSearcher:
    """Dense + BM25 with RRF over one store.

    >>> searcher = HybridSearcher(store, embeddings)        # doctest: +SKIP
    >>> [h.passage.id for h in searcher.search("Who broke the news?", k=4)]   # doctest: +SKIP
    """

    def __init__(self, store: Store, embeddings: Embeddings, depth: int = 30) -> None:
        self.store = store
        self.embeddings = embeddings
        self.depth = depth
        self.lexical = LexicalCache(store)

    def search(
        self, query: str, k: int, query_vector: list[float] | None = None, about: str | None = None
    ) -> list[Hit]:
        """The ``k`` best passages; ``about``: the document a conversation is about, searched alone when the store
        holds others (a follow-up continues the conversation about that article)."""
        try:
            return self._search(query, k, query_vector, about)
        except RagError:
            raise
        except Exception as exc:  # noqa: BLE001 - damage the open-time check cannot see surfaces here
            raise StoreError(
                f"the store could not be searched ({type(exc).__name__}: {exc}); "
                "if it is damaged, rebuild it: rag ingest --rebuild [PATH...]"
            ) from None

    def lead(self, source: str, query_vector: list[float] | None = None, chars: int = 600) -> list[Hit]:
        """The passages a document opens with, its first ``chars`` characters (its headline and lead): what an
        overview of it quotes."""
        col = self.store.chunks()
        if col is None:
            return []
        got = col.get(
            where={"$and": [{"source": source}, {"start": {"$lt": chars}}]}, include=["documents", "metadatas"]
        )
        rows = sorted(
            zip(got["ids"], got["documents"], got["metadatas"], strict=True), key=lambda r: int(r[2]["start"])
        )
        return [
            Hit(Passage(cid, source, int(meta["start"]), int(meta["end"]), text, 0.0), 0.0, 0.0, query_vector)
            for cid, text, meta in rows
        ]

    def document_of(self, text: str) -> str | None:
        """The document a quoted sentence comes from, when the store holds several (None otherwise)."""
        index = self.lexical.get()
        if index.sources is None or len(index.source_names or []) < 2 or not text.strip():
            return None
        best = index.search(text, 1)
        return index.source_of(best[0][0]) if best else None

    def _search(self, query: str, k: int, query_vector: list[float] | None, about: str | None = None) -> list[Hit]:
        col = self.store.chunks()
        if col is None or not query.strip():
            return []
        # No count() first (a few ms on every question): Chroma returns fewer results when it holds fewer chunks.
        depth = max(self.depth, k * 3)
        vec = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        index = self.lexical.get()
        if index.vectors is None or not len(index.ids):
            return self._search_chroma(col, index, query, vec, depth, k)
        # Exact cosine over the cached vectors: Chroma's HNSW missed a small article among many unrelated
        # documents (recall@30 0.63 at 20k chunks), and a matrix product is a few ms at 100k chunks.
        qv = np.asarray(vec, dtype=np.float32)
        several = index.sources is not None and len(index.source_names or []) > 1
        mine = index.rows_of(about) if about and several else None
        if mine is not None and len(mine):
            fused, evidence = _rank(index, query, qv, depth, mine)
            best = sorted(fused, key=lambda r: (-fused[r], r))[:k]
            lead = None
        else:
            fused, evidence = _rank(index, query, qv, depth, None)
            best = sorted(fused, key=lambda r: (-fused[r], r))[:k]
            lead = _lead_document(index, best)
        if lead is not None:
            # Most hits come from one document: its places among them go to its chunks ranked as if it were alone in
            # the store, so words common in it but rare elsewhere do not decide which of its passages are found.
            # Hits from other documents keep their places.
            own, own_evidence = _rank(index, query, qv, depth, index.rows_of(lead))
            mine = iter(sorted(own, key=lambda r: (-own[r], r)))
            merged = [r if index.source_of(r) != lead else next(mine) for r in best]
            fused = {r: (own[r] if index.source_of(r) == lead else fused[r]) for r in merged}
            evidence = {r: (own_evidence[r] if index.source_of(r) == lead else evidence[r]) for r in merged}
            best = merged
        got = col.get(ids=[index.ids[r] for r in best], include=["documents", "metadatas"])
        found = {
            cid: (text, meta) for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True)
        }
        hits = []
        for row in best:
            cid = index.ids[row]
            if cid not in found:  # deleted since the index was built
                continue
            text, meta = found[cid]
            passage = Passage(
                cid, str(meta["source"]), int(meta["start"]), int(meta["end"]), text, round(fused[row], 6)
            )
            hits.append(Hit(passage, evidence[row][0], evidence[row][1], vec))
        return hits

    def _search_chroma(self, col: Any, index: Any, query: str, vec: list[float], depth: int, k: int) -> list[Hit]:
        """Dense ranks from Chroma's own index (the chunk vectors could not be read), fused with BM25's."""
        rows: dict[str, dict[str, Any]] = {}
        fused: dict[str, float] = {}
        res = col.query(query_embeddings=[vec], n_results=depth, include=["documents", "metadatas", "distances"])
        for rank, (cid, text, meta, dist) in enumerate(
            zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True)
        ):
            rows[cid] = {"text": text, "meta": meta, "dense": 1.0 - float(dist), "lexical": 0.0}
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        for rank, (row, score) in enumerate(index.search(expand_query(query, index.df), depth)):
            cid = index.ids[row]
            rows.setdefault(cid, {"text": None, "meta": None, "dense": 0.0, "lexical": 0.0})["lexical"] = score
            fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        best = sorted(fused, key=lambda c: (-fused[c], c))[:k]
        missing = [cid for cid in best if rows[cid]["text"] is None]  # found by BM25 alone: read them back
        if missing:
            got = col.get(ids=missing, include=["documents", "metadatas"])
            for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                rows[cid].update(text=text, meta=meta)
            best = [cid for cid in best if rows[cid]["text"] is not None]  # deleted since the index was built
        hits = []
        for cid in best:
            r = rows[cid]
            meta = r["meta"]
            passage = Passage(
                cid, str(meta["source"]), int(meta["start"]), int(meta["end"]), r["text"], round(fused[cid], 6)
            )
            hits.append(Hit(passage, r["dense"], r["lexical"], vec))
        return hits


def _rank(
    index: Any, query: str, qv: Any, depth: int, within: Any
) -> tuple[dict[int, float], dict[int, tuple[float, float]]]:
    """Fused reciprocal-rank scores of chunk rows, and each row's (cosine, BM25); ``within``: only these rows.

    Over the whole store BM25 ranks its best chunks again with IDF taken over the dense and lexical candidates
    together (see LexicalIndex.rescore); within one document, with IDF over that document's chunks.
    """
    if within is None:
        dense = index.nearest(qv, depth)
        lexical_query = expand_query(query, index.df)
        ranked = index.search(lexical_query, depth)
        pool = list(dict.fromkeys([row for row, _ in dense] + [row for row, _ in ranked]))
    else:
        sims = index.vectors[within] @ qv
        top = np.argsort(-sims, kind="stable")[:depth]
        dense = [(int(within[i]), float(sims[i])) for i in top]
        pool = [int(r) for r in within]
        lexical_query = expand_query(query, index.pool_df(pool))
    ranked = []
    if pool:
        local = index.rescore(lexical_query, pool, alone=within is not None)
        ranked = sorted(((r, sc) for r, sc in zip(pool, local, strict=True) if sc > 0), key=lambda x: (-x[1], x[0]))
        ranked = ranked[:depth]
    fused: dict[int, float] = {}
    evidence: dict[int, tuple[float, float]] = {}
    for rank, (row, sim) in enumerate(dense):
        fused[row] = 1.0 / (RRF_K + rank + 1)
        evidence[row] = (sim, 0.0)
    top_dense = dense[0][1] if dense else 0.0
    for rank, (row, score) in enumerate(ranked):
        if row not in evidence:
            # Found by BM25 alone: a chunk that shares a word but is far in meaning from the best dense matches
            # (a calendar's "month" for a question about the winter) would push the answer out.
            sim = float(index.vectors[row] @ qv)
            if sim < top_dense - LEXICAL_GAP:
                continue
            evidence[row] = (sim, 0.0)
        evidence[row] = (evidence[row][0], score)
        fused[row] = fused.get(row, 0.0) + 1.0 / (RRF_K + rank + 1)
    if len(ranked) > 1 and ranked[0][0] in fused and ranked[0][1] >= STANDOUT * ranked[1][1]:
        # One chunk says the question's rare words as no other does ("Who denied…?": the one denial): ranks do not
        # weigh how far ahead it is, so it is scored level with the best whatever its dense rank
        fused[ranked[0][0]] = max(fused.values())
    return fused, evidence


def _lead_document(index: Any, best: list[int]) -> str | None:
    """The document most of the best rows come from, when the store holds other documents too."""
    if index.sources is None or not best:
        return None
    counts: dict[int, int] = {}
    for row in best:
        counts[int(index.sources[row])] = counts.get(int(index.sources[row]), 0) + 1
    top, n = max(counts.items(), key=lambda x: (x[1], -x[0]))
    if 2 * n <= len(best) or len(index.source_names) < 2:
        return None
    return index.source_names[top]


def expand_query(query: str, df: Callable[[str], int]) -> str:
    """The query plus, for each word the indexed chunks never use, related words they do use (BM25 only).

    "Did Tehran admit to sending the rockets?" also looks for "Iran", "deny" and "missile". Words the chunks
    already use are not expanded: they can be matched as asked.
    """
    from rag.thesaurus import related_phrases

    extra: list[str] = []
    for w in dict.fromkeys(words(query)):
        if w in STOPWORDS or len(w) < 3 or w.isdigit() or df(stem(w)) > 0:
            continue
        extra += [phrase for phrase, parts in related_phrases(w) if all(df(t) > 0 for t in parts)]
    return query if not extra else query + " " + " ".join(dict.fromkeys(extra))


@functools.cache
def _retriever_class() -> Any:
    """Defined on first use: LangChain's retriever machinery costs a quarter second to import."""
    from langchain_core.callbacks import CallbackManagerForRetrieverRun
    from langchain_core.documents import Document
    from langchain_core.retrievers import BaseRetriever
    from pydantic import ConfigDict

    class HybridRetriever(BaseRetriever):
        """The same search as a LangChain retriever, so it plugs into LCEL chains."""

        model_config = ConfigDict(arbitrary_types_allowed=True)

        searcher: Any
        k: int = 6
        about: str | None = None  # the document a conversation is about (see HybridSearcher.search)

        def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
            return [
                Document(
                    page_content=h.passage.text,
                    id=h.passage.id,
                    metadata={
                        "id": h.passage.id,
                        "source": h.passage.source,
                        "start": h.passage.start,
                        "end": h.passage.end,
                        "score": h.passage.score,
                        "dense": h.dense,
                        "lexical": h.lexical,
                    },
                )
                for h in self.searcher.search(query, self.k, about=self.about)
            ]

    HybridRetriever.__module__ = __name__
    HybridRetriever.__qualname__ = "HybridRetriever"
    return HybridRetriever


def __getattr__(name: str) -> Any:
    # ``from rag.retrieval import HybridRetriever`` works as before; the class is built on that first use.
    if name == "HybridRetriever":
        return _retriever_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
