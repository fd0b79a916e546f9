"""Turn a follow-up question into a standalone one without a language model (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rag.question import FIGURE, QWORDS, TIME_WORD, UNNAMED_RE, asked_kind, entities_in, without_before
from rag.text import STOPWORDS, stem, words
from rag.thesaurus import is_common_word, is_noun, is_plural_noun, kinds, same_place

PERSON_PRONOUNS = re.compile(r"\b(he|him|his|she|her|hers|himself|herself)\b", re.I)
GROUP_PRONOUNS = re.compile(r"\b(they|them|their|theirs|themselves)\b", re.I)
THING_PRONOUNS = re.compile(r"\b(it|its|this|that|these|those)\b(?!\s+(?:is|was)\s+(?:the|a)\b)", re.I)
HOW_MANY_OF = re.compile(r"\bhow\s+many\s+of\s+(them|those|these)\b|^\W*(?:and\s+)?how\s+many()\W*$", re.I)
COUNTED_NOUN = re.compile(  # a count and the plural noun it counts: "hundreds of drones", "two night-shift workers"
    rf"\b(?:{FIGURE.pattern})\s+(?:of\s+)?(?:[a-z][a-z-]*\s+)?([a-z][a-z-]*s)\b", re.I
)
PLACE_PRONOUN = re.compile(r"\bthere\b(?!\s+(?:is|are|was|were|be|been)\b)", re.I)
ELLIPSIS = re.compile(r"^\s*(and|also|what about|how about|so|then|but|what else|anything else)\b", re.I)
# "If Iran did what?" after "What did the G7 warn?": the condition of what was just quoted, whatever it names
CONDITION = re.compile(r"^\s*(?:if|unless)\b", re.I)
LEADING_CONJUNCTION = re.compile(r"^\s*(and|also|so|then|but)\b[\s,]*", re.I)
SHORT = re.compile(r"^\s*(why|how|when|where|who|really|and then|what next|how come)\s*\??\s*$", re.I)

# "it" as the subject after an auxiliary ("What did it threaten?"), not an event ("When did it happen?").
SUBJECT_IT = re.compile(
    r"\b(did|does|do|has|had|will|would|can|could)\s+it\b(?!\s+(?:happen|mean|matter|take|cost|last|begin|end)\b)",
    re.I,
)


Message = dict[str, Any]
FOLLOWING_UP = " (following up on: "


def _turns(history: Sequence[Message]) -> list[tuple[str, str]]:
    """(user question, assistant answer) pairs from OpenAI/Gradio messages."""
    pairs: list[tuple[str, str]] = []
    question: str | None = None
    for m in history:
        role = m.get("role")
        content = m.get("content")
        if isinstance(content, list):  # Gradio may send content parts
            content = " ".join(str(p.get("text", "")) if isinstance(p, dict) else str(p) for p in content)
        content = str(content or "")
        if role == "user":
            question = content
        elif role == "assistant" and question is not None:
            pairs.append((question, content))
            question = None
    return pairs


def needs_context(question: str) -> bool:
    q = question.strip()
    return bool(
        PERSON_PRONOUNS.search(q)
        or GROUP_PRONOUNS.search(q)
        or THING_PRONOUNS.search(q)
        or PLACE_PRONOUN.search(q)
        or ELLIPSIS.match(q)
        or CONDITION.match(q)
        or SHORT.match(q)
        or len([w for w in words(q) if w not in STOPWORDS and w not in QWORDS]) <= 1
    )


def _clean_answer(answer: str) -> str:
    return re.sub(r"\s?\[\d+(?:,\s*\d+)*\]", "", answer)


def _person(text: str) -> str | None:
    """A person's name in the text, preferring one right after a role word ("Defense Minister Sergei Shoigu")."""
    from rag.question import introduces, person_names

    names = person_names(text)
    for n in names:
        # A title right before the name, or a role right after it ("Gregory Tolliver, the hospital's chief operating
        # officer, said Harlow Memorial…": the person is Tolliver), or "Dr."/"Mr." before it.
        if introduces(n.split()[-1], text) or re.search(rf"\b(?:mr|mrs|ms|dr)\.?\s+{re.escape(n)}\b", text, re.I):
            return n
    if names:
        return names[0]
    # a surname alone, speaking: "Savett stated, …" (not a place or a word: "Iran said", "Officials said")
    for m in re.finditer(r"\b([A-Z][a-z]{2,})\s+(?:stated|said|says|told|added|noted|explained|argued)\b", text):
        word = m.group(1)
        if word.lower() not in STOPWORDS and not is_common_word(word.lower()) and not same_place(word):
            return word
    return None


def _place(text: str) -> str | None:
    """A place named in the text ("to Iran", "in Lisbon"), not a date ("in January")."""
    for m in re.finditer(
        r"\b(?:in|to|at|from|visited|visiting|visit)\s+((?:[A-Z][\w'’-]+)(?:\s+[A-Z][\w'’-]+)*)", text
    ):
        if not TIME_WORD.match(m.group(1)):
            return m.group(1)
    return None


ASKS_SOMEONE = re.compile(
    r"\b(?:any other|another)\s+(?:country|nation|state|government|company|group|organi[sz]ation)\b", re.I
)


def _subject(question: str, answer: str) -> str | None:
    """The main named thing of the last turn: a new name in the answer to a who-question, else the question's."""
    q_ents = entities_in(question)
    a_ents = [e for e in entities_in(_clean_answer(answer)) if e not in q_ents]
    unnamed = UNNAMED_RE.search(_clean_answer(answer))
    if re.match(r"^\s*who\b", question, re.I) and unnamed and not _person(answer):
        return f"the {unnamed.group(0)}"  # "an unnamed official told CNN": "they" is that official
    # "Has any other country helped Russia?" asks which one as well: the answer names it
    if (re.match(r"^\s*(who|which)\b", question, re.I) or ASKS_SOMEONE.search(question)) and a_ents:
        return _answering_name(question, _clean_answer(answer), a_ents)
    return q_ents[0] if q_ents else (a_ents[0] if a_ents else None)


def _answering_name(question: str, answer: str, names: list[str], window: int = 8) -> str:
    """The name that answers the question: the one with the most of its words around it (the first on a tie).

    Words after the name count twice: the name answering "which … aided …" is mostly the subject of "aided".

    "Which country aided Russia in expanding its industrial base?" - "… from North Korea, while … China had aided
    Russia in substantially expanding its defense industrial base": China.
    """
    # "Iran's Permanent Mission" is one name, not "Iran" and "Permanent Mission".
    merged: list[str] = []
    for n in names:
        if merged and re.search(rf"{re.escape(merged[-1])}['’]s\s+{re.escape(n)}", answer):
            merged[-1] = f"{merged[-1]}'s {n}"
        else:
            merged.append(n)
    names = merged
    asked = {stem(w) for w in words(question) if w not in STOPWORDS and w not in QWORDS}
    tokens_ = re.findall(r"[\w'’-]+", answer)
    stems = [stem(w.lower()) for w in tokens_]

    def support(name: str) -> int:
        parts = re.findall(r"[\w'’-]+", name)
        best = 0
        for i, w in enumerate(tokens_):
            if w == parts[0]:
                end = i + len(parts)
                before, after = set(stems[max(0, i - window) : i]), set(stems[end : end + window])
                best = max(best, len(asked & before) + 2 * len(asked & after))
        return best

    # "Iran's Permanent Mission to the United Nations" is one name: the part after "to the" answers nothing alone.
    whole = [
        n
        for n in names
        if not any(
            re.search(rf"{re.escape(o)}\s+(?:to|of|for|at|in)\s+(?:the\s+)?{re.escape(n)}", answer)
            for o in names
            if o != n
        )
    ]
    return max(whole or names, key=lambda n: (support(n), -names.index(n)))


def _may_be_they(subject: str, question: str, answer: str) -> bool:
    """Whether "they" can be the name: one the question gave or asked for, or the answer's subject. After "Two
    workers were treated at Eastmere General Hospital", "they" are the workers, not the hospital."""
    asked = (
        subject in entities_in(question)
        or re.match(r"^\s*(who|which)\b", question, re.I)
        or ASKS_SOMEONE.search(question)
    )
    return bool(asked) or answer.lstrip('"“ ').startswith(subject) or subject.startswith("the ")


def search_text(standalone: str) -> str:
    """What retrieval looks for: the question and the one it follows up on, without the words joining them."""
    if FOLLOWING_UP not in standalone:
        return standalone
    focus, _, before = standalone.partition(FOLLOWING_UP)
    return f"{focus.strip()}? {before.removesuffix(')').strip()}"


def focus_of(standalone: str) -> str:
    """The question itself, without the conversation it follows up on (that part counts as context)."""
    return standalone.split(FOLLOWING_UP)[0].strip()


def _antecedent_turn(question: str, pairs: list[tuple[str, str]]) -> int:
    """The turn a follow-up goes back to: the last one, unless a thing it names with "the" was spoken of only in an
    earlier question ("… Shoigu's trip?", "When did the official say so?", "And when did the trip happen?")."""
    last = {stem(w) for w in words(" ".join(pairs[-1]))}
    things = [
        stem(m.group(1).lower())
        for m in re.finditer(r"\bthe\s+([a-z]{3,})\b", question, re.I)
        if m.group(1).lower() not in STOPWORDS and is_noun(m.group(1).lower(), strict=True)
    ]
    things = [t for t in things if t not in last]
    if not things:
        return len(pairs) - 1
    for i in range(len(pairs) - 2, max(len(pairs) - 4, -1), -1):
        if any(t in {stem(w) for w in words(pairs[i][0])} for t in things):
            return i
    return len(pairs) - 1


def _things_asked(question: str) -> str | None:
    """The last plural noun of a question, not the thing the answer came before ("… weapons before the missiles?")."""
    plural = [w for w in words(without_before(question)) if is_plural_noun(w) and w not in STOPWORDS]
    return plural[-1] if plural else None


def condense(question: str, history: Sequence[Message]) -> tuple[str, list[str]]:
    """A standalone question for retrieval, and context terms (stems) carried over from the conversation."""
    pairs = _turns(history)
    if not pairs or not needs_context(question):
        return question.strip(), []
    pairs = pairs[: _antecedent_turn(question, pairs) + 1]
    prev_q, prev_a = pairs[-1]
    prev_a = _clean_answer(prev_a)
    if re.match(r"^\s*the article (doesn't|does not)", prev_a, re.I):
        prev_a = ""
    q = question.strip()
    replaced = False
    # "How many of them?" after "Iran had provided Russia with hundreds of drones": the drones counted
    counting = HOW_MANY_OF.search(q)
    counted = COUNTED_NOUN.search(prev_a) if counting else None
    # … or, when the answer counts nothing, the things the question before asked about ("Had Iran given Russia
    # weapons?" — "How many of them?"), not a name
    things = counted.group(1) if counted else _things_asked(prev_q) if counting else None
    if counting and things:
        if counting.group(1):
            q = q[: counting.start(1)] + f"the {things}" + q[counting.end(1) :]
        else:  # "How many?" alone
            q = f"How many {things}?"
        replaced = True
    person = _person(prev_a) or _person(prev_q)
    for older_q, older_a in reversed(pairs[:-1]):  # "he" may point further back: "Was he involved?" → "What else…"
        if person:
            break
        person = _person(_clean_answer(older_a)) or _person(older_q)
    subject = _subject(prev_q, prev_a)
    # "And China - what did it provide?": "it" is the name the question brings before it, not the last one
    pronoun = re.search(r"\b(?:it|its|they|their|them)\b", q, re.I)
    brought = [e for e in entities_in(q) if e not in entities_in(prev_q) and pronoun and q.find(e) < pronoun.start()]
    subject = brought[0] if brought else subject
    first = PERSON_PRONOUNS.search(q) if person else None
    if person and first:
        # The first mention is named: "What did he say his country needs?" → "What did Zelensky say his country…"
        possessive = re.match(r"(his|her)\s+\w", q[first.start() :], re.I)
        q = q[: first.start()] + (f"{person}'s" if possessive else person) + q[first.end() :]
        replaced = True
    elif (
        subject
        and GROUP_PRONOUNS.search(q)
        and _may_be_they(subject, prev_q, prev_a)
        and not (person and subject.split()[-1] == person.split()[-1])  # "them" after "What did Shoigu see?"
    ):
        q = re.sub(r"\btheir\b", f"{subject}'s", q, count=1, flags=re.I)
        q = GROUP_PRONOUNS.sub(subject, q, count=1)
        replaced = True
    elif subject and re.search(r"\bits\b", q, re.I):
        q = re.sub(r"\bits\b", f"{subject}'s", q, count=1, flags=re.I)
        replaced = True
    elif subject and SUBJECT_IT.search(q):
        # "What did it threaten?" after "When did the G7 put out its statement?": the G7 did
        q = SUBJECT_IT.sub(lambda m: f"{m.group(1)} {subject}", q, count=1)
        replaced = True
    # "that paper" after "Which paper first reported it?" is the paper the answer named.
    # So is "that paper" after "Which newspaper…?" or "Who first reported it?".
    kind = asked_kind(prev_q)
    named = [e for e in entities_in(prev_a) if e not in entities_in(prev_q)]
    that = re.search(r"\b(?:that|this|the same)\s+([a-z]+)\b", q, re.I)
    if that and not (
        (kind and kind.lower().endswith(that.group(1).lower()))
        or (
            # "that paper" after "Which outlet broke the story?": a word for the outlet named, not for anything
            # either turn spoke of ("that statement" after "Which agency issued the statement?")
            kind
            and is_noun(that.group(1).lower(), strict=True)
            and not {"act", "event"} & kinds(that.group(1).lower(), 6)
            and stem(that.group(1).lower()) not in {stem(w) for w in words(prev_q + " " + prev_a)}
        )
        or (
            not kind
            and re.match(r"^\W*who\b", prev_q, re.I)
            and is_noun(that.group(1).lower(), strict=True)
            # "that visit" after "Who visited Iran?" is the visit, not the visitor
            and not {"act", "event"} & kinds(that.group(1).lower(), 6)
        )
    ):
        that = None
    if kind and not that:
        that = re.search(rf"\b(?:the)\s+{re.escape(kind)}\b", q, re.I)
    if that and named and not replaced:
        q = q[: that.start()] + named[0] + q[that.end() :]
        replaced = True
    place = _place(prev_q) or _place(prev_a)
    if place and PLACE_PRONOUN.search(q):
        q = PLACE_PRONOUN.sub(
            f"to {place}" if re.search(r"\b(go|went|travel|come|came)\b", q) else f"in {place}", q, count=1
        )
        replaced = True
    q = LEADING_CONJUNCTION.sub("", q).strip()
    q = q[:1].upper() + q[1:] if q else question.strip()
    own = {stem(w) for w in words(q) if w not in STOPWORDS}
    pointing = THING_PRONOUNS.search(q) or PERSON_PRONOUNS.search(q) or GROUP_PRONOUNS.search(q)
    # A new name replaces the old ones ("And what did North Korea provide?"), unless the question also points back
    # ("What action by Iran would trigger that?").
    if entities_in(q) and not replaced and not pointing and not CONDITION.match(q):
        own |= {stem(w) for e in entities_in(prev_q + " " + prev_a) for w in words(e)}
        prev_a, replaced = "", True
    context = [
        stem(w)
        for w in words(prev_q + " " + (prev_a if not replaced and not SHORT.match(question) else ""))
        if w not in STOPWORDS and w not in QWORDS and stem(w) not in own
    ]
    context = list(dict.fromkeys(context))[:12]
    if not replaced or SHORT.match(question):
        # The question followed up on, itself made standalone: "Why?" after "What did he say his country needs?"
        earlier = [  # the last few turns are enough to resolve it, and keep this recursion short
            {"role": role, "content": text}
            for pq, pa in pairs[-4:-1]
            for role, text in (("user", pq), ("assistant", pa))
        ]
        prev_standalone = condense(prev_q, earlier)[0] if earlier else prev_q.strip()
        prev = focus_of(prev_standalone)
        if FOLLOWING_UP in prev_standalone and not [w for w in words(prev) if w not in STOPWORDS and w not in QWORDS]:
            # "When was that?" has nothing of its own: a question after it follows up on what that one did
            prev = prev_standalone.partition(FOLLOWING_UP)[2].removesuffix(")").strip()
        standalone = f"{q.rstrip('?').strip()}{FOLLOWING_UP}{prev})"
    else:
        standalone = q
    return standalone, context


def previous_sentences(history: Sequence[Message]) -> list[str]:
    """The sentences of the last answer (markers removed): a follow-up should not just repeat them."""
    from rag.text import sentences

    pairs = _turns(history)
    return sentences(_clean_answer(pairs[-1][1])) if pairs else []


BARE = re.compile(
    r"^\W*(?:(?:and|also|so|then|but)\b\W*)?(?:(?:what|how|who|anything|and) (?:else|about|now|next|then)|"
    r"(?:and )?(?:now|then|why|how|when|where|who|really|more|go on|continue|until when|since when))\W*$",
    re.I,
)


ASKING_WORDS = frozenset(
    "and also so then but else more now next exactly really year years date day days month months time long far "
    "much many often soon old since until".split()
)


def is_bare(question: str) -> bool:
    """A follow-up with nothing of its own to look for: "And now?", "What else?", "Why?", "Until what year?"."""
    pronoun = PERSON_PRONOUNS.search(question) or GROUP_PRONOUNS.search(question) or THING_PRONOUNS.search(question)
    # "and north korea?" names something new to look for; "Until what year?" only asks for a kind of fact.
    named = [w for w in words(question) if w not in STOPWORDS and w not in QWORDS and w not in ASKING_WORDS]
    return bool(BARE.match(question)) or (len(words(question)) <= 3 and not pronoun and not named)
