"""Shared fixtures: a real Chroma store in a temp dir with the seed article ingested by the real model."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest_plugins = ["tests.servers"]

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "iran-missiles-russia.txt"
SECOND = ROOT / "tests" / "data" / "second_article.txt"

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["ANONYMIZED_TELEMETRY"] = "False"


@pytest.fixture(autouse=True)
def _no_real_model_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches a paid API by accident: keys and base URLs from the shell are removed.

    A test that wants a model passes its loopback server's URL in Settings explicitly.
    """
    for var in list(os.environ):
        if var.startswith("RAG_") or var in ("OPENAI_API_KEY", "OPENAI_BASE_URL"):
            monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(ROOT / "tests")  # no developer .env is read


def make_settings(path: Path, **kw: object):  # noqa: ANN201
    from rag.settings import Settings

    return Settings(chroma_dir=str(path), _env_file=None, **kw)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def seed_settings(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """Settings of a store holding the seed article (ingested once per session)."""
    from rag.ingest import ingest_paths

    settings = make_settings(tmp_path_factory.mktemp("seed-store"))
    report = ingest_paths(settings, [SEED])
    assert report.added > 0 and not report.errors
    return settings


@pytest.fixture(scope="session")
def seed_bot(seed_settings):  # noqa: ANN001, ANN201
    from rag.chain import Chatbot

    return Chatbot(seed_settings)


@pytest.fixture(scope="session")
def second_bot(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths

    settings = make_settings(tmp_path_factory.mktemp("second-store"))
    ingest_paths(settings, [SECOND])
    return Chatbot(settings)


@pytest.fixture(scope="session")
def article_bot(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """A chatbot over one article of tests/data, each built once for the session."""
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths

    bots: dict[str, object] = {}

    def over(name: str):  # noqa: ANN202
        if name not in bots:
            settings = make_settings(tmp_path_factory.mktemp(Path(name).stem))
            ingest_paths(settings, [ROOT / "tests" / "data" / name])
            bots[name] = Chatbot(settings)
        return bots[name]

    return over


@pytest.fixture()
def store_settings(tmp_path: Path) -> Iterator[object]:
    yield make_settings(tmp_path / "store")


@contextmanager
def running_chat(store: Path, documents: Sequence[Path]) -> Iterator[str]:
    """The web chat over a fresh store holding ``documents``, launched on a free loopback port; yields its URL."""
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths
    from tests.servers import free_port
    from ui.app import build_app, launch_app

    settings = make_settings(store, llm="extractive")
    report = ingest_paths(settings, [str(d) for d in documents])
    assert not report.errors
    demo = build_app(Chatbot(settings))
    _, url, _ = launch_app(demo, port=free_port(), prevent_thread_lock=True, quiet=True)
    try:
        yield url
    finally:
        demo.close()
