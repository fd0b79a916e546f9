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

    def search(self, query: str, k: int, query_vector: list[float] | None = None) -> list[Hit]:
        try:
            return self._search(query, k, query_vector)
        except RagError:
            raise
        except Exception as exc:  # noqa: BLE001 - damage the open-time check cannot see surfaces here
            raise StoreError(
                f"the store could not be searched ({type(exc).__name__}: {exc}); "
                "if it is damaged, rebuild it: rag ingest --rebuild [PATH...]"
            ) from None

    def _search(self, query: str, k: int, query_vector: list[float] | None) -> list[Hit]:
        col = self.store.chunks()
        if col is None or not query.strip():
            return []
        # No count() first (a few ms on every question): Chroma returns fewer results when it holds fewer chunks.
        depth = max(self.depth, k * 3)
        vec = query_vector if query_vector is not None else self.embeddings.embed_query(query)
        rows: dict[str, dict[str, Any]] = {}
        fused: dict[str, float] = {}
        dense: list[tuple[int, float]] = []
        index = self.lexical.get()
        if index.vectors is not None and len(index.ids):
            # Exact cosine over the cached vectors: Chroma's HNSW missed a small article among many unrelated
            # documents (recall@30 0.63 at 20k chunks), and a matrix product is a few ms at 100k chunks.
            dense = index.nearest(vec, depth)
            for rank, (row, sim) in enumerate(dense):
                cid = index.ids[row]
                rows[cid] = {"text": None, "meta": None, "dense": sim, "lexical": 0.0}
                fused[cid] = 1.0 / (RRF_K + rank + 1)
        else:
            res = col.query(query_embeddings=[vec], n_results=depth, include=["documents", "metadatas", "distances"])
            for rank, (cid, text, meta, dist) in enumerate(
                zip(res["ids"][0], res["documents"][0], res["metadatas"][0], res["distances"][0], strict=True)
            ):
                rows[cid] = {"text": text, "meta": meta, "dense": 1.0 - float(dist), "lexical": 0.0}
                fused[cid] = fused.get(cid, 0.0) + 1.0 / (RRF_K + rank + 1)
        top_dense = max((r["dense"] for r in rows.values()), default=0.0)
        exact = index.vectors is not None and len(index.ids)
        lexical_query = expand_query(query, index.df)
        ranked = index.search(lexical_query, depth)
        if exact and ranked:
            # Rank the candidates of both lists by BM25 weighed within them (see LexicalIndex.rescore).
            pool = list(dict.fromkeys([row for row, _ in dense] + [row for row, _ in ranked]))
            local = index.rescore(lexical_query, pool)
            ranked = sorted(((r, s) for r, s in zip(pool, local, strict=True) if s > 0), key=lambda x: (-x[1], x[0]))
            ranked = ranked[:depth]
        for rank, (row, score) in enumerate(ranked):
            cid = index.ids[row]
            if cid not in rows and exact:
                # Found by BM25 alone: a chunk that shares a word but is far in meaning from the best dense matches
                # (a calendar's "month" for a question about the winter) would push the answer out.
                sim = float(index.vectors[row] @ np.asarray(vec, dtype=np.float32))
                if sim < top_dense - LEXICAL_GAP:
                    continue
                rows[cid] = {"text": None, "meta": None, "dense": sim, "lexical": 0.0}
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
                id=cid,
                source=str(meta["source"]),
                start=int(meta["start"]),
                end=int(meta["end"]),
                text=r["text"],
                score=round(fused[cid], 6),
            )
            hits.append(Hit(passage, r["dense"], r["lexical"], vec))
        return hits


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
                for h in self.searcher.search(query, self.k)
            ]

    HybridRetriever.__module__ = __name__
    HybridRetriever.__qualname__ = "HybridRetriever"
    return HybridRetriever


def __getattr__(name: str) -> Any:
    # ``from rag.retrieval import HybridRetriever`` works as before; the class is built on that first use.
    if name == "HybridRetriever":
        return _retriever_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
