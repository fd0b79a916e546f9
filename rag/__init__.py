"""Conversational Q&A over news articles with passage-level citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Answer", "Chatbot", "Citation", "Passage", "Settings", "evaluate"]

if TYPE_CHECKING:
    from rag.chain import Chatbot
    from rag.settings import Settings
    from rag.types import Answer, Citation, Passage


def __getattr__(name: str) -> Any:
    # Lazy: `import rag` stays cheap; heavy parts load on first use.
    if name == "Chatbot":
        from rag.chain import Chatbot

        return Chatbot
    if name == "Settings":
        from rag.settings import Settings

        return Settings
    if name in ("Answer", "Citation", "Passage"):
        from rag import types

        return getattr(types, name)
    if name == "evaluate":
        # The submodule rag.evaluate shares the name: bind the function over it once imported.
        from rag.evaluate import evaluate as func

        globals()["evaluate"] = func
        return func
    raise AttributeError(name)
