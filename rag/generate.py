"""Generation through an OpenAI-protocol server (OpenAI, vLLM, Ollama, llama.cpp): one code path."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import Any

from rag.errors import GenerationError
from rag.prompts import format_passages, load_prompt, render
from rag.settings import Settings
from rag.types import Passage

log = logging.getLogger(__name__)


def chat_model(settings: Settings, model: str, streaming: bool = True) -> Any:
    """A LangChain ChatOpenAI with an explicit timeout, retries, a token limit and temperature 0."""
    from langchain_openai import ChatOpenAI

    limit: dict[str, Any] = {"max_tokens": settings.llm_max_tokens}  # sent as max_completion_tokens
    if not _is_openai(settings.openai_base_url):
        # llama.cpp's Python server and Ollama ignore max_completion_tokens; every server reads max_tokens.
        limit = {"extra_body": {"max_tokens": settings.llm_max_tokens}}
    return ChatOpenAI(
        model=model,
        api_key=settings.openai_api_key or "not-needed",  # type: ignore[arg-type]
        base_url=settings.openai_base_url,
        temperature=0,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        streaming=streaming,
        **limit,
    )


def _is_openai(base_url: str | None) -> bool:
    return not base_url or "api.openai.com" in base_url


def describe_error(exc: BaseException, settings: Settings) -> str:
    """One clear sentence for a failed model call."""
    import openai

    where = settings.openai_base_url or "the OpenAI API"
    if isinstance(exc, openai.APITimeoutError) or isinstance(exc, TimeoutError):
        return f"the model at {where} did not answer within {settings.llm_timeout:g} s"
    if isinstance(exc, openai.RateLimitError):
        return f"the model at {where} is rate-limiting requests (429) after {settings.llm_max_retries} retries"
    if isinstance(exc, openai.AuthenticationError):
        return f"the model at {where} refused the API key (check OPENAI_API_KEY)"
    if isinstance(exc, openai.NotFoundError):
        return f"the model at {where} does not know this model (check RAG_LLM / RAG_OPENAI_MODEL)"
    if isinstance(exc, openai.APIStatusError):
        return f"the model at {where} failed with HTTP {exc.status_code} after {settings.llm_max_retries} retries"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot connect to the model at {where} (connection failed or dropped)"
    return f"the model at {where} sent a response that could not be read ({type(exc).__name__})"


class OpenAIGenerator:
    """Streams an answer for numbered passages; the prompt comes from ``prompts/answer.txt``."""

    def __init__(self, settings: Settings, model: str) -> None:
        self.settings = settings
        self.model = model
        self.name = f"openai:{model}"
        self._llm: Any = None

    @property
    def llm(self) -> Any:
        if self._llm is None:
            self._llm = chat_model(self.settings, self.model)
        return self._llm

    def prompt(self, question: str, passages: Sequence[Passage]) -> str:
        return render("answer", passages=format_passages([p.text for p in passages]), question=question)

    def stream(self, question: str, passages: Sequence[Passage]) -> Iterator[str]:
        """Text deltas; raises GenerationError (with the text so far in ``partial``) on failure."""
        deadline = time.monotonic() + self.settings.llm_timeout * (self.settings.llm_max_retries + 1)
        got: list[str] = []
        try:
            for chunk in self.llm.stream(self.prompt(question, passages)):
                text = chunk.content if isinstance(chunk.content, str) else ""
                if text:
                    got.append(text)
                    yield text
                if time.monotonic() > deadline:
                    raise TimeoutError("deadline passed while streaming")
        except GenerationError:
            raise
        except Exception as exc:  # noqa: BLE001 - every failure becomes one clear message
            err = GenerationError(describe_error(exc, self.settings))
            err.partial = "".join(got)  # type: ignore[attr-defined]
            raise err from None

    def condense(self, question: str, history_text: str) -> str:
        """A standalone question from the condense prompt (non-streaming)."""
        try:
            llm = chat_model(self.settings, self.model, streaming=False)
            out = llm.invoke(render("condense", history=history_text, question=question))
        except Exception as exc:  # noqa: BLE001
            raise GenerationError(describe_error(exc, self.settings)) from None
        text = out.content if isinstance(out.content, str) else ""
        line = text.strip().splitlines()[0].strip() if text.strip() else ""
        return usable_rewrite(line, question)


def usable_rewrite(line: str, question: str) -> str:
    """The model's standalone question, or "" when it echoed its prompt or rambled (the caller then falls back)."""
    line = re.sub(r"^\W*((standalone|last) )?question\s*:[\s*_]*", "", line, flags=re.I).strip()
    if (
        len(line) < 3
        or line in load_prompt("condense")
        or line.lower() == question.strip().lower()  # not rewritten: the rule-based rewrite is better
        or len(line) > 2 * len(question) + 200
    ):
        if line:
            log.info("ignoring the model's rewrite of the question: %r", line[:200])
        return ""
    return line
