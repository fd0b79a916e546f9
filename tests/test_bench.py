"""The fast encoder gives the model's vectors, and the benchmark runs end to end in its tiny mode."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from rag.embeddings import bundled_model_path

TEXTS = [
    "Which newspaper broke the news?",
    "Tehran",
    "Iran has delivered short-range ballistic missiles to Russia, officials said on Friday.",
    "The Ukraine Defense Contact Group met at Ramstein. " * 40,  # longer than the model's 256 tokens: truncated
    "Zelensky said Ukraine urgently needs more air defense systems — and long-range weapons.",
    "",
]


def _sentence_transformers(texts: list[str]) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(bundled_model_path()), device="cpu")
    return model.encode(texts, normalize_embeddings=True, show_progress_bar=False)


def test_onnx_export_matches_sentence_transformers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.onnx_encoder import OnnxEncoder, ensure_export

    monkeypatch.setenv("RAG_ONNX_CACHE", str(tmp_path / "onnx"))
    path = ensure_export(bundled_model_path())
    assert path.is_file() and path.is_relative_to(tmp_path)
    assert ensure_export(bundled_model_path()) == path  # cached: made once

    got = OnnxEncoder(bundled_model_path(), path).encode(TEXTS)
    want = _sentence_transformers(TEXTS)
    cosines = (got * want).sum(axis=1)
    assert got.shape == want.shape == (len(TEXTS), 384)
    assert cosines.min() >= 0.999, cosines
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-4)


def test_local_embeddings_use_onnx_and_agree_with_the_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    from rag.embeddings import LocalEmbeddings

    fast = LocalEmbeddings("all-MiniLM-L6-v2")
    fast_vecs = np.array(fast.embed_documents(TEXTS[:3]))
    assert fast.backend == "onnx"

    monkeypatch.setenv("RAG_ONNX", "0")
    slow = LocalEmbeddings("all-MiniLM-L6-v2")
    slow_vecs = np.array(slow.embed_documents(TEXTS[:3]))
    assert slow.backend == "sentence-transformers"
    assert (fast_vecs * slow_vecs).sum(axis=1).min() >= 0.999
    assert np.array(fast.embed_query(TEXTS[0])) @ slow_vecs[0] >= 0.999


def test_onnx_refuses_a_model_it_cannot_reproduce(tmp_path: Path) -> None:
    from rag.onnx_encoder import OnnxUnavailable, check_layout

    (tmp_path / "modules.json").write_text(json.dumps([{"idx": 0, "name": "0", "path": "", "type": "x.Dense"}]))
    with pytest.raises(OnnxUnavailable):
        check_layout(tmp_path)


@pytest.mark.slow
def test_benchmark_tiny_mode_writes_its_reports(tmp_path: Path) -> None:
    from bench.__main__ import main

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):  # stand-ins for the generated distractors: real English, written here
        (docs / f"{i:05d}-note.txt").write_text(
            f"Reference note {i}. The ferry timetable changes in June, and the harbour office publishes the new "
            "crossing times a week ahead. Passengers with bicycles should book a place, because the deck holds "
            "only twelve of them on the morning crossings.\n\n" * 3
        )
    paths = main(
        ["--tiny", "--out", str(tmp_path / "results"), "--distractors", str(docs), "--work", str(tmp_path / "w")]
    )

    result = json.loads(paths["json"].read_text())
    assert set(result["sections"]) == {"cold", "warm", "ingest", "scale", "web", "server"}
    cold = result["sections"]["cold"]
    assert cold["project"]["errors"] == 0 and cold["peer"]["errors"] == 0
    assert cold["project"]["wall_s"] > 0 and cold["project"]["rss_mib"] > 0
    assert result["sections"]["warm"]["project"]["n"] > 0
    assert result["sections"]["ingest"]["throughput_ratio"] > 0
    assert result["sections"]["scale"]["points"][0]["chunks"] > 12
    assert result["sections"]["web"]["1"]["errors"] == 0
    assert "embedded" in result["sections"]["server"] and "server" in result["sections"]["server"]
    assert result["machine"]["load_before"] and result["machine"]["load_after"]

    table = paths["md"].read_text()
    assert "| figure | project | peer |" in table and "cold `rag ask` wall" in table
    pngs = [p for k, p in paths.items() if k not in ("json", "md")]
    assert {p.stem.rsplit("-", 1)[1] for p in pngs} == {"cold", "warm", "scale", "web"}
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in pngs)


def test_lexical_index_scores_like_bm25s(store_settings) -> None:  # noqa: ANN001
    import bm25s

    from rag.ingest import ingest_paths
    from rag.lexical import build_index
    from rag.store import Store
    from rag.text import tokens
    from tests.conftest import SECOND, SEED

    ingest_paths(store_settings, [SEED, SECOND])
    store = Store(store_settings)
    index = build_index(store, "r1")
    texts = {cid: text for cid, text, _ in store.iter_chunks()}
    reference = bm25s.BM25()
    reference.index([tokens(texts[cid]) or ["\u2205"] for cid in index.ids], show_progress=False)
    for query in ("Which newspaper broke the news?", "missiles missiles Russia", "zzzz unknown"):
        q = [t for t in tokens(query) if t in reference.vocab_dict]
        want = reference.get_scores(q) if q else np.zeros(len(index.ids))
        assert np.allclose(index.scores(query), want, atol=1e-5)
    n = len(index.ids)
    df = sum("missil" in set(tokens(t)) for t in texts.values())
    assert index.df("missil") == df > 0
    assert index.idf("missil") == pytest.approx(np.log(1 + (n + 1) / (df + 0.5)))
