"""The Chroma store: one client per settings, a chunk collection, a document registry and a manifest."""

from __future__ import annotations

import logging
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from rag.errors import StoreError
from rag.settings import Settings

log = logging.getLogger(__name__)

SCHEMA = 1
DOCS_SUFFIX = "-documents"
LOCK_WAIT_S = 600.0


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def check_store_dir(path: Path) -> None:
    """Refuse a store directory that cannot be created or written, and a damaged SQLite file."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"store directory {path} cannot be created ({exc.strerror or exc}); set RAG_CHROMA_DIR") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"store directory {path} is not writable; set RAG_CHROMA_DIR to a writable directory")
    db = path / "chroma.sqlite3"
    if db.exists():
        try:
            con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
            try:
                row = con.execute("PRAGMA quick_check").fetchone()
            finally:
                con.close()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"the store at {path} is damaged ({exc}); rebuild it: rag ingest --rebuild [PATH...]"
            ) from None
        if not row or row[0] != "ok":
            raise StoreError(f"the store at {path} is damaged ({row}); rebuild it: rag ingest --rebuild [PATH...]")


class Store:
    """Chunks with offsets and embeddings in Chroma, plus one record per document.

    >>> store = Store(Settings(chroma_dir="/tmp/demo-store"))   # doctest: +SKIP
    >>> store.count()                                            # doctest: +SKIP
    0
    """

    local_writes = 0  # bumped by every revision change made in this process (caches re-check at once)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.client = self._connect()
        self._chunks: Any = None
        self._docs: Any = None

    def _connect(self) -> Any:
        os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
        import chromadb

        if self.settings.chroma_url:
            url = urlparse(self.settings.chroma_url)
            if not url.hostname:
                raise StoreError(f"RAG_CHROMA_URL {self.settings.chroma_url!r} is not a URL like http://127.0.0.1:8000")
            try:
                client = chromadb.HttpClient(
                    host=url.hostname,
                    port=url.port or (443 if url.scheme == "https" else 8000),
                    ssl=url.scheme == "https",
                    settings=_chroma_settings(),
                )
                client.heartbeat()
            except Exception as exc:  # noqa: BLE001 - connection errors come in many types
                raise StoreError(f"cannot reach the Chroma server at {self.settings.chroma_url} ({exc})") from None
            return client
        path = Path(self.settings.chroma_dir).expanduser()
        check_store_dir(path)
        try:
            return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())
        except Exception as exc:  # noqa: BLE001
            raise StoreError(f"cannot open the store at {path} ({exc}); rebuild it: rag ingest --rebuild") from None

    # -- collections -------------------------------------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """What the collection was built with; compared with the settings before any write or query."""
        s = self.settings
        return {
            "schema": SCHEMA,
            "embedding_model": s.embedding_model,
            "chunk_size": s.chunk_size,
            "chunk_overlap": s.chunk_overlap,
        }

    def chunks(self, create: bool = False) -> Any:
        if self._chunks is None:
            name = self.settings.collection
            try:
                if create:
                    meta = {**self.manifest(), "revision": uuid.uuid4().hex}
                    col = self.client.get_or_create_collection(
                        name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}, metadata=meta
                    )
                else:
                    col = self.client.get_collection(name, embedding_function=None)
            except Exception as exc:  # noqa: BLE001
                if not create and "does not exist" in str(exc).lower():
                    return None
                raise StoreError(f"cannot open collection {name!r} ({exc})") from None
            self.check_manifest(col.metadata or {})  # before caching: a refused collection stays refused
            self._chunks = col
        return self._chunks

    def documents(self) -> Any:
        if self._docs is None:
            name = self.settings.collection + DOCS_SUFFIX
            self._docs = self.client.get_or_create_collection(
                name, embedding_function=None, configuration={"hnsw": {"space": "l2"}}
            )
        return self._docs

    def check_manifest(self, meta: dict[str, Any]) -> None:
        built = meta.get("embedding_model")
        if built and built != self.settings.embedding_model:
            raise StoreError(
                f"collection {self.settings.collection!r} was built with embedding model {built!r}, "
                f"but RAG_EMBEDDING_MODEL is {self.settings.embedding_model!r}; "
                "rebuild it with: rag ingest --rebuild [PATH...]"
            )

    def revision(self) -> str:
        """Changes whenever chunks are written; the lexical index is keyed on it."""
        col = self.chunks()
        if col is None:
            return "empty"
        fresh = self.client.get_collection(self.settings.collection, embedding_function=None)
        return str((fresh.metadata or {}).get("revision", "none"))

    def bump_revision(self) -> None:
        col = self.chunks(create=True)
        meta = {k: v for k, v in (col.metadata or {}).items() if not k.startswith("hnsw:")}
        meta.update(self.manifest())
        meta["revision"] = uuid.uuid4().hex
        col.modify(metadata=meta)
        Store.local_writes += 1

    def count(self) -> int:
        col = self.chunks()
        return 0 if col is None else int(col.count())

    def max_batch(self) -> int:
        try:
            return max(1, int(self.client.get_max_batch_size()))
        except Exception:  # noqa: BLE001 - older servers
            return 1000

    def drop(self) -> None:
        """Delete the chunk collection and the document registry (for --rebuild)."""
        for name in (self.settings.collection, self.settings.collection + DOCS_SUFFIX):
            try:
                self.client.delete_collection(name)
            except Exception:  # noqa: BLE001 - absent already
                pass
        self._chunks = None
        self._docs = None
        Store.local_writes += 1
        lex = self.lexical_dir()
        if lex is not None and lex.exists():
            for f in lex.glob(f"{self.settings.collection}.*"):
                f.unlink(missing_ok=True)

    def lexical_dir(self) -> Path | None:
        if self.settings.chroma_url:
            return None
        return Path(self.settings.chroma_dir).expanduser() / "lexical"

    def iter_chunks(self, page: int = 5000) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every (id, text, metadata) in the chunk collection, in pages."""
        col = self.chunks()
        if col is None:
            return
        offset = 0
        while True:
            got = col.get(include=["documents", "metadatas"], limit=page, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            yield from zip(ids, got["documents"], got["metadatas"], strict=True)
            offset += len(ids)

    @contextmanager
    def write_lock(self, on_wait: Any = None) -> Iterator[None]:
        """One writer per embedded store; a second one waits (saying so), then fails clearly."""
        if self.settings.chroma_url:
            yield
            return
        from filelock import FileLock, Timeout

        path = Path(self.settings.chroma_dir).expanduser() / ".write.lock"
        lock = FileLock(str(path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if on_wait:
                on_wait(f"another ingest is writing to {self.settings.chroma_dir}; waiting for it to finish")
            try:
                lock.acquire(timeout=LOCK_WAIT_S)
            except Timeout:
                raise StoreError(
                    f"another ingest still holds {path} after {LOCK_WAIT_S:.0f} s; try again later"
                ) from None
        try:
            yield
        finally:
            lock.release()
