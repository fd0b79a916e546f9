"""Hybrid retrieval among unrelated documents: a word in common is not enough to push the article out."""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.embeddings import get_embeddings
from rag.ingest import ingest_paths
from rag.lexical import LexicalIndex, bm25_arrays
from rag.retrieval import HybridSearcher
from rag.store import Store
from rag.text import tokens
from tests.conftest import SEED, make_settings

CALENDAR = [
    "Each month row contains up to width months, and the months of a year are laid out in rows.",
    "The return value is a list of month rows; each month row holds the weeks of the month.",
    "Days outside this month are zero in the month's week lists, so every month has whole weeks.",
    "Set the first weekday of the month display with firstweekday; months start on Monday by default.",
]


def test_a_lexical_only_match_far_in_meaning_is_dropped(tmp_path: Path) -> None:
    calendar = tmp_path / "calendar.txt"
    calendar.write_text("\n\n".join(CALENDAR) + "\n")
    settings = make_settings(tmp_path / "store", chunk_size=120, chunk_overlap=0)
    ingest_paths(settings, [SEED, calendar])
    searcher = HybridSearcher(Store(settings), get_embeddings(settings.embedding_model), depth=3)
    question = "What is Kyiv bracing for against its power grid in the cold months?"
    # BM25 alone ranks the calendar first ("months"), far from the article in meaning.
    index = searcher.lexical.get()
    assert "calendar" in index_source(searcher, index.ids[index.search(question, 1)[0][0]])
    hits = searcher.search(question, 3)
    assert len(hits) == 3 and all(h.passage.source.endswith(SEED.name) for h in hits)
    # A lexical match close in meaning is still found: the article's own words.
    hits = searcher.search("energy infrastructure this winter", 1)
    assert hits[0].lexical > 0 and "energy infrastructure" in hits[0].passage.text


def index_source(searcher: HybridSearcher, chunk_id: str) -> str:
    got = searcher.store.chunks().get(ids=[chunk_id], include=["metadatas"])
    return str(got["metadatas"][0]["source"])


def test_words_no_chunk_uses_are_looked_for_in_related_words() -> None:
    from rag.retrieval import expand_query

    vocabulary = {"iran", "deny", "missil", "send"}
    expanded = expand_query("Did Tehran admit to sending the rockets?", lambda t: 1 if t in vocabulary else 0)
    assert expanded.startswith("Did Tehran admit to sending the rockets?")
    added = expanded.removeprefix("Did Tehran admit to sending the rockets?").split()
    assert {"iran", "deny", "missile"} <= set(added)
    assert all(t in vocabulary for w in added for t in tokens(w))  # only words some chunk uses
    # A word the chunks use is matched as asked, not widened.
    assert expand_query("Did Iran send missiles?", lambda t: 1 if t in vocabulary else 0) == "Did Iran send missiles?"


def small_index(texts: list[str]) -> LexicalIndex:
    vocab, data, indices, indptr = bm25_arrays([tokens(t) for t in texts])
    return LexicalIndex("r", [f"c{i}" for i in range(len(texts))], vocab, data, indices, indptr)


def test_the_index_bm25_is_bm25s_lucene() -> None:
    import bm25s

    from rag.lexical import K1, B
    from rag.text import sentence_spans

    text = SEED.read_text(encoding="utf-8")
    docs = [tokens(text[s:e]) or ["\u2205"] for s, e in sentence_spans(text)]
    vocab, data, indices, indptr = bm25_arrays(docs)
    reference = bm25s.BM25(k1=K1, b=B)
    reference.index(docs, show_progress=False)
    sc = reference.scores
    for term, t in vocab.items():
        r = reference.vocab_dict[term]
        ours = dict(
            zip(indices[indptr[t] : indptr[t + 1]].tolist(), data[indptr[t] : indptr[t + 1]].tolist(), strict=True)
        )
        theirs = dict(
            zip(
                sc["indices"][sc["indptr"][r] : sc["indptr"][r + 1]].tolist(),
                sc["data"][sc["indptr"][r] : sc["indptr"][r + 1]].tolist(),
                strict=True,
            )
        )
        assert ours.keys() == theirs.keys()
        assert all(abs(ours[k] - theirs[k]) < 1e-5 for k in ours), term


def test_bm25_within_the_candidates_weighs_the_telling_word() -> None:
    article = [
        "Missiles were delivered to Russia; the missiles arrived by sea.",
        "The mission denied the transfer of weapons.",
        "Ballistic missiles were shown to a Russian official.",
        "Russia fired the missiles at Ukrainian cities.",
    ]
    unrelated = [f"Access denied: user {i} may not open the file." for i in range(20)]
    index = small_index(article + unrelated)
    question = "Who denied the missiles?"
    # Over the whole store "missiles" is rare and "denied" common: the chunk that says "missiles" twice wins.
    assert index.search(question, 1)[0][0] == 0
    # Weighed within the article's chunks, "denied" tells them apart.
    local = index.rescore(question, [0, 1, 2, 3])
    assert max(range(4), key=lambda i: local[i]) == 1
    # Over every chunk, the rescored BM25 is the plain one.
    every = list(range(len(article + unrelated)))
    assert index.rescore(question, every) == pytest.approx(index.scores(question).tolist(), rel=1e-5)


def test_the_document_most_hits_come_from_ranks_its_passages_as_if_alone(tmp_path: Path) -> None:
    # Unrelated documents that make the article's word "denied" common and its topic words rare.
    denials = tmp_path / "access.txt"
    denials.write_text(
        "\n\n".join(
            f"Access was denied to account {i} because the permission check of the file server failed."
            for i in range(60)
        )
        + "\n"
    )
    calendar = tmp_path / "calendar.txt"
    calendar.write_text("\n\n".join(CALENDAR) + "\n")
    alone = make_settings(tmp_path / "alone", chunk_size=300, chunk_overlap=0)
    crowd = make_settings(tmp_path / "crowd", chunk_size=300, chunk_overlap=0)
    ingest_paths(alone, [SEED])
    ingest_paths(crowd, [SEED, denials, calendar])
    embeddings = get_embeddings(alone.embedding_model)
    by_itself = HybridSearcher(Store(alone), embeddings)
    among_others = HybridSearcher(Store(crowd), embeddings)
    for question in ("Who denied the transfer of the missiles?", "What did Iran urge other countries to do?"):
        expected = [(h.passage.start, h.passage.end) for h in by_itself.search(question, 6)]
        got = among_others.search(question, 6)
        assert all(h.passage.source.endswith(SEED.name) for h in got)
        assert [(h.passage.start, h.passage.end) for h in got] == expected, question


def test_the_one_chunk_saying_the_rare_words_asked_is_found_whatever_its_dense_rank(seed_bot) -> None:  # noqa: ANN001
    # Dense similarity ranks the denial tenth of the seed's chunks (every chunk speaks of missiles sent to Russia);
    # BM25 scores it three times any other ("denied"): reciprocal ranks alone left it out of the six passages.
    question = "Who denied that the missiles had been transferred to Russia?"
    from rag.chain import retrieval_query

    hits = seed_bot.searcher.search(retrieval_query(question), 6)
    assert any("denied the transfer" in h.passage.text for h in hits)
    ans = seed_bot.ask(question)
    assert "Iran's Permanent Mission" in ans.text and ans.citations, ans.text
