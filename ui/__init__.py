"""The web chat (Gradio): ``build_app(bot)`` and ``launch_app(demo, ...)``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["build_app", "launch_app"]

if TYPE_CHECKING:
    from ui.app import build_app, launch_app


def __getattr__(name: str) -> Any:
    # Lazy: importing the package does not import Gradio.
    if name in __all__:
        from ui import app

        return getattr(app, name)
    raise AttributeError(name)
