"""The benchmark sections. Each returns a JSON-able dict; the project and the peer are measured in the same run."""

from __future__ import annotations

import logging
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import peer
from bench.measure import free_port, load, pct, run_cold, summary_ms, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "iran-missiles-russia.txt"
QUESTIONS = ROOT / "tests" / "regression" / "questions.yaml"
COLD_QUESTION = "Which newspaper broke the news?"
log = logging.getLogger("bench")


@dataclass
class Plan:
    """How much to measure; ``--quick`` / ``--full`` / ``--tiny`` pick one, ``--sizes`` overrides the scale sizes."""

    mode: str
    cold_runs: int
    warm_repeats: int
    warm_questions: int  # 0: every single-turn question of the set
    ingest_docs: int
    scale_sizes: list[int]
    web_sessions: list[int]
    web_questions: int
    sections: list[str] = field(default_factory=lambda: ["cold", "warm", "ingest", "scale", "web", "server"])


PLANS = {
    "tiny": Plan("tiny", 1, 1, 3, 3, [5], [1, 2], 1),
    "quick": Plan("quick", 5, 3, 0, 100, [300, 1000], [1, 10, 20], 3),
    "full": Plan("full", 5, 5, 0, 300, [1000, 3000, 10000], [1, 10, 20], 5),
}


def base_env(work: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("RAG_") and k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")
    }
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", ANONYMIZED_TELEMETRY="False", RAG_LLM="extractive")
    for k in ("RAG_ONNX_CACHE", "RAG_ONNX_THREADS"):  # the encoder cache and threads are kept
        if k in os.environ:
            env[k] = os.environ[k]
    return env


def settings_for(store: Path, **kw: Any) -> Any:
    from rag.settings import Settings

    return Settings(chroma_dir=str(store), llm="extractive", _env_file=None, **kw)  # type: ignore[call-arg]


def questions(limit: int = 0) -> list[str]:
    """The first question of every case of the project's set (follow-ups need their history)."""
    from rag.evaluate import load_cases

    qs = [c.turns[0].question for c in load_cases(QUESTIONS) if len(c.turns) == 1]
    return qs[:limit] if limit else qs


def _rag_cmd() -> list[str]:
    exe = Path(sys.executable).with_name("rag")
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from rag.cli import main; main()"]


# ------------------------------------------------------------------------------------------------- cold start
def cold(plan: Plan, work: Path) -> dict[str, Any]:
    """New process → answer printed, median of ``cold_runs``: rag ask (ONNX), rag ask with RAG_ONNX=0, the peer."""
    cwd = work / "cwd"  # no .env is read there
    cwd.mkdir(exist_ok=True)
    env = base_env(work)
    project_env = dict(env, RAG_CHROMA_DIR=str(work / "cold-store"))
    st_env = dict(project_env, RAG_ONNX="0")
    peer_dir = _peer_seed_store(work)
    variants = {
        "project": (_rag_cmd() + ["ask", COLD_QUESTION], project_env),
        "project_sentence_transformers": (_rag_cmd() + ["ask", COLD_QUESTION], st_env),
        "peer": (
            [sys.executable, "-m", "bench.peer", "ask", str(peer_dir), COLD_QUESTION],
            dict(env, PYTHONPATH=str(ROOT)),
        ),
    }
    # Set-up, not timed: the store with the seed, the persisted lexical index and the cached ONNX export.
    subprocess.run(_rag_cmd() + ["ingest"], env=project_env, cwd=cwd, check=True, capture_output=True)
    out: dict[str, Any] = {"question": COLD_QUESTION, "runs": plan.cold_runs}
    for name, (cmd, e) in variants.items():
        run_cold(cmd, e, cwd)  # warm-up: page cache, first-use files
        runs = [run_cold(cmd, e, cwd) for _ in range(plan.cold_runs)]
        out[name] = {
            "wall_s": sorted(r.wall_s for r in runs)[len(runs) // 2],
            "rss_mib": sorted(r.rss_mib for r in runs)[len(runs) // 2],
            "walls_s": [round(r.wall_s, 3) for r in runs],
            "rss_mibs": [round(r.rss_mib, 1) for r in runs],
            "errors": sum(not r.ok for r in runs),
            "load": load(),
        }
        log.info("cold %s: %.2f s, %.0f MiB", name, out[name]["wall_s"], out[name]["rss_mib"])
    return out


_PEER_EMB: Any = None


def _peer_seed_store(work: Path) -> Path:
    """The peer's store holding the seed article (made once per run)."""
    folder = work / "cold-peer"
    if not (folder / ".seeded").exists():
        peer.ingest(folder, [SEED], peer.vector_store(folder, _peer_embeddings()))
        (folder / ".seeded").touch()
    return folder


def _peer_embeddings() -> Any:
    global _PEER_EMB
    if _PEER_EMB is None:
        _PEER_EMB = peer.SentenceTransformerEmbeddings()
    return _PEER_EMB


# ------------------------------------------------------------------------------------------------- warm asks
def warm(plan: Plan, work: Path) -> dict[str, Any]:
    """In one process, after a first question: answer latency over the question set (peer: its top-4 search)."""
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths

    store = work / "seed-store"
    settings = settings_for(store)
    ingest_paths(settings, [SEED])
    bot = Chatbot(settings)
    qs = questions(plan.warm_questions)
    bot.ask(qs[0])
    lat = []
    for _ in range(plan.warm_repeats):
        for q in qs:
            t = time.perf_counter()
            bot.ask(q)
            lat.append(time.perf_counter() - t)
    peer_dir = _peer_seed_store(work)
    vs = peer.vector_store(peer_dir, _peer_embeddings())
    peer.ask(peer_dir, qs[0], vs)
    plat = []
    for _ in range(plan.warm_repeats):
        for q in qs:
            t = time.perf_counter()
            peer.ask(peer_dir, q, vs)
            plat.append(time.perf_counter() - t)
    return {
        "questions": len(qs),
        "repeats": plan.warm_repeats,
        "project": summary_ms(lat),
        "peer_retrieval_only": summary_ms(plat),
        "samples_ms": [round(x * 1000, 2) for x in lat],
        "peer_samples_ms": [round(x * 1000, 2) for x in plat],
        "load": load(),
    }


# ------------------------------------------------------------------------------------------------- ingest
def ingest(plan: Plan, work: Path, distractors: list[Path]) -> dict[str, Any]:
    """Ingest time vs the embedding model alone on the same chunk texts (same process, model loaded)."""
    from rag.chunking import chunk_text
    from rag.embeddings import get_embeddings
    from rag.ingest import ingest_paths

    files = [SEED, *distractors[: plan.ingest_docs]]
    settings = settings_for(work / "ingest-store")
    emb = get_embeddings(settings.embedding_model)
    size, overlap = settings.chunk_size, settings.chunk_overlap
    # Warm-up, not timed on either side: the model loaded and chromadb imported (costs of a new process, not
    # throughput); otherwise the import would count here when this section runs alone, not after the others.
    emb.embed_documents([c.text for c in chunk_text(SEED.read_text(encoding="utf-8"), size, overlap)])
    import chromadb  # noqa: F401
    import chromadb.api.rust  # noqa: F401  (the local client's bindings: imported by the first client, not above)
    # Alternate the two measurements over slices of the files, so a change of machine load hits both alike.
    encode_s = ingest_s = 0.0
    texts = 0
    rounds = 4
    for r in range(rounds):
        part = files[r::rounds]
        chunks = [c.text for f in part for c in chunk_text(f.read_text(encoding="utf-8"), size, overlap)]
        texts += len(chunks)
        t = time.perf_counter()
        emb.embed_documents(chunks)
        encode_s += time.perf_counter() - t
        t = time.perf_counter()
        report = ingest_paths(settings, part)
        ingest_s += time.perf_counter() - t
    peer_dir = work / "ingest-peer"
    pemb = _peer_embeddings()
    vs = peer.vector_store(peer_dir, pemb)
    t = time.perf_counter()
    peer_chunks = peer.ingest(peer_dir, files, vs)
    peer_s = time.perf_counter() - t
    chars = sum(f.stat().st_size for f in files)
    return {
        "documents": len(files),
        "chars": chars,
        "project": {
            "chunks": report.chunks,
            "seconds": round(ingest_s, 3),
            "chunks_per_s": round(report.chunks / ingest_s, 1),
            "chars_per_s": round(chars / ingest_s),
        },
        "encoder_alone": {"chunks": texts, "seconds": round(encode_s, 3), "chunks_per_s": round(texts / encode_s, 1)},
        "throughput_ratio": round(encode_s / ingest_s, 3),
        "peer": {
            "chunks": peer_chunks,
            "seconds": round(peer_s, 3),
            "chunks_per_s": round(peer_chunks / peer_s, 1),
            "chars_per_s": round(chars / peer_s),
        },
        "load": load(),
    }


# ------------------------------------------------------------------------------------------------- scale
def scale(plan: Plan, work: Path, distractors: list[Path]) -> dict[str, Any]:
    """Retrieval latency as distractors are added, and answer quality with them vs the article alone."""
    from rag.chain import Chatbot
    from rag.evaluate import evaluate
    from rag.ingest import ingest_paths

    settings = settings_for(work / "scale-store")
    ingest_paths(settings, [SEED])
    qs = questions()
    points = []
    done = 0
    for size in sorted(plan.scale_sizes):
        batch = distractors[done:size]
        t = time.perf_counter()
        for lo in range(0, len(batch), 500):
            ingest_paths(settings, batch[lo : lo + 500])
        ingest_s = time.perf_counter() - t
        done = size
        bot = Chatbot(settings)
        t = time.perf_counter()
        bot.searcher.search(qs[0], settings.top_k)  # the first search: loads the lexical index the ingest saved
        first_s = time.perf_counter() - t
        lat = []
        for _ in range(max(1, plan.warm_repeats)):
            for q in qs:
                t = time.perf_counter()
                bot.searcher.search(q, settings.top_k)
                lat.append(time.perf_counter() - t)
        point = {
            "documents": size + 1,
            "chunks": bot.store.count(),
            "ingest_s": round(ingest_s, 1),
            "first_search_s": round(first_s, 2),
            "retrieval": summary_ms(lat),
            "load": load(),
        }
        log.info(
            "scale %d docs / %d chunks: p95 %.1f ms", point["documents"], point["chunks"], point["retrieval"]["p95_ms"]
        )
        points.append(point)
    crowd = evaluate(QUESTIONS, bot=Chatbot(settings))
    alone_settings = settings_for(work / "seed-store")
    ingest_paths(alone_settings, [SEED])
    single = evaluate(QUESTIONS, bot=Chatbot(alone_settings))
    alone, with_distractors = single.summary, crowd.summary
    passed = {c.id: c.passed for c in single.cases}
    changed = [
        {"case": c.id, "article_alone": passed.get(c.id), "with_distractors": c.passed, "failures": c.failures}
        for c in crowd.cases
        if passed.get(c.id) != c.passed
    ]
    keys = ("pass_rate", "answer_accuracy", "citation_hit_rate", "abstention_accuracy", "followup_accuracy", "cases")
    return {
        "points": points,
        "quality": {
            "article_alone": {k: alone.get(k) for k in keys if k in alone},
            "with_distractors": {k: with_distractors.get(k) for k in keys if k in with_distractors},
            "distractor_documents": done,
            "changed_cases": changed,
            "full_summary_alone": alone,
            "full_summary_with_distractors": with_distractors,
        },
    }


# ------------------------------------------------------------------------------------------------- web chat
def web(plan: Plan, work: Path) -> dict[str, Any]:
    """``rag ui`` on loopback, N concurrent gradio_client sessions: the chat as the page drives it, and ``/ask``.

    Chat: each session sends its questions in turn through the chat's own streaming event (the one the Ask button
    fires), with its chat so far, like a browser tab. First token: until the first streamed update whose answer
    message holds answer text; answer: until the finished answer. ``/ask``: the JSON API, answer only.
    """
    port = free_port()
    env = dict(base_env(work), RAG_CHROMA_DIR=str(work / "seed-store"))
    proc = subprocess.Popen(
        _rag_cmd() + ["ui", "--port", str(port)],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict[str, Any] = {
        "endpoint": "the chat's Ask event (streaming), then /ask",
        "note": "times are taken in gradio_client, which looks for new messages every 50 ms; the load generator "
        "shares the machine's cores with the server",
        "api": {},
    }
    try:
        if not wait_for_port(port, 180, proc):  # type: ignore[arg-type]
            return {"error": "the web chat did not start"}
        url = f"http://127.0.0.1:{port}/"
        qs = questions()
        warm_up = _client(url)
        warm_up.predict(qs[0], [], api_name="/ask")
        _chat_turn(warm_up, chat_event(warm_up), qs[0], [])
        for n in plan.web_sessions:
            clients = [_client(url) for _ in range(n)]
            turns, wall = _sessions(clients, qs, plan.web_questions, _chat_session)
            done = [t for t in turns if not t.error]
            errors = [t.error for t in turns if t.error]
            out[str(n)] = {
                "first_token": summary_ms([t.first for t in done if t.first is not None]),
                "answer": summary_ms([t.answer for t in done]),
                "updates_per_answer": round(statistics.fmean(t.updates for t in done), 1) if done else None,
                "requests": len(turns),
                "errors": len(errors),
                "error_samples": errors[:3],
                "answers_per_s": round(len(turns) / wall, 2),
                "load": load(),
            }
            r = out[str(n)]
            log.info(
                "web chat %d sessions: first token p95 %.0f ms, answer p95 %.0f ms, %d errors",
                n,
                r["first_token"]["p95_ms"],
                r["answer"]["p95_ms"],
                len(errors),
            )
            turns, wall = _sessions(clients, qs, plan.web_questions, _api_session)
            errors = [t.error for t in turns if t.error]
            out["api"][str(n)] = {
                **summary_ms([t.answer for t in turns]),
                "requests": len(turns),
                "errors": len(errors),
                "error_samples": errors[:3],
                "answers_per_s": round(len(turns) / wall, 2),
                "load": load(),
            }
            log.info("web /ask %d sessions: p95 %.0f ms, %d errors", n, out["api"][str(n)]["p95_ms"], len(errors))
    finally:
        _stop(proc)
    return out


def _client(url: str) -> Any:
    """A gradio_client session. The URL is plain HTTP on loopback, so no TLS is involved: ``ssl_verify=False`` only
    keeps httpx from loading the CA bundle for every request (~24 ms of CPU each here, two per question), which on
    2 cores would be taken from the server under test."""
    from gradio_client import Client

    return Client(url, verbose=False, ssl_verify=False)


@dataclass
class Turn:
    """One question asked in a session: seconds to the first token and to the answer, streamed updates, error."""

    answer: float
    first: float | None = None
    updates: int = 0
    error: str | None = None


def chat_event(client: Any) -> int:
    """The fn_index of the event the Ask button fires. It is not an API endpoint, so the client is let to call it
    as the page does (same queue, same session, same streamed updates)."""
    config = client.config
    send = [c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "rag-send"]
    for i, dep in enumerate(config["dependencies"]):
        if send and [send[0], "click"] in [list(t) for t in dep.get("targets", [])]:
            index = int(dep.get("id", i))
            client.endpoints[index].is_valid = True
            return index
    raise RuntimeError("the chat's Ask event was not found")


class _Stamped(list):  # type: ignore[type-arg]
    """The outputs list of a gradio_client job, noting when each streamed update arrives."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, item: Any) -> None:
        self.times.append(time.perf_counter())
        super().append(item)


def _message_text(message: Any) -> str:
    """The visible text of a chat message (HTML tags and the typing cursor left out)."""
    content = message.get("content") if isinstance(message, dict) else message
    if isinstance(content, list):
        content = " ".join(p.get("text", "") if isinstance(p, dict) else str(p) for p in content)
    return re.sub(r"<[^>]*>", "", str(content or "")).replace("▍", "").strip()


def _chat_turn(client: Any, index: int, question: str, chat: list[Any]) -> tuple[Turn, list[Any]]:
    """Ask one question through the chat event; the turn and the chat after it."""
    t = time.perf_counter()
    job = client.submit(question, chat, fn_index=index)
    stamped = _Stamped()
    with job.communicator.lock:
        stamped.extend(job.communicator.job.outputs)
        stamped.times.extend([time.perf_counter()] * len(stamped))
        job.communicator.job.outputs = stamped
    try:
        final = job.result(timeout=300)
    except Exception as exc:  # noqa: BLE001 - every failure counts as an error
        return Turn(time.perf_counter() - t, error=f"{type(exc).__name__}: {exc}"), chat
    answer_s = time.perf_counter() - t
    expected = len(chat) + 2  # the question and its answer
    turn = Turn(answer_s, updates=len(stamped))
    for when, update in zip(stamped.times, stamped, strict=True):
        messages = update[0] if isinstance(update, (list, tuple)) else None
        if isinstance(messages, list) and len(messages) == expected and _message_text(messages[-1]):
            turn.first = when - t
            break
    messages = final[0] if isinstance(final, (list, tuple)) else None
    if not isinstance(messages, list) or len(messages) != expected:
        turn.error = f"the chat did not show the answer: {str(final)[:200]}"
    elif "rag-notice-error" in str(messages[-1]) or not _message_text(messages[-1]):
        turn.error = f"error shown: {_message_text(messages[-1])[:200]}"
    elif turn.first is None:
        turn.error = "no streamed update held answer text"
    return turn, messages if isinstance(messages, list) else chat


def _chat_session(client: Any, qs: list[str]) -> list[Turn]:
    index = chat_event(client)
    chat: list[Any] = []
    turns = []
    for q in qs:
        turn, chat = _chat_turn(client, index, q, chat)
        turns.append(turn)
    return turns


def _api_session(client: Any, qs: list[str]) -> list[Turn]:
    turns = []
    for q in qs:
        t = time.perf_counter()
        try:
            res = client.predict(q, [], api_name="/ask")
            bad = res.get("error") if isinstance(res, dict) else "not a JSON answer"
        except Exception as exc:  # noqa: BLE001 - every failure counts as an error
            bad = f"{type(exc).__name__}: {exc}"
        turns.append(Turn(time.perf_counter() - t, error=str(bad) if bad else None))
    return turns


def _sessions(
    clients: list[Any], qs: list[str], per_session: int, run: Callable[[Any, list[str]], list[Turn]]
) -> tuple[list[Turn], float]:
    """Every client asks ``per_session`` questions in turn, all clients at once; the turns and the wall time."""
    turns: list[Turn] = []
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def session(i: int, client: Any) -> None:
        mine = [qs[(i * per_session + j) % len(qs)] for j in range(per_session)]
        start.wait()
        try:
            done = run(client, mine)
        except Exception as exc:  # noqa: BLE001 - every failure counts as an error
            done = [Turn(float("nan"), error=f"{type(exc).__name__}: {exc}")]
        with lock:
            turns.extend(done)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(i, c)) for i, c in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return turns, time.perf_counter() - t0


# ------------------------------------------------------------------------------------------------- chroma server
def server(plan: Plan, work: Path) -> dict[str, Any]:
    """The same seed store embedded and behind ``chroma run`` on loopback: ingest, search and ask latency."""
    from rag.chain import Chatbot
    from rag.ingest import ingest_paths

    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if not chroma:
        return {"error": "the chroma command is not installed"}
    port = free_port()
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(work / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=base_env(work),
    )
    out: dict[str, Any] = {}
    try:
        if not wait_for_port(port, 60, proc):  # type: ignore[arg-type]
            return {"error": "chroma run did not start"}
        qs = questions(plan.warm_questions)
        for name, settings in (
            ("embedded", settings_for(work / "server-embedded")),
            ("server", settings_for(work / "unused", chroma_url=f"http://127.0.0.1:{port}", collection="bench")),
        ):
            t = time.perf_counter()
            ingest_paths(settings, [SEED])
            ingest_s = time.perf_counter() - t
            bot = Chatbot(settings)
            bot.ask(qs[0])
            search, ask = [], []
            for _ in range(plan.warm_repeats):
                for q in qs:
                    t = time.perf_counter()
                    bot.searcher.search(q, settings.top_k)
                    search.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    bot.ask(q)
                    ask.append(time.perf_counter() - t)
            out[name] = {
                "ingest_s": round(ingest_s, 3),
                "search": summary_ms(search),
                "ask": summary_ms(ask),
                "load": load(),
            }
    finally:
        _stop(proc)
    return out


def _stop(proc: subprocess.Popen[Any]) -> None:
    """End a server started for a measurement: politely, then for sure."""
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


__all__ = ["PLANS", "Plan", "cold", "ingest", "pct", "scale", "server", "warm", "web"]
