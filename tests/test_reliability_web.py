"""The launched web chat under model faults, hostile requests and load, driven over HTTP on loopback.

Model faults come from the scripted OpenAI-protocol server (``tests/fakes/openai_server.py``); the app is
``ui.app.build_app(Chatbot(...))`` served by ``launch_app`` on a free port and reached with ``gradio_client``
(the ``/ask`` endpoint) or raw HTTP. Figures measured here are printed at the end of the module.
"""

from __future__ import annotations

import http.client
import inspect
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

from rag.chain import Chatbot  # noqa: E402
from tests.conftest import ROOT, SEED  # noqa: E402
from tests.fakes.openai_server import (  # noqa: E402
    ScriptedOpenAI,
    Step,
    drop_connection,
    malformed_json,
    reply,
    stall_before_first_byte,
    stall_mid_stream,
    status,
)
from tests.figures import report_figures  # noqa: E402
from tests.servers import free_port  # noqa: E402
from tests.test_generation import quoting_passage  # noqa: E402

QUESTION = "Which newspaper broke the news?"
TIMEOUT = 2.0  # RAG_LLM_TIMEOUT of the app under test
RETRIES = 1
BOUND = 90.0  # no request may take longer than this (a hang fails the test instead of blocking the suite)
PARTIAL = "The Wall Street Journal broke the news of Iran's delivery of the missiles [1]. Then the"


def client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False)


def ask(c: Any, question: str, history: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """One /ask call, bounded in time."""
    return c.submit(question, history or [], api_name="/ask").result(timeout=BOUND)


def launch(bot: Any) -> tuple[Any, str]:
    from ui.app import build_app, launch_app

    demo = build_app(bot)
    _, url, _ = launch_app(demo, port=free_port(), prevent_thread_lock=True, quiet=True)
    return demo, url


@pytest.fixture(scope="module")
def figures(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Figures measured by the tests of this module, printed once at the end."""
    data: dict[str, str] = {}
    yield data
    report_figures(request, "web reliability", data)


# --------------------------------------------------------------------------- model faults through the web app


@pytest.fixture(scope="module")
def fault_app(seed_settings: Any) -> Iterator[tuple[str, ScriptedOpenAI, Chatbot]]:
    """The web chat answering through the scripted server: timeout 2 s, one retry."""
    with ScriptedOpenAI() as srv:
        settings = seed_settings.model_copy(
            update={
                "llm": "openai:scripted-model",
                "openai_base_url": srv.base_url,
                "openai_api_key": "test",
                "llm_timeout": TIMEOUT,
                "llm_max_retries": RETRIES,
            }
        )
        bot = Chatbot(settings)
        demo, url = launch(bot)
        try:
            yield url, srv, bot
        finally:
            demo.close()


def script(srv: ScriptedOpenAI, steps: list[Step]) -> None:
    srv.set_script(steps)
    with srv._lock:
        srv.requests.clear()


def wait_for_requests(srv: ScriptedOpenAI, n: int) -> None:
    """Until the scripted server has received ``n`` chat requests (bounded)."""
    deadline = time.monotonic() + BOUND
    while len(srv.chat_requests) < n:
        assert time.monotonic() < deadline, f"the model server got {len(srv.chat_requests)} requests, expected {n}"
        time.sleep(0.05)


def assert_good_answer(out: dict[str, Any]) -> None:
    assert out["error"] is None and not out["incomplete"], out
    assert "Wall Street Journal" in out["answer"]
    assert [(c["n"], c["supported"]) for c in out["citations"]] == [(1, True)]


FAULTS = [
    # id, steps, expected error (regex) or None, incomplete, model calls
    ("429-retry-after-then-success", [status(429, retry_after=1), reply(quoting_passage(1))], None, False, 2),
    ("repeated-500", [status(500)], r"failed with HTTP 500 after 1 retries", False, 2),
    ("stall-before-first-byte", [stall_before_first_byte(120)], r"did not answer within 2 s", False, 2),
    ("stall-mid-stream", [stall_mid_stream(PARTIAL.split(" Then")[0], 120)], r"did not answer within 2 s", True, 1),
    ("dropped-connection", [drop_connection(after_chunks=0)], r"cannot connect to the model .*dropped", False, 2),
    ("dropped-mid-stream", [drop_connection(after_chunks=3, text=PARTIAL)], r"dropped", True, 1),
    ("malformed-json", [malformed_json()], r"sent a response that could not be read", False, 1),
]


@pytest.mark.parametrize("steps, expected, incomplete, calls", [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_a_model_fault_ends_with_a_clear_message_and_the_chat_stays_up(
    fault_app: tuple[str, ScriptedOpenAI, Chatbot],
    figures: dict[str, str],
    request: pytest.FixtureRequest,
    steps: list[Step],
    expected: str | None,
    incomplete: bool,
    calls: int,
) -> None:
    url, srv, _ = fault_app
    c = client(url)
    script(srv, steps)
    started = time.perf_counter()
    out = ask(c, QUESTION)
    elapsed = time.perf_counter() - started

    assert len(srv.chat_requests) == calls
    if expected is None:
        assert_good_answer(out)
    else:
        assert out["error"] and re.search(expected, out["error"]), out
        assert srv.base_url in out["error"] and "Traceback" not in out["error"] and "\n" not in out["error"]
        assert out["incomplete"] is incomplete
        if incomplete:  # the partial answer is kept, marked incomplete, and verified like any other
            assert out["answer"].startswith("The Wall Street Journal broke the news")
            assert [(c["n"], c["supported"]) for c in out["citations"]] == [(1, True)]
        else:
            assert out["answer"] == "" and out["citations"] == []
    case = request.node.callspec.id
    figures[f"fault {case}"] = f"ended after {elapsed:.1f} s (timeout {TIMEOUT:g} s x {RETRIES + 1} attempts)"

    # The web chat is still up: the next question (same client) is answered normally.
    script(srv, [reply(quoting_passage(1))])
    assert_good_answer(ask(c, QUESTION))


def test_a_stalled_model_call_does_not_hold_up_other_sessions(
    fault_app: tuple[str, ScriptedOpenAI, Chatbot], figures: dict[str, str]
) -> None:
    url, srv, _ = fault_app
    stalled, other = client(url), client(url)
    # First call stalls; the second (another session) is answered; the stalled session's retry stalls too.
    script(srv, [stall_before_first_byte(120), reply(quoting_passage(1)), stall_before_first_byte(120)])
    job = stalled.submit(QUESTION, [], api_name="/ask")
    wait_for_requests(srv, 1)  # the first session is now waiting on the model

    answered = ask(other, QUESTION)
    assert not job.done()  # the other session was answered while the first one was still waiting
    assert_good_answer(answered)

    late = job.result(timeout=BOUND)
    assert late["error"] and "did not answer within 2 s" in late["error"]
    figures["concurrent session during a stalled model call"] = "answered normally while the stalled one waited"


def test_a_partial_answer_streams_then_is_marked_incomplete_in_the_chat(
    fault_app: tuple[str, ScriptedOpenAI, Chatbot],
) -> None:
    """The chat's renderer shows a cut-off answer with its partial text and an 'incomplete' badge."""
    from ui import render

    _, srv, bot = fault_app
    script(srv, [drop_connection(after_chunks=3, text=PARTIAL)])
    answer = bot.ask(QUESTION).to_dict()
    html = render.render_answer(answer, 1)
    assert answer["incomplete"] and "incomplete" in html and "Wall Street Journal" in html


# --------------------------------------------------------------------------- the web surface


@pytest.fixture(scope="module")
def plain_app(seed_bot: Chatbot) -> Iterator[str]:
    """The web chat with the extractive default over the seed store."""
    demo, url = launch(seed_bot)
    try:
        yield url
    finally:
        demo.close()


def raw_get(url: str, path: str) -> tuple[int, bytes]:
    """GET ``path`` exactly as written (no client-side normalisation of ``..`` or escapes)."""
    host, port = re.match(r"https?://([^:/]+):(\d+)", url).groups()  # type: ignore[union-attr]
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read(200_000)
    finally:
        conn.close()


SECRET = "sk-web-surface-probe-0123456789"


def probe_targets(tmp_path: Path, store: Path) -> list[str]:
    """Paths a file route must never serve: system files, the .env, the store, and their disguises."""
    env = tmp_path / ".env"
    env.write_text(f"OPENAI_API_KEY={SECRET}\n")
    sqlite = store / "chroma.sqlite3"
    return [
        "/etc/passwd",
        "/ETC/PASSWD",
        "/etc/./passwd",
        "/etc/../etc/passwd",
        "//etc/passwd",
        "file:///etc/passwd",
        "/proc/self/environ",
        "../../../../../../../../etc/passwd",
        "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "%2Fetc%2Fpasswd",
        "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
        "..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd",
        "..\\..\\..\\..\\etc\\passwd",
        ".env",
        "./.env",
        "../.env",
        "%2e%2e%2f.env",
        "%2E%2E%2F.ENV",
        "..%2f.env",
        ".%2eenv",
        str(env),
        str(env).upper(),
        str(env).replace("/", "%2f"),
        str(store),
        str(sqlite),
        str(sqlite).replace("/", "%2F"),
        str(store / ".." / store.name / "chroma.sqlite3"),
        str(SEED),
    ]


ROUTES = [
    "/file=",
    "/gradio_api/file=",
    "/file/",
    "/gradio_api/file/",
    "/FILE=",
    "/Gradio_Api/File=",
    "/gradio_api/FILE=",
    "/gradio_api/file%3D",
    "/static/",
    "/assets/",
    "/gradio_api/static/",
    "/gradio_api/proxy=",
]


def test_file_routes_refuse_every_probe(
    plain_app: str, seed_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, figures: dict[str, str]
) -> None:
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)  # "../.env" from the server's working directory is the secret file
    store = Path(seed_settings.chroma_dir)
    targets = probe_targets(tmp_path, store)
    seed_text = SEED.read_text(encoding="utf-8")[:60].encode()
    codes: dict[int, int] = {}
    served = []
    for route in ROUTES:
        for target in targets:
            path = route + target if target.startswith("/") or route.endswith("=") else route + target.lstrip("/")
            if not path.startswith("/"):
                path = "/" + path
            code, body = raw_get(plain_app, path.replace(" ", "%20"))
            codes[code] = codes.get(code, 0) + 1
            leaked = any(s in body for s in (b"root:", SECRET.encode(), b"SQLite format 3", seed_text))
            if code not in (400, 403, 404, 405) or leaked:
                served.append((path, code, body[:80]))
    assert served == []
    total = len(ROUTES) * len(targets)
    figures["file-route probes refused"] = (
        f"{total}/{total} ({', '.join(f'{n}x{c}' for c, n in sorted(codes.items()))})"
    )


def test_uploads_and_oversized_questions_are_refused_with_a_message(plain_app: str, figures: dict[str, str]) -> None:
    import httpx

    from ui.app import MAX_UPLOAD_BYTES

    base = plain_app.rstrip("/")
    for size in (1, 1_000, 3_000_000):
        r = httpx.post(f"{base}/gradio_api/upload", files={"files": ("a.txt", b"x" * size)}, timeout=30)
        assert r.status_code == 413, (size, r.status_code, r.text[:200])
        assert f"maximum allowed size of {MAX_UPLOAD_BYTES} bytes" in r.text
    c = client(plain_app)
    long = ask(c, "why " * 600)  # 2400 characters: over the 2000 limit
    assert long["answer"] == "" and "too long" in long["error"] and "2000" in long["error"]
    info = httpx.get(f"{base}/gradio_api/info", timeout=30).json()
    assert list(info["named_endpoints"]) == ["/ask"]  # the chat's own events are not callable as an API
    figures["uploads"] = "the chat has no upload component; Gradio's upload route refuses every file (413)"


def local_addresses() -> list[str]:
    """Non-loopback IPv4 addresses of this machine (may be empty in a sandbox)."""
    found = set()
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.add(str(info[4][0]))
    except OSError:
        pass
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            found.add(s.getsockname()[0])
    except OSError:
        pass
    return sorted(a for a in found if not a.startswith("127.") and a != "0.0.0.0")


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp)."""
    out = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            addr, _, hexport = local.partition(":")
            if state == "0A" and int(hexport, 16) == port:  # 0A: LISTEN
                if len(addr) == 8:
                    out.add(socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1]))
                else:
                    out.add(addr)
    return out


def test_the_default_bind_is_loopback(plain_app: str) -> None:
    from ui.app import DEFAULT_HOST, launch_app
    from ui.cli import ui

    assert DEFAULT_HOST == "127.0.0.1"
    assert inspect.signature(launch_app).parameters["host"].default == "127.0.0.1"
    assert inspect.signature(ui).parameters["host"].default.default == "127.0.0.1"
    port = int(plain_app.rstrip("/").rsplit(":", 1)[1])
    if Path("/proc/net/tcp").exists():
        assert listening_addresses(port) == {"127.0.0.1"}
    for address in local_addresses():
        with socket.socket() as s, pytest.raises(OSError):
            s.settimeout(5)
            s.connect((address, port))


@pytest.mark.slow
def test_the_ui_command_listens_on_loopback_only(seed_settings: Any, tmp_path: Path) -> None:
    """``rag ui`` with no --host: the server it starts listens on 127.0.0.1 and nowhere else."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RAG_", "OPENAI_", "GRADIO_SERVER"))}
    env.update(RAG_CHROMA_DIR=seed_settings.chroma_dir, HF_HUB_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    log = (tmp_path / "ui.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from rag.cli import main; main()", "ui", "--port", str(port)],
        cwd=ROOT / "tests",
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 180
        while not listening_addresses(port):
            assert proc.poll() is None, (tmp_path / "ui.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "rag ui did not start listening"
            time.sleep(0.5)
        assert listening_addresses(port) == {"127.0.0.1"}
        code, body = raw_get(f"http://127.0.0.1:{port}", "/gradio_api/file=/etc/passwd")
        assert code == 403 and b"root:" not in body
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)
        log.close()


# --------------------------------------------------------------------------- load


SESSIONS = 20
CONVERSATION = [
    ("Which newspaper broke the news?", r"Wall Street Journal"),
    ("What did Sean Savett say about the transfer?", r"escalation|Savett"),
    ("Who is he?", r"Savett|spokesperson"),  # a follow-up: answered from the history
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


@pytest.mark.slow
def test_twenty_concurrent_chat_sessions_complete_without_errors(plain_app: str, figures: dict[str, str]) -> None:
    barrier = threading.Barrier(SESSIONS, timeout=BOUND)
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def session(no: int) -> None:
        try:
            c = client(plain_app)
            barrier.wait()  # every session asks at the same moment
            history: list[dict[str, str]] = []
            for question, expected in CONVERSATION:
                t0 = time.perf_counter()
                out = ask(c, question, history)
                took = time.perf_counter() - t0
                if out["error"] or not re.search(expected, out["answer"]) or not out["citations"]:
                    raise AssertionError(f"{question!r}: {out['error'] or out['answer']!r}")
                history += [{"role": "user", "content": question}, {"role": "assistant", "content": out["answer"]}]
                with lock:
                    latencies.append(took)
        except Exception as exc:  # noqa: BLE001 - every failure is reported below
            with lock:
                failures.append(f"session {no}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=session, args=(i,), daemon=True) for i in range(SESSIONS)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    wall = time.perf_counter() - started

    assert not any(t.is_alive() for t in threads), "a session did not finish"
    assert failures == []
    assert len(latencies) == SESSIONS * len(CONVERSATION)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    figures["load"] = (
        f"{SESSIONS} concurrent sessions x {len(CONVERSATION)} questions = {len(latencies)} answers, 0 errors; "
        f"latency p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(latencies):.2f} s; wall {wall:.1f} s"
    )


def test_the_chatbot_answers_the_same_under_concurrency(seed_bot: Chatbot) -> None:
    """Thread safety below the web layer: eight threads share one Chatbot and get the answers one thread gets."""
    questions = [q for q, _ in CONVERSATION[:2]] * 4
    expected = {q: seed_bot.ask(q).text for q in set(questions)}
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def worker(i: int, q: str) -> None:
        try:
            results[i] = seed_bot.ask(q).text
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i, q)) for i, q in enumerate(questions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert errors == []
    assert [results[i] for i in range(len(questions))] == [expected[q] for q in questions]
