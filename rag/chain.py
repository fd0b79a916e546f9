"""The Chatbot: condense a follow-up, retrieve hybrid passages, answer with verified citations."""

from __future__ import annotations

import logging
import math
import re
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import replace
from typing import Any

from rag.citations import verify
from rag.errors import GenerationError, InputError
from rag.extractive import (
    HEARSAY_SAID,
    OFF_TOPIC_COVERAGE,
    OFF_TOPIC_DENSE,
    ExtractiveAnswerer,
    candidates,
    federal_agency,
    hearsay_words,
    numbered_groups,
    spelled_out,
    truth_stances,
    us_government_asked,
)
from rag.followup import Message, condense, focus_of, is_bare, previous_sentences, search_text
from rag.injection import looks_like_instruction
from rag.prompts import load_prompt, neutralise
from rag.question import (
    SPOKE_FOR,
    QuestionInfo,
    analyse,
    back_off,
    entities_in,
    truecase,
    without_before,
    without_set_aside,
)
from rag.retrieval import Hit, HybridSearcher
from rag.sanitize import Report, StreamSanitizer, clean_answer, parse_allowlist
from rag.settings import Settings, load_settings
from rag.store import Store
from rag.text import sentence_spans, words
from rag.thesaurus import phrasal_verbs
from rag.types import Answer, Delta, Passage

log = logging.getLogger(__name__)

NOT_IN_ARTICLE = "The article doesn't say."
MAX_NAMED_DOCUMENTS = 50  # a store of at most this many documents lends their names to lower-case questions
BORROWED_WEIGHT = 0.99  # full support in coverage, but not part of the question's own focus


class Chatbot:
    """Ask questions about the ingested articles.

    >>> bot = Chatbot(Settings(chroma_dir="/tmp/demo-store"))        # doctest: +SKIP
    >>> ans = bot.ask("Which newspaper broke the news?")              # doctest: +SKIP
    >>> ans.text, [c.quote for c in ans.citations]                    # doctest: +SKIP
    """

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.generator_name = self.settings.resolved_llm()
        self.store = Store(self.settings)
        from rag.embeddings import get_embeddings

        self.embeddings = get_embeddings(
            self.settings.embedding_model, self.settings.openai_api_key, self.settings.openai_base_url
        )
        self.searcher = HybridSearcher(self.store, self.embeddings)
        self.extractive = ExtractiveAnswerer(encode=self.embeddings.embed_documents, idf=self._idf)
        self.link_allowlist = parse_allowlist(self.settings.link_allowlist)
        self.llm: Any = None
        if self.generator_name.startswith("openai:"):
            from rag.generate import OpenAIGenerator

            self.llm = OpenAIGenerator(self.settings, self.generator_name.split(":", 1)[1])
        self._chain: Any = None
        self._doc_idf: dict[tuple[str, str], Callable[[str], float]] = {}
        self._doc_names: dict[tuple[str, str], tuple[str, ...]] = {}
        self._doc_texts: dict[tuple[str, str], str] = {}
        self._store_names: dict[tuple[str, str], tuple[str, ...]] = {}
        self._idf_lock = threading.Lock()
        self._retriever: Any = None

    # -- public API ---------------------------------------------------------------------------------------------
    def ask(self, question: str, history: Sequence[Message] | None = None) -> Answer:
        """Answer one question (with earlier turns as ``history``)."""
        final: Answer | None = None
        for event in self.stream(question, history):
            if isinstance(event, Answer):
                final = event
        assert final is not None
        return final

    def stream(self, question: str, history: Sequence[Message] | None = None) -> Iterator[Delta | Answer]:
        """Text deltas as the answer is produced, then the final Answer."""
        t0 = time.perf_counter()
        question = self.check_question(question)
        asked, history = self.cased(question, history or [])
        standalone, context = self.condense(asked, history)
        about = self.conversation_document(asked, standalone, history)
        hits = self.searcher.search(retrieval_query(standalone), self.settings.top_k, about=about)
        info = question_info(asked, standalone, context, history)
        hits = self.with_passages_asked(info, hits, about)
        if self.llm is None:
            answer = self._extractive(question, standalone, info, hits)
            for part in re.split(r"(?<=\]) ", answer.text):
                yield Delta(part + " ")
        else:
            answer = yield from self._generate(question, standalone, info, hits)
        answer.latency_ms = (time.perf_counter() - t0) * 1000
        yield answer

    @property
    def retriever(self) -> Any:
        """The hybrid search as a LangChain retriever (built on first use: LangChain's machinery loads slowly)."""
        if self._retriever is None:
            from rag.retrieval import HybridRetriever

            self._retriever = HybridRetriever(searcher=self.searcher, k=self.settings.top_k)
        return self._retriever

    @property
    def chain(self) -> Any:
        """The same pipeline as a LangChain Runnable: ``{"question", "history"}`` → the JSON contract."""
        if self._chain is None:
            from langchain_core.runnables import RunnableLambda, RunnablePassthrough

            self._chain = (
                RunnableLambda(self._condense_step)
                | RunnablePassthrough.assign(documents=RunnableLambda(self._retrieve_step))
                | RunnableLambda(self._answer_step)
            )
        return self._chain

    def status(self) -> dict[str, Any]:
        return {
            "generator": self.generator_name,
            "collection": self.settings.collection,
            "store": self.settings.store_label(),
            "chunks": self.store.count(),
        }

    def with_passages_asked(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """The passages found, with those some questions need beside them (see each step)."""
        hits = self.with_agency(info, self.with_opening(info, hits, about), about)
        hits = self.with_hearsay(info, self.with_spelling(info, hits, about), about)
        return self.with_earlier(info, hits, about)

    def with_hearsay(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """For "What is Tehran said to have handed over?", also the passage found for it told at second hand
        ("Iran reportedly shifts…"), when the passages found tell nothing that way."""
        extra = hearsay_words(info.text) if hits and not info.previous else []
        if not extra or any(HEARSAY_SAID.search(h.passage.text) for h in hits):
            return hits
        query = f"{retrieval_query(info.text)} ({' '.join(extra)})"
        source = about or hits[0].passage.source
        return self._with_passages_for(
            query, hits, source, keep=lambda h: bool(HEARSAY_SAID.search(h.passage.text)), depth=len(hits) + 1
        )

    def with_opening(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """For an overview ("What is the article about?"), the document's opening passages first among the hits."""
        if info.slot != "overview" or not hits:
            return hits
        lead = self.searcher.lead(about or hits[0].passage.source, hits[0].query_vector)
        ids = {h.passage.id for h in lead}
        return [*lead, *(h for h in hits if h.passage.id not in ids)][: max(self.settings.top_k, len(lead))]

    def with_agency(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """For a question about the US government ("How did Washington characterize it?"), the passage naming the
        federal agency the document quotes for it, when the passages found do not."""
        if not hits or not us_government_asked(info):
            return hits
        source = about or hits[0].passage.source
        agencies = [n for n in self.document_names(source) if federal_agency(n)]
        if not agencies or any(a in h.passage.text for h in hits for a in agencies):
            return hits
        return self._with_passages_for(agencies[0], hits, source)

    def with_spelling(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """For "What does IRGC stand for?", the passage that spells the letters out, when the passages found (which
        use the letters) do not."""
        if not hits or info.previous:
            return hits
        source = about or hits[0].passage.source
        name = spelled_out(info.text, self.document_names(source))
        if name is None or any(name in h.passage.text for h in hits):
            return hits
        return self._with_passages_for(name, hits, source)

    def with_earlier(self, info: QuestionInfo, hits: list[Hit], about: str | None = None) -> list[Hit]:
        """For "Before any missiles, how many drones had Iran sent?", also the passages found for the rest of the
        question: the thing it came before draws the search away."""
        rest = without_before(info.text) if hits and not info.previous else info.text
        if rest == info.text:
            return hits
        return self._with_passages_for(retrieval_query(rest), hits, about or hits[0].passage.source, len(hits))

    def _with_passages_for(
        self,
        query: str,
        hits: list[Hit],
        source: str,
        k: int = 1,
        keep: Callable[[Hit], bool] | None = None,
        depth: int | None = None,
    ) -> list[Hit]:
        """The hits, then up to ``k`` passages of the source found for ``query`` that are not among them: among the
        ``depth`` best found (``k`` unless given), only those ``keep`` accepts."""
        ids = {h.passage.id for h in hits}
        found = [
            h
            for h in self.searcher.search(query, depth or k, about=source)
            if h.passage.id not in ids and (keep is None or keep(h))
        ]
        return [*hits, *(replace(h, query_vector=hits[0].query_vector) for h in found[:k])]

    def known_names(self) -> tuple[str, ...]:
        """The names the stored documents mention, for a store of a few articles (a large one: none)."""

        def make() -> tuple[str, ...]:
            docs = self.store.documents()
            few = docs is not None and docs.count() <= MAX_NAMED_DOCUMENTS
            got = docs.get(include=["metadatas"]) if few else None
            sources = sorted({str(m["source"]) for m in got["metadatas"]}) if got else []
            return tuple(dict.fromkeys(n for s in sources for n in self.document_names(s)))

        return self._per_revision(self._store_names, "*", make)

    def cased(self, question: str, history: Sequence[Message]) -> tuple[str, list[Message]]:
        """The question and the user's earlier turns with their names capitalised when typed in lower case ("who is
        the president of france"), so that names are recognised as names."""
        names = self.known_names()
        turns = [
            {**m, "content": truecase(m["content"], names)}
            if isinstance(m, dict) and m.get("role") == "user" and isinstance(m.get("content"), str)
            else m
            for m in history
        ]
        return truecase(question, names), turns

    def document_names(self, source: str) -> tuple[str, ...]:
        """Every name a document mentions, passages found or not: "Washington" is close to an article whose
        National Security Council the passages answering a question may not include."""

        def make() -> tuple[str, ...]:
            text = self.whole_text(source)
            return tuple(dict.fromkeys(n for s, e in sentence_spans(text) for n in entities_in(text[s:e])))

        return self._per_revision(self._doc_names, source, make)

    def whole_text(self, source: str) -> str:
        """The document's whole text, kept per store revision (what the answerer reads beyond the passages)."""
        return self._per_revision(self._doc_texts, source, lambda: self.document_text(source) or "")

    def document_text(self, source: str) -> str | None:
        """The whole text of an ingested document (what offsets index)."""
        from rag.ingest import doc_id

        got = self.store.documents().get(ids=[doc_id(source)], include=["documents"])
        return got["documents"][0] if got["ids"] else None

    # -- steps --------------------------------------------------------------------------------------------------
    def check_question(self, question: str) -> str:
        """The question trimmed, or InputError for an empty or over-long one (shared by the CLI and the chain)."""
        if not isinstance(question, str) or not question.strip():
            raise InputError("the question is empty: type a question about the article")
        if len(question) > self.settings.max_question_chars:
            raise InputError(
                f"the question is {len(question)} characters long; the limit is {self.settings.max_question_chars}"
            )
        return question.strip()

    def condense(self, question: str, history: Sequence[Message]) -> tuple[str, list[str]]:
        """Standalone question and context terms; a model rewrites it when one is configured."""
        standalone, context = condense(question, history)
        if self.llm is not None and history and standalone != question:
            from rag.followup import _turns

            # Earlier answers may quote documents: defuse role markers so they cannot forge turns.
            text = "\n".join(f"User: {neutralise(q)}\nAssistant: {neutralise(a)}" for q, a in _turns(history)[-3:])
            try:
                rewritten = self.llm.condense(question, text)
                if rewritten:
                    return rewritten, []
            except GenerationError as exc:
                log.warning("condense failed, using the rule-based rewrite: %s", exc)
        return standalone, context

    def _idf(self, term: str) -> float:
        return self.searcher.lexical.get().idf(term)

    def _per_revision(self, cache: dict[tuple[str, str], Any], source: str, make: Callable[[], Any]) -> Any:
        """``make()`` for a document (or ``*``: the whole store), computed once per revision of the store."""
        key = (source, self.store.revision())
        with self._idf_lock:
            if key in cache:
                return cache[key]
        value = make()
        with self._idf_lock:
            if len(cache) > 64:
                cache.clear()
            cache[key] = value
        return value

    def document_idf(self, source: str) -> Callable[[str], float] | None:
        """IDF over one document's own chunks, so other documents in the store do not change how its words weigh."""

        def make() -> Callable[[str], float] | None:
            text = self.document_text(source)
            if not text:
                return None
            from rag.chunking import chunk_text
            from rag.text import tokens

            pieces = chunk_text(text, self.settings.chunk_size, self.settings.chunk_overlap)
            df: dict[str, int] = {}
            for piece in pieces:
                for t in set(tokens(piece.text)):
                    df[t] = df.get(t, 0) + 1
            n = max(1, len(pieces))

            def idf(term: str) -> float:
                return math.log(1 + (n + 1) / (df.get(term, 0) + 0.5))

            return idf

        return self._per_revision(self._doc_idf, source, make)

    def _extractive(self, question: str, standalone: str, info: QuestionInfo, hits: list[Hit]) -> Answer:
        vec = hits[0].query_vector if hits else None
        if not hits or vec is None:
            return self._abstained(question, standalone, [], "nothing relevant was retrieved", "extractive")
        usable = list(hits)
        while True:
            source = usable[0].passage.source
            out = self.extractive.answer(
                info, usable, vec, self.document_idf(source), self.document_names(source), self.whole_text(source)
            )
            # A passage written to steer an assistant (injected instructions, forged delimiters, links) is
            # never quoted as an answer: drop it and answer from the others.
            steering = {c.id for c in out.citations if looks_like_instruction(c.text)}
            if not steering:
                break
            log.warning("not quoting %d passage(s) that read as instructions to the assistant", len(steering))
            usable = [h for h in usable if h.passage.id not in steering]
            if not usable:
                return self._abstained(
                    question, standalone, hits, "the retrieved passages read as instructions, not facts", "extractive"
                )
        return Answer(
            question=question,
            standalone_question=standalone,
            text=self._clean(out.text),
            abstained=out.abstained,
            abstain_reason=out.reason,
            citations=out.citations,
            retrieved=[h.passage for h in hits],
            generator="extractive",
        )

    def _relevant(self, info: QuestionInfo, hits: list[Hit]) -> bool:
        if not hits or hits[0].query_vector is None:
            return False
        cands = candidates(hits)
        if not cands:
            return False
        self.extractive.score(info, cands, hits[0].query_vector)
        return max(c.dense for c in cands) >= OFF_TOPIC_DENSE or max(c.coverage for c in cands) >= OFF_TOPIC_COVERAGE

    def _generate(
        self, question: str, standalone: str, info: QuestionInfo, hits: list[Hit]
    ) -> Generator[Delta, None, Answer]:
        name = self.llm.name
        if not self._relevant(info, hits):
            ans = self._abstained(question, standalone, hits, "no retrieved passage is relevant", name)
            yield Delta(ans.text)
            return ans
        passages = [h.passage for h in hits]
        parts: list[str] = []
        error: str | None = None
        shown = StreamSanitizer(self.link_allowlist)  # no link or image is shown, even while streaming
        try:
            for delta in self.llm.stream(standalone, passages):
                parts.append(delta)
                if safe := shown.feed(delta):
                    yield Delta(safe)
        except GenerationError as exc:
            error = str(exc)
            parts = [getattr(exc, "partial", "".join(parts))]
        if rest := shown.flush():
            yield Delta(rest)
        raw = "".join(parts).strip()
        if error and not raw:
            raise GenerationError(error)
        return self._verified(question, standalone, raw, passages, name, error)

    def _verified(
        self, question: str, standalone: str, raw: str, passages: list[Passage], name: str, error: str | None
    ) -> Answer:
        def similarity(claim: str, texts: list[str]) -> list[float]:
            m = self.extractive.vectors([claim, *texts])  # unit rows: products are cosines
            return [float(x) for x in m[1:] @ m[0]]

        # A passage that reads as instructions to the assistant supports nothing it is made to say.
        steering = [n for n, p in enumerate(passages, start=1) if looks_like_instruction(p.text)]
        text, citations, unsupported = verify(self._clean(raw), passages, similarity, steering)
        text, citations = renumber(text, citations)
        abstained = not citations and bool(re.match(r"^\s*the article (doesn't|does not)", text, re.I))
        return Answer(
            question=question,
            standalone_question=standalone,
            text=text,
            abstained=abstained,
            abstain_reason="the model found no answer in the passages" if abstained else None,
            citations=[] if abstained else citations,
            retrieved=passages,
            generator=name,
            unsupported=[] if abstained else unsupported,
            incomplete=error is not None,
            error=error,
        )

    def _clean(self, text: str) -> str:
        """Answer text without links, images or markup that are not allow-listed, nor echoes of the prompt."""
        report = Report()
        out = clean_answer(text, self.link_allowlist, load_prompt("answer"), report)
        if report.total:
            log.warning(
                "removed from an answer: %d link(s), %d image(s), %d tag(s), %d instruction echo(es)",
                report.links,
                report.images,
                report.tags,
                report.withheld,
            )
        return out

    def _abstained(self, question: str, standalone: str, hits: list[Hit], reason: str, name: str) -> Answer:
        return Answer(
            question=question,
            standalone_question=standalone,
            text=NOT_IN_ARTICLE,
            abstained=True,
            abstain_reason=reason,
            retrieved=[h.passage for h in hits],
            generator=name,
        )

    # -- Runnable steps -----------------------------------------------------------------------------------------
    def _condense_step(self, inputs: dict[str, Any]) -> dict[str, Any]:
        question = self.check_question(inputs.get("question", ""))
        asked, history = self.cased(question, inputs.get("history") or [])
        standalone, context = self.condense(asked, history)
        return {
            "question": question,
            "asked": asked,
            "standalone_question": standalone,
            "context": context,
            "history": history,
            "t0": time.perf_counter(),
        }

    def conversation_document(self, question: str, standalone: str, history: Sequence[Message] | None) -> str | None:
        """For a follow-up, the document the last answer quoted: the conversation stays about that article."""
        if not history or standalone == question:
            return None
        quoted = previous_sentences(history)
        return self.searcher.document_of(quoted[0]) if quoted else None

    def _retrieve_step(self, inputs: dict[str, Any]) -> Any:
        about = self.conversation_document(inputs["asked"], inputs["standalone_question"], inputs["history"])
        retriever = self.retriever if about is None else self.retriever.model_copy(update={"about": about})
        return retriever.invoke(retrieval_query(inputs["standalone_question"]))

    def _answer_step(self, inputs: dict[str, Any]) -> dict[str, Any]:
        hits = [
            Hit(
                Passage(
                    id=d.metadata["id"],
                    source=d.metadata["source"],
                    start=d.metadata["start"],
                    end=d.metadata["end"],
                    text=d.page_content,
                    score=d.metadata["score"],
                ),
                d.metadata["dense"],
                d.metadata["lexical"],
                self.embeddings.embed_query(retrieval_query(inputs["standalone_question"])),
            )
            for d in inputs["documents"]
        ]
        info = question_info(inputs["asked"], inputs["standalone_question"], inputs["context"], inputs["history"])
        about = self.conversation_document(inputs["asked"], inputs["standalone_question"], inputs["history"])
        hits = self.with_passages_asked(info, hits, about)
        if self.llm is None:
            answer = self._extractive(inputs["question"], inputs["standalone_question"], info, hits)
        else:
            gen = self._generate(inputs["question"], inputs["standalone_question"], info, hits)
            try:
                while True:
                    next(gen)
            except StopIteration as stop:
                answer = stop.value
        answer.latency_ms = (time.perf_counter() - inputs["t0"]) * 1000
        return answer.to_dict()


def question_info(
    question: str, standalone: str, context: list[str], history: Sequence[Message] | None
) -> QuestionInfo:
    """What the question asks for; for a follow-up, also what the last answer quoted and the words it borrowed."""
    info = analyse(focus_of(standalone), context)
    if history and standalone != question:
        info.previous = previous_sentences(history)
        info.bare = is_bare(question)
        borrow_terms(info, question)
    elif history:
        info.recent = previous_sentences(history)
    return info


def retrieval_query(standalone: str) -> str:
    """What retrieval looks for: the standalone question, with the plain verb of a verb in two words ("When did the
    painter pass away?" also looks for "die") and the other stances on a truth ("Did Iran admit it?" also looks for
    a denial); not the names it sets aside."""
    text = without_set_aside(search_text(standalone))
    focus = focus_of(standalone)
    plain = [p for _, _, verbs in phrasal_verbs(words(focus)) for p in verbs] + truth_stances(focus)
    plain += numbered_groups(focus)  # "the group of seven" is also looked for as "G7"
    plain += ["spokesperson"] if SPOKE_FOR.search(focus) else []  # "Who spoke for the US?": its spokesperson
    return f"{text} ({' '.join(plain)})" if plain else text


def borrow_terms(info: QuestionInfo, question: str) -> None:
    """Words a follow-up took from the conversation ("their" → "Wall Street Journal") support the answer but
    are not what the new question is about."""
    own = set(analyse(question).terms)
    for t in info.terms:
        if t not in own and info.weights.get(t, 0) >= 1.0:
            info.weights[t] = BORROWED_WEIGHT
    back_off(info.weights, question)


def renumber(text: str, citations: list[Any]) -> tuple[str, list[Any]]:
    """Number citations 1, 2, … in order of first appearance in the text."""
    order: list[int] = []
    for m in re.finditer(r"\[(\d+)\]", text):
        n = int(m.group(1))
        if n not in order:
            order.append(n)
    mapping = {old: new for new, old in enumerate(order, start=1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)
    for c in citations:
        c.n = mapping.get(c.n, c.n)
    return text, sorted(citations, key=lambda c: c.n)
