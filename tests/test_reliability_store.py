"""Reliability of the store and of ingest: crashes, concurrent writers, damage, bad files, bad configuration.

Every test drives the real ``rag`` executable in a subprocess (real Chroma, real embedding model) with a timeout.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import make_settings

RAG = Path(sys.executable).with_name("rag")
CHUNK_SIZE, CHUNK_OVERLAP = 150, 30  # short chunks: cheap to embed, and a few per document
CHUNK_ENV = {"RAG_CHUNK_SIZE": str(CHUNK_SIZE), "RAG_CHUNK_OVERLAP": str(CHUNK_OVERLAP)}
WORDS = (
    "harbour ferry council budget tram bridge river market school library museum station clinic garden "
    "festival mayor island winter summer repairs schedule tickets workers union vote report study flood "
    "storm pier lighthouse bakery orchard canal tunnel airport stadium theatre gallery archive census"
).split()


# -- running the executable ---------------------------------------------------------------------------------------
def child_env(store: Path | None = None, **extra: str) -> dict[str, str]:
    """The caller's environment without RAG_ or OpenAI variables, offline, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RAG_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    }
    env.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"})
    if store is not None:
        env["RAG_CHROMA_DIR"] = str(store)
    env.update(extra)
    return env


@dataclass
class Run:
    code: int
    out: str
    err: str
    max_rss_mb: float

    def error_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.startswith("error: ")]


def rag(
    *args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 180, prefix: list[str] | None = None
) -> Run:
    """Run ``rag ARGS`` to the end (killed after ``timeout`` s); exit code, output and the child's peak RSS."""
    with (
        open(os.devnull, "rb") as stdin,
        _tmpfile() as out_fh,
        _tmpfile() as err_fh,
    ):
        cmd = [*(prefix or []), str(RAG), *args]  # setpriv execs rag in the same process: wait4 sees rag itself
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=stdin, stdout=out_fh, stderr=err_fh)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                out_fh.seek(0)
                err_fh.seek(0)
                raise AssertionError(
                    f"rag {' '.join(args)} did not finish in {timeout} s\nstderr:\n{err_fh.read().decode()[-3000:]}"
                )
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_fh.seek(0)
        err_fh.seek(0)
        return Run(
            proc.returncode,
            out_fh.read().decode("utf-8", "replace"),
            err_fh.read().decode("utf-8", "replace"),
            usage.ru_maxrss / 1024,
        )


def _tmpfile():  # noqa: ANN202
    import tempfile

    return tempfile.TemporaryFile()


class LineReader:
    """Collects a child's stderr lines on a thread so the test can wait for one without blocking forever."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.text: list[str] = []
        assert proc.stderr is not None
        self._thread = threading.Thread(target=self._pump, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:  # noqa: ANN001
        for line in stream:
            self.text.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, needle: str, count: int, timeout: float) -> bool:
        """True once ``count`` lines containing ``needle`` arrived; False at end of stream."""
        seen = 0
        deadline = time.monotonic() + timeout
        while seen < count:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {needle!r} line in {timeout} s:\n{''.join(self.text)[-3000:]}") from None
            if line is None:
                return False
            if needle in line:
                seen += 1
        return True

    def all(self) -> str:
        self._thread.join(timeout=30)
        return "".join(self.text)


def spawn_ingest(env: dict[str, str], *paths: str) -> tuple[subprocess.Popen[str], LineReader]:
    proc = subprocess.Popen(
        [str(RAG), "ingest", *paths],
        env={**env, "RAG_LOG_LEVEL": "INFO"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return proc, LineReader(proc)


# -- a generated corpus -------------------------------------------------------------------------------------------
def write_corpus(folder: Path, n: int, seed: int, tag: str = "") -> list[Path]:
    """``n`` short, distinct news notes (a few chunks each)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        sentences = []
        for j in range(rng.randint(2, 6)):
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
            sentences.append(f"Note {tag}{i}.{j} says the {words} changed on day {rng.randint(1, 9999)}.")
        path = folder / f"note-{tag}{i:04d}.txt"
        path.write_text(" ".join(sentences) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def expected_chunks(
    paths: list[Path], size: int = CHUNK_SIZE, overlap: int = CHUNK_OVERLAP
) -> set[tuple[str, int, str]]:
    from rag.chunking import chunk_text

    out = set()
    for path in paths:
        for c in chunk_text(path.read_text(encoding="utf-8"), size, overlap):
            out.add((str(path.resolve()), c.start, c.text))
    return out


def stored_chunks(got: dict) -> set[tuple[str, int, str]]:
    """(source, start, text) of the rows of a Chroma ``get``."""
    return {(str(m["source"]), int(m["start"]), t) for t, m in zip(got["documents"], got["metadatas"], strict=True)}


def fresh_store(store: Path, **kw: object):  # noqa: ANN201
    """A Store opened anew (Chroma's per-process client cache dropped), so it sees what other processes wrote."""
    from chromadb.api.client import SharedSystemClient

    from rag.store import Store

    SharedSystemClient.clear_system_cache()
    return Store(make_settings(store, **kw))


@pytest.fixture()
def corpus_env(tmp_path: Path) -> Iterator[tuple[Path, dict[str, str]]]:
    store = tmp_path / "store"
    yield store, child_env(store, **CHUNK_ENV)


# -- 1. crash-safe, idempotent ingest -----------------------------------------------------------------------------
def test_sigkilled_ingest_resumes_to_the_exact_store(tmp_path: Path, corpus_env) -> None:  # noqa: ANN001
    store, env = corpus_env
    # Batches of about four documents: every run passes many commit points, and the kills land inside batches
    # (embedding, chunk upsert, the batch's records) as well as between them.
    env = {**env, "RAG_INGEST_BATCH": "16"}
    corpus = tmp_path / "corpus"
    paths = write_corpus(corpus, 300, seed=61)
    want = expected_chunks(paths)

    rng = random.Random(2024)
    kills = runs = 0
    lexical_builds = 0
    while kills < 6:
        runs += 1
        assert runs < 20, "the corpus ran out before six kills"
        proc, reader = spawn_ingest(env, str(corpus))
        target = rng.randint(1, 30)
        reached = False
        try:
            reached = reader.wait_for("ingested ", target, timeout=180)
            if reached:
                time.sleep(rng.uniform(0.0, 0.4))  # land anywhere: embedding, chunk upsert, record, revision
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    kills += 1
        finally:
            if proc.poll() is None and not reached:
                proc.kill()
            proc.wait(timeout=60)
        reader.all()
        # A reader between crashes builds (and saves) the lexical index of whatever the store holds now.
        from rag.lexical import LexicalCache

        LexicalCache(fresh_store(store, **_chunk_kw())).get()
        lexical_builds += 1

    final = rag("ingest", str(corpus), "--json", env=env)
    assert final.code == 0, final.err
    report = json.loads(final.out)
    assert report["chunks"] == len(want)

    s = fresh_store(store, **_chunk_kw())
    col = s.chunks()
    got = col.get(include=["documents", "metadatas", "embeddings"])
    ids, texts = got["ids"], got["documents"]
    assert len(ids) == len(want), f"{len(ids)} chunks stored, {len(want)} expected"
    assert len(set(ids)) == len(ids), "duplicate ids"
    assert len(set(texts)) == len(texts), "duplicate chunk texts"
    stored = stored_chunks(got)
    assert stored == want, f"missing {len(want - stored)}, unexpected {len(stored - want)}"
    records = s.documents().get(include=["metadatas"])["metadatas"]
    assert len(records) == len(paths)
    per_source: dict[str, int] = {}
    for source, _, _ in want:
        per_source[source] = per_source.get(source, 0) + 1
    assert {str(m["source"]): int(m["chunks"]) for m in records} == per_source

    # Every chunk is its own nearest neighbour, by its stored vector (all) and by its text embedded anew (a sample).
    top = col.query(query_embeddings=list(got["embeddings"]), n_results=1, include=[])["ids"]
    assert [row[0] for row in top] == ids
    from rag.embeddings import get_embeddings

    sample = random.Random(7).sample(range(len(ids)), 50)
    vectors = get_embeddings(s.settings.embedding_model).embed_documents([texts[i] for i in sample])
    top = col.query(query_embeddings=vectors, n_results=1, include=[])["ids"]
    assert [row[0] for row in top] == [ids[i] for i in sample]

    # The lexical index built between crashes is not reused: it follows the completed store.
    from rag.lexical import LexicalCache

    assert set(LexicalCache(s).get().ids) == set(ids)

    doctor = rag("doctor", env=env, timeout=120)
    assert doctor.code == 0, doctor.out + doctor.err

    again = rag("ingest", str(corpus), "--json", env=env)
    assert again.code == 0, again.err
    data = json.loads(again.out)
    assert (data["added"], data["updated"], data["removed"]) == (0, 0, 0)
    assert data["unchanged"] == data["chunks"] == len(want)
    print(f"\nSIGKILLed {kills} times in {runs} runs over {len(paths)} documents / {len(want)} chunks")


def _chunk_kw() -> dict[str, int]:
    return {"chunk_size": CHUNK_SIZE, "chunk_overlap": CHUNK_OVERLAP}


def test_lexical_index_follows_an_ingest_killed_before_its_commit_mark(tmp_path: Path) -> None:
    from rag.ingest import Ingestor, IngestReport, ingest_paths
    from rag.lexical import LexicalCache
    from rag.loaders import load_file
    from rag.store import Store

    settings = make_settings(tmp_path / "store")
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("The lighthouse keeper retired in May after forty winters.\n")
    b.write_text("The orchard festival moved to the old pier this autumn.\n")
    ingest_paths(settings, [a])
    assert len(LexicalCache(Store(settings)).get().ids) == 1  # built and saved beside the store

    # A run that wrote b's chunks and record, then died before completing (no final revision).
    Ingestor(settings, Store(settings)).ingest_document(load_file(b, 10**6), IngestReport())
    assert Store(settings).interrupted()
    assert len(LexicalCache(Store(settings)).get().ids) == 2  # readers see the write, not the saved index

    report = ingest_paths(settings, [a, b])
    assert (report.added, report.updated, report.removed) == (0, 0, 0)
    assert not Store(settings).interrupted()
    index = LexicalCache(Store(settings)).get()
    assert len(index.ids) == 2 and "+" not in index.revision


def test_rebuild_killed_between_its_two_deletions_loses_nothing(tmp_path: Path) -> None:
    from rag.ingest import ingest_paths
    from rag.store import Store

    settings = make_settings(tmp_path / "store")
    write_corpus(tmp_path / "docs", 6, seed=9)
    chunks = ingest_paths(settings, [tmp_path / "docs"]).chunks
    store = Store(settings)
    delete = store.client.delete_collection

    def killed_after_the_first(name: str) -> None:
        delete(name)
        raise SystemExit("killed")  # the process dies right after the first of the two deletions

    store.client.delete_collection = killed_after_the_first
    with pytest.raises(SystemExit):
        store.drop()
    report = ingest_paths(settings, [tmp_path / "docs"])
    assert report.chunks == chunks == Store(settings).count()


# -- 2. one writer ------------------------------------------------------------------------------------------------
QUESTION = "Which newspaper broke the news?"


def test_second_ingest_waits_or_fails_clearly_and_the_chat_keeps_answering(tmp_path: Path) -> None:
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths
    from rag.store import Store
    from tests.conftest import SEED

    store = tmp_path / "store"
    settings = make_settings(store)
    ingest_paths(settings, [SEED])
    seed_chunks = Store(settings).count()
    env = child_env(store)
    corpora = {name: write_corpus(tmp_path / name, 80, seed=i, tag=name) for i, name in enumerate(("a", "b"))}
    bot = Chatbot(settings)
    assert "Wall Street Journal" in bot.ask(QUESTION).text

    holder = Store(settings).write_lock()  # this process is the writer now
    holder.__enter__()
    try:
        first, first_err = spawn_ingest(env, str(tmp_path / "a"))
        assert first_err.wait_for("waiting", 1, timeout=120), first_err.all()
        second, second_err = spawn_ingest(env, str(tmp_path / "b"))
        assert second_err.wait_for("waiting", 1, timeout=120), second_err.all()

        short = rag("ingest", str(tmp_path / "b"), env={**env, "RAG_LOCK_TIMEOUT": "1"}, timeout=120)
        assert short.code == 1
        assert "waiting" in short.err and "Traceback" not in short.err
        lines = short.error_lines()
        assert len(lines) == 1, short.err
        assert "another ingest is still writing" in lines[0] and "RAG_LOCK_TIMEOUT" in lines[0]

        ans = bot.ask(QUESTION)  # readers do not wait for the lock
        assert "Wall Street Journal" in ans.text and ans.error is None
    finally:
        holder.__exit__(None, None, None)

    # The two waiting ingests now run one after the other; the chat and `rag search` keep answering meanwhile.
    search = subprocess.Popen(
        [str(RAG), "search", "newspaper", "--json"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    asks = during = 0
    while first.poll() is None or second.poll() is None:
        ans = bot.ask(QUESTION)
        assert ans.error is None and "Wall Street Journal" in ans.text
        asks += 1
        during += first.poll() is None or second.poll() is None
        assert asks < 5000
    out, err = search.communicate(timeout=180)
    assert search.returncode == 0, err
    assert json.loads(out)["passages"]
    for proc, reader in ((first, first_err), (second, second_err)):
        assert proc.wait(timeout=180) == 0, reader.all()
    assert during >= 1

    s = fresh_store(store)
    got = s.chunks().get(include=["documents", "metadatas"])
    want = expected_chunks(corpora["a"] + corpora["b"], 500, 100)
    assert len(got["ids"]) == seed_chunks + len(want) == len(set(got["ids"]))
    assert want <= stored_chunks(got)
    print(f"\n{asks} answers during the ingests ({during} while one was writing)")


def test_parallel_ingests_into_a_chroma_server_all_land(chroma_server, tmp_path: Path) -> None:  # noqa: ANN001
    from rag.settings import Settings
    from rag.store import Store

    collection = f"parallel-{os.getpid()}-{tmp_path.name}"[:60]
    env = child_env(
        None, RAG_CHROMA_URL=chroma_server.url, RAG_COLLECTION=collection, RAG_CHROMA_DIR=str(tmp_path / "unused")
    )
    corpora = [write_corpus(tmp_path / f"c{i}", 60, seed=100 + i, tag=f"c{i}-") for i in range(3)]
    procs = [spawn_ingest(env, str(tmp_path / f"c{i}")) for i in range(3)]
    for proc, reader in procs:
        assert proc.wait(timeout=300) == 0, reader.all()

    settings = Settings(
        chroma_url=chroma_server.url, collection=collection, chroma_dir=str(tmp_path / "unused"), _env_file=None
    )  # type: ignore[call-arg]
    s = Store(settings)
    got = s.chunks().get(include=["documents", "metadatas"])
    want = expected_chunks([p for c in corpora for p in c], 500, 100)
    assert len(got["ids"]) == len(set(got["ids"])) == len(want)
    assert len(want) == sum(len(expected_chunks(c, 500, 100)) for c in corpora)
    assert stored_chunks(got) == want
    assert len(s.documents().get(include=[])["ids"]) == 180
    assert not s.interrupted()
    assert not (tmp_path / "unused").exists()


# -- 3. a damaged store -------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store of 1200 chunks, over Chroma's threshold for writing its vector index to disk.

    Written through the Store API with random unit vectors: embedding 1200 texts would only slow the tests down,
    the files on disk are the same.
    """
    import numpy as np

    from rag.ingest import chunk_id, doc_id
    from rag.store import Store, _forget_client

    store = tmp_path_factory.mktemp("built") / "store"
    s = Store(make_settings(store, **_chunk_kw()))
    col = s.chunks(create=True)
    vectors = np.random.default_rng(8).normal(size=(1200, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    texts = [f"Note {i} says the harbour ferry timetable changed on day {i * 7}." for i in range(1200)]
    sources = [f"/news/note-{i // 4:04d}.txt" for i in range(1200)]
    for lo in range(0, 1200, 300):
        part = range(lo, lo + 300)
        col.upsert(
            ids=[chunk_id(sources[i], 0, texts[i]) for i in part],
            embeddings=vectors[lo : lo + 300],
            documents=[texts[i] for i in part],
            metadatas=[{"source": sources[i], "start": 0, "end": len(texts[i]), "doc_sha256": "-"} for i in part],
        )
    names = sorted(set(sources))
    s.documents().upsert(
        ids=[doc_id(n) for n in names],
        embeddings=[[1.0]] * len(names),
        documents=names,
        metadatas=[{"source": n, "sha256": "-", "chunks": 4, "chunker": "-"} for n in names],
    )
    s.bump_revision()
    assert s.count() == 1200
    _forget_client(store)  # stop this process's client: everything is on disk before the copies are made
    return store, 1200


def chunk_index(store: Path) -> Path:
    """The folder of the largest vector index (the chunk collection's)."""
    return max(store.glob("*/data_level0.bin"), key=lambda p: p.stat().st_size).parent


def _zero(path: Path) -> None:
    path.write_bytes(b"\0" * path.stat().st_size)


def _truncate(path: Path, fraction: float) -> None:
    with path.open("r+b") as fh:
        fh.truncate(int(path.stat().st_size * fraction))


DAMAGE = {
    "index data truncated": lambda store, idx: _truncate(idx / "data_level0.bin", 0.5),
    "index data zeroed": lambda store, idx: _zero(idx / "data_level0.bin"),
    "index header zeroed": lambda store, idx: _zero(idx / "header.bin"),
    "index metadata zeroed": lambda store, idx: _zero(idx / "index_metadata.pickle"),
    "index file missing": lambda store, idx: (idx / "link_lists.bin").unlink(),
    "sqlite zeroed": lambda store, idx: _zero(store / "chroma.sqlite3"),
    "sqlite truncated": lambda store, idx: _truncate(store / "chroma.sqlite3", 0.3),
    "sqlite missing": lambda store, idx: (store / "chroma.sqlite3").unlink(),
}


def _files(store: Path) -> dict[str, int]:
    return {
        str(p.relative_to(store)): p.stat().st_size
        for p in store.rglob("*")
        if p.is_file() and p.name != ".write.lock" and "lexical" not in p.parts
    }


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_damaged_store_is_reported_with_the_rebuild_command(damage: str, built_store, tmp_path: Path) -> None:  # noqa: ANN001
    import shutil
    import struct

    from tests.conftest import SEED

    source, chunks = built_store
    store = tmp_path / "store"
    shutil.copytree(source, store)
    index = chunk_index(store)
    assert struct.unpack_from("<iQQQ", (index / "header.bin").read_bytes())[3] > 0  # vectors on disk to damage
    DAMAGE[damage](store, index)
    damaged = _files(store)
    env = child_env(store, **CHUNK_ENV)

    for args in (("search", "harbour ferry"), ("ask", "What changed at the harbour?")):
        run = rag(*args, env=env, timeout=120)
        assert run.code == 1, run.out + run.err
        assert "Traceback" not in run.err and run.out == ""
        lines = run.error_lines()
        assert len(lines) == 1 and "damaged" in lines[0] and "rag ingest --rebuild" in lines[0], run.err
    doctor = rag("doctor", env=env, timeout=120)
    assert doctor.code == 1 and "Traceback" not in doctor.err
    health = [line for line in doctor.out.splitlines() if "store health" in line]
    assert health and health[0].startswith("[FAIL]") and "rag ingest --rebuild" in health[0]
    assert _files(store) == damaged  # opening a damaged store changes nothing (no empty store in its place)

    rebuilt = rag("ingest", "--rebuild", str(SEED), "--json", env=env, timeout=180)
    assert rebuilt.code == 0, rebuilt.err
    assert 0 < json.loads(rebuilt.out)["chunks"] == fresh_store(store, **_chunk_kw()).count() < chunks


# -- 4. bad input files -------------------------------------------------------------------------------------------
NOBODY = 65534


@pytest.fixture()
def shared_dir() -> Iterator[Path]:
    """A folder outside pytest's private temp dir that an unprivileged child can use."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="rag-bad-input-"))
    path.chmod(0o777)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def make_bad_inputs(folder: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Write the fixture set: {name: expected message part} of files to refuse, {name: a phrase} of files to keep."""
    rng = random.Random(4)
    bad: dict[str, str] = {}
    good: dict[str, str] = {}

    def put(name: str, data: bytes) -> Path:
        path = folder / name
        path.write_bytes(data)
        path.chmod(0o644)
        return path

    put("blank.txt", b"  \n\n\t \n")
    bad["blank.txt"] = "no text in file"
    put("zero.txt", b"")
    bad["zero.txt"] = "empty file (0 bytes)"
    put("picture.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(4000))
    bad["picture.md"] = "binary file"
    put("noise.md", bytes(rng.randrange(128, 256) for _ in range(4000)))
    bad["noise.md"] = "not valid UTF-8"
    put("latin1.txt", "Le caf\u00e9 de la gare ferme \u00e0 midi.\n".encode("latin-1"))
    bad["latin1.txt"] = "not valid UTF-8"
    with (folder / "huge.txt").open("wb") as fh:  # 50 MB of ordinary lines
        line = b"The council met again to discuss the harbour budget and the ferry timetable.\n"
        for _ in range(50_000_000 // len(line) + 1):
            fh.write(line)
    bad["huge.txt"] = "over the 20 MB limit (RAG_MAX_FILE_MB)"
    with (folder / "one-line.txt").open("wb") as fh:  # 10 MB without a line break
        fh.write(b"word " * 2_000_000)
    bad["one-line.txt"] = "is not article text"
    (folder / "loop-a.txt").symlink_to(folder / "loop-b.txt")
    (folder / "loop-b.txt").symlink_to(folder / "loop-a.txt")
    bad["loop-a.txt"] = bad["loop-b.txt"] = "cannot read (Too many levels of symbolic links)"
    (folder / "dangling.txt").symlink_to(folder / "gone.txt")
    bad["dangling.txt"] = "cannot read (No such file or directory)"
    os.mkfifo(folder / "pipe.txt")
    bad["pipe.txt"] = "not a regular file (a pipe or device)"
    (folder / "endless.txt").symlink_to("/dev/zero")
    bad["endless.txt"] = "not a regular file (a pipe or device)"
    put("locked.txt", b"The locked file says the mayor resigned.\n").chmod(0)
    bad["locked.txt"] = "cannot read (Permission denied)"
    put("bad\nname.txt", b"")
    bad["bad\nname.txt"] = "empty file (0 bytes)"
    (folder / "subdir-loop").symlink_to(folder)  # a folder link back up: not followed

    put(
        "page.html",
        b"<html><head><script>steal(document.cookie)</script><style>p{color:red}</style></head>"
        b"<body><p>The museum reopens on Sunday with a new gallery.</p>"
        b"<script type='module'>alert('owned')</script><p>Entry stays free for children.</p></body></html>",
    )
    good["page.html"] = "The museum reopens on Sunday"
    put("plain note.txt", b"The tram depot will close for repairs in March.\n")
    good["plain note.txt"] = "tram depot"
    put("caf\u00e9 \u65b0\u95fb \u00fcber.md", "The caf\u00e9 on the pier won a prize \u2014 \u20ac500.\n".encode())
    good["caf\u00e9 \u65b0\u95fb \u00fcber.md"] = "won a prize"
    put("new\nline.txt", b"The night bus now stops at the hospital.\n")
    good["new\nline.txt"] = "night bus"
    (folder / "folder.txt").mkdir()  # a folder named like a file is walked, not read
    (folder / "folder.txt").chmod(0o755)
    put("folder.txt/inside.txt", b"The library extends its opening hours in winter.\n")
    good["folder.txt/inside.txt"] = "opening hours"
    return bad, good


def test_bad_input_files_are_refused_one_message_each_and_the_rest_ingest(shared_dir: Path) -> None:
    from rag.loaders import shown

    docs = shared_dir / "docs"
    docs.mkdir()
    docs.chmod(0o777)
    bad, good = make_bad_inputs(docs)
    assert len(bad) >= 10
    store = shared_dir / "store"
    env = child_env(store)
    as_nobody = os.geteuid() == 0  # root reads any file: the child drops to nobody so the mode bits apply
    if as_nobody:
        env.update({"HOME": str(shared_dir), "RAG_ONNX": "0"})
    else:
        assert not os.access(docs / "locked.txt", os.R_OK)

    run = rag_as(("ingest", str(docs)), env=env, user=NOBODY if as_nobody else None, timeout=300)
    assert run.code == 1, run.err
    assert "Traceback" not in run.err
    lines = run.error_lines()
    assert len(lines) == len(bad), "\n".join(lines)
    for name, why in bad.items():
        mine = [line for line in lines if line.startswith(f"error: {shown(docs / name)}: ")]
        assert len(mine) == 1 and why in mine[0], (name, lines)
    assert run.max_rss_mb < 2048, f"peak RSS {run.max_rss_mb:.0f} MB"

    s = fresh_store(store)
    got = s.chunks().get(include=["documents", "metadatas"])
    sources = {str(m["source"]) for m in got["metadatas"]}
    assert sources == {str((docs / name).resolve()) for name in good}
    text = "\n".join(got["documents"])
    for phrase in good.values():
        assert phrase in text
    assert "Entry stays free for children." in text
    assert "steal" not in text and "alert" not in text and "color:red" not in text
    records = {str(m["source"]) for m in s.documents().get(include=["metadatas"])["metadatas"]}
    assert records == sources
    print(f"\n{len(bad)} bad files refused, {len(good)} kept, peak RSS {run.max_rss_mb:.0f} MB")


def rag_as(args: tuple[str, ...], env: dict[str, str], user: int | None, timeout: float) -> Run:
    """``rag ARGS`` as another user through setpriv (or as this one when ``user`` is None)."""
    if user is None:
        return rag(*args, env=env, timeout=timeout)
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is missing: file mode bits cannot apply to the child")
    drop = [setpriv, f"--reuid={user}", f"--regid={user}", "--clear-groups"]
    return rag(*args, env=env, timeout=timeout, prefix=drop)


# -- 5. bad configuration -----------------------------------------------------------------------------------------
BAD_CONFIG = [
    ("RAG_TOP_K", "abc", "expected an integer from 1 to 50"),
    ("RAG_CHUNK_SIZE", "1.5", "expected an integer from 50 to 20000"),
    ("RAG_MAX_FILE_MB", "big", "expected a number above 0"),
    ("RAG_LOCK_TIMEOUT", "-1", "expected a number of at least 0"),
    ("RAG_LLM", "gpt-4o", "valid: auto, extractive, openai:<model>"),
    ("RAG_EMBEDDING_MODEL", "bert", "valid: local:<model name or path>, openai:<model>"),
]


@pytest.mark.parametrize(("var", "value", "valid"), BAD_CONFIG)
def test_bad_value_in_dotenv_exits_2_naming_the_variable_and_the_valid_values(
    var: str, value: str, valid: str, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(f"# settings\nRAG_CHROMA_DIR={tmp_path / 'store'}\n{var}={value}\n")
    run = rag("search", "anything", env=child_env(), cwd=tmp_path, timeout=60)
    assert run.code == 2, run.err
    assert run.out == "" and "Traceback" not in run.err
    lines = run.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: bad configuration: "), run.err
    assert f"{var}: " in lines[0] and repr(value) in lines[0] and valid in lines[0]
    assert not (tmp_path / "store").exists()


def test_embedding_model_that_does_not_load_stops_the_ingest_once(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"RAG_CHROMA_DIR={tmp_path / 'store'}\nRAG_EMBEDDING_MODEL=local:/no/such/model\n")
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("The pier reopens on Monday.\n")
    run = rag("ingest", "a.txt", "b.txt", env=child_env(), cwd=tmp_path, timeout=120)
    assert run.code == 2 and "Traceback" not in run.err
    lines = run.error_lines()
    assert len(lines) == 1 and "RAG_EMBEDDING_MODEL" in lines[0] and "/no/such/model" in lines[0], run.err
    assert fresh_store(tmp_path / "store").count() == 0

    (tmp_path / ".env").write_text(f"RAG_CHROMA_DIR={tmp_path / 'store'}\n")  # fixed: the same store now takes it
    run = rag("ingest", "a.txt", "b.txt", env=child_env(), cwd=tmp_path, timeout=120)
    assert run.code == 0, run.err
    assert fresh_store(tmp_path / "store").count() == 2


def test_doctor_reports_health_settings_model_files_and_server_reachability(
    chroma_server, built_store, tmp_path: Path  # noqa: ANN001
) -> None:
    from tests.servers import free_port

    store, chunks = built_store
    run = rag("doctor", "--json", env=child_env(store, **CHUNK_ENV), timeout=120)
    assert run.code == 0, run.out + run.err
    report = json.loads(run.out)
    checks = {c["name"]: c for c in report["checks"]}
    assert all(c["ok"] for c in checks.values())
    assert f"{chunks} chunks" in checks["store health"]["detail"]
    assert checks["query"]["ok"] and checks["embedding model files"]["ok"]
    assert "chunk=150/30" in checks["settings"]["detail"]
    assert report["settings"]["chroma_dir"] == str(store) and report["settings"]["chunk_size"] == CHUNK_SIZE

    up = rag("doctor", env=child_env(tmp_path / "unused", RAG_CHROMA_URL=chroma_server.url), timeout=120)
    assert up.code == 0 and f"[ok  ] chroma server: {chroma_server.url} reachable" in up.out, up.out + up.err

    closed = f"http://127.0.0.1:{free_port()}"
    down = rag("doctor", env=child_env(tmp_path / "unused", RAG_CHROMA_URL=closed), timeout=120)
    assert down.code == 1 and "Traceback" not in down.err
    line = next(line for line in down.out.splitlines() if "chroma server" in line)
    assert line.startswith("[FAIL]") and closed in line
