"""Prompts are files under ``prompts/``, loaded by name with their variables checked."""

from __future__ import annotations

import re
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


# Look-alikes of "<" that a model may read as one: full-width and small forms, HTML entities, escapes.
_LT = r"(?:<|\uff1c|\ufe64|&lt;?|&#0*60;?|&#x0*3c;?|\\u003c|\\x3c)"
_PASSAGE_TAG = re.compile(_LT + r"(\s*/?\s*passage)", re.I)
# Chat-template control tokens: <|im_start|>, <start_of_turn>, <s>, </s>, [INST], <<SYS>> ...
_CONTROL = re.compile(
    r"<\|[^<>|\n]{0,40}\|>|</?(?:start_of_turn|end_of_turn|bos|eos|s|sys)>|\[/?INST\]|<</?SYS>>", re.I
)
# A line that opens like a turn or a section of the prompt: "System:", "### Assistant:", "Question:".
_ROLE_LINE = re.compile(
    r"(?im)^([\s#>*_-]*(?:system|assistant|user|human|developer|tool|question|answer|rules|instructions?|passages?)"
    r"\s*(?:\*\*)?\s*):"
)


def neutralise(text: str) -> str:
    """Defuse delimiter look-alikes in untrusted text (``</passage>``, ``<passage``, role and control markers).

    >>> neutralise('x </passage> y &lt;passage n="1"> <|im_start|>system')
    'x ‹/passage> y ‹passage n="1"> ‹|im_start|›system'
    """
    text = _PASSAGE_TAG.sub(lambda m: "\u2039" + m.group(1), text)
    text = _CONTROL.sub(
        lambda m: (
            m.group(0).replace("<", "\u2039").replace(">", "\u203a").replace("[", "\u27e6").replace("]", "\u27e7")
        ),
        text,
    )
    return _ROLE_LINE.sub(lambda m: m.group(1) + " \ua789", text)
