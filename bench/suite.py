"""The benchmark sections. Each returns a JSON-able dict; the project and the peer are measured in the same run."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import threading
import time
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
    emb.embed_documents([c.text for c in chunk_text(SEED.read_text(encoding="utf-8"), size, overlap)])  # warm-up
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
        bot.searcher.search(qs[0], settings.top_k)  # builds and persists the lexical index
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
            "lexical_build_s": round(first_s, 2),
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
    """``rag ui`` on loopback, N concurrent gradio_client sessions calling /ask; errors and latency."""
    from gradio_client import Client

    port = free_port()
    env = dict(base_env(work), RAG_CHROMA_DIR=str(work / "seed-store"))
    proc = subprocess.Popen(
        _rag_cmd() + ["ui", "--port", str(port)],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    out: dict[str, Any] = {"endpoint": "/ask", "note": "the extractive answer is complete when its first token is sent"}
    try:
        if not wait_for_port(port, 180, proc):  # type: ignore[arg-type]
            return {"error": "the web chat did not start"}
        url = f"http://127.0.0.1:{port}/"
        qs = questions()
        Client(url, verbose=False).predict(qs[0], [], api_name="/ask")
        for n in plan.web_sessions:
            clients = [Client(url, verbose=False) for _ in range(n)]
            lat, errors, wall = _sessions(clients, qs, plan.web_questions)
            out[str(n)] = {
                **summary_ms(lat),
                "requests": len(lat),
                "errors": len(errors),
                "error_samples": errors[:3],
                "answers_per_s": round(len(lat) / wall, 2),
                "load": load(),
            }
            log.info("web %d sessions: p95 %.0f ms, %d errors", n, out[str(n)]["p95_ms"], len(errors))
    finally:
        _stop(proc)
    return out


def _sessions(clients: list[Any], qs: list[str], per_session: int) -> tuple[list[float], list[str], float]:
    """Every client asks ``per_session`` questions in turn, all clients at once; latencies, errors, wall time."""
    lat: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(clients))

    def session(i: int, client: Any) -> None:
        start.wait()
        for j in range(per_session):
            q = qs[(i * per_session + j) % len(qs)]
            t = time.perf_counter()
            try:
                res = client.predict(q, [], api_name="/ask")
                bad = res.get("error") if isinstance(res, dict) else "not a JSON answer"
            except Exception as exc:  # noqa: BLE001 - every failure counts as an error
                bad = f"{type(exc).__name__}: {exc}"
            with lock:
                lat.append(time.perf_counter() - t)
                if bad:
                    errors.append(str(bad))

    t0 = time.perf_counter()
    threads = [threading.Thread(target=session, args=(i, c)) for i, c in enumerate(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return lat, errors, time.perf_counter() - t0


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
