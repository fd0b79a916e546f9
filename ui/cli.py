"""The ``rag ui`` command: index the seed article if the store is empty, then serve the web chat."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import typer

from rag.errors import RagError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

log = logging.getLogger(__name__)


def _progress_printer() -> tuple[Progress, Callable[[str, int, int], None]]:
    """A rich progress bar on stderr and the ``(label, done, total)`` callback that drives it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    bar = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}

    def callback(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total or None)
        bar.update(tasks[label], completed=done, total=total or None)

    return bar, callback


def ui(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind; anything but loopback needs RAG_UI_AUTH."),
    port: int = typer.Option(7860, "--port", min=1, max=65535, help="Port to listen on."),
) -> None:
    """Serve the web chat (indexes the bundled seed article first when the store is empty)."""
    from rich.console import Console
    from rich.markup import escape

    console = Console(stderr=True)
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        from rag.chain import Chatbot
        from rag.ingest import ensure_seed
        from rag.settings import load_settings
        from ui.app import build_app, launch_app, parse_auth

        settings = load_settings()
        parse_auth(settings.ui_auth)  # a malformed RAG_UI_AUTH fails before any slow work
        console.print(f"Checking the article store ({escape(settings.store_label())})…")
        bar, callback = _progress_printer()
        with bar:
            report = ensure_seed(settings, progress=callback)
        if report is not None:
            console.print(f"Indexed the seed article: {report.chunks} passages.")
        with console.status("Loading the models…"):
            bot = Chatbot(settings)
            demo = build_app(bot)
        console.print(f"Web chat on http://{host}:{port}  (Ctrl+C to stop)")
        launch_app(demo, host=host, port=port, auth=settings.ui_auth, quiet=True)
    except RagError as exc:
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(exc.exit_code) from None
    except OSError as exc:  # e.g. the port is taken
        console.print(f"[red]error:[/red] cannot start the web chat: {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    """Add the ``ui`` command to the main ``rag`` CLI."""
    app.command("ui")(ui)
