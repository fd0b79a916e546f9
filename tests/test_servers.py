"""Tests of the loopback test servers, driven through the real ``openai`` and ``chromadb`` clients."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import openai
import pytest

from rag.llama_server import gemma3_prompt
from tests.fakes.openai_server import (
    ScriptedOpenAI,
    drop_connection,
    echo_last_user,
    malformed_json,
    reply,
    split_chunks,
    stall_before_first_byte,
    stall_mid_stream,
    status,
)
from tests.servers import ChromaServer, LlamaServer, free_port

MESSAGES = [
    {"role": "system", "content": "Answer from the context only."},
    {"role": "user", "content": "Which newspaper broke the news?"},
]

Factory = Callable[..., ScriptedOpenAI]


def _client(server: ScriptedOpenAI, timeout: float = 5.0, max_retries: int = 0) -> openai.OpenAI:
    return openai.OpenAI(base_url=server.base_url, api_key="test-key", timeout=timeout, max_retries=max_retries)


def _ask(client: openai.OpenAI, stream: bool, parts: list[str] | None = None, **kwargs: Any) -> str:
    """Ask one chat completion; streamed pieces are appended to ``parts`` as they arrive."""
    parts = [] if parts is None else parts
    if not stream:
        response = client.chat.completions.create(model="scripted-model", messages=MESSAGES, **kwargs)
        return response.choices[0].message.content or ""
    for chunk in client.chat.completions.create(model="scripted-model", messages=MESSAGES, stream=True, **kwargs):
        if chunk.choices and chunk.choices[0].delta.content:
            parts.append(chunk.choices[0].delta.content)
    return "".join(parts)


both_modes = pytest.mark.parametrize("stream", [False, True], ids=["json", "sse"])


# --------------------------------------------------------------------------- normal answers


@both_modes
def test_reply_returns_the_scripted_text(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([reply("The Guardian broke the news [1].")])
    assert _ask(_client(server), stream) == "The Guardian broke the news [1]."


def test_streamed_reply_arrives_in_several_chunks(scripted_openai: Factory) -> None:
    server = scripted_openai([reply("one two three four five six", chunks=3)])
    parts: list[str] = []
    assert _ask(_client(server), True, parts) == "one two three four five six"
    assert len(parts) == 3


def test_stream_usage_is_sent_when_asked(scripted_openai: Factory) -> None:
    server = scripted_openai([reply("short answer")])
    chunks = list(
        _client(server).chat.completions.create(
            model="scripted-model", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
        )
    )
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 2


@both_modes
def test_reply_function_sees_the_request(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([reply(echo_last_user("You asked: "))])
    assert _ask(_client(server), stream) == "You asked: Which newspaper broke the news?"


def test_requests_are_recorded_exactly(scripted_openai: Factory) -> None:
    server = scripted_openai([reply("ok")])
    _ask(_client(server), False, temperature=0.0)
    request = server.last_request
    assert request.method == "POST"
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer test-key"
    assert request.messages == MESSAGES
    assert request.body["temperature"] == 0.0
    assert "Which newspaper" in request.prompt_text
    assert server.chat_requests == [request]


def test_script_is_consumed_in_order_and_last_step_repeats(scripted_openai: Factory) -> None:
    server = scripted_openai([reply("first"), reply("second")])
    client = _client(server)
    assert [_ask(client, False) for _ in range(4)] == ["first", "second", "second", "second"]


def test_models_endpoint_lists_the_models(scripted_openai: Factory) -> None:
    server = scripted_openai(models=["alpha", "beta"])
    assert [m.id for m in _client(server).models.list()] == ["alpha", "beta"]
    assert server.last_request.path == "/v1/models"


def test_context_manager_and_base_url() -> None:
    with ScriptedOpenAI([reply("hi")]) as server:
        assert server.base_url.startswith("http://127.0.0.1:")
        assert server.base_url.endswith("/v1")
        assert _ask(_client(server), False) == "hi"


def test_split_chunks_keeps_the_text() -> None:
    text = "a b c d e f g"
    for n in range(1, 10):
        pieces = split_chunks(text, n)
        assert "".join(pieces) == text
        assert 1 <= len(pieces) <= n


# --------------------------------------------------------------------------- HTTP errors


@both_modes
def test_429_then_success_succeeds_with_retries(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([status(429, retry_after=1), reply("after the limit")])
    assert _ask(_client(server, max_retries=2), stream) == "after the limit"
    assert len(server.chat_requests) == 2


@both_modes
def test_429_without_retries_is_a_rate_limit_error(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([status(429, retry_after=1), reply("unused")])
    with pytest.raises(openai.RateLimitError) as info:
        _ask(_client(server), stream)
    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "1"
    assert len(server.chat_requests) == 1


@both_modes
def test_500_is_retried(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([status(500), reply("recovered")])
    assert _ask(_client(server, max_retries=1), stream) == "recovered"
    assert len(server.chat_requests) == 2


@both_modes
def test_500_without_retries_is_an_internal_server_error(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([status(500, message="model crashed")])
    with pytest.raises(openai.InternalServerError, match="model crashed"):
        _ask(_client(server), stream)


def test_other_status_codes(scripted_openai: Factory) -> None:
    server = scripted_openai([status(401), status(400)])
    client = _client(server)
    with pytest.raises(openai.AuthenticationError):
        _ask(client, False)
    with pytest.raises(openai.BadRequestError):
        _ask(client, False)


# --------------------------------------------------------------------------- stalls


@both_modes
def test_stall_before_first_byte_times_out(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([stall_before_first_byte(60)])
    with pytest.raises(openai.APITimeoutError):
        _ask(_client(server, timeout=1), stream)


@both_modes
def test_short_stall_before_first_byte_then_answers(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([stall_before_first_byte(0.2, then=reply("slow but fine"))])
    assert _ask(_client(server, timeout=30), stream) == "slow but fine"


def test_stall_mid_stream_delivers_the_start_then_times_out(scripted_openai: Factory) -> None:
    server = scripted_openai([stall_mid_stream("The Guardian broke", 60)])
    parts: list[str] = []
    with pytest.raises(openai.APITimeoutError):
        _ask(_client(server, timeout=1), True, parts)
    assert "".join(parts) == "The Guardian broke"


def test_stall_mid_body_times_out_without_stream(scripted_openai: Factory) -> None:
    server = scripted_openai([stall_mid_stream("The Guardian broke", 60)])
    with pytest.raises(openai.APITimeoutError):
        _ask(_client(server, timeout=1), False)


@both_modes
def test_short_stall_mid_stream_completes(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([stall_mid_stream("The Guardian broke", 0.2, text_after=" the news.")])
    assert _ask(_client(server, timeout=30), stream) == "The Guardian broke the news."


def test_stopping_the_server_ends_a_stall() -> None:
    server = ScriptedOpenAI([stall_before_first_byte(600)]).start()
    errors: list[BaseException] = []

    def call() -> None:
        try:
            _ask(_client(server, timeout=120), False)
        except BaseException as exc:  # noqa: BLE001 - recorded for the assertion
            errors.append(exc)

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    for _ in range(200):  # bounded wait for the request to arrive
        if server.requests:
            break
        threading.Event().wait(0.05)
    server.stop()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert errors and isinstance(errors[0], openai.APIConnectionError)


# --------------------------------------------------------------------------- broken connections


@both_modes
def test_drop_connection_is_a_connection_error(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([drop_connection()])
    with pytest.raises(openai.APIConnectionError) as info:
        _ask(_client(server), stream)
    assert not isinstance(info.value, openai.APITimeoutError)


@both_modes
def test_drop_connection_is_retried(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([drop_connection(), reply("second try")])
    assert _ask(_client(server, max_retries=1), stream) == "second try"
    assert len(server.chat_requests) == 2


def test_drop_mid_stream_delivers_the_start_then_fails(scripted_openai: Factory) -> None:
    server = scripted_openai([drop_connection(after_chunks=2, text="one two three four")])
    parts: list[str] = []
    with pytest.raises(openai.APIConnectionError):
        _ask(_client(server, max_retries=3), True, parts)
    assert "".join(parts) == "one two three four"
    assert len(server.chat_requests) == 1  # a started stream is never retried


@both_modes
def test_malformed_json_fails_to_parse(scripted_openai: Factory, stream: bool) -> None:
    server = scripted_openai([malformed_json()])
    with pytest.raises(ValueError):
        _ask(_client(server), stream)


def test_free_port_is_bindable() -> None:
    import socket

    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


# --------------------------------------------------------------------------- real servers


@pytest.mark.slow
def test_llama_server_streams_a_chat_completion(llama_server: LlamaServer) -> None:
    client = openai.OpenAI(base_url=llama_server.base_url, api_key="none", timeout=120, max_retries=0)
    assert llama_server.model in [m.id for m in client.models.list()]
    stream = client.chat.completions.create(
        model=llama_server.model,
        messages=[{"role": "user", "content": "Say hello in one short sentence."}],
        stream=True,
        max_tokens=24,
        temperature=0.0,
    )
    text = "".join(c.choices[0].delta.content or "" for c in stream if c.choices)
    assert text.strip()
    other = client.chat.completions.create(
        model="any-model-name", messages=[{"role": "user", "content": "Hello"}], max_tokens=8, temperature=0.0
    )
    assert other.choices[0].message.content is not None


def test_gemma3_prompt_keeps_the_system_message() -> None:
    prompt = gemma3_prompt(
        [
            {"role": "system", "content": "Use the context."},
            {"role": "user", "content": "Q1"},
            {"role": "assistant", "content": "A1"},
            {"role": "user", "content": "Q2"},
        ]
    )
    assert prompt == (
        "<start_of_turn>user\nUse the context.\n\nQ1<end_of_turn>\n"
        "<start_of_turn>model\nA1<end_of_turn>\n"
        "<start_of_turn>user\nQ2<end_of_turn>\n"
        "<start_of_turn>model\n"
    )


@pytest.mark.slow
def test_chroma_server_adds_and_queries_with_explicit_embeddings(chroma_server: ChromaServer) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(
        host=chroma_server.host, port=chroma_server.port, settings=ChromaSettings(anonymized_telemetry=False)
    )
    collection = client.get_or_create_collection("servers-test", embedding_function=None)
    collection.add(
        ids=["a", "b", "c"],
        embeddings=[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
        documents=["alpha passage", "beta passage", "gamma passage"],
        metadatas=[{"source": "a.txt"}, {"source": "b.txt"}, {"source": "c.txt"}],
    )
    assert collection.count() == 3
    result = collection.query(query_embeddings=[[0.1, 0.9, 0.0]], n_results=2)
    assert result["ids"][0][0] == "b"
    assert result["documents"][0][0] == "beta passage"
    assert result["metadatas"][0][0] == {"source": "b.txt"}
