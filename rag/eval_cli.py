"""The ``rag eval`` command: run a question set, print a table or JSON, write reports, compare with a baseline."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from rag.errors import RagError
from rag.evaluate import (
    SUMMARY_ROWS,
    Bot,
    EvalResult,
    default_bot,
    evaluate,
    format_delta,
    format_metric,
    load_cases,
    load_report,
)
from rag.report_html import write_html

_MAX_DETAIL = 160


def _cut(text: str, limit: int = _MAX_DETAIL) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def print_result(result: EvalResult, console: Console, min_pass: float) -> None:
    """Per-case pass/fail with the failing check, then the summary (and the baseline diff when present)."""
    regressions = set(result.regressions)
    table = Table(title="Cases", title_justify="left")
    for col in ("case", "category", "result", "why"):
        table.add_column(col, overflow="fold")
    for case in result.cases:
        mark = "[green]pass[/]" if case.passed else "[red]FAIL[/]"
        if case.id in regressions:
            mark += " [red](regression)[/]"
        table.add_row(escape(case.id), escape(case.category), mark, escape(_cut("; ".join(case.failures))))
    console.print(table)

    s = result.summary
    summary = Table(title="Summary", title_justify="left", show_header=False)
    summary.add_column("metric")
    summary.add_column("value", justify="right")
    summary.add_row("cases passed", f"{s['passed']}/{s['cases']}")
    for key, label, unit in SUMMARY_ROWS:
        summary.add_row(label, format_metric(s.get(key), unit))
    if s.get("errors"):
        summary.add_row("turns that raised an error", f"[red]{s['errors']}[/]")
    for name, cat in s["categories"].items():
        summary.add_row(
            f"category {escape(name)}", f"{cat['passed']}/{cat['cases']} ({format_metric(cat['pass_rate'], 'pct')})"
        )
    console.print(summary)

    if result.baseline is not None:
        _print_baseline(result.baseline, console)
    verdict = "[green]OK[/]" if result.ok(min_pass) else "[red]FAILED[/]"
    reasons = [f"pass rate {format_metric(s['pass_rate'], 'pct')} (minimum {format_metric(min_pass, 'pct')})"]
    if regressions:
        reasons.append(f"{len(regressions)} regression(s)")
    console.print(f"{verdict}: " + ", ".join(reasons))


def _print_baseline(diff: dict, console: Console) -> None:
    console.print("[bold]Compared with the baseline[/]")
    for key, label, style in (("regressions", "pass → fail", "red"), ("fixed", "fail → pass", "green")):
        if diff[key]:
            console.print(f"  [{style}]{label}[/]: " + escape(", ".join(diff[key])))
    for d in diff["drift"]:
        console.print(f"  [yellow]drift[/]: {escape(d['id'])} ({', '.join(d['changed'])} changed)")
    for key, label in (("added", "new cases"), ("removed", "removed cases")):
        if diff[key]:
            console.print(f"  {label}: " + escape(", ".join(diff[key])))
    units = {key: (label, unit) for key, label, unit in SUMMARY_ROWS}
    for key, m in diff["metrics"].items():
        if key in units and m["delta"]:
            label, unit = units[key]
            console.print(
                f"  {label}: {format_metric(m['before'], unit)} → {format_metric(m['after'], unit)} "
                f"({format_delta(m['delta'], unit)})"
            )
    if not any(diff[k] for k in ("regressions", "fixed", "drift", "added", "removed")):
        console.print("  no case changed")


def register(app: typer.Typer, bot_factory: Callable[[], Bot] | None = None) -> None:
    """Add the ``eval`` command to ``app``; ``bot_factory`` replaces the real Chatbot (tests, other answerers)."""

    @app.command("eval")
    def eval_command(
        questions: Annotated[Path, typer.Argument(help="Question set (YAML) to run.", show_default=False)],
        report: Annotated[Path | None, typer.Option("--report", help="Write the full JSON report here.")] = None,
        html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report here.")] = None,
        baseline: Annotated[
            Path | None, typer.Option("--baseline", help="A previous --report JSON to compare with.")
        ] = None,
        min_pass: Annotated[
            float, typer.Option("--min-pass", min=0.0, max=1.0, help="Pass rate needed for exit code 0.")
        ] = 0.9,
        as_json: Annotated[bool, typer.Option("--json", help="Print the JSON report instead of tables.")] = False,
    ) -> None:
        """Run a question set through the chatbot and check every answer (exit 1 on low pass rate or regression)."""
        err = Console(stderr=True)
        try:
            cases = load_cases(questions)  # a malformed set fails before anything runs
            old = load_report(baseline) if baseline is not None else None
            bot = bot_factory() if bot_factory is not None else default_bot()
            result = evaluate(cases, bot=bot, progress=not as_json and err.is_terminal)
            result.meta["questions"] = str(questions)
            if old is not None:
                result.compare(old)
            if report is not None:
                result.write(report)
            if html is not None:
                write_html(result.to_dict(), html)
        except RagError as exc:
            err.print(f"[red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:
            err.print(f"[red]error:[/] cannot write report: {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None
        if as_json:
            typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            print_result(result, Console(), min_pass)
        raise typer.Exit(result.exit_code(min_pass))
