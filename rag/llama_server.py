"""Run ``llama_cpp.server`` with two adjustments for the small Gemma 3 test model.

* Extra weight buffer types (AMX / repacked weights) are turned off: on CPUs that report
  AMX inside a VM that does not grant it, llama.cpp's AMX matmul crashes with SIGSEGV.
* A ``gemma3`` chat format is registered that keeps the system message by folding it into
  the first user turn, as Gemma 3's own template does (the built-in ``gemma`` format drops it).

Usage: ``python -m rag.llama_server --model M.gguf --chat_format gemma3 --host 127.0.0.1 ...``
(the same arguments as ``python -m llama_cpp.server``).
"""

from __future__ import annotations

import runpy
import sys
from typing import Any

GEMMA3_FORMAT = "gemma3"
_START, _END = "<start_of_turn>", "<end_of_turn>\n"


def _text(content: Any) -> str:
    """Message content as text (content-part lists are joined)."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return "" if content is None else str(content)


def gemma3_prompt(messages: list[dict[str, Any]]) -> str:
    """The Gemma 3 chat prompt for ``messages`` (system text leads the first user turn)."""
    system = "\n\n".join(_text(m.get("content")) for m in messages if m.get("role") == "system")
    prompt = ""
    pending_system = system
    for message in messages:
        role = message.get("role")
        if role == "system":
            continue
        content = _text(message.get("content"))
        if role == "user" and pending_system:
            content = f"{pending_system}\n\n{content}"
            pending_system = ""
        turn = "model" if role == "assistant" else "user"
        prompt += f"{_START}{turn}\n{content.strip()}{_END}"
    if pending_system:  # only a system message was sent
        prompt += f"{_START}user\n{pending_system.strip()}{_END}"
    return prompt + f"{_START}model\n"


def install() -> None:
    """Patch llama_cpp in this process: no extra buffer types, and the ``gemma3`` format."""
    import llama_cpp.llama_chat_format as chat_format
    import llama_cpp.llama_cpp as native

    default_params = native.llama_model_default_params

    def model_params() -> Any:
        params = default_params()
        params.use_extra_bufts = False
        return params

    native.llama_model_default_params = model_params

    @chat_format.register_chat_format(GEMMA3_FORMAT)
    def format_gemma3(messages: list[dict[str, Any]], **kwargs: Any) -> chat_format.ChatFormatterResponse:
        return chat_format.ChatFormatterResponse(prompt=gemma3_prompt(messages), stop=[_END.strip()])


def main() -> None:
    install()
    sys.argv[0] = "llama_cpp.server"
    runpy.run_module("llama_cpp.server", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
