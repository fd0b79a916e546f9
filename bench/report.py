"""Write a run's results: JSON (everything), a markdown table of the figures against their targets, PNG plots."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def _f(x: Any, unit: str = "", digits: int = 1) -> str:
    if x is None or (isinstance(x, float) and x != x):
        return "–"
    if isinstance(x, float | int):
        return f"{x:.{digits}f}{unit}"
    return str(x)


def _ratio(a: Any, b: Any) -> str:
    try:
        return f"{a / b:.2f}×"
    except (TypeError, ZeroDivisionError):
        return "–"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def rows(res: dict[str, Any]) -> list[list[str]]:
    """Figure | project | peer (same run) | project/peer | target | met."""
    s = res["sections"]
    out: list[list[str]] = []
    c = s.get("cold")
    if c:
        p, q, st = c["project"], c["peer"], c["project_sentence_transformers"]
        out.append(
            [
                f"cold `rag ask` wall (median of {c['runs']})",
                _f(p["wall_s"], " s", 2),
                _f(q["wall_s"], " s", 2),
                _ratio(p["wall_s"], q["wall_s"]),
                "≤ 3 s",
                _met(p["wall_s"] <= 3 and not p["errors"]),
            ]
        )
        out.append(
            [
                "cold `rag ask` peak RSS",
                _f(p["rss_mib"], " MiB", 0),
                _f(q["rss_mib"], " MiB", 0),
                _ratio(p["rss_mib"], q["rss_mib"]),
                "≤ 400 MiB",
                _met(p["rss_mib"] <= 400),
            ]
        )
        out.append(
            [
                "cold `rag ask` with `RAG_ONNX=0` (sentence-transformers)",
                f"{_f(st['wall_s'], ' s', 2)}, {_f(st['rss_mib'], ' MiB', 0)}",
                "",
                "",
                "reference",
                "–",
            ]
        )
    w = s.get("warm")
    if w:
        p, q = w["project"], w["peer_retrieval_only"]
        out.append(
            [
                "warm ask p50 (seed article, extractive)",
                _f(p["p50_ms"], " ms"),
                _f(q["p50_ms"], " ms") + " (search only)",
                _ratio(p["p50_ms"], q["p50_ms"]),
                "≤ 50 ms",
                _met(p["p50_ms"] <= 50),
            ]
        )
        out.append(
            [
                "warm ask p95",
                _f(p["p95_ms"], " ms"),
                _f(q["p95_ms"], " ms") + " (search only)",
                _ratio(p["p95_ms"], q["p95_ms"]),
                "≤ 100 ms",
                _met(p["p95_ms"] <= 100),
            ]
        )
    i = s.get("ingest")
    if i:
        p, e, q = i["project"], i["encoder_alone"], i["peer"]
        out.append(
            [
                f"ingest throughput ({i['documents']} docs, {p['chunks']} chunks) / encoder alone",
                f"{_f(p['chunks_per_s'])} vs {_f(e['chunks_per_s'])} chunks/s",
                "",
                "",
                "≥ 0.9",
                f"{i['throughput_ratio']:.2f} " + _met(i["throughput_ratio"] >= 0.9),
            ]
        )
        out.append(
            [
                "ingest, characters per second",
                _f(p["chars_per_s"], "", 0),
                _f(q["chars_per_s"], "", 0),
                _ratio(p["chars_per_s"], q["chars_per_s"]),
                "reference",
                "–",
            ]
        )
    sc = s.get("scale")
    if sc and sc.get("points"):
        last = sc["points"][-1]
        label = f"retrieval p95, {last['documents']} docs / {last['chunks']} chunks"
        out.append(
            [
                label,
                _f(last["retrieval"]["p95_ms"], " ms"),
                "",
                "",
                "≤ 150 ms (at ~10k docs / ~100k chunks)",
                _met(last["retrieval"]["p95_ms"] <= 150),
            ]
        )
        ql = sc["quality"]
        a, d = ql["article_alone"].get("pass_rate"), ql["with_distractors"].get("pass_rate")
        out.append(
            [
                f"question-set pass rate with {ql['distractor_documents']} distractor docs vs article alone",
                f"{_f(d and d * 100, ' %')} vs {_f(a and a * 100, ' %')}",
                "",
                "",
                "no drop",
                _met(None if a is None or d is None else d >= a),
            ]
        )
    wb = s.get("web")
    if wb and "error" not in wb:
        for n in sorted((k for k in wb if k.isdigit()), key=int):
            r = wb[n]
            first, answer = r["first_token"], r["answer"]
            target = "0 errors; p95 first token ≤ 1 s" if n == "20" else "0 errors"
            ok = r["errors"] == 0 and (n != "20" or first["p95_ms"] <= 1000)
            out.append(
                [
                    f"web chat, {n} concurrent session(s): p50 / p95 first token; p50 / p95 answer; errors",
                    f"{_f(first['p50_ms'], ' ms', 0)} / {_f(first['p95_ms'], ' ms', 0)}; "
                    f"{_f(answer['p50_ms'], ' ms', 0)} / {_f(answer['p95_ms'], ' ms', 0)}; {r['errors']}",
                    "",
                    "",
                    target,
                    _met(ok),
                ]
            )
        for n, r in sorted(wb.get("api", {}).items(), key=lambda kv: int(kv[0])):
            out.append(
                [
                    f"web `/ask` API, {n} concurrent session(s): p50 / p95 answer, errors",
                    f"{_f(r['p50_ms'], ' ms', 0)} / {_f(r['p95_ms'], ' ms', 0)}, {r['errors']}",
                    "",
                    "",
                    "",
                    "",
                ]
            )
    sv = s.get("server")
    if sv and "error" not in sv:
        e, r = sv["embedded"], sv["server"]
        out.append(
            [
                "search p50 / p95: embedded vs `chroma run` (loopback)",
                f"{_f(e['search']['p50_ms'])} / {_f(e['search']['p95_ms'])} ms vs "
                f"{_f(r['search']['p50_ms'])} / {_f(r['search']['p95_ms'])} ms",
                "",
                "",
                "side by side",
                "–",
            ]
        )
        out.append(
            [
                "ask p50 / p95: embedded vs `chroma run`",
                f"{_f(e['ask']['p50_ms'])} / {_f(e['ask']['p95_ms'])} ms vs "
                f"{_f(r['ask']['p50_ms'])} / {_f(r['ask']['p95_ms'])} ms",
                "",
                "",
                "side by side",
                "–",
            ]
        )
    return out


def markdown(res: dict[str, Any]) -> str:
    m = res["machine"]
    head = (
        f"# Benchmark {res['date']} ({res['mode']} mode)\n\n"
        f"{m['cpus']} CPUs, Python {m['python']}; load average before {m['load_before']}, after {m['load_after']} "
        f"(the machine was shared). Peer: LangChain tutorial pipeline (RecursiveCharacterTextSplitter 1000/200 → "
        f"Chroma → top-4 similarity, same model through sentence-transformers), measured in the same run. "
        f"Duration {res['duration_s'] / 60:.1f} min.\n\n"
    )
    table = ["| figure | project | peer | project/peer | target | met |", "|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(r) + " |" for r in rows(res)]
    extra = list(res.get("notes", []))
    changed = res["sections"].get("scale", {}).get("quality", {}).get("changed_cases", [])
    if changed:
        flips = ", ".join(f"{c['case']} ({'now passes' if c['with_distractors'] else 'now fails'})" for c in changed)
        extra.append(f"cases whose outcome changed with the distractors: {flips}")
    notes = "\n".join(f"- {n}" for n in extra)
    return head + "\n".join(table) + "\n" + (f"\n{notes}\n" if notes else "")


def plots(res: dict[str, Any], folder: Path, stem: str) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = res["sections"]
    made: list[Path] = []

    def save(fig: Any, name: str) -> None:
        path = folder / f"{stem}-{name}.png"
        fig.tight_layout()
        fig.savefig(path, dpi=90)
        plt.close(fig)
        made.append(path)

    if "cold" in s:
        c = s["cold"]
        names = ["project", "project_sentence_transformers", "peer"]
        labels = ["rag ask (ONNX)", "rag ask (RAG_ONNX=0)", "LangChain tutorial"]
        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3.4))
        a.bar(labels, [c[n]["wall_s"] for n in names], color=["#2563eb", "#93c5fd", "#9ca3af"])
        a.axhline(3, color="red", ls="--", lw=1)
        a.set_ylabel("seconds (median)")
        a.set_title("cold ask: wall")
        b.bar(labels, [c[n]["rss_mib"] for n in names], color=["#2563eb", "#93c5fd", "#9ca3af"])
        b.axhline(400, color="red", ls="--", lw=1)
        b.set_ylabel("MiB")
        b.set_title("cold ask: peak RSS")
        for ax in (a, b):
            ax.tick_params(axis="x", labelsize=8)
        save(fig, "cold")
    if "warm" in s:
        w = s["warm"]
        fig, ax = plt.subplots(figsize=(6, 3.4))
        ax.boxplot([w["samples_ms"], w["peer_samples_ms"]], showfliers=True)
        ax.set_xticks([1, 2], ["rag ask (answer)", "tutorial (search only)"])
        ax.axhline(50, color="orange", ls="--", lw=1)
        ax.axhline(100, color="red", ls="--", lw=1)
        ax.set_ylabel("ms")
        ax.set_title("warm latency, seed article")
        save(fig, "warm")
    if s.get("scale", {}).get("points"):
        pts = s["scale"]["points"]
        fig, ax = plt.subplots(figsize=(6, 3.4))
        xs = [p["chunks"] for p in pts]
        ax.plot(xs, [p["retrieval"]["p50_ms"] for p in pts], "o-", label="p50")
        ax.plot(xs, [p["retrieval"]["p95_ms"] for p in pts], "s-", label="p95")
        ax.axhline(150, color="red", ls="--", lw=1, label="p95 target")
        ax.set_xlabel("chunks in the store")
        ax.set_ylabel("ms")
        ax.set_title("hybrid retrieval latency vs store size")
        ax.legend()
        save(fig, "scale")
    wb = s.get("web", {})
    ns = sorted((k for k in wb if k.isdigit()), key=int)
    if ns:
        fig, ax = plt.subplots(figsize=(6, 3.4))
        xs = [int(n) for n in ns]
        ax.plot(xs, [wb[n]["first_token"]["p50_ms"] for n in ns], "o-", label="first token p50")
        ax.plot(xs, [wb[n]["first_token"]["p95_ms"] for n in ns], "s-", label="first token p95")
        ax.plot(xs, [wb[n]["answer"]["p95_ms"] for n in ns], "^:", label="answer p95")
        ax.axhline(1000, color="red", ls="--", lw=1, label="p95 target at 20")
        ax.set_xlabel("concurrent sessions")
        ax.set_ylabel("ms")
        ax.set_title("web chat on loopback (streaming Ask event)")
        ax.legend()
        save(fig, "web")
    return made


def write(res: dict[str, Any], folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = res["date"]
    paths = {"json": folder / f"{stem}.json", "md": folder / f"{stem}.md"}
    paths["json"].write_text(json.dumps(res, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    pngs = plots(res, folder, stem)
    md = markdown(res) + "".join(f"\n![{p.stem}]({p.name})\n" for p in pngs)
    paths["md"].write_text(md, encoding="utf-8")
    for p in pngs:
        paths[p.stem] = p
    return paths
