"""Ingest and hybrid retrieval on a real Chroma store with the real embedding model."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.errors import StoreError
from rag.ingest import ingest_paths
from rag.loaders import load_file
from rag.retrieval import HybridSearcher
from rag.store import Store
from tests.conftest import SEED, make_settings

BIG = 10_000_000


def searcher(settings) -> HybridSearcher:  # noqa: ANN001
    from rag.embeddings import get_embeddings

    return HybridSearcher(Store(settings), get_embeddings(settings.embedding_model))


def source_text(source: str) -> str:
    """What offsets index: the file's UTF-8 text, newlines kept as they are, a leading BOM dropped."""
    return Path(source).read_bytes().decode("utf-8-sig")


def chunks_by_source(settings) -> dict[str, list[tuple[str, str, dict]]]:  # noqa: ANN001
    out: dict[str, list[tuple[str, str, dict]]] = {}
    for cid, text, meta in Store(settings).iter_chunks():
        out.setdefault(str(meta["source"]), []).append((cid, text, meta))
    return out


def assert_offsets_exact(settings) -> int:  # noqa: ANN001
    n = 0
    for source, rows in chunks_by_source(settings).items():
        text = source_text(source)
        assert load_file(Path(source), BIG).text == text
        for _, chunk, meta in rows:
            assert text[int(meta["start"]) : int(meta["end"])] == chunk
            n += 1
    return n


# -- the seed article ---------------------------------------------------------------------------------------------
def test_seed_question_finds_the_passage(seed_settings) -> None:  # noqa: ANN001
    hits = searcher(seed_settings).search("Which newspaper broke the news?", 3)
    assert any("Wall Street Journal broke the news" in h.passage.text for h in hits)


def test_seed_offsets_slice_the_source_exactly(seed_settings) -> None:  # noqa: ANN001
    assert assert_offsets_exact(seed_settings) > 1
    assert set(chunks_by_source(seed_settings)) == {str(SEED.resolve())}


def test_offsets_with_crlf_unicode_emoji_and_bom(store_settings, tmp_path: Path) -> None:  # noqa: ANN001
    para = (
        "The \u201cmayor\u201d said the caf\u00e9 budget \u2014 \u20ac2.5m \u2014 was final \U0001f600. "
        "Residents weren\u2019t told; na\u00efve plans were dropped \U0001f44d\U0001f3fd.\r\n"
    )
    body = "\r\n".join(para * 3 for _ in range(6))
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    settings = make_settings(Path(store_settings.chroma_dir), chunk_size=200, chunk_overlap=40)
    report = ingest_paths(settings, [path])
    assert not report.errors
    assert report.added == report.chunks > 3
    assert assert_offsets_exact(settings) == report.chunks
    texts = [t for _, t, _ in Store(settings).iter_chunks()]
    assert not any(t.startswith("\ufeff") for t in texts)
    assert any("\U0001f600" in t for t in texts)


# -- idempotent ingest --------------------------------------------------------------------------------------------
def test_reingest_edit_prune_and_rebuild(store_settings, tmp_path: Path) -> None:  # noqa: ANN001
    docs = tmp_path / "docs"
    docs.mkdir()
    a, b = docs / "a.txt", docs / "b.md"
    a.write_text("The harbour board met on Monday.\n\nIt approved new cranes for the east quay.\n")
    b.write_text("# Parks\n\nThe parks office hired four gardeners for the spring season.\n")
    s = store_settings

    first = ingest_paths(s, [docs])
    assert first.documents == 2 and first.added == first.chunks > 0 and not first.errors

    again = ingest_paths(s, [docs])
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == again.chunks == first.chunks

    a.write_text("The harbour board met on Friday.\n\nIt rejected the crane purchase after a long debate.\n")
    edited = ingest_paths(s, [a])
    assert edited.updated > 0 and edited.removed > 0 and edited.added == 0
    by_source = chunks_by_source(s)
    a_texts = [t for _, t, _ in by_source[str(a.resolve())]]
    assert not any("Monday" in t or "cranes" in t for t in a_texts)
    assert any("rejected the crane purchase" in t for t in a_texts)
    assert edited.chunks == Store(s).count() == sum(len(v) for v in by_source.values())
    assert assert_offsets_exact(s) == edited.chunks

    b_chunks = len(by_source[str(b.resolve())])
    b.unlink()
    kept = ingest_paths(s, [docs])  # without --prune the deleted file's chunks stay
    assert kept.removed == 0 and kept.chunks == edited.chunks
    pruned = ingest_paths(s, [docs], prune=True)
    assert pruned.removed == b_chunks
    assert set(chunks_by_source(s)) == {str(a.resolve())}
    assert pruned.chunks == edited.chunks - b_chunks

    c = tmp_path / "c.txt"
    c.write_text("The library extended its opening hours on Sundays.\n")
    rebuilt = ingest_paths(s, [c], rebuild=True)
    assert rebuilt.added == rebuilt.chunks == Store(s).count() > 0
    assert set(chunks_by_source(s)) == {str(c.resolve())}
    hits = searcher(s).search("library opening hours", 3)
    assert hits and "library" in hits[0].passage.text


def test_other_embedding_model_is_refused_naming_rebuild(store_settings, tmp_path: Path) -> None:  # noqa: ANN001
    doc = tmp_path / "one.txt"
    doc.write_text("The tram line to the airport opens in May.\n")
    built = ingest_paths(store_settings, [doc])
    assert built.added > 0
    other = make_settings(Path(store_settings.chroma_dir), embedding_model="local:some/other")
    store = Store(other)
    for _ in range(2):  # the refusal holds on every call, not only the first
        with pytest.raises(StoreError, match="--rebuild"):
            store.count()
    with pytest.raises(StoreError, match="--rebuild"):
        ingest_paths(other, [doc])
    assert Store(store_settings).count() == built.chunks


# -- a Chroma server ----------------------------------------------------------------------------------------------
def test_server_mode_ingest_and_search(chroma_server, tmp_path: Path) -> None:  # noqa: ANN001
    from rag.settings import Settings

    s = Settings(
        chroma_url=chroma_server.url, collection="srv-test", chroma_dir=str(tmp_path / "unused"), _env_file=None
    )  # type: ignore[call-arg]
    report = ingest_paths(s, [SEED])
    assert report.chunks > 0 and not report.errors
    assert ingest_paths(s, [SEED]).added == 0
    hits = searcher(s).search("Which newspaper broke the news?", 3)
    assert any("Wall Street Journal broke the news" in h.passage.text for h in hits)
    assert hits[0].passage.source == str(SEED.resolve())
    assert not (tmp_path / "unused").exists()


# -- hybrid retrieval ---------------------------------------------------------------------------------------------
TOPICS = (
    "road repairs, school maintenance, public transit, park upkeep, street lighting, library hours, water mains, "
    "snow removal, police overtime, fire stations, housing grants, waste collection, bridge inspections, senior "
    "services, youth sports, sewer upgrades, bike lanes, tree planting, museum funding, harbour dredging, bus "
    "shelters, pension costs, recycling centres, emergency shelters, public pools, traffic signals, sidewalk repairs, "
    "community centres, storm drains, city hall heating"
).split(", ")
# Spelling variants of the name: close for the embedding model, different words for BM25.
LOOKALIKES = ("Zbigniev Quarterfeld", "Zbygniew Quartierfield", "Zbignev Quarterfelt", "Sbigniew Kwarterfield")
RARE = (
    "The city council debated the budget line for pothole patching on Tuesday evening. Officials, among them "
    "Zbigniew Quarterfield, said spending would rise slightly next year, and residents were invited to comment "
    "before the final vote."
)


@pytest.fixture(scope="module")
def budget_settings(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    folder = tmp_path_factory.mktemp("budget")
    paras = []
    for i, topic in enumerate(TOPICS):
        if i < 10:
            paras.append(
                f"The budget line for {topic} was presented by {LOOKALIKES[i % 4]}, "
                "who said spending would rise slightly next year."
            )
        else:
            paras.append(
                f"The city council debated the budget line for {topic} on Tuesday evening. Officials said spending "
                "would rise slightly next year, and residents were invited to comment before the final vote."
            )
    paras.insert(17, RARE)
    (folder / "budget.txt").write_text("\n\n".join(paras) + "\n")
    settings = make_settings(folder / "store", chunk_size=240, chunk_overlap=50)
    report = ingest_paths(settings, [folder / "budget.txt"])
    assert report.chunks == len(paras)  # one paragraph per chunk
    return settings


def test_rare_name_is_found_first_by_its_lexical_match(budget_settings) -> None:  # noqa: ANN001
    hits = searcher(budget_settings).search("Zbigniew Quarterfield", 31)
    assert hits[0].passage.text == RARE
    assert hits[0].lexical > 0
    assert all(h.lexical == 0 for h in hits[1:])
    by_dense = sorted(hits, key=lambda h: -h.dense)
    assert by_dense[0].passage.text != RARE  # dense alone prefers a misspelt name
    assert any(name in by_dense[0].passage.text for name in LOOKALIKES)


def test_lexical_index_follows_reingest(store_settings, tmp_path: Path) -> None:  # noqa: ANN001
    doc = tmp_path / "notes.txt"
    doc.write_text("The ferry timetable changes in June.\n\nThe ferry operator is Quillfeather Lines.\n")
    ingest_paths(store_settings, [doc])
    search = searcher(store_settings)  # kept across the re-ingest: its cached index must not go stale
    first = search.search("Quillfeather", 3)
    assert first and first[0].lexical > 0 and "Quillfeather" in first[0].passage.text

    doc.write_text("The ferry timetable changes in June.\n\nThe ferry operator is Brackenwhistle Marine.\n")
    assert ingest_paths(store_settings, [doc]).removed > 0
    for s in (search, searcher(store_settings)):
        new = s.search("Brackenwhistle", 3)
        assert new and new[0].lexical > 0 and "Brackenwhistle" in new[0].passage.text
        old = s.search("Quillfeather", 3)
        assert all(h.lexical == 0 and "Quillfeather" not in h.passage.text for h in old)


# -- batches across documents -------------------------------------------------------------------------------------
def _notes(folder: Path, n: int) -> list[Path]:
    """``n`` notes of one to four paragraphs (a chunk each with ``_small_chunks``)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        paras = [
            f"Note {i}.{j}: the {w} committee met on day {i * 7 + j} and voted on the {w} plan."
            for j, w in enumerate(("harbour", "library", "tram", "orchard")[: 1 + i % 4])
        ]
        path = folder / f"note-{i:02d}.txt"
        path.write_text("\n\n".join(paras) + "\n")
        paths.append(path)
    return paths


def _small_chunks(tmp_path: Path, batch: int = 256):  # noqa: ANN202
    return make_settings(tmp_path / "store", chunk_size=120, chunk_overlap=20, ingest_batch=batch)


class _Recorder:
    """Wraps a Chroma collection and logs its writes as (kind, ids), and its reads."""

    def __init__(self, col, kind: str, log: list) -> None:  # noqa: ANN001
        self._col, self._kind, self._log = col, kind, log

    def upsert(self, **kw) -> None:  # noqa: ANN003
        self._log.append((self._kind, list(kw["ids"])))
        self._col.upsert(**kw)

    def delete(self, **kw) -> None:  # noqa: ANN003
        self._log.append((self._kind + "-delete", list(kw["ids"])))
        self._col.delete(**kw)

    def get(self, **kw):  # noqa: ANN003, ANN201
        self._log.append((self._kind + ("-lookup" if "where" in kw or self._kind == "records" else "-get"), []))
        return self._col.get(**kw)

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._col, name)


def _recording_ingestor(settings, log: list):  # noqa: ANN001, ANN202
    from rag.ingest import Ingestor

    store = Store(settings)
    ingestor = Ingestor(settings, store)
    chunks, docs = store.chunks(create=True), store.documents()
    store._chunks, store._docs = _Recorder(chunks, "chunks", log), _Recorder(docs, "records", log)
    embed = ingestor.embeddings.embed_documents
    calls: list[int] = []  # texts per encoder call

    class Counting:
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            calls.append(len(texts))
            return embed(texts)

    ingestor.embeddings = Counting()
    return ingestor, calls


def test_chunks_of_several_documents_are_embedded_together_and_records_follow_them(tmp_path: Path) -> None:
    from rag.chunking import chunk_text
    from rag.ingest import chunk_id, doc_id

    paths = _notes(tmp_path / "docs", 12)
    s = _small_chunks(tmp_path, batch=7)
    writes: list = []
    ingestor, calls = _recording_ingestor(s, writes)
    report = ingestor.run([tmp_path / "docs"])
    want = {
        chunk_id(str(p.resolve()), c.start, c.text): (str(p.resolve()), c.start, c.end, c.text)
        for p in paths
        for c in chunk_text(p.read_text(), s.chunk_size, s.chunk_overlap)
    }
    assert report.added == report.chunks == len(want) and not report.errors
    assert max(calls) >= 7 and len(calls) < len(paths)  # several documents per encoder call
    assert sum(calls) == len(want)
    assert [kind for kind, _ in writes if kind.endswith("-lookup")] == ["records-lookup", "chunks-lookup"]

    # Ids, texts and offsets are exactly those of the documents, each stored once.
    got = {cid: (str(m["source"]), int(m["start"]), int(m["end"]), t) for cid, t, m in Store(s).iter_chunks()}
    assert got == want
    assert assert_offsets_exact(s) == len(want)

    # A document's record is written only after every one of its chunks.
    stored_at: dict[str, int] = {}
    recorded_at: dict[str, int] = {}
    for n, (kind, ids) in enumerate(writes):
        for i in ids:
            if kind in ("chunks", "records"):
                (stored_at if kind == "chunks" else recorded_at)[i] = n
    assert set(recorded_at) == {doc_id(str(p.resolve())) for p in paths}
    for cid, (source, *_rest) in want.items():
        assert stored_at[cid] < recorded_at[doc_id(source)]

    again = ingest_paths(s, [tmp_path / "docs"])
    assert (again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, len(want))


def test_a_batch_killed_before_its_records_is_completed_by_the_rerun(tmp_path: Path) -> None:
    from rag.ingest import Ingestor

    paths = _notes(tmp_path / "docs", 10)
    s = _small_chunks(tmp_path, batch=6)
    store = Store(s)
    ingestor = Ingestor(s, store)

    class DiesOnTheSecondBatch(_Recorder):
        def upsert(self, **kw) -> None:  # noqa: ANN003
            if any(kind == "records" for kind, _ in self._log):  # the second batch: its chunks are stored,
                raise SystemExit("killed")  # the process dies before its records
            super().upsert(**kw)

    store._docs = DiesOnTheSecondBatch(store.documents(), "records", [])
    with pytest.raises(SystemExit):
        ingestor.run([tmp_path / "docs"])
    assert Store(s).interrupted()
    recorded = len(Store(s).documents().get()["ids"])
    assert 0 < recorded < len(paths)

    report = ingest_paths(s, [tmp_path / "docs"])
    assert report.added > 0 and report.unchanged > 0 and report.removed == 0
    assert report.chunks == Store(s).count() == assert_offsets_exact(s)
    assert len(Store(s).documents().get()["ids"]) == len(paths)
    assert not Store(s).interrupted()


def test_the_same_file_named_twice_is_written_once(tmp_path: Path) -> None:
    paths = _notes(tmp_path / "docs", 3)
    s = _small_chunks(tmp_path)
    report = ingest_paths(s, [paths[1], tmp_path / "docs", paths[1]])
    assert report.documents == 5 and not report.errors
    assert report.chunks == Store(s).count() == assert_offsets_exact(s) == 6
    assert report.added == report.chunks


def test_ingest_saves_the_lexical_index_of_its_revision(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from rag import lexical

    paths = _notes(tmp_path / "docs", 6)
    s = _small_chunks(tmp_path)
    ingest_paths(s, [tmp_path / "docs"])
    saved = lexical.LexicalCache(Store(s))._load()
    assert saved is not None and saved.revision == Store(s).revision()
    assert set(saved.ids) == {cid for cid, _, _ in Store(s).iter_chunks()}

    paths[2].write_text("The tram depot closed for repairs.\n\nBuses replace the trams until March.\n")
    assert ingest_paths(s, [tmp_path / "docs"]).updated > 0
    store = Store(s)
    saved = lexical.LexicalCache(store)._load()
    assert saved is not None and saved.revision == store.revision()
    # Built from the previous index's vectors plus the new chunks' ones: the same as an index built from scratch.
    fresh = lexical.build_index(store, saved.revision)
    assert saved.ids == fresh.ids and saved.vocab == fresh.vocab
    for name in ("vectors", "data", "indices", "indptr"):
        assert np.array_equal(getattr(saved, name), getattr(fresh, name)), name

    def no_build(*_args: object) -> None:
        raise AssertionError("the first question rebuilt the index")

    monkeypatch.setattr(lexical, "build_index", no_build)
    hits = searcher(s).search("Buses replace the trams", 3)
    assert hits and "Buses replace the trams" in hits[0].passage.text


def _assert_same_index(saved, fresh) -> None:  # noqa: ANN001
    import numpy as np

    assert saved is not None and saved.revision == fresh.revision
    assert saved.ids == fresh.ids and saved.source_names == fresh.source_names
    assert list(saved.vocab.items()) == list(fresh.vocab.items())
    for name in ("vectors", "data", "indices", "indptr", "tf", "lengths", "sources"):
        a, b = getattr(saved, name), getattr(fresh, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


def test_the_lexical_index_each_ingest_updates_is_the_one_built_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag import lexical

    build = lexical.build_index
    built: list[str] = []
    monkeypatch.setattr(
        lexical, "build_index", lambda store, revision, *a: built.append(revision) or build(store, revision, *a)
    )
    paths = _notes(tmp_path / "docs", 9)
    s = _small_chunks(tmp_path, batch=4)  # several writes per run
    questions = ["tram committee", "harbour plan vote", "Buses replace the trams", "orchard day 30", "depot"]

    def check() -> None:
        store = Store(s)
        saved = lexical.LexicalCache(store)._load()
        fresh = build(store, store.revision())
        _assert_same_index(saved, fresh)
        assert len(saved.ids) == store.count()
        every = list(range(len(fresh.ids)))
        for q in questions:
            assert saved.search(q, 5) == fresh.search(q, 5)
            assert saved.rescore(q, every, alone=True) == fresh.rescore(q, every, alone=True)
        hits = searcher(s).search(questions[0], 3)
        assert hits and "tram" in hits[0].passage.text

    ingest_paths(s, paths[:5])  # into an empty store
    check()
    ingest_paths(s, paths[5:])  # more documents
    check()
    paths[2].write_text("The tram depot closed for repairs.\n\nBuses replace the trams until March.\n")
    assert ingest_paths(s, [tmp_path / "docs"]).removed > 0  # a document changed: its old chunks go
    check()
    paths[7].unlink()  # its words and its day numbers leave the vocabulary
    assert ingest_paths(s, [tmp_path / "docs"], prune=True).removed > 0
    check()
    assert ingest_paths(s, [tmp_path / "docs"]).unchanged == Store(s).count()  # nothing written, nothing saved
    check()
    assert built == []  # each index was the previous one updated: no chunk text was read back


def test_an_index_not_saved_after_its_commit_mark_is_rebuilt_by_the_next_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rag import lexical
    from rag.ingest import Ingestor

    paths = _notes(tmp_path / "docs", 6)
    s = _small_chunks(tmp_path)
    ingest_paths(s, paths[:3])
    with monkeypatch.context() as m:  # killed after the run's commit mark, before its index was saved
        m.setattr(Ingestor, "_save_lexical_index", lambda *_a: None)
        ingest_paths(s, paths[3:5])
    store = Store(s)
    stale = lexical.LexicalCache(store)._load()
    assert stale is not None and stale.revision != store.revision()

    ingest_paths(s, paths[5:])  # the saved index is not of the revision this run started from: built anew
    store = Store(s)
    _assert_same_index(lexical.LexicalCache(store)._load(), lexical.build_index(store, store.revision()))
    assert len(lexical.LexicalCache(store)._load().ids) == store.count()
