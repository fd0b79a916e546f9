"""Result data classes; their ``to_dict()`` is the JSON contract shared by the CLI, UI, eval and scripts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk: ``document[start:end] == text`` for the document named by ``source``."""

    id: str
    source: str
    start: int
    end: int
    text: str
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Citation:
    """One ``[n]`` in an answer: the passage it names and the sentence(s) of it that support the claim."""

    n: int
    id: str
    source: str
    start: int
    end: int
    text: str
    quote: str
    quote_start: int
    quote_end: int
    supported: bool = True

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """A finished answer.

    >>> Answer(question="q", standalone_question="q", text="x").to_dict()["abstained"]
    False
    """

    question: str
    standalone_question: str
    text: str
    abstained: bool = False
    abstain_reason: str | None = None
    citations: list[Citation] = field(default_factory=list)
    retrieved: list[Passage] = field(default_factory=list)
    generator: str = "extractive"
    latency_ms: float = 0.0
    unsupported: list[str] = field(default_factory=list)
    incomplete: bool = False
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.text,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "citations": [c.to_dict() for c in self.citations],
            "retrieved": [p.to_dict() for p in self.retrieved],
            "generator": self.generator,
            "latency_ms": round(self.latency_ms, 2),
            "unsupported": list(self.unsupported),
            "incomplete": self.incomplete,
            "error": self.error,
        }


@dataclass(frozen=True)
class Delta:
    """A piece of answer text while streaming."""

    text: str
