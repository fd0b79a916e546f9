"""The web chat: a Gradio Blocks app, a thin layer over the public ``Chatbot`` API.

``build_app(bot)`` makes the app (chat with streaming, sources panel, article view and a named
``/ask`` API endpoint); ``launch_app(demo, ...)`` serves it with safe defaults.
"""

from __future__ import annotations

import ipaddress
import logging
import time
from pathlib import Path
from typing import Any, Protocol

import gradio as gr

from rag.errors import ConfigError, RagError
from rag.types import Answer, Delta
from ui import render

log = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7860
DEFAULT_MAX_QUESTION_CHARS = 2000
CONCURRENCY_LIMIT = 2  # answers computed here (extractive): about one per core
MODEL_CONCURRENCY_LIMIT = 8  # answers from a model server: mostly waiting, so a stalled call blocks no one
QUEUE_MAX_SIZE = 64  # room for dozens of open sessions; beyond it a request is refused with "too busy"
QUEUE_STATUS_S = 1.0  # waiting pages get their place in the queue every second, not each time an answer starts
MAX_UPLOAD_BYTES = 0  # the chat takes no files: Gradio's upload route refuses every upload (413)
MAX_DOCUMENT_BYTES = 5_000_000
STREAM_INTERVAL_S = 0.1  # at most ~10 updates a second while an answer streams; each is a message to the page
FRIENDLY_ERROR = "Something went wrong while answering. Please try again; if it keeps happening, check the server log."



def examples(bot: Any) -> list[str]:
    """Example questions from settings (RAG_UI_EXAMPLES, separated by |)."""
    raw = getattr(getattr(bot, "settings", None), "ui_examples", "") or ""
    return [q.strip() for q in raw.split("|") if q.strip()][:6]

TITLE = "News Q&A"
PLACEHOLDER = (
    '<div class="rag-placeholder"><b>Ask about the article</b>'
    "Answers quote the article and link each claim to the passage it comes from.<br>"
    "Type a question below or pick an example.</div>"
)
INTRO = "Ask about the indexed articles. Every claim in an answer cites the passage it comes from."


class ChatbotLike(Protocol):
    """The part of ``rag.chain.Chatbot`` the web chat uses."""

    def ask(self, question: str, history: list[dict[str, Any]] | None = ...) -> Answer: ...
    def stream(self, question: str, history: list[dict[str, Any]] | None = ...) -> Any: ...
    def status(self) -> dict[str, Any]: ...


CSS = """
.gradio-container { max-width: 1400px !important; margin: 0 auto !important; }
.rag-header { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px;
  padding: 4px 0 8px; }
.rag-header h1 { font-size: 1.5rem; font-weight: 700; margin: 0; }
.rag-header p { margin: 2px 0 0; color: var(--body-text-color-subdued); }
.rag-status { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; font-size: 0.85rem;
  color: var(--body-text-color-subdued); background: var(--background-fill-secondary);
  border: 1px solid var(--border-color-primary); border-radius: 14px; padding: 4px 12px; }
.rag-placeholder { text-align: center; color: var(--body-text-color-subdued); line-height: 1.6; }
.rag-placeholder b { display: block; font-size: 1.15rem; color: var(--body-text-color); margin-bottom: 4px; }
.rag-dot { width: 8px; height: 8px; border-radius: 50%; background: #22c55e; display: inline-block; }
.rag-answer { line-height: 1.6; }
.rag-cite { font-size: 0.72em; line-height: 0; margin-left: 1px; }
.rag-cite a, .rag-cite-link { text-decoration: none !important; font-weight: 600; color: #2563eb !important;
  background: #dbeafe; border-radius: 4px; padding: 0 3px; cursor: pointer; }
.rag-cite a:hover { background: #bfdbfe; }
.rag-cite-unverified a { color: #92400e !important; background: #fef3c7; }
.rag-cite-missing { color: #9ca3af; }
.rag-unverified { background: #fef9c3; border-bottom: 2px dotted #ca8a04; color: inherit; }
.rag-badge { display: inline-block; font-size: 0.7em; font-weight: 600; text-transform: uppercase;
  letter-spacing: 0.03em; border-radius: 4px; padding: 1px 6px; margin-left: 4px; vertical-align: middle; }
.rag-badge-unverified { background: #fde68a; color: #78350f; }
.rag-badge-abstain { background: #e5e7eb; color: #374151; margin-left: 0; margin-right: 6px; }
.rag-abstain { color: #4b5563; background: #f3f4f6; border-left: 3px solid #9ca3af; padding: 6px 10px;
  border-radius: 6px; }
.rag-reason { font-size: 0.8em; color: #6b7280; margin-top: 4px; }
.rag-foot { font-size: 0.75em; color: var(--body-text-color-subdued); margin-top: 8px; }
.rag-standalone { font-style: italic; }
.rag-unplaced { margin: 6px 0 0 1em; padding: 0; }
.rag-cursor { animation: rag-blink 1s steps(2) infinite; color: var(--body-text-color-subdued); }
@keyframes rag-blink { 50% { opacity: 0; } }
.rag-notice { padding: 8px 12px; border-radius: 8px; font-size: 0.9rem; }
.rag-notice-info { background: #eff6ff; color: #1e3a8a; }
.rag-notice-warning { background: #fef3c7; color: #78350f; }
.rag-notice-error { background: #fee2e2; color: #7f1d1d; }
.rag-sources, .rag-article { font-size: 0.9rem; }
#rag-sources { max-height: 640px; overflow-y: auto; scroll-behavior: smooth; }
.rag-h { font-weight: 700; margin: 4px 0 8px; }
.rag-empty { color: var(--body-text-color-subdued); font-style: italic; padding: 8px 0; }
.rag-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  margin-bottom: 10px; background: var(--background-fill-primary); transition: box-shadow .3s, border-color .3s; }
.rag-card-unverified { border-color: #facc15; }
.rag-card.rag-flash { border-color: #2563eb; box-shadow: 0 0 0 3px #bfdbfe; }
.rag-card-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px; margin-bottom: 6px;
  font-size: 0.8rem; color: var(--body-text-color-subdued); }
.rag-num { font-weight: 700; color: #2563eb; }
.rag-passage, .rag-article-text { white-space: pre-wrap; line-height: 1.55; }
.rag-passage mark, .rag-article-text mark { background: #fde047; color: inherit; padding: 0 1px; border-radius: 2px; }
.rag-article-text mark.rag-mark-unverified { background: #fef3c7; outline: 1px dashed #ca8a04; }
.rag-article-text { max-height: 640px; overflow-y: auto; padding-right: 6px; }
.rag-others summary { cursor: pointer; font-weight: 600; margin: 6px 0; color: var(--body-text-color-subdued); }
.rag-card-other { opacity: 0.85; }
.rag-score { margin-left: auto; }
#rag-ask-row { align-items: stretch; gap: 8px; }
#rag-question textarea { font-size: 1rem; }
#rag-examples { flex-wrap: wrap; gap: 6px; align-items: center; }
#rag-examples > * { flex: 0 1 auto !important; min-width: 0 !important; width: auto !important; }
#rag-examples button { border-radius: 999px; font-weight: 500; padding: 4px 12px; }
.rag-try { font-size: 0.85rem; color: var(--body-text-color-subdued); margin-right: 2px; }
#rag-notice:not(:has(.rag-notice)) { display: none; }
#rag-question textarea { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 10px 12px;
  background: var(--background-fill-primary); box-shadow: var(--shadow-drop); }
#rag-question textarea:focus { border-color: var(--color-accent); }
#rag-send, #rag-clear { white-space: nowrap; border-radius: 10px; }
"""

# Clicking a [n] marker opens the Sources tab and scrolls to (and flashes) the card.
JS = """
() => {
  document.addEventListener('click', (ev) => {
    const link = ev.target.closest && ev.target.closest('a.rag-cite-link');
    if (!link) return;
    ev.preventDefault();
    ev.stopPropagation();
    const id = (link.getAttribute('href') || '').replace(/^#/, '');
    const tab = document.querySelector('#rag-side [role=tab][data-tab-id=sources]');
    if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
    setTimeout(() => {
      const card = document.getElementById(id);
      if (!card) return;
      card.scrollIntoView({behavior: 'smooth', block: 'center'});
      card.classList.add('rag-flash');
      setTimeout(() => card.classList.remove('rag-flash'), 1600);
    }, 60);
  }, true);
}
"""


def _theme() -> gr.themes.Base:
    # System fonts only: the page never fetches web fonts.
    return gr.themes.Soft(
        primary_hue="blue",
        neutral_hue="slate",
        font=["ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "sans-serif"],
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
    ).set(
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        button_primary_text_color="white",
        button_primary_border_color="*primary_600",
    )


def max_question_chars(bot: Any) -> int:
    """The question length limit from the bot's settings (or the default)."""
    limit = getattr(getattr(bot, "settings", None), "max_question_chars", None)
    return int(limit) if isinstance(limit, int) and limit > 0 else DEFAULT_MAX_QUESTION_CHARS


def check_question(question: str, limit: int) -> str | None:
    """A message explaining why a question cannot be asked, or None when it is fine."""
    if not question.strip():
        return "Please type a question first."
    if len(question) > limit:
        return f"Your question is too long ({len(question)} characters; the limit is {limit}). Please shorten it."
    return None


def clean_history(history: Any) -> list[dict[str, str]]:
    """Keep only well-formed ``{"role", "content"}`` user/assistant messages with text content."""
    out: list[dict[str, str]] = []
    if not isinstance(history, list):
        return out
    for msg in history:
        if not isinstance(msg, dict) or msg.get("role") not in ("user", "assistant"):
            continue
        content = msg.get("content")
        if isinstance(content, list):  # content parts: keep the text ones
            content = " ".join(
                str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content if p is not None
            )
        if isinstance(content, str) and content.strip():
            out.append({"role": str(msg["role"]), "content": content})
    return out


def error_message(exc: BaseException) -> str:
    """The text shown for an error: RagError messages as they are, anything else a generic line."""
    if isinstance(exc, RagError):
        return str(exc) or FRIENDLY_ERROR
    return FRIENDLY_ERROR


def read_document(bot: Any, source: str) -> str | None:
    """The full text of a source: ``bot.document_text`` when available, else the file it names."""
    getter = getattr(bot, "document_text", None)
    if callable(getter):
        try:
            text = getter(source)
            if isinstance(text, str):
                return text
        except Exception:  # noqa: BLE001 - the article view degrades to "not available"
            log.debug("document_text(%r) failed", source, exc_info=True)
    try:
        path = Path(source)
        if path.is_file() and path.stat().st_size <= MAX_DOCUMENT_BYTES:
            return path.read_text(encoding="utf-8", errors="replace")
    except (OSError, ValueError):
        log.debug("cannot read %r", source, exc_info=True)
    return None


def cited_documents(bot: Any, answer: dict[str, Any] | None) -> dict[str, str | None]:
    """Source → full text for every source cited by an answer (in citation order)."""
    docs: dict[str, str | None] = {}
    for c in (answer or {}).get("citations") or []:
        src = str(c.get("source") or "")
        if src and src not in docs:
            docs[src] = read_document(bot, src)
    return docs


def _new_session() -> dict[str, Any]:
    # history: plain-text messages passed to the bot; answers: chat message index -> Answer dict.
    return {"history": [], "answers": {}}


def build_app(bot: ChatbotLike) -> gr.Blocks:
    """The web chat over ``bot`` (a ``rag.chain.Chatbot``), with its queue configured."""
    limit = max_question_chars(bot)

    def header_html() -> str:
        try:
            status = render.render_status(bot.status())
        except Exception:  # noqa: BLE001
            log.warning("status unavailable", exc_info=True)
            status = render.render_notice("Status unavailable: the article store could not be read.", "warning")
        return (
            f'<div class="rag-header"><div class="rag-title"><h1>{TITLE}</h1><p>{INTRO}</p></div>'
            f'<div id="rag-status">{status}</div></div>'
        )

    def panels(answer: dict[str, Any] | None, turn: int) -> tuple[str, str]:
        return render.render_sources(answer, turn), render.render_article(answer, cited_documents(bot, answer))

    placeholder = not answers_locally(bot)

    def respond(question: str, chat: list[dict[str, Any]], session: dict[str, Any]):  # type: ignore[no-untyped-def]
        # Each update carries a value for every output but the session and, until the answer is final, the panels:
        # Gradio rebuilds a component for each skipped output, which costs more than sending a value it already has.
        question = question or ""
        problem = check_question(question, limit)
        if problem:
            yield chat, question, gr.skip(), gr.skip(), gr.skip(), render.render_notice(problem, "warning")
            return
        question = question.strip()
        chat = list(chat or []) + [
            {"role": "user", "content": render.esc_multiline(question)},
            {"role": "assistant", "content": render.render_partial("")},
        ]
        turn = len(chat) - 1
        shown = time.monotonic()
        if placeholder:  # a model takes a while: the question and a typing cursor show at once
            yield chat, "", gr.skip(), gr.skip(), gr.skip(), ""
        text, final = "", None
        try:
            for event in bot.stream(question, list(session["history"])):
                if isinstance(event, Delta):
                    text += event.text
                    # Text that comes in a burst (a whole answer computed here, or a fast model) goes out as one
                    # update; the next event or the final answer carries what is held back.
                    if time.monotonic() - shown >= STREAM_INTERVAL_S:
                        chat[-1] = {"role": "assistant", "content": render.render_partial(text)}
                        yield chat, "", gr.skip(), gr.skip(), gr.skip(), ""
                        shown = time.monotonic()
                elif isinstance(event, Answer):
                    final = event
            if final is None:
                raise RagError("No answer was produced. Please try again.")
        except Exception as exc:  # noqa: BLE001 - every failure becomes a friendly message
            if not isinstance(exc, RagError):
                log.exception("answering %r failed", question)
            chat[-1] = {"role": "assistant", "content": render.render_notice(error_message(exc), "error")}
            yield chat, "", gr.skip(), gr.skip(), gr.skip(), ""
            return
        answer = final.to_dict()
        session = {
            "history": session["history"]
            + [{"role": "user", "content": question}, {"role": "assistant", "content": final.text}],
            "answers": {**session["answers"], turn: answer},
        }
        chat[-1] = {"role": "assistant", "content": render.render_answer(answer, turn)}
        sources, article = panels(answer, turn)
        yield chat, "", session, sources, article, ""

    def show_turn(session: dict[str, Any], evt: gr.SelectData):  # type: ignore[no-untyped-def]
        index = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        answer = session["answers"].get(index) if isinstance(index, int) else None
        if answer is None:
            return gr.skip(), gr.skip()
        return panels(answer, index)

    def clear() -> tuple[Any, ...]:
        s, a = panels(None, 0)
        return [], "", _new_session(), s, a, ""

    def ask(question: str, history: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Answer a question about the indexed articles; history is the conversation so far as
        [{"role": "user"|"assistant", "content": str}]. Returns the answer JSON (answer, citations, ...)."""
        question = question if isinstance(question, str) else ""
        problem = check_question(question, limit)
        if problem:
            return Answer(question=question, standalone_question=question, text="", error=problem).to_dict()
        try:
            return bot.ask(question.strip(), clean_history(history)).to_dict()
        except Exception as exc:  # noqa: BLE001
            if not isinstance(exc, RagError):
                log.exception("answering %r failed", question)
            return Answer(question=question, standalone_question=question, text="", error=error_message(exc)).to_dict()

    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        session = gr.State(_new_session())
        status = gr.HTML(header_html(), elem_id="rag-header")
        with gr.Row(equal_height=False):
            with gr.Column(scale=6, elem_id="rag-main"):
                chatbot = gr.Chatbot(
                    label="Conversation",
                    show_label=False,
                    elem_id="rag-chat",
                    height=560,
                    render_markdown=False,  # messages are HTML built by ui.render, all text escaped
                    sanitize_html=True,
                    allow_tags=False,
                    latex_delimiters=[],
                    feedback_options=None,
                    buttons=[],
                    layout="bubble",
                    placeholder=PLACEHOLDER,
                )
                with gr.Row(elem_id="rag-ask-row", equal_height=True):
                    question = gr.Textbox(
                        placeholder="Ask a question about the article…",
                        show_label=False,
                        container=False,
                        scale=8,
                        lines=1,
                        max_lines=4,
                        autofocus=True,
                        elem_id="rag-question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=0, min_width=90, elem_id="rag-send")
                    new_chat = gr.Button("New chat", variant="secondary", scale=0, min_width=110, elem_id="rag-clear")
                notice = gr.HTML("", elem_id="rag-notice")
                with gr.Row(elem_id="rag-examples"):
                    gr.HTML('<span class="rag-try">Try:</span>', elem_id="rag-try")
                    example_list = examples(bot)
                    example_buttons = [gr.Button(q, size="sm", variant="secondary") for q in example_list]
            with gr.Column(scale=5, elem_id="rag-side"):
                with gr.Tabs():
                    with gr.Tab("Sources", id="sources"):
                        sources = gr.HTML(render.render_sources(None, 0), elem_id="rag-sources", padding=True)
                    with gr.Tab("Article", id="article"):
                        article = gr.HTML(render.render_article(None, {}), elem_id="rag-article", padding=True)

        outputs = [chatbot, question, session, sources, article, notice]
        inputs = [question, chatbot, session]
        private: dict[str, Any] = {"api_visibility": "private"}
        question.submit(respond, inputs, outputs, **private)
        send.click(respond, inputs, outputs, **private)
        for button, text in zip(example_buttons, example_list, strict=True):
            button.click(lambda t=text: t, None, question, queue=False, **private).then(
                respond, inputs, outputs, **private
            )
        new_chat.click(clear, None, outputs, queue=False, **private)
        chatbot.clear(clear, None, outputs, queue=False, **private)
        chatbot.select(show_turn, [session], [sources, article], **private)
        demo.load(header_html, None, status, **private)
        gr.api(ask, api_name="ask")
    demo.queue(
        default_concurrency_limit=concurrency_limit(bot), max_size=QUEUE_MAX_SIZE, status_update_rate=QUEUE_STATUS_S
    )
    return demo


def answers_locally(bot: Any) -> bool:
    """True when answers are computed in this process (extractive), False when a model server writes them."""
    return str(getattr(bot, "generator_name", "extractive")) == "extractive"


def concurrency_limit(bot: Any) -> int:
    """Answers handled at once: one per core when computed here, more when a model server does the work."""
    return CONCURRENCY_LIMIT if answers_locally(bot) else MODEL_CONCURRENCY_LIMIT


def parse_auth(value: str | None) -> tuple[str, str] | None:
    """``"user:password"`` → ``(user, password)``; None when unset."""
    if value is None or not value.strip():
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ConfigError("RAG_UI_AUTH must look like user:password")
    return user, password


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach."""
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, has_auth: bool) -> str | None:
    """The warning due when the chat is reachable from other machines without a password."""
    if is_loopback(host) or has_auth:
        return None
    return (
        f"the web chat listens on {host}, reachable from other machines, WITHOUT a password: "
        "set RAG_UI_AUTH=user:password or bind 127.0.0.1"
    )


def launch_app(
    demo: gr.Blocks,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    auth: str | None = None,
    prevent_thread_lock: bool = False,
    quiet: bool = False,
) -> tuple[Any, str, str]:
    """Serve the app: never shared, optional basic auth, a warning when reachable from other machines."""
    credentials = parse_auth(auth)
    warning = exposure_warning(host, credentials is not None)
    if warning:
        log.warning(warning)
    return demo.launch(
        server_name=host,
        server_port=port,
        share=False,
        auth=credentials,
        auth_message="Sign in to the news Q&A." if credentials else None,
        prevent_thread_lock=prevent_thread_lock,
        max_file_size=MAX_UPLOAD_BYTES,
        show_error=False,
        quiet=quiet,
        ssr_mode=False,
        mcp_server=False,
        inbrowser=False,
        theme=_theme(),
        css=CSS,
        js=JS,
    )
