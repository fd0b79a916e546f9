"""``python -m bench [--tiny|--quick|--full] [--sizes N ...] [--only SECTION ...] [--out DIR]``.

Measures the project and the LangChain tutorial pipeline in the same run and writes
``<out>/<date>.json``, ``<out>/<date>.md`` and PNG plots (default out: bench/results).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict, replace
from pathlib import Path

from bench import distractors, report, suite


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="mode", action="store_const", const="quick", help="a few minutes (default)")
    mode.add_argument("--full", dest="mode", action="store_const", const="full", help="~10k distractor documents")
    mode.add_argument("--tiny", dest="mode", action="store_const", const="tiny", help="seconds: checks that it runs")
    p.add_argument("--sizes", type=int, nargs="+", help="distractor document counts for the scale section")
    p.add_argument("--only", nargs="+", choices=["cold", "warm", "ingest", "scale", "web", "server"], help="sections")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results", help="results folder")
    p.add_argument(
        "--distractors",
        type=Path,
        default=Path(tempfile.gettempdir()) / "newsrag-distractors",
        help="where distractor documents are generated (reused across runs)",
    )
    p.add_argument("--work", type=Path, help="scratch folder for stores (default: a new temporary one)")
    p.set_defaults(mode="quick")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> dict[str, Path]:
    args = parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "chromadb", "sentence_transformers", "gradio_client", "bm25s", "rag"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    plan = suite.PLANS[args.mode]
    if args.sizes:
        plan = replace(plan, scale_sizes=sorted(args.sizes))
    if args.only:
        plan = replace(plan, sections=list(args.only))
    work = args.work or Path(tempfile.mkdtemp(prefix="newsrag-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    res: dict = {
        "date": dt.date.today().isoformat(),
        "mode": plan.mode,
        "plan": asdict(plan),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_before": suite.load(),
        },
        "sections": {},
        "notes": [],
    }
    needed = max([plan.ingest_docs] + plan.scale_sizes) if {"ingest", "scale"} & set(plan.sections) else 0
    docs = distractors.write(needed, args.distractors) if needed else []
    if needed and len(docs) < needed:
        res["notes"].append(f"only {len(docs)} distractor documents were available (asked for {needed})")
    if plan.mode != "full" and "scale" in plan.sections:
        res["notes"].append(
            f"{plan.mode} mode: the scale section stops at {max(plan.scale_sizes)} distractor documents; "
            "the ~10k documents / ~100k chunks figure needs --full"
        )
    for name in plan.sections:
        logging.getLogger("bench").info("section %s", name)
        fn = getattr(suite, name)
        started = time.perf_counter()
        if name in ("ingest", "scale"):
            out = fn(plan, work, docs)
        else:
            out = fn(plan, work)
        out["seconds"] = round(time.perf_counter() - started, 1)
        res["sections"][name] = out
    res["machine"]["load_after"] = suite.load()
    res["duration_s"] = round(time.perf_counter() - t0, 1)
    paths = report.write(res, args.out)
    print(report.markdown(res))
    print("\n".join(f"wrote {p}" for p in paths.values()), file=sys.stderr)
    return paths


if __name__ == "__main__":
    main()
