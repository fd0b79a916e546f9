"""The Chroma store: one client per settings, a chunk collection, a document registry and a manifest."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import struct
import time
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


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


REBUILD_HINT = "rebuild it: rag ingest --rebuild [PATH...]"
HNSW_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")  # hnswlib's index header as Chroma persists it (100 bytes)
_HELD: set[str] = set()  # write-lock files this process holds


class StoreDamaged(StoreError):
    """The embedded store's files are damaged: only a rebuild helps."""


def _damaged(path: Path, why: object) -> StoreDamaged:
    return StoreDamaged(f"the store at {path} is damaged ({why}); {REBUILD_HINT}")


def check_store_dir(path: Path) -> None:
    """Refuse a store directory that cannot be created or written, and damaged SQLite or index files."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"store directory {path} cannot be created ({exc.strerror or exc}); set RAG_CHROMA_DIR"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise StoreError(f"store directory {path} is not writable; set RAG_CHROMA_DIR to a writable directory")
    for attempt in range(20):
        try:
            _check_files(path)
            return
        except StoreDamaged:
            # A running ingest may be rewriting an index file this very moment: look again once it has.
            if attempt == 19 or not _locked_elsewhere(path):
                raise
            time.sleep(0.5)


def _check_files(path: Path) -> None:
    db = path / "chroma.sqlite3"
    segments = [h.parent for h in path.glob("*/header.bin")]
    if not db.exists():
        if segments:
            raise _damaged(path, f"chroma.sqlite3 is missing but {len(segments)} index folder(s) remain")
        return
    try:
        # Read-write, so that SQLite rolls back the journal a killed writer left behind (read-only cannot).
        con = sqlite3.connect(f"file:{db}?mode=rw", uri=True, timeout=30)
        try:
            row = con.execute("PRAGMA quick_check").fetchone()
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            log.warning("the store at %s is busy (%s); not checked", path, exc)
            return
        raise _damaged(path, exc) from None
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, exc) from None
    if not row or row[0] != "ok":
        raise _damaged(path, row)
    for seg in segments:
        problem = hnsw_problem(seg)
        if problem:
            raise _damaged(path, f"vector index {seg.name}: {problem}")


def hnsw_problem(seg: Path) -> str | None:
    """What is wrong with a persisted HNSW index folder (header and file sizes), or None."""
    try:
        raw = (seg / "header.bin").read_bytes()
        sizes = {name: (seg / name).stat().st_size for name in ("data_level0.bin", "length.bin", "link_lists.bin")}
    except FileNotFoundError as exc:
        return f"{Path(str(exc.filename)).name} is missing"
    except OSError as exc:
        return f"unreadable ({exc.strerror or exc})"
    if len(raw) != HNSW_HEADER.size:
        return f"header.bin is {len(raw)} bytes, not {HNSW_HEADER.size}"
    _, _, max_elements, count, per_element, _, _, _, _, max_m, max_m0, m, _, _ = HNSW_HEADER.unpack(raw)
    if per_element <= 0 or m <= 0 or max_m0 < m or count > max_elements:
        return "header.bin is not an index header"
    data = sizes["data_level0.bin"]
    if data < count * per_element:
        return f"data_level0.bin is truncated ({data} bytes for {count} vectors)"
    if data % per_element:
        return f"data_level0.bin is not a whole number of vectors ({data} bytes, {per_element} per vector)"
    if sizes["length.bin"] < count * 4:
        return f"length.bin is truncated ({sizes['length.bin']} bytes for {count} vectors)"
    return None


def clear_store_files(path: Path) -> None:
    """Delete what Chroma and the lexical cache keep in ``path`` (for a rebuild of a damaged store)."""
    for f in path.glob("chroma.sqlite3*"):
        f.unlink(missing_ok=True)
    for header in path.glob("*/header.bin"):
        shutil.rmtree(header.parent, ignore_errors=True)
    shutil.rmtree(path / "lexical", ignore_errors=True)


def _forget_client(path: Path) -> None:
    """Drop Chroma's in-process client of ``path``, so that the next open reads the files as they are now."""
    try:
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient._identifier_to_refcount.pop(str(path), None)
        system = SharedSystemClient._identifier_to_system.pop(str(path), None)
        if system is not None:
            system.stop()
    except Exception as exc:  # noqa: BLE001 - best effort on a client that already failed
        log.debug("could not drop the Chroma client of %s: %s", path, exc)


def _lock_path(settings: Settings) -> Path:
    return Path(settings.chroma_dir).expanduser() / ".write.lock"


def _locked_elsewhere(path: Path) -> bool:
    """True when another process holds the write lock of the store at ``path``."""
    lock_file = path / ".write.lock"
    if str(lock_file) in _HELD or not lock_file.exists():
        return False
    from filelock import FileLock, Timeout

    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    lock.release()
    return False


@contextmanager
def write_lock(settings: Settings, on_wait: Any = None) -> Iterator[None]:
    """One writer per embedded store; a second one waits (saying so) up to RAG_LOCK_TIMEOUT, then fails clearly."""
    if settings.chroma_url:
        yield
        return
    from filelock import FileLock, Timeout

    path = _lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    wait = settings.lock_timeout
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait:
            on_wait(
                f"another ingest is writing to {settings.chroma_dir}; waiting up to {wait:.0f} s "
                "for it to finish (RAG_LOCK_TIMEOUT)"
            )
        try:
            lock.acquire(timeout=wait)
        except Timeout:
            raise StoreError(
                f"another ingest is still writing to {settings.chroma_dir} after {wait:.0f} s "
                f"(lock {path}); try again when it has finished, or raise RAG_LOCK_TIMEOUT"
            ) from None
    _HELD.add(str(path))
    try:
        yield
    finally:
        _HELD.discard(str(path))
        lock.release()


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
        if not settings.chroma_url:
            self._probe()

    @classmethod
    def rebuilt(cls, settings: Settings, on_wait: Any = None) -> Store:
        """A store with the collection dropped (``--rebuild``); a damaged embedded store's files are cleared."""
        with write_lock(settings, on_wait):
            try:
                store = cls(settings)
            except StoreDamaged as exc:
                log.warning("%s: clearing its files", exc)
                path = Path(settings.chroma_dir).expanduser()
                _forget_client(path)
                clear_store_files(path)
                store = cls(settings)
            store.drop()
        return store

    def _probe(self) -> None:
        """Load each collection's vector index once, so damage shows now as one clear message."""
        path = Path(self.settings.chroma_dir).expanduser()
        for name in (self.settings.collection, self.settings.collection + DOCS_SUFFIX):
            try:
                col = self.client.get_collection(name, embedding_function=None)
            except Exception as exc:  # noqa: BLE001
                if "does not exist" in str(exc).lower():
                    continue
                _forget_client(path)
                raise _damaged(path, f"collection {name!r}: {exc}") from None
            try:
                if col.count():
                    got = col.get(limit=1, include=["embeddings"])
                    col.query(query_embeddings=[list(got["embeddings"][0])], n_results=1, include=[])
            except BaseException as exc:  # noqa: BLE001 - Chroma's native code raises panics outside Exception
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                _forget_client(path)
                raise _damaged(path, f"collection {name!r}: {exc}") from None

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
            meta = col.metadata or {}
            if meta.get("embedding_model", self.settings.embedding_model) != self.settings.embedding_model:
                if col.count() == 0:  # left empty by a run whose model failed to load: nothing to protect
                    if create:
                        fixed = {k: v for k, v in meta.items() if not k.startswith("hnsw:")}
                        col.modify(metadata={**fixed, **self.manifest()})
                else:
                    self.check_manifest(meta)  # before caching: a refused collection stays refused
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
        meta = fresh.metadata or {}
        revision = str(meta.get("revision", "none"))
        if meta.get("writing"):
            # An ingest is writing, or was killed while writing: follow the count until one completes.
            return f"{revision}+{fresh.count()}"
        return revision

    def interrupted(self) -> bool:
        """True when the last ingest that started writing did not finish (it was killed)."""
        col = self.chunks()
        if col is None:
            return False
        fresh = self.client.get_collection(self.settings.collection, embedding_function=None)
        return bool((fresh.metadata or {}).get("writing"))

    def bump_revision(self, writing: bool = False) -> None:
        """A new revision; ``writing=True`` before chunks change, ``False`` once an ingest has completed."""
        col = self.chunks(create=True)
        fresh = self.client.get_collection(self.settings.collection, embedding_function=None)
        meta = {k: v for k, v in (fresh.metadata or {}).items() if not k.startswith("hnsw:")}
        meta.update(self.manifest())
        meta["revision"] = uuid.uuid4().hex
        meta["writing"] = writing
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
        """Delete the document registry, then the chunk collection (for --rebuild).

        In that order: killed in between, the chunks left have no records, so the next ingest checks them again.
        """
        for name in (self.settings.collection + DOCS_SUFFIX, self.settings.collection):
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

    def write_lock(self, on_wait: Any = None) -> Any:
        """One writer per embedded store (see ``write_lock``)."""
        return write_lock(self.settings, on_wait)
