"""Ingest documents: load, chunk with offsets, embed, write to Chroma idempotently."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rag.chunking import Chunk, chunk_text
from rag.errors import InputError, RagError
from rag.lexical import Changes
from rag.loaders import Document, expand_paths, load_file
from rag.settings import Settings
from rag.store import Store

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]  # (label, done, total)

MAX_BATCH_DOCUMENTS = 256  # documents held for one batch (unchanged chunks and removals need no embedding)
LOOKUP_DOCUMENTS = 64  # documents whose registry records and stored chunk ids are read with one call each


@dataclass
class IngestReport:
    """What one ingest run did; ``to_dict()`` is ``rag ingest --json``."""

    documents: int = 0
    chunks: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Plan:
    """One document's pending write: its new chunks (to embed and store) and stale ones (to delete)."""

    doc: Document
    did: str
    sha: str
    known: bool
    wanted: dict[str, Chunk]
    new_ids: list[str]
    stale: list[str]


def chunk_id(source: str, start: int, text: str) -> str:
    """Deterministic: the same chunk of the same document always gets the same id."""
    return hashlib.sha256(f"{source}\x00{start}\x00{text}".encode()).hexdigest()[:32]


def doc_id(source: str) -> str:
    return hashlib.sha256(source.encode()).hexdigest()[:32]


def seed_paths() -> list[Path]:
    """The bundled seed article(s): ``seeds/`` of a checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for folder in (here.parent / "seeds", here / "_data" / "seeds"):
        files = sorted(p for p in folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return files
    raise RagError("no seed article found (seeds/ is missing from this installation)")


class Ingestor:
    """Writes documents into a Store; safe to re-run after a crash at any point."""

    def __init__(self, settings: Settings, store: Store | None = None, progress: Progress | None = None) -> None:
        self.settings = settings
        self.store = store or Store(settings)
        self.progress = progress
        self._writing = False
        self._changes = Changes()  # what the run wrote, for the lexical index of its revision
        from rag.embeddings import get_embeddings

        self.embeddings = get_embeddings(settings.embedding_model, settings.openai_api_key, settings.openai_base_url)

    def _chunker_key(self) -> str:
        s = self.settings
        return f"{s.chunk_size}/{s.chunk_overlap}/{s.embedding_model}"

    def ingest_document(self, doc: Document, report: IngestReport) -> None:
        """Bring one document's chunks up to date: add new ones, delete stale ones, then record it."""
        plans = self._plan([doc], report)
        if plans:
            self._write(plans, report)

    def _plan(self, docs: list[Document], report: IngestReport) -> list[_Plan]:
        """What each of ``docs`` (distinct sources) needs written; those whose record says up to date are left out.

        One registry lookup and one chunk lookup for them all.
        """
        if not docs:
            return []
        chunks_col = self.store.chunks(create=True)
        key = self._chunker_key()
        dids = [doc_id(d.source) for d in docs]
        got = self.store.documents().get(ids=dids, include=["metadatas"])
        records = dict(zip(got["ids"], got["metadatas"], strict=True))
        todo = []
        for doc, did in zip(docs, dids, strict=True):
            sha = doc.sha256
            known = records.get(did)
            if known and known.get("sha256") == sha and known.get("chunker") == key:
                report.unchanged += int(known.get("chunks", 0))
            else:
                todo.append((doc, did, sha, known is not None))
        if not todo:
            return []
        sources = [doc.source for doc, *_ in todo]
        where = {"source": sources[0]} if len(sources) == 1 else {"source": {"$in": sources}}
        rows = chunks_col.get(where=where, include=["metadatas"])
        existing: dict[str, set[str]] = {}
        for cid, meta in zip(rows["ids"], rows["metadatas"], strict=True):
            existing.setdefault(str(meta["source"]), set()).add(cid)
        plans = []
        for doc, did, sha, known in todo:
            pieces = chunk_text(doc.text, self.settings.chunk_size, self.settings.chunk_overlap)
            wanted = {chunk_id(doc.source, c.start, c.text): c for c in pieces}
            have = existing.get(doc.source, set())
            new_ids = [i for i in wanted if i not in have]
            stale = sorted(have - set(wanted))
            plans.append(_Plan(doc, did, sha, known, wanted, new_ids, stale))
        return plans

    def _add(self, plans: list[_Plan], batch: list[_Plan], report: IngestReport, flush: bool = False) -> list[_Plan]:
        """Add ``plans`` to the batch, writing it whenever it is full (and at the end when ``flush``)."""
        for plan in plans:
            batch.append(plan)
            if sum(len(p.new_ids) for p in batch) >= self.settings.ingest_batch or len(batch) >= MAX_BATCH_DOCUMENTS:
                self._write(batch, report)
                batch = []
        if flush and batch:
            self._write(batch, report)
            batch = []
        return batch

    def _write(self, plans: list[_Plan], report: IngestReport) -> None:
        """Embed the new chunks of ``plans`` together, store them, delete stale ones, then record the documents."""
        chunks_col = self.store.chunks(create=True)
        ids: list[str] = []
        texts: list[str] = []
        metas: list[Any] = []
        for p in plans:
            for i in p.new_ids:
                c = p.wanted[i]
                ids.append(i)
                texts.append(c.text)
                metas.append({"source": p.doc.source, "start": c.start, "end": c.end, "doc_sha256": p.sha})
        stale = [i for p in plans for i in p.stale]
        if ids or stale:
            self._begin_writing()
        # One call for the whole batch: the encoder groups texts of similar length across documents.
        vectors = self.embeddings.embed_documents(texts) if texts else []
        step = self.store.max_batch()
        for lo in range(0, len(ids), step):
            hi = lo + step
            chunks_col.upsert(ids=ids[lo:hi], embeddings=vectors[lo:hi], documents=texts[lo:hi], metadatas=metas[lo:hi])
        if ids:
            self._changes.add(ids, texts, [m["source"] for m in metas])
        for lo in range(0, len(stale), step):
            chunks_col.delete(ids=stale[lo : lo + step])
        self._changes.remove(stale)
        # The document records are written last: they are the commit marks that make a re-run skip a document.
        docs_col = self.store.documents()
        for lo in range(0, len(plans), step):
            part = plans[lo : lo + step]
            docs_col.upsert(
                ids=[p.did for p in part],
                embeddings=[[1.0]] * len(part),
                documents=[p.doc.text for p in part],
                metadatas=[
                    {"source": p.doc.source, "sha256": p.sha, "chunks": len(p.wanted), "chunker": self._chunker_key()}
                    for p in part
                ],
            )
        for p in plans:
            if p.known:
                report.updated += len(p.new_ids)
            else:
                report.added += len(p.new_ids)
            report.unchanged += len(p.wanted) - len(p.new_ids)
            report.removed += len(p.stale)
            log.info("ingested %s: %d chunk(s) written, %d removed", p.doc.source, len(p.new_ids), len(p.stale))

    def remove_source(self, source: str, report: IngestReport) -> None:
        chunks_col = self.store.chunks(create=True)
        ids = chunks_col.get(where={"source": source}, include=[])["ids"]
        if ids:
            self._begin_writing()
        batch = self.store.max_batch()
        for lo in range(0, len(ids), batch):
            chunks_col.delete(ids=ids[lo : lo + batch])
        self._changes.remove(ids)
        self.store.documents().delete(ids=[doc_id(source)])
        report.removed += len(ids)

    def run(self, paths: Sequence[str | Path], prune: bool = False, on_wait: Any = None) -> IngestReport:
        report = IngestReport()
        files: list[Path] = []
        for item in expand_paths(paths):
            if isinstance(item, InputError):
                report.errors.append(str(item))
            else:
                files.append(item)
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        with self.store.write_lock(on_wait=on_wait):
            interrupted = self.store.interrupted()
            # The revision the run starts from: its saved lexical index plus this run's writes is the new one's.
            since = None if interrupted else self.store.revision()
            self._changes = Changes()
            if interrupted:
                log.warning("the last ingest into %s was interrupted; completing it", self.settings.store_label())
            # Documents are looked up in groups, and wait in a batch until it holds ``ingest_batch`` new chunks: the
            # encoder and Chroma work best on many chunks at once. Each is recorded once the whole batch is stored.
            group: list[Document] = []
            batch: list[_Plan] = []
            for i, path in enumerate(files):
                if self.progress:
                    self.progress(path.name, i, len(files))
                try:
                    doc = load_file(path, max_bytes)
                except InputError as exc:  # this file only; a store or configuration error stops the run
                    report.errors.append(str(exc))
                    continue
                report.documents += 1
                if any(d.source == doc.source for d in group) or any(p.doc.source == doc.source for p in batch):
                    # The same file named twice: written once, then looked up again (and found up to date).
                    batch = self._add(self._plan(group, report), batch, report, flush=True)
                    group = []
                group.append(doc)
                if len(group) >= LOOKUP_DOCUMENTS:
                    batch = self._add(self._plan(group, report), batch, report)
                    group = []
            self._add(self._plan(group, report), batch, report, flush=True)
            if self.progress:
                self.progress("", len(files), len(files))
            if prune:
                for source in self.known_sources():
                    if not Path(source).exists():
                        self.remove_source(source, report)
            wrote = self._writing or interrupted
            revision = ""
            if wrote:
                self.store.bump_revision(writing=False)  # the commit mark of the whole run
                self._writing = False
                revision = self.store.revision()
            report.chunks = self.store.count()
        if wrote:
            self._save_lexical_index(since, revision, report.chunks)
        return report

    def _save_lexical_index(self, since: str | None, revision: str, count: int) -> None:
        """Save the lexical index of the new revision, so the first question after an ingest need not build it.

        The index of the revision the run started from, updated with what the run wrote, when it is saved; else
        built from the store.
        """
        if self.store.lexical_dir() is None:
            return
        from rag.lexical import LexicalCache

        try:
            cache = LexicalCache(self.store)
            if since is None or not cache.advance(since, revision, self._changes, count):
                cache.get()
        except Exception as exc:  # noqa: BLE001 - the chunks are stored; the first question builds the index then
            log.warning("the lexical index was not saved (%s); the first question will build it", exc)

    def _begin_writing(self) -> None:
        """Mark the collection as being written before the first chunk changes (cleared when the run completes)."""
        if not self._writing:
            self.store.bump_revision(writing=True)
            self._writing = True

    def known_sources(self) -> list[str]:
        got = self.store.documents().get(include=["metadatas"])
        return sorted(str(m["source"]) for m in got["metadatas"])


def ingest_paths(
    settings: Settings,
    paths: Iterable[str | Path],
    prune: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
    on_wait: Any = None,
) -> IngestReport:
    """Ingest files and folders; per-file problems are collected in ``report.errors``, the rest still ingest."""
    store = Store.rebuilt(settings, on_wait) if rebuild else Store(settings)
    return Ingestor(settings, store, progress).run(list(paths), prune=prune, on_wait=on_wait)


def ensure_seed(settings: Settings, progress: Progress | None = None) -> IngestReport | None:
    """Ingest the bundled seed article when the collection is empty; None when there was nothing to do."""
    store = Store(settings)
    if store.count() > 0:
        return None
    log.info("the store is empty: ingesting the seed article")
    return Ingestor(settings, store, progress).run([str(p) for p in seed_paths()])
