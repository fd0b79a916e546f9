"""The ``rag`` command: a thin layer over the library; every command has ``--json`` and a clear exit code."""

from __future__ import annotations

import json
import logging
import os
import sys
from typing import Any

import typer

from rag.errors import RagError

app = typer.Typer(
    help="Ask questions about news articles; every answer cites the passage it comes from.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
log = logging.getLogger("rag")


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _settings() -> Any:
    from rag.settings import load_settings

    return load_settings()


def _progress_bar(enabled: bool) -> Any:
    """A rich progress callback for long work, or None (``--json`` or not a terminal)."""
    if not enabled or not sys.stderr.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        transient=True,
    )
    task = bar.add_task("", total=None)

    def update(label: str, done: int, total: int) -> None:
        bar.update(task, completed=done, total=total, description=label)

    return bar, update


@app.command()
def ingest(
    paths: list[str] = typer.Argument(  # noqa: B008 - typer's declared way to describe an argument
        None, help="Files or folders (.txt, .md, .html); default: the seed article."
    ),
    prune: bool = typer.Option(False, "--prune", help="Remove chunks of documents whose files no longer exist."),
    rebuild: bool = typer.Option(False, "--rebuild", help="Drop the collection and ingest from scratch."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
) -> None:
    """Chunk, embed and store documents (idempotent: unchanged documents are skipped)."""
    from rag.ingest import ingest_paths, seed_paths

    settings = _settings()
    targets = list(paths or []) or [str(p) for p in seed_paths()]
    bar, update = _progress_bar(not as_json)

    def waiting(msg: str) -> None:
        typer.echo(msg, err=True)

    if bar:
        with bar:
            report = ingest_paths(settings, targets, prune=prune, rebuild=rebuild, progress=update, on_wait=waiting)
    else:
        report = ingest_paths(settings, targets, prune=prune, rebuild=rebuild, on_wait=waiting)
    for err in report.errors:
        typer.echo(f"error: {err}", err=True)
    data = report.to_dict()
    if as_json:
        data.pop("errors")
        _emit(data)
    else:
        typer.echo(
            f"{report.documents} document(s): {report.added} chunks added, {report.updated} updated, "
            f"{report.removed} removed, {report.unchanged} unchanged; the collection holds {report.chunks} chunks."
        )
    if report.errors:
        raise typer.Exit(1)


@app.command()
def search(
    question: str = typer.Argument(..., help="What to look for."),
    k: int = typer.Option(None, "-k", "--top-k", help="How many passages (default RAG_TOP_K)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Show the passages hybrid retrieval finds for a question, best first."""
    from rag.chain import Chatbot

    bot = Chatbot(_settings())
    q = bot.check_question(question)
    hits = bot.searcher.search(q, k or bot.settings.top_k)
    if as_json:
        _emit({"question": q, "passages": [h.passage.to_dict() for h in hits]})
        return
    if not hits:
        typer.echo("no passages (is anything ingested? run: rag ingest)")
    for i, h in enumerate(hits, start=1):
        p = h.passage
        typer.echo(f"[{i}] {os.path.basename(p.source)} chars {p.start}-{p.end}  score {p.score:.4f}")
        typer.echo("    " + p.text.replace("\n", " ")[:300])


def print_answer(data: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console()
    if data.get("abstained"):
        console.print(f"[yellow]{escape(data['answer'])}[/]  [dim]({escape(str(data.get('abstain_reason')))})[/]")
        return
    console.print(escape(data["answer"]))
    for s in data.get("unsupported", []):
        console.print(f"[yellow]unverified:[/] {escape(s)}")
    if data.get("incomplete"):
        console.print(f"[red]incomplete answer:[/] {escape(str(data.get('error')))}")
    for c in data.get("citations", []):
        mark = "" if c["supported"] else " [yellow](not supported by this passage)[/]"
        console.print(
            f"[bold][{c['n']}][/] {escape(os.path.basename(c['source']))} chars {c['quote_start']}-{c['quote_end']}"
            f"{mark}\n    [green]{escape(c['quote'])}[/]"
        )


@app.command()
def ask(
    question: str = typer.Argument(..., help="A question about the ingested articles."),
    as_json: bool = typer.Option(False, "--json", help="Print the answer as JSON (the public contract)."),
) -> None:
    """Answer one question with citations."""
    from rag.chain import Chatbot
    from rag.ingest import ensure_seed

    settings = _settings()
    if not question.strip():
        raise RagError("the question is empty: type a question about the article")
    ensure_seed(settings)
    ans = Chatbot(settings).ask(question)
    if as_json:
        _emit(ans.to_dict())
    else:
        print_answer(ans.to_dict())


@app.command()
def chat() -> None:
    """A multi-turn chat in the terminal (empty line or Ctrl-D to quit)."""
    from rag.chain import Chatbot
    from rag.ingest import ensure_seed

    settings = _settings()
    ensure_seed(settings)
    bot = Chatbot(settings)
    typer.echo(f"Ask about the article ({bot.status()['generator']}). Empty line to quit.")
    history: list[dict[str, str]] = []
    while True:
        try:
            question = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            break
        if not question:
            break
        try:
            ans = bot.ask(question, history)
        except RagError as exc:
            typer.echo(f"error: {exc}", err=True)
            continue
        print_answer(ans.to_dict())
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": ans.text}]


@app.command()
def doctor(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Report store health, settings in effect, model files and server reachability."""
    from rag.doctor import run_checks

    report = run_checks(_settings())
    if as_json:
        _emit(report)
    else:
        for check in report["checks"]:
            mark = "ok  " if check["ok"] else "FAIL"
            typer.echo(f"[{mark}] {check['name']}: {check['detail']}")
    if not report["ok"]:
        raise typer.Exit(1)


def _register_extensions() -> None:
    from rag.eval_cli import register as register_eval

    register_eval(app)
    try:
        from ui.cli import register as register_ui
    except ImportError:  # the web chat is optional when installed without ui/
        return
    register_ui(app)


_register_extensions()


def main() -> None:
    """Entry point: user errors become one line on stderr and an exit code, never a traceback."""
    logging.basicConfig(level=os.environ.get("RAG_LOG_LEVEL", "WARNING"), format="%(levelname)s %(name)s: %(message)s")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        rc = app(standalone_mode=False)
        if isinstance(rc, int) and rc:
            sys.exit(rc)
    except RagError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        typer.echo("aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click usage errors
        import click

        usage_errors: tuple[type[Exception], ...] = (click.ClickException,)
        try:
            from typer._click.exceptions import ClickException as TyperClickException

            usage_errors += (TyperClickException,)
        except ImportError:  # typer versions that use click directly
            pass
        if isinstance(exc, usage_errors):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(exc.exit_code)  # type: ignore[attr-defined]
        raise
