"""The ``rag`` command: JSON output, and bad input or configuration as one clear line and a non-zero exit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rag.ingest import ingest_paths
from rag.store import Store
from tests.conftest import SEED, make_settings

RAG = Path(sys.executable).with_name("rag")
QUESTION = "Which newspaper broke the news?"
INGEST_KEYS = {"documents", "chunks", "added", "updated", "removed", "unchanged"}
PASSAGE_KEYS = {"id", "source", "start", "end", "text", "score"}
ANSWER_KEYS = {
    "question",
    "standalone_question",
    "answer",
    "abstained",
    "abstain_reason",
    "citations",
    "retrieved",
    "generator",
    "latency_ms",
    "unsupported",
    "incomplete",
    "error",
}
CITATION_KEYS = {"n", "id", "source", "start", "end", "text", "quote", "quote_start", "quote_end", "supported"}


@pytest.fixture()
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # noqa: ANN201
    """Run ``rag <args>`` in this process (the model stays loaded): returns (exit code, stdout, stderr)."""
    from rag.cli import main

    def run(chroma_dir: Path | str, *args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("RAG_CHROMA_DIR", str(chroma_dir))
        monkeypatch.setattr(sys, "argv", ["rag", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def rag_exe(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run the installed ``rag`` executable with a clean environment plus ``env``."""
    if not RAG.exists():
        pytest.skip(f"the rag executable is not installed next to {sys.executable}")
    base = {k: v for k, v in os.environ.items() if not k.startswith("RAG_")}
    base.update({"HF_HUB_OFFLINE": "1", "RAG_CHROMA_DIR": str(tmp_path / "store"), **env})
    return subprocess.run(
        [str(RAG), *args], cwd=tmp_path, env=base, capture_output=True, text=True, timeout=120, check=False
    )


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.strip()]


# -- JSON output --------------------------------------------------------------------------------------------------
def test_ingest_json_is_one_object_with_the_counts(cli, tmp_path: Path) -> None:  # noqa: ANN001
    doc = tmp_path / "note.md"
    doc.write_text("# Budget\n\nThe council approved the harbour budget on Monday.\n")
    code, out, err = cli(tmp_path / "store", "ingest", str(doc), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == INGEST_KEYS and all(isinstance(v, int) for v in data.values())
    assert data["documents"] == 1 and data["added"] == data["chunks"] > 0

    code, out, _ = cli(tmp_path / "store", "ingest", str(doc), "--json")
    again = json.loads(out)
    assert code == 0 and again["added"] == again["updated"] == again["removed"] == 0
    assert again["unchanged"] == again["chunks"] == data["chunks"]


def test_search_json(cli, seed_settings) -> None:  # noqa: ANN001
    code, out, err = cli(seed_settings.chroma_dir, "search", QUESTION, "--json", "-k", "3")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"question", "passages"} and data["question"] == QUESTION
    assert len(data["passages"]) == 3
    text = SEED.read_text(encoding="utf-8")
    for p in data["passages"]:
        assert set(p) == PASSAGE_KEYS
        assert p["source"] == str(SEED.resolve()) and text[p["start"] : p["end"]] == p["text"]
    assert any("Wall Street Journal broke the news" in p["text"] for p in data["passages"])


def test_ask_json_has_the_contract_keys(cli, seed_settings) -> None:  # noqa: ANN001
    code, out, err = cli(seed_settings.chroma_dir, "ask", QUESTION, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == ANSWER_KEYS
    assert data["question"] == QUESTION and data["generator"] == "extractive"
    assert data["abstained"] is False and data["citations"]
    for c in data["citations"]:
        assert set(c) == CITATION_KEYS
    for p in data["retrieved"]:
        assert set(p) == PASSAGE_KEYS


# -- bad input ----------------------------------------------------------------------------------------------------
def test_bad_files_are_refused_one_line_each_and_the_rest_ingest(cli, tmp_path: Path) -> None:  # noqa: ANN001
    store = tmp_path / "store"
    first = tmp_path / "first.txt"
    first.write_text("The tram depot will close for repairs in March.\n")
    ingest_paths(make_settings(store), [first])
    settings = make_settings(store)
    before = Store(settings).count()

    good = tmp_path / "good.txt"
    good.write_text("The ferry to the island runs twice a day in winter.\n")
    bad = {
        "empty.txt": b"",
        "binary.md": b"PK\x03\x04\x00\x00binary\x00data",
        "latin1.txt": "caf\u00e9 cr\u00e8me".encode("latin-1"),
    }
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    missing = tmp_path / "nowhere.txt"
    paths = [str(tmp_path / n) for n in bad] + [str(missing)]

    code, out, err = cli(store, "ingest", str(good), *paths)
    assert code != 0
    lines = error_lines(err)
    assert len(lines) == 4 and all(line.startswith("error: ") for line in lines)
    for path in paths:
        assert sum(path in line for line in lines) == 1
    assert any("empty" in line for line in lines) and any("binary" in line for line in lines)
    assert any("UTF-8" in line for line in lines) and any("no such file" in line for line in lines)
    sources = {str(m["source"]) for _, _, m in Store(settings).iter_chunks()}
    assert sources == {str(first.resolve()), str(good.resolve())}
    after_good = Store(settings).count()
    assert after_good > before
    assert "1 document(s)" in out

    code, _, err = cli(store, "ingest", *paths)
    assert code != 0 and len(error_lines(err)) == 4
    assert Store(settings).count() == after_good


def test_missing_path_via_the_executable(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text("The bridge reopens in April.\n")
    settings = make_settings(tmp_path / "store")
    chunks = ingest_paths(settings, [doc]).chunks
    res = rag_exe(tmp_path, "ingest", str(tmp_path / "missing.txt"))
    assert res.returncode != 0
    assert error_lines(res.stderr) == [f"error: {tmp_path / 'missing.txt'}: no such file or directory"]
    assert Store(settings).count() == chunks


def test_store_dir_that_cannot_be_created(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("a regular file, not a folder\n")
    doc = tmp_path / "a.txt"
    doc.write_text("The bridge reopens in April.\n")
    target = tmp_path / "afile" / "store"
    res = rag_exe(tmp_path, "ingest", str(doc), RAG_CHROMA_DIR=str(target))
    assert res.returncode != 0
    lines = error_lines(res.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(target) in lines[0] and "RAG_CHROMA_DIR" in lines[0]
    assert res.stdout == ""


@pytest.mark.parametrize("command", ["ask", "search"])
def test_empty_question_is_refused(command: str, seed_settings, tmp_path: Path) -> None:  # noqa: ANN001
    before = Store(seed_settings).count()
    res = rag_exe(tmp_path, command, "", RAG_CHROMA_DIR=seed_settings.chroma_dir)
    assert res.returncode != 0
    lines = error_lines(res.stderr)
    assert len(lines) == 1 and lines[0].startswith("error: ") and "empty" in lines[0]
    assert res.stdout == ""
    assert Store(seed_settings).count() == before


@pytest.mark.parametrize("command", ["ask", "search"])
def test_blank_question_is_refused(cli, command: str, seed_settings) -> None:  # noqa: ANN001
    code, out, err = cli(seed_settings.chroma_dir, command, "  \n ", "--json")
    assert code != 0 and out == ""
    lines = error_lines(err)
    assert len(lines) == 1 and lines[0].startswith("error: ") and "empty" in lines[0]


# -- bad configuration --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("var", "value"), [("RAG_TOP_K", "abc"), ("RAG_EMBEDDING_MODEL", "foo:bar")])
def test_bad_config_exits_2_naming_the_variable(var: str, value: str, tmp_path: Path) -> None:
    res = rag_exe(tmp_path, "search", "anything", **{var: value})
    assert res.returncode == 2
    lines = error_lines(res.stderr)
    assert len(lines) == 1 and var in lines[0] and value in lines[0]
    assert res.stdout == ""
    assert not (tmp_path / "store").exists()
