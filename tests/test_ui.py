"""The web chat: safe rendering, input checks, launch defaults, and the ``/ask`` API end to end."""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from ui import render  # noqa: E402
from ui.app import (  # noqa: E402
    check_question,
    clean_history,
    error_message,
    exposure_warning,
    is_loopback,
    parse_auth,
)

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "iran-missiles-russia.txt"
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_MD = "![x](http://127.0.0.1:9/leak)"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def citation(**kw: Any) -> dict[str, Any]:
    text = kw.pop("text", "Alpha beta. The Wall Street Journal broke the news. Gamma delta.")
    quote = kw.pop("quote", "The Wall Street Journal broke the news.")
    start = kw.pop("start", 100)
    qs = text.find(quote)
    base = {
        "n": 1,
        "id": "c1",
        "source": "/data/news/story.txt",
        "start": start,
        "end": start + len(text),
        "text": text,
        "quote": quote,
        "quote_start": start + qs,
        "quote_end": start + qs + len(quote),
        "supported": True,
    }
    base.update(kw)
    return base


def answer(**kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question": "q",
        "standalone_question": "q",
        "answer": "The Wall Street Journal broke it [1].",
        "abstained": False,
        "abstain_reason": None,
        "citations": [citation()],
        "retrieved": [],
        "generator": "extractive",
        "latency_ms": 1.0,
        "unsupported": [],
        "incomplete": False,
        "error": None,
    }
    base.update(kw)
    return base


# --- rendering -------------------------------------------------------------------------------


def test_escaping_leaves_no_markup_from_untrusted_text() -> None:
    out = render.esc(f"{XSS_IMG} {XSS_MD} <script>x</script> www.example.com $x$")
    for bad in ("<", ">", "](", "![", "$", "www."):
        assert bad not in out
    # Entities decode back to the very same visible text.
    import html

    assert html.unescape(out) == f"{XSS_IMG} {XSS_MD} <script>x</script> www.example.com $x$"


def test_answer_markers_become_links_with_the_quote_as_tooltip() -> None:
    html = render.render_answer(answer(), turn=3)
    assert 'href="#rag-src-3-1"' in html
    assert "[1]</a></sup>" in html
    assert "title=" in html and "The Wall Street Journal broke the news" in html


def test_untrusted_answer_and_sources_render_as_text() -> None:
    bad = f"Caption {XSS_IMG} and {XSS_MD}."
    ans = answer(
        answer=f"It says {bad} [1]",
        citations=[citation(text=bad, quote=bad, source="/tmp/<b>evil</b>.txt")],
        retrieved=[{"id": "r9", "source": "x", "start": 0, "end": 5, "text": bad, "score": 0.5}],
        unsupported=[bad],
    )
    for html in (
        render.render_answer(ans, 1),
        render.render_sources(ans, 1),
        render.render_article(ans, {"/tmp/<b>evil</b>.txt": bad}),
    ):
        assert "<img" not in html and "<b>" not in html and "](http" not in html and "![" not in html


def test_sources_highlight_the_quote_and_collapse_uncited_passages() -> None:
    other = {"id": "r2", "source": "/data/news/story.txt", "start": 900, "end": 950, "text": "Other text", "score": 0.2}
    html = render.render_sources(answer(retrieved=[other]), turn=2)
    assert '<div class="rag-card" id="rag-src-2-1">' in html
    assert "<mark>The Wall Street Journal broke the news&#46;</mark>" in html or (
        "<mark>The Wall Street Journal broke the news.</mark>" in html
    )
    assert "story.txt · chars 100–" in html
    details = html[html.index("<details") :]
    assert "Retrieved but not cited (1)" in details and "Other text" in details


def test_quote_offsets_may_be_article_or_passage_relative() -> None:
    c = citation()
    assert c["text"][slice(*render.quote_span(c))] == c["quote"]  # type: ignore[misc]
    c2 = citation(quote_start=12, quote_end=12 + len(c["quote"]))
    assert c2["text"][slice(*render.quote_span(c2))] == c["quote"]  # type: ignore[misc]
    c3 = citation(quote_start=None, quote_end=None)
    assert c3["text"][slice(*render.quote_span(c3))] == c["quote"]  # type: ignore[misc]


def test_unverified_sentences_and_citations_are_flagged() -> None:
    ans = answer(
        answer="Supported claim [1]. Invented claim about tanks.",
        unsupported=["Invented claim about tanks."],
        citations=[citation(supported=False)],
    )
    html = render.render_answer(ans, 1)
    flagged = html[html.index('<span class="rag-unverified">') :]
    assert flagged.startswith('<span class="rag-unverified">Invented claim about tanks.')
    assert "rag-badge-unverified" in flagged
    assert "rag-cite-unverified" in html
    assert "rag-badge-unverified" in render.render_sources(ans, 1)


def test_abstention_and_error_have_their_own_look() -> None:
    html = render.render_answer(answer(answer="The article does not say.", abstained=True, citations=[]), 1)
    assert "rag-abstain" in html and render.ABSTAIN_LABEL in html
    err = render.render_answer(answer(error="the model timed out <x>"), 1)
    assert "rag-notice-error" in err and "<x>" not in err


def test_article_view_marks_cited_quotes_at_their_offsets() -> None:
    doc = "x" * 100 + "Alpha beta. The Wall Street Journal broke the news. Gamma delta." + "tail"
    html = render.render_article(answer(), {"/data/news/story.txt": doc})
    assert "<mark" in html and "The Wall Street Journal broke the news" in html
    assert render.article_marks(answer(), "/data/news/story.txt", doc) == [(112, 151, 1, True)]
    assert "not available" in render.render_article(answer(), {"/data/news/story.txt": None})


def test_status_line_names_mode_and_collection() -> None:
    html = render.render_status({"generator": "openai:gpt-4o-mini", "collection": "news", "chunks": 7})
    assert "gpt-4o-mini" in html and "news" in html and "7 passages" in html
    assert "offline extractive" in render.render_status({"generator": "extractive", "collection": "a"})


# --- input and launch checks ------------------------------------------------------------------


def test_question_checks() -> None:
    assert "type a question" in (check_question("   ", 50) or "")
    assert "too long" in (check_question("x" * 51, 50) or "")
    assert check_question("Which newspaper?", 50) is None


def test_history_is_cleaned_to_text_messages() -> None:
    dirty = [
        {"role": "user", "content": "hi"},
        {"role": "system", "content": "ignore me"},
        {"role": "assistant", "content": [{"type": "text", "text": "hello"}]},
        "junk",
        {"role": "user", "content": ""},
    ]
    assert clean_history(dirty) == [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    assert clean_history(None) == []


def test_errors_become_friendly_messages() -> None:
    from rag.errors import GenerationError

    assert error_message(GenerationError("the model timed out")) == "the model timed out"
    msg = error_message(ValueError("Traceback (most recent call last): secret internals"))
    assert "Traceback" not in msg and "secret" not in msg


def test_auth_and_exposure() -> None:
    from rag.errors import ConfigError

    assert parse_auth("alice:s3:cret") == ("alice", "s3:cret")
    assert parse_auth(None) is None and parse_auth("") is None
    with pytest.raises(ConfigError):
        parse_auth("no-colon")
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0")
    assert exposure_warning("127.0.0.1", has_auth=False) is None
    assert exposure_warning("0.0.0.0", has_auth=True) is None
    assert "WITHOUT a password" in (exposure_warning("0.0.0.0", has_auth=False) or "")


def test_ui_command_is_registered() -> None:
    import typer
    from typer.testing import CliRunner

    from ui.cli import register

    app = typer.Typer()

    @app.command()
    def other() -> None:  # a second command keeps typer in multi-command mode
        pass

    register(app)
    result = CliRunner().invoke(app, ["ui", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


# --- the chat's Ask event, with a scripted bot ---------------------------------------------------


class ScriptedBot:
    """Streams the given pieces of text, then the finished answer, like ``Chatbot.stream``."""

    settings = None

    def __init__(self, generator_name: str, parts: list[str], fail: bool = False) -> None:
        self.generator_name = generator_name
        self.parts = parts
        self.fail = fail

    def stream(self, question: str, history: list[dict[str, Any]] | None = None) -> Iterator[Any]:
        from rag.types import Answer, Citation, Delta

        for part in self.parts:
            yield Delta(part)
        if self.fail:
            raise RuntimeError("the model went away")
        yield Answer(
            question=question,
            standalone_question=question,
            text="".join(self.parts).strip(),
            citations=[Citation(**citation())],
            generator=self.generator_name,
        )

    def ask(self, question: str, history: list[dict[str, Any]] | None = None) -> Any:
        raise NotImplementedError

    def status(self) -> dict[str, Any]:
        return {"generator": self.generator_name, "collection": "news", "chunks": 3}


def ask_event(bot: ScriptedBot, question: str = "Who broke the news?") -> list[tuple[Any, ...]]:
    """Every update the Ask event sends for one question in a new session (each as it was when sent)."""
    import copy

    from ui.app import _new_session, build_app

    demo = build_app(bot)
    respond = next(f.fn for f in demo.fns.values() if getattr(f.fn, "__name__", "") == "respond")
    return [copy.deepcopy(update) for update in respond(question, [], _new_session())]


def assistant_text(update: tuple[Any, ...]) -> str:
    return str(update[0][-1]["content"])


def test_ask_event_streams_a_model_answer_then_shows_sources(monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr

    monkeypatch.setattr("ui.app.STREAM_INTERVAL_S", 0.0)  # every piece of text goes out as it comes
    updates = ask_event(ScriptedBot("openai:model", ["The Wall Street ", "Journal broke it ", "[1]."]))
    first, *streamed, final = updates
    assert first[0][0]["content"] == "Who broke the news?" and "rag-cursor" in assistant_text(first)
    assert first[1] == ""  # the question box is cleared
    assert [u[3] for u in [first, *streamed]] == [gr.skip()] * (1 + len(streamed))  # panels kept while streaming
    assert ["Journal" in assistant_text(u) for u in streamed] == [False, True, True]
    assert all("rag-streaming" in assistant_text(u) for u in streamed)
    assert "rag-streaming" not in assistant_text(final) and "rag-cite-link" in assistant_text(final)
    assert "The Wall Street Journal broke the news." in final[3]  # the sources panel, once the answer is final
    assert final[2]["history"][-1]["content"] == "The Wall Street Journal broke it [1]."


def test_ask_event_sends_text_that_comes_in_a_burst_as_one_update(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("ui.app.STREAM_INTERVAL_S", 3600.0)
    model = ask_event(ScriptedBot("openai:model", ["The Wall Street ", "Journal broke it ", "[1]."]))
    assert len(model) == 2 and "rag-cursor" in assistant_text(model[0])  # the typing cursor, then the answer
    extractive = ask_event(ScriptedBot("extractive", ["The Wall Street Journal broke it [1]. "]))
    assert len(extractive) == 1  # computed here in one go: the answer comes with the question
    (only,) = extractive
    assert only[0][0]["content"] == "Who broke the news?" and "rag-cite-link" in assistant_text(only)
    assert only[1] == "" and "The Wall Street Journal broke the news." in only[3]


def test_ask_event_errors_and_bad_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    import gradio as gr

    monkeypatch.setattr("ui.app.STREAM_INTERVAL_S", 0.0)
    *_, failed = ask_event(ScriptedBot("openai:model", ["The Wall ", "Street "], fail=True))
    assert "rag-notice-error" in assistant_text(failed) and "Something went wrong" in assistant_text(failed)
    assert failed[3] == gr.skip()
    (empty,) = ask_event(ScriptedBot("extractive", ["x"]), question="   ")
    assert empty[0] == [] and "type a question" in empty[5]


# --- live app, real Chatbot, gradio_client -----------------------------------------------------


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import running_chat

    with running_chat(tmp_path_factory.mktemp("ui") / "store", [SEED]) as url:
        yield url


@pytest.mark.slow
def test_ask_api_answers_with_citations_and_uses_history(live_app: str) -> None:
    from gradio_client import Client

    client = Client(live_app, verbose=False)
    first = client.predict("Which newspaper broke the news?", [], api_name="/ask")
    assert first["error"] is None and not first["abstained"]
    assert "Wall Street Journal" in first["answer"]
    assert first["citations"] and "[1]" in first["answer"]
    assert all(c["source"].endswith("iran-missiles-russia.txt") for c in first["citations"])

    question = "What did Sean Savett say about the transfer?"
    savett = client.predict(question, [], api_name="/ask")
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": savett["answer"]}]
    alone = client.predict("Who is he?", [], api_name="/ask")
    follow = client.predict("Who is he?", history, api_name="/ask")
    # Read with the conversation, "he" is Savett: the question is rewritten and finds its passage.
    assert "Savett" in follow["standalone_question"] and "Savett" not in alone["standalone_question"]
    assert follow["citations"] and not follow["abstained"]
    assert "spokesperson Sean Savett" in follow["answer"]


@pytest.mark.slow
def test_ask_api_turns_bad_input_into_messages(live_app: str) -> None:
    from gradio_client import Client

    client = Client(live_app, verbose=False)
    empty = client.predict("  ", [], api_name="/ask")
    assert "type a question" in empty["error"]
    long = client.predict("why " * 1000, [], api_name="/ask")
    assert "too long" in long["error"]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_non_loopback_launch_without_auth_warns(caplog: pytest.LogCaptureFixture) -> None:
    import gradio as gr

    from ui.app import launch_app

    with gr.Blocks() as demo:
        gr.Markdown("x")
    # 192.0.2.10 (TEST-NET) is not an address of this machine: the warning comes first, then binding fails.
    with caplog.at_level(logging.WARNING, logger="ui.app"), pytest.raises(OSError):
        launch_app(demo, host="192.0.2.10", port=free_port(), prevent_thread_lock=True, quiet=True)
    assert "WITHOUT a password" in caplog.text
