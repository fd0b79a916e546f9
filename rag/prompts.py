"""Prompts are files under ``prompts/``, loaded by name with their variables checked."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from rag.errors import ConfigError

EXPECTED = {"answer": {"passages", "question"}, "condense": {"history", "question"}}


def prompts_dir() -> Path:
    """``prompts/`` of a checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    for folder in (here.parent / "prompts", here / "_data" / "prompts"):
        if folder.is_dir():
            return folder
    raise ConfigError("the prompts/ folder is missing from this installation")


@cache
def load_prompt(name: str) -> str:
    """The prompt template ``name``; its ``{variables}`` must be exactly the expected ones."""
    path = prompts_dir() / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt {name!r} cannot be read from {path} ({exc.strerror or exc})") from None
    found = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    expected = EXPECTED.get(name)
    if expected is not None and found != expected:
        raise ConfigError(f"prompt {path} has variables {sorted(found)}, expected {sorted(expected)}")
    return text


def render(name: str, **values: str) -> str:
    template = load_prompt(name)
    missing = set(EXPECTED.get(name, set())) - set(values)
    if missing:
        raise ConfigError(f"prompt {name!r} needs {sorted(missing)}")
    return template.format(**values)


def format_passages(texts: list[str]) -> str:
    """Numbered, delimited passages; text that imitates the delimiters is neutralised so it cannot close them."""
    blocks = []
    for n, text in enumerate(texts, start=1):
        safe = neutralise(text)
        blocks.append(f'<passage n="{n}">\n{safe}\n</passage>')
    return "\n".join(blocks)


def neutralise(text: str) -> str:
    """Defuse delimiter look-alikes in untrusted text (``</passage>``, ``<passage``, prompt role markers)."""
    import re

    text = re.sub(r"<\s*/?\s*passage", lambda m: m.group(0).replace("<", "‹"), text, flags=re.I)
    return re.sub(r"(?im)^\s*(system|assistant|user)\s*:", lambda m: m.group(0).replace(":", " ꞉"), text)
