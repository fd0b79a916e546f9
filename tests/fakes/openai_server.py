"""A scripted OpenAI-protocol server on loopback for tests.

It answers ``POST /v1/chat/completions`` (streamed as SSE or as one JSON body) and
``GET /v1/models``, records every request, and plays a script of steps, one per chat
request (the last step repeats), to reproduce answers and faults on demand.

    with ScriptedOpenAI([status(429, retry_after=0), reply("Hello [1].")]) as srv:
        client = openai.OpenAI(base_url=srv.base_url, api_key="test")
        ...
        srv.requests[-1].messages   # the exact prompt the client sent
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = [
    "ScriptedOpenAI",
    "RecordedRequest",
    "Step",
    "reply",
    "status",
    "stall_before_first_byte",
    "stall_mid_stream",
    "drop_connection",
    "malformed_json",
    "echo_last_user",
    "split_chunks",
]

TextSource = str | Callable[["RecordedRequest"], str]


@dataclass
class RecordedRequest:
    """One request as the server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, or None when the body was empty or not JSON
    raw: bytes = b""

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages of a chat-completions request (empty otherwise)."""
        if isinstance(self.body, dict):
            return list(self.body.get("messages") or [])
        return []

    @property
    def stream(self) -> bool:
        """Whether the client asked for a streamed answer."""
        return bool(isinstance(self.body, dict) and self.body.get("stream"))

    @property
    def prompt_text(self) -> str:
        """All message contents joined, for substring assertions on the prompt."""
        parts = []
        for message in self.messages:
            content = message.get("content")
            if isinstance(content, list):  # content parts
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            parts.append(str(content or ""))
        return "\n".join(parts)


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class Step:
    """One scripted behaviour; build with the helper functions below."""

    kind: str
    text: TextSource = ""
    status_code: int = 200
    retry_after: float | None = None
    seconds: float = 0.0
    after_chunks: int = 0
    chunks: int = 4
    message: str = ""
    then: Step | None = None


def reply(text: TextSource = "OK", chunks: int = 4) -> Step:
    """A normal answer; ``text`` may be a function of the RecordedRequest."""
    return Step("reply", text=text, chunks=max(1, chunks))


def status(code: int, retry_after: float | None = None, message: str = "") -> Step:
    """An HTTP error with an OpenAI-style error body (and ``Retry-After`` if given)."""
    return Step("status", status_code=code, retry_after=retry_after, message=message)


def stall_before_first_byte(seconds: float, then: Step | None = None) -> Step:
    """Send nothing for ``seconds`` (or until the server stops), then play ``then``."""
    return Step("stall_before", seconds=seconds, then=then or reply("late answer"))


def stall_mid_stream(text_before: str, seconds: float, text_after: str = " (late end)") -> Step:
    """Start the answer with ``text_before``, go silent for ``seconds``, then finish it."""
    return Step("stall_mid", text=text_before, seconds=seconds, message=text_after)


def drop_connection(after_chunks: int = 0, text: str = "This answer is cut") -> Step:
    """Close the socket abruptly: before any response, or after ``after_chunks`` SSE chunks."""
    return Step("drop", after_chunks=after_chunks, text=text)


def malformed_json() -> Step:
    """A 200 response whose JSON (or SSE data line) does not parse."""
    return Step("malformed")


def echo_last_user(prefix: str = "") -> Callable[[RecordedRequest], str]:
    """A ``reply`` text function that repeats the last user message."""

    def _echo(request: RecordedRequest) -> str:
        for message in reversed(request.messages):
            if message.get("role") == "user":
                return prefix + str(message.get("content") or "")
        return prefix

    return _echo


def split_chunks(text: str, n: int) -> list[str]:
    """Split ``text`` into at most ``n`` non-empty pieces on word boundaries."""
    if not text:
        return [""]
    words = text.split(" ")
    n = max(1, min(n, len(words)))
    size = -(-len(words) // n)
    pieces = []
    for i in range(0, len(words), size):
        piece = " ".join(words[i : i + size])
        if i + size < len(words):
            piece += " "
        pieces.append(piece)
    return pieces


# --------------------------------------------------------------------------- server


class _Dropped(Exception):
    """Raised inside a handler to abandon the connection without a clean response."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    # -- plumbing

    def _read_request(self) -> RecordedRequest:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        request = RecordedRequest(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            raw=raw,
        )
        self.server.owner._record(request)
        return request

    def _send_json(self, code: int, payload: Any, extra_headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self._send_bytes(code, data, "application/json", extra_headers)

    def _send_bytes(
        self, code: int, data: bytes, content_type: str, extra_headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for key, value in (extra_headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def _start_stream(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def _sse(self, payload: Any) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload)
        self._write_chunk(f"data: {text}\n\n".encode())

    def _end_stream(self) -> None:
        self._sse("[DONE]")
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the connection now, whatever was sent (the client sees a broken response)."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True
        raise _Dropped

    def _wait(self, seconds: float) -> None:
        """Wait up to ``seconds``; returns early when the server is stopping."""
        self.server.owner._stopping.wait(seconds)

    # -- routes

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self._guard(self._get)

    def do_POST(self) -> None:  # noqa: N802 - stdlib name
        self._guard(self._post)

    def _guard(self, fn: Callable[[], None]) -> None:
        try:
            fn()
        except _Dropped:
            pass
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client went away (e.g. it timed out)

    def _get(self) -> None:
        self._read_request()
        path = self.path.split("?")[0].rstrip("/")
        if path.endswith("/models"):
            owner = self.server.owner
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "scripted"} for m in owner.models]
            self._send_json(200, {"object": "list", "data": data})
        else:
            self._send_json(404, _error_body(404, f"no route {self.path}"))

    def _post(self) -> None:
        request = self._read_request()
        path = self.path.split("?")[0].rstrip("/")
        if not path.endswith("/chat/completions"):
            self._send_json(404, _error_body(404, f"no route {self.path}"))
            return
        step = self.server.owner._next_step()
        self._play(step, request)

    # -- script

    def _play(self, step: Step, request: RecordedRequest) -> None:
        owner = self.server.owner
        model = (request.body or {}).get("model") if isinstance(request.body, dict) else None
        model = model or owner.models[0]
        completion_id = f"chatcmpl-scripted-{owner._counter()}"

        if step.kind == "reply":
            text = step.text(request) if callable(step.text) else step.text
            self._answer(request, completion_id, model, split_chunks(text, step.chunks))
        elif step.kind == "status":
            headers = {}
            if step.retry_after is not None:
                headers["Retry-After"] = _fmt_seconds(step.retry_after)
            self._send_json(step.status_code, _error_body(step.status_code, step.message), headers)
        elif step.kind == "stall_before":
            self._wait(step.seconds)
            if owner._stopping.is_set():
                self._drop()
            self._play(step.then or reply("late answer"), request)
        elif step.kind == "stall_mid":
            before = str(step.text)
            if request.stream:
                self._start_stream()
                self._sse(_chunk(completion_id, model, {"role": "assistant", "content": ""}))
                for piece in split_chunks(before, 2):
                    self._sse(_chunk(completion_id, model, {"content": piece}))
                self._wait(step.seconds)
                if owner._stopping.is_set():
                    self._drop()
                self._sse(_chunk(completion_id, model, {"content": step.message}))
                self._sse(_chunk(completion_id, model, {}, finish_reason="stop"))
                self._end_stream()
            else:
                data = json.dumps(_completion(completion_id, model, before + step.message)).encode()
                half = len(data) // 2
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data[:half])
                self.wfile.flush()
                self.close_connection = True
                self._wait(step.seconds)
                if owner._stopping.is_set():
                    self._drop()
                self.wfile.write(data[half:])
                self.wfile.flush()
        elif step.kind == "drop":
            if step.after_chunks <= 0:
                self._drop()
            if request.stream:
                self._start_stream()
                self._sse(_chunk(completion_id, model, {"role": "assistant", "content": ""}))
                pieces = split_chunks(str(step.text), step.after_chunks)
                for piece in pieces[: step.after_chunks]:
                    self._sse(_chunk(completion_id, model, {"content": piece}))
            else:
                data = json.dumps(_completion(completion_id, model, str(step.text))).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
            self._drop()
        elif step.kind == "malformed":
            if request.stream:
                self._start_stream()
                self._write_chunk(b'data: {"id": "broken", "choices": [\n\n')
                self._end_stream()
            else:
                self._send_bytes(200, b'{"id": "broken", "choices": [', "application/json")
        else:  # pragma: no cover - guarded by the Step helpers
            raise ValueError(f"unknown step kind {step.kind!r}")

    def _answer(self, request: RecordedRequest, completion_id: str, model: str, pieces: list[str]) -> None:
        text = "".join(pieces)
        if not request.stream:
            self._send_json(200, _completion(completion_id, model, text, request))
            return
        self._start_stream()
        self._sse(_chunk(completion_id, model, {"role": "assistant", "content": ""}))
        for piece in pieces:
            self._sse(_chunk(completion_id, model, {"content": piece}))
        self._sse(_chunk(completion_id, model, {}, finish_reason="stop"))
        options = request.body.get("stream_options") if isinstance(request.body, dict) else None
        if isinstance(options, dict) and options.get("include_usage"):
            usage_chunk = _chunk(completion_id, model, None)
            usage_chunk["usage"] = _usage(request, text)
            self._sse(usage_chunk)
        self._end_stream()


def _fmt_seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _error_body(code: int, message: str = "") -> dict[str, Any]:
    kinds = {
        400: "invalid_request_error",
        401: "authentication_error",
        404: "not_found_error",
        429: "rate_limit_exceeded",
    }
    kind = kinds.get(code, "server_error")
    return {"error": {"message": message or f"scripted error {code}", "type": kind, "param": None, "code": kind}}


def _usage(request: RecordedRequest | None, text: str) -> dict[str, int]:
    prompt = len(request.prompt_text.split()) if request else 0
    completion = len(text.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(completion_id: str, model: str, text: str, request: RecordedRequest | None = None) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": _usage(request, text),
    }


def _chunk(
    completion_id: str, model: str, delta: dict[str, Any] | None, finish_reason: str | None = None
) -> dict[str, Any]:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}]
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": choices,
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: ScriptedOpenAI


class ScriptedOpenAI:
    """A scripted OpenAI-compatible server on 127.0.0.1 (use as a context manager)."""

    def __init__(self, steps: Sequence[Step] | Step = (), models: Sequence[str] = ("scripted-model",)) -> None:
        if isinstance(steps, Step):
            steps = [steps]
        self._steps: list[Step] = list(steps) or [reply("OK")]
        self.models: list[str] = list(models) or ["scripted-model"]
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._position = 0
        self._ids = 0
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle

    def start(self) -> ScriptedOpenAI:
        """Bind a free loopback port and serve in a background thread."""
        if self._server is not None:
            return self
        self._stopping.clear()
        server = _Server(("127.0.0.1", 0), _Handler)
        server.owner = self
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; stalled responses end at once. Safe to call twice."""
        self._stopping.set()
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> ScriptedOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("server is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """OpenAI base URL, e.g. ``http://127.0.0.1:PORT/v1``."""
        return f"{self.url}/v1"

    # -- script and records

    def set_script(self, steps: Sequence[Step]) -> None:
        """Replace the script and restart it from its first step."""
        with self._lock:
            self._steps = list(steps) or [reply("OK")]
            self._position = 0

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        """Recorded chat-completions requests only."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?")[0].rstrip("/").endswith("/chat/completions")]

    @property
    def last_request(self) -> RecordedRequest:
        with self._lock:
            if not self.requests:
                raise AssertionError("the scripted server received no request")
            return self.requests[-1]

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _next_step(self) -> Step:
        with self._lock:
            step = self._steps[min(self._position, len(self._steps) - 1)]
            self._position += 1
            return step

    def _counter(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids
