"""Answers through an OpenAI-protocol server: a scripted fake for exact replies and faults, llama.cpp for real.

The store is the session's seed-article store; every Chatbot here talks to a server on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest

from rag.chain import Chatbot
from rag.citations import NO_CLAIM, parse_markers
from rag.errors import GenerationError
from rag.prompts import load_prompt
from rag.text import sentences
from rag.types import Answer, Delta
from tests.conftest import ROOT
from tests.fakes.openai_server import (
    RecordedRequest,
    ScriptedOpenAI,
    Step,
    drop_connection,
    malformed_json,
    reply,
    stall_before_first_byte,
    stall_mid_stream,
    status,
)
from tests.servers import LlamaServer

QUESTION = "Which newspaper broke the news?"
HISTORY = [
    {"role": "user", "content": QUESTION},
    {"role": "assistant", "content": "The Wall Street Journal broke the news [1]."},
]
PASSAGE = re.compile(r'<passage n="(\d+)">\n(.*?)\n</passage>', re.S)

Make = Callable[..., tuple[Chatbot, ScriptedOpenAI]]


def passages_in(request: RecordedRequest) -> dict[int, str]:
    """The numbered passages of an answer prompt."""
    return {int(n): text for n, text in PASSAGE.findall(request.prompt_text)}


def quoting_passage(n: int, marker: str = "", tail: str = "") -> Callable[[RecordedRequest], str]:
    """A reply that copies the first sentence of passage ``n`` of the prompt, cites ``marker`` and adds ``tail``."""

    def _text(request: RecordedRequest) -> str:
        first = sentences(passages_in(request)[n])[0].rstrip(".")
        return f"{first} {marker or f'[{n}]'}.{tail}"

    return _text


def run(
    bot: Chatbot, question: str = QUESTION, history: list[dict[str, str]] | None = None
) -> tuple[list[str], Answer]:
    """Stream one answer: the delta texts and the final Answer (which must be the last event, and the only one)."""
    events = list(bot.stream(question, history or []))
    assert isinstance(events[-1], Answer)
    assert all(isinstance(e, Delta) for e in events[:-1])
    return [e.text for e in events[:-1]], events[-1]


def check_citations(bot: Chatbot, ans: Answer) -> None:
    """Every citation names a retrieved passage and its quote is the document text at its offsets."""
    retrieved = {p.id: p for p in ans.retrieved}
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", ans.text)}
    assert markers == {c.n for c in ans.citations}
    for c in ans.citations:
        assert 1 <= c.n <= len(ans.retrieved)
        assert c.id in retrieved and retrieved[c.id].text == c.text
        document = bot.document_text(c.source)
        assert document is not None
        assert document[c.start : c.end] == c.text
        assert document[c.quote_start : c.quote_end] == c.quote
        assert c.quote and c.quote in c.text


@pytest.fixture(scope="module")
def _shared_server() -> Iterator[ScriptedOpenAI]:
    with ScriptedOpenAI() as srv:
        yield srv


@pytest.fixture(scope="module")
def _bots() -> dict[tuple[float, int], Chatbot]:
    """Chatbots by (timeout, retries), kept for the module so their sentence vectors are computed once."""
    return {}


@pytest.fixture
def openai_bot(seed_settings: Any, _shared_server: ScriptedOpenAI, _bots: dict[tuple[float, int], Chatbot]) -> Make:
    """Factory: a Chatbot on the seed store answering through the scripted server, which plays ``steps``."""

    def _make(steps: list[Step], timeout: float = 30, retries: int = 0) -> tuple[Chatbot, ScriptedOpenAI]:
        srv = _shared_server
        srv.set_script(steps)
        srv.requests.clear()
        if (timeout, retries) not in _bots:
            settings = seed_settings.model_copy(
                update={
                    "llm": "openai:scripted-model",
                    "openai_base_url": srv.base_url,
                    "openai_api_key": "test",
                    "llm_timeout": timeout,
                    "llm_max_retries": retries,
                }
            )
            _bots[(timeout, retries)] = Chatbot(settings)
        return _bots[(timeout, retries)], srv

    return _make


# --------------------------------------------------------------------------- answers and verification


def test_a_reply_quoting_passage_one_is_a_supported_streamed_citation(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply(quoting_passage(1), chunks=5)])
    deltas, ans = run(bot)

    [request] = srv.chat_requests
    sent = quoting_passage(1)(request)
    assert len(deltas) >= 3 and "".join(deltas) == sent  # the reply arrived piece by piece, unchanged
    assert ans.text == sent
    assert not ans.abstained and not ans.incomplete and ans.error is None
    assert ans.generator == "openai:scripted-model"
    assert ans.unsupported == []
    [c] = ans.citations
    assert c.n == 1 and c.supported and c.id == ans.retrieved[0].id
    assert c.quote.rstrip(".") in sent
    check_citations(bot, ans)


def test_the_prompt_holds_numbered_passages_the_question_and_temperature_zero(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply(quoting_passage(1))])
    _, ans = run(bot)

    [request] = srv.chat_requests
    body = request.body
    assert body["model"] == "scripted-model"
    assert body["temperature"] == 0
    assert body["max_tokens"] == bot.settings.llm_max_tokens  # the field every self-hosted server reads
    assert "max_completion_tokens" not in body
    assert request.stream
    assert request.headers["authorization"] == "Bearer test"
    numbered = passages_in(request)
    assert sorted(numbered) == list(range(1, len(ans.retrieved) + 1))
    assert [numbered[n] for n in sorted(numbered)] == [p.text for p in ans.retrieved]
    assert f"Question: {QUESTION}" in request.prompt_text
    assert request.prompt_text.index("</passage>") < request.prompt_text.index(f"Question: {QUESTION}")


def test_a_marker_for_a_passage_that_was_not_retrieved_is_dropped(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply(quoting_passage(1, marker="[9]"))])
    _, ans = run(bot)

    assert len(ans.retrieved) < 9
    assert "[9]" not in ans.text
    assert all(c.n != 9 for c in ans.citations)
    assert ans.citations == []
    sentence = quoting_passage(1, marker="")(srv.chat_requests[0]).replace(" [1]", "")
    assert ans.unsupported == [sentence]  # left without a valid citation, the sentence is flagged


def test_an_invented_claim_citing_a_passage_is_flagged_unsupported(openai_bot: Make) -> None:
    invented = "The missiles were painted pink by a circus troupe in Lisbon"
    bot, _ = openai_bot([reply(quoting_passage(1, tail=f" {invented} [1]."))])
    _, ans = run(bot)

    assert ans.unsupported == [f"{invented}."]
    [c] = ans.citations
    assert c.n == 1 and c.supported  # the true sentence still supports citation 1
    check_citations(bot, ans)


def test_markers_are_renumbered_in_order_of_appearance(openai_bot: Make) -> None:
    def two_passages(request: RecordedRequest) -> str:
        numbered = passages_in(request)
        third, first = sentences(numbered[3])[0].rstrip("."), sentences(numbered[1])[0].rstrip(".")
        return f"{third} [3]. {first} [1]."

    bot, _ = openai_bot([reply(two_passages)])
    _, ans = run(bot)

    assert re.findall(r"\[(\d+)\]", ans.text) == ["1", "2"]
    assert [(c.n, c.id) for c in ans.citations] == [(1, ans.retrieved[2].id), (2, ans.retrieved[0].id)]
    assert all(c.supported for c in ans.citations) and ans.unsupported == []
    check_citations(bot, ans)


def test_the_model_saying_the_article_has_no_answer_is_an_abstention(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply("The article doesn't say.")])
    _, ans = run(bot, "What did the Wall Street Journal say about the delivery date?")

    assert len(srv.chat_requests) == 1
    assert ans.abstained and ans.text == "The article doesn't say."
    assert ans.citations == [] and ans.unsupported == []


def test_an_off_topic_question_abstains_without_calling_the_model(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply("Mash three bananas [1].")])
    deltas, ans = run(bot, "What's the best banana bread recipe?")

    assert srv.chat_requests == []
    assert ans.abstained and ans.abstain_reason
    assert ans.text == "The article doesn't say." and "".join(deltas) == ans.text
    assert ans.citations == [] and ans.generator == "openai:scripted-model"


def test_the_runnable_chain_answers_through_the_model(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply(quoting_passage(1))])
    out = bot.chain.invoke({"question": QUESTION, "history": []})

    assert len(srv.chat_requests) == 1
    assert out["generator"] == "openai:scripted-model"
    assert out["answer"] == quoting_passage(1)(srv.chat_requests[0])
    assert [(c["n"], c["supported"]) for c in out["citations"]] == [(1, True)]
    json.dumps(out)  # the contract is plain JSON


# --------------------------------------------------------------------------- follow-ups


def test_a_follow_up_is_condensed_by_the_model_before_retrieval(openai_bot: Make) -> None:
    rewritten = "What did the Wall Street Journal report about Iran's missiles?"
    bot, srv = openai_bot([reply(rewritten), reply(quoting_passage(1))])
    _, ans = run(bot, "What did they report?", HISTORY)

    condense, answer = srv.chat_requests
    assert not condense.stream and condense.body["temperature"] == 0
    assert "Standalone question" in condense.prompt_text
    assert f"User: {QUESTION}\nAssistant: {HISTORY[1]['content']}" in condense.prompt_text
    assert "Last question: What did they report?" in condense.prompt_text
    assert ans.standalone_question == rewritten
    assert f"Question: {rewritten}" in answer.prompt_text
    assert ans.question == "What did they report?"
    assert ans.citations and ans.citations[0].supported


@pytest.mark.parametrize(
    "rewrite",
    [
        "Rewrite the last question of a conversation about a news article as one standalone question that can be",
        "Last question: What did they report?",
        "What did they report?",
        "",
    ],
    ids=["echoed-instructions", "echoed-question-line", "unchanged", "empty"],
)
def test_a_useless_rewrite_is_replaced_by_the_rule_based_one(openai_bot: Make, rewrite: str) -> None:
    bot, srv = openai_bot([reply(rewrite), reply(quoting_passage(1))])
    _, ans = run(bot, "What did they report?", HISTORY)

    assert len(srv.chat_requests) == 2
    assert ans.standalone_question == "What did Wall Street Journal report?"
    assert "Question: What did Wall Street Journal report?" in srv.chat_requests[1].prompt_text


def test_a_labelled_rewrite_keeps_only_the_question(openai_bot: Make) -> None:
    bot, _ = openai_bot([reply("**Standalone question:** What did the Journal report?\nExplanation: ..."), reply("x")])
    _, ans = run(bot, "What did they report?", HISTORY)
    assert ans.standalone_question == "What did the Journal report?"


def test_a_failed_condense_falls_back_to_the_rule_based_rewrite(openai_bot: Make) -> None:
    bot, srv = openai_bot([status(500), reply(quoting_passage(1))])
    _, ans = run(bot, "What did they report?", HISTORY)

    assert len(srv.chat_requests) == 2
    assert "Wall Street Journal" in ans.standalone_question  # the pronoun was resolved without the model
    assert not ans.incomplete and ans.error is None and ans.citations


def test_a_first_question_is_not_condensed(openai_bot: Make) -> None:
    bot, srv = openai_bot([reply(quoting_passage(1))])
    run(bot)
    assert ["Standalone question" in r.prompt_text for r in srv.chat_requests] == [False]


# --------------------------------------------------------------------------- faults


def test_a_rate_limit_with_retry_after_is_retried(openai_bot: Make) -> None:
    bot, srv = openai_bot([status(429, retry_after=0.5), reply(quoting_passage(1))], retries=2)
    _, ans = run(bot)

    assert len(srv.chat_requests) == 2
    assert not ans.incomplete and ans.error is None
    assert [(c.n, c.supported) for c in ans.citations] == [(1, True)]


@pytest.mark.parametrize(
    "step, expected, calls",
    [
        (status(500), r"failed with HTTP 500 after 1 retries", 2),
        (status(503), r"failed with HTTP 503", 2),
        (status(429, retry_after=0), r"rate-limiting requests \(429\)", 2),
        (status(401), r"refused the API key \(check OPENAI_API_KEY\)", 1),
        (status(404), r"does not know this model", 1),
        (malformed_json(), r"sent a response that could not be read", 1),
        (drop_connection(after_chunks=0), r"cannot connect to the model .*dropped", 2),
    ],
    ids=["500", "503", "429", "401", "404", "malformed-json", "dropped-before-reply"],
)
def test_a_failing_model_gives_one_clear_error(openai_bot: Make, step: Step, expected: str, calls: int) -> None:
    bot, srv = openai_bot([step], retries=1)
    with pytest.raises(GenerationError, match=expected) as err:
        bot.ask(QUESTION)
    message = str(err.value)
    assert srv.base_url in message
    assert "\n" not in message and "Traceback" not in message
    assert len(srv.chat_requests) == calls


def test_a_model_that_never_answers_ends_at_the_deadline(openai_bot: Make) -> None:
    bot, srv = openai_bot([stall_before_first_byte(120)], timeout=2, retries=0)
    with pytest.raises(GenerationError, match=r"did not answer within 2 s"):
        bot.ask(QUESTION)
    assert len(srv.chat_requests) == 1


def test_a_stream_that_stalls_midway_keeps_the_partial_answer(openai_bot: Make) -> None:
    bot, _ = openai_bot(
        [stall_mid_stream("The Wall Street Journal broke the news of Iran's delivery [1].", 120)], timeout=2
    )
    deltas, ans = run(bot)

    assert deltas and ans.text.startswith("The Wall Street Journal broke the news")
    assert ans.incomplete and ans.error and "did not answer within 2 s" in ans.error
    check_citations(bot, ans)


def test_a_stream_dropped_midway_is_a_partial_answer_marked_incomplete(openai_bot: Make) -> None:
    text = "The Wall Street Journal broke the news of Iran's delivery of the missiles [1]. Then the"
    bot, _ = openai_bot([drop_connection(after_chunks=3, text=text)])
    deltas, ans = run(bot)

    assert "".join(deltas) == text  # what arrived was shown before the failure
    assert ans.text == text
    assert ans.incomplete and ans.error and "dropped" in ans.error
    assert [(c.n, c.supported) for c in ans.citations] == [(1, True)]
    assert ans.unsupported == ["Then the"]  # the cut-off tail is not presented as verified
    check_citations(bot, ans)


def test_the_command_line_reports_a_malformed_reply_in_one_line(
    seed_settings: Any, scripted_openai: Callable[..., ScriptedOpenAI]
) -> None:
    srv = scripted_openai([malformed_json()])
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAG_") and not k.startswith("OPENAI_")}
    env.update(
        RAG_CHROMA_DIR=seed_settings.chroma_dir,
        RAG_LLM="openai:scripted-model",
        OPENAI_BASE_URL=srv.base_url,
        OPENAI_API_KEY="test",
        RAG_LLM_MAX_RETRIES="0",
        HF_HUB_OFFLINE="1",
    )
    done = subprocess.run(
        [sys.executable, "-c", "from rag.cli import main; main()", "ask", QUESTION],
        cwd=ROOT / "tests",  # no developer .env
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: the model at {srv.base_url} sent a response that could not be read (JSONDecodeError)"]
    assert len(srv.chat_requests) == 1


# --------------------------------------------------------------------------- the real llama.cpp server


class _RecordingProxy(ThreadingHTTPServer):
    """Forwards requests to a server unchanged (streaming included) and records the JSON bodies."""

    daemon_threads = True

    def __init__(self, target: str) -> None:
        super().__init__(("127.0.0.1", 0), _ProxyHandler)
        parts = urlsplit(target)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.bodies: list[dict[str, Any]] = []

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _RecordingProxy

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._forward(b"")

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.bodies.append(json.loads(raw))
        self._forward(raw)

    def _forward(self, raw: bytes) -> None:
        conn = http.client.HTTPConnection(*self.server.target, timeout=600)
        try:
            conn.request(self.command, self.path, body=raw or None, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            self.send_response(response.status)
            self.send_header("Content-Type", response.getheader("Content-Type") or "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.send_header("Connection", "close")
            self.end_headers()
            while chunk := response.read1(65536):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        finally:
            conn.close()
            self.close_connection = True


@pytest.fixture
def llama_bot(seed_settings: Any, llama_server: LlamaServer) -> Iterator[tuple[Chatbot, _RecordingProxy]]:
    """A Chatbot answering with the llama.cpp server, through a proxy that records what it sends."""
    proxy = _RecordingProxy(llama_server.base_url)
    thread = threading.Thread(target=proxy.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings = seed_settings.model_copy(
        update={
            "llm": f"openai:{llama_server.model}",
            "openai_base_url": proxy.base_url,
            "openai_api_key": None,
            "llm_timeout": 300,
            "llm_max_retries": 0,
            "llm_max_tokens": 96,
        }
    )
    try:
        yield Chatbot(settings), proxy
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=5)


@pytest.mark.slow
def test_the_real_model_streams_an_answer_that_goes_through_verification(
    llama_bot: tuple[Chatbot, _RecordingProxy],
) -> None:
    bot, proxy = llama_bot
    deltas, ans = run(bot)

    [body] = proxy.bodies
    assert body["stream"] is True and body["temperature"] == 0
    prompt = body["messages"][-1]["content"]
    assert '<passage n="1">' in prompt and f"Question: {QUESTION}" in prompt

    assert len(deltas) >= 2 and "".join(deltas).strip()  # tokens arrived as they were generated
    assert ans.generator.startswith("openai:") and not ans.incomplete and ans.error is None
    # The model is small: check the verification invariants, not the quality of the answer.
    check_citations(bot, ans)
    claims = [c for c in parse_markers(ans.text) if re.search(r"[A-Za-z]", c.text)]
    if not ans.abstained:
        for claim in claims:
            if not claim.markers and not NO_CLAIM.match(claim.text):
                assert claim.text in ans.unsupported
        supported = {c.n: c.supported for c in ans.citations}
        for claim in claims:
            if claim.markers and not any(supported[n] for n in claim.markers):
                assert claim.text in ans.unsupported
    assert set(ans.unsupported) <= {c.text for c in claims}


@pytest.mark.slow
def test_the_real_model_condenses_a_follow_up(llama_bot: tuple[Chatbot, _RecordingProxy]) -> None:
    bot, proxy = llama_bot
    deltas, ans = run(bot, "What did they report?", HISTORY)

    condense, answer = proxy.bodies
    assert condense.get("stream") is not True
    assert "Standalone question" in condense["messages"][-1]["content"]
    assert "Last question: What did they report?" in condense["messages"][-1]["content"]
    assert answer["stream"] is True
    assert f"Question: {ans.standalone_question}" in answer["messages"][-1]["content"]
    assert ans.question == "What did they report?" and ans.standalone_question.strip()
    # A small model may echo its instructions: that never replaces the user's question.
    assert ans.standalone_question not in load_prompt("condense")
    check_citations(bot, ans)
