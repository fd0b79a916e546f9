"""The offline answerer: quotes the article sentences that answer the question, or says the article doesn't.

It needs no model beyond the embedding one. Sentences are scored with dense similarity and IDF-weighted term
coverage, filtered by the kind of fact the question asks for (who / when / where / how many / how much), and
the answer abstains when the best evidence is weak, names something the article never mentions, or lacks the
kind of fact asked for.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from rag.question import (
    FIGURE,
    MONTHS,
    ORG_WORDS,
    PEOPLE_ASKED,
    PERCENT_RE,
    PERSON_ROLE_RE,
    PERSON_ROLES,
    REACTION_ASKED,
    SPEECH_ASKED,
    SPEECH_SAID,
    TIME_WORD,
    UNKNOWN_RE,
    UNNAMED_RE,
    QuestionInfo,
    asked_kind,
    asked_phrase,
    ends_noun_phrase,
    entities_in,
    excluded_words,
    has_rate,
    has_slot,
    introduces,
    kind_name,
    names_kind,
    person_names,
    quantity_near,
    scale_against_history,
    unhyphen_counts,
)
from rag.retrieval import Hit
from rag.text import IRREGULAR, STOPWORDS, normalize, sentence_spans, stem, tokens, words
from rag.thesaurus import (
    collocations,
    is_a,
    is_a_in_any_sense,
    is_adjective_only,
    is_common_word,
    is_noun,
    is_plural_noun,
    kinds,
    phrasal_verbs,
    place_names,
    related_stems,
    same_place,
    verb_bases,
)
from rag.types import Citation, Passage

MAX_CHARS = 600
MAX_SENTENCES = 3
QUOTE_MAX_CHARS = 700  # room to finish a quotation the answer opened
PHRASE_WEIGHT = 0.15  # bonus for saying the question's words in the same order
HOW_TO = re.compile(
    r"^\W*how\s+(?:do|can|could|should|would|might|does|did)\s+(?:i|you|we|one|they|people)\s+(\w+)", re.I
)
# "How does a turbojet engine actually work?": how something works, not that the article names it
HOW_IT_WORKS = re.compile(
    r"^\W*(?:(?:can\s+you\s+|please\s+)?(?:explain|describe|tell\s+me)\s+)?how\s+(does|do|did|can|)\s*(.+?)\s+"
    r"(?:actually\s+|really\s+|even\s+)?(works?|functions?|operates?)\b",
    re.I,
)
WORKING = frozenset(stem(w) for w in ("work", "function", "operate"))
# "Can you explain how a turbojet engine produces thrust?": how something is done, said by a sentence doing it
EXPLAIN_HOW = re.compile(
    r"^\W*(?:(?:can|could|would)\s+you\s+(?:please\s+)?)?(?:explain|describe)\s+how\s+(.+?)\W*$", re.I
)
NEXT_BONUS = 0.4  # "And now?": the sentence right after the one that answered before (the question has no words)
KIND_BONUS = 0.1  # bonus for naming something of the kind asked for ("which paper" ~ "Journal")
KIND_SIM = 0.5  # a name word this close to the asked noun is of that kind

# Evidence thresholds (cosine similarity of MiniLM vectors; coverage is a 0..1 share of IDF weight).
OFF_TOPIC_DENSE = 0.30
OFF_TOPIC_COVERAGE = 0.34
# A question this far from every sentence is off-topic unless it says half its words as asked ("Do US citizens need a
# visa to visit Germany?": Germany is named, nothing else is). Measured: 0.12 to 0.25 lose no case of the question
# sets, 0.3 loses three paraphrases; above 0.2, questions the article speaks around ("How does a turbojet engine
# work?") lose the reason that says what it does not tell.
OFF_TOPIC_FLOOR = 0.2
QUANTIFIERS = frozenset({"every", "each", "any", "all", "some", "most", "many", "much", "more", "less", "few"})
ORDINALS = frozenset({"first", "last", "next", "latest", "recent", "previous", "former"})  # "the last world cup"
WEAK_DENSE = 0.35
WEAK_COVERAGE = 0.3
ENTITY_MATCH = 0.7  # a name this close to one of the article's may stand for it (Tehran ~ Iran)
ENTITY_DENSE = 0.5  # a question naming something absent is answered only on strong similarity
CLOSE_NAME_DENSE = 0.35  # a name only close to the article's needs this much support
SEATS_OF_GOVERNMENT = frozenset({"national capital", "executive department", "federal department"})
ABSENT_DENSE = 0.6  # a question whose subject the best sentence does not say is answered only on this much similarity
CONDITION_ASKED = re.compile(r"\b(?:under|on|in)\s+(?:what|which)\s+(?:conditions?|circumstances?|cases?)\b", re.I)
CONDITION = re.compile(r"\b(?:if|unless|provided that|as long as|in case|on condition that)\b", re.I)
JUDGEMENT_ASKED = re.compile(
    r"^\W*how\s+(?:do|does|did)\s+.+?\s+(?:characteri[sz]e|describe|view|see|regard|consider|call|judge|assess|label)\b|"
    # "What moral verdict does Tehran pass on it?", "What label does it put on it?"
    r"^\W*what\s+(?:[\w-]+\s+)?(?:judge?ments?|verdicts?|views?|assessments?|opinions?|labels?)\s+"
    r"(?:do|does|did|has|have|had)\b",
    re.I,
)
JUDGEMENT = re.compile(
    r"\b(?:deem|consider|regard|view|call|describe|characteri[sz]e|label|judge)(?:s|ed|d)?\b.{0,200}?\b(?:as|to be)\b",
    re.I,
)
WHAT_TIME = re.compile(r"\b(?:what|which)\s+time\b|\bat what hour\b", re.I)
CLOCK = re.compile(r"\b\d{1,2}(?::\d\d)?\s*(?:a\.?m\.?|p\.?m\.?)|\b\d{1,2}:\d\d\b|\b(?:noon|midnight|o'clock)\b", re.I)
CONCLUDES = re.compile(r"^[\"“]?(?:Therefore|Thus|Hence|Consequently|As a result|For that reason)\b")
WHAT_YEAR = re.compile(r"\b(?:what|which)\s+year\b", re.I)
WHAT_DATE = re.compile(r"\b(?:what|which)\s+(?:(?:exact|precise|specific|particular)\s+)?(?:date|day)\b", re.I)
YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
HOW_OLD = re.compile(r"\bhow old\b|\bwhat(?:'s| is| was)\s+(?:his|her|their|the)\s+age\b", re.I)
AGE = re.compile(r"\b\d{1,3}[- ]years?[- ]old\b|\baged\s+\d{1,3}\b|\bage\s+(?:of\s+)?\d{1,3}\b|,\s+\d{1,3},")
MEASURE_SORT = re.compile(r"\b(?:what|which)\s+(range|size|length|speed|class|scale|weight)\s+of\b", re.I)
# A day ("Tuesday", "yesterday", "5/3/2024")
_DAY = (
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|"
    r"\b(?i:yesterday|today|tomorrow)\b|\b\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?\b"
)
DAY_SAID = re.compile(rf"\b(?:{MONTHS.title()})\b|{_DAY}")  # a month or a day, capitalised ("may" the verb is no month)
EXACT_DATE = re.compile(r"\b(?:exact|precise|specific)\s+(?:date|day)\b", re.I)
DAY_OF_MONTH = re.compile(  # "March 5", "5th of March", or a day: not only a month
    rf"\b(?:{MONTHS.title()})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTHS.title()})\b|{_DAY}"
)
HOW_LONG_SINCE = re.compile(r"\bhow long\s+(?:has|have|had)\b[^?]*\bbeen\b", re.I)
SINCE = re.compile(
    r"\bsince\s+(?:the\s+|its\s+|their\s+)?(?:\d|[A-Z]|outset|start|beginning|early|late|last)|\bas early as\b"
)
HOW_FEEL = re.compile(r"^\W*how\b.*\bfeel(?:s|ing)?\b", re.I)  # "How did he say they feel?" asks for a feeling
_NAME = r"([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)"
_POST = r"(?:job|title|role|position|post|office|occupation)"
# A time still to come: "When is the next election?", "When will the court take it up?"
FUTURE_ASKED = re.compile(r"^\W*when\b.*\b(?:next|upcoming|will)\b", re.I)  # not "missiles going to Russia"
FUTURE_SAID = re.compile(
    r"\b(?:will|would|next|upcoming|coming|scheduled|planned|plans?|expected|due|set to|going to|is to|are to|"
    r"later|soon|this (?:week|month|year|spring|summer|autumn|fall|winter)|until|by)\b",
    re.I,
)
HOW_MUCH = re.compile(r"\bhow\s+(?:much|big|large|far)\b", re.I)  # a size, not a count ("how many")
# "What government post did the Russian who visited Iran hold?": a title, whoever holds it
POST_ASKED = re.compile(rf"^\W*(?:what|which)\s+(?:[a-z]+\s+)?{_POST}s?\s+(?:does|did|do|has|had)\b", re.I)
NO_TITLE = frozenset("official officials person man woman replaced replace successor".split())


def _title_said(text: str) -> bool:
    """The sentence gives someone a title: a role word written as a title or after a name ("Defense Minister",
    "Council spokesperson"); not "a senior Russian official"."""
    for m in PERSON_ROLE_RE.finditer(text):
        before = text[: m.start()].split()[-1:]
        if m.group(1).lower() not in NO_TITLE and (m.group(1)[0].isupper() or (before and before[0][:1].isupper())):
            return True
    return False


# "Who is X?", "What is X's job?", "What office does X hold?": asked for X's title.
WHO_IS = re.compile(
    rf"^\W*(?:who(?:['’]s|\s+is|\s+was)\s+{_NAME}|what(?:['’]s|\s+is|\s+was)\s+{_NAME}['’]s?\s+{_POST}|"
    rf"what\s+{_POST}\s+(?:does|did|do)\s+{_NAME}\s+(?:hold|have|occupy))"
    r"(?:\s+(?:at\s+(?:that|the)\s+time|then|back then))?(?:,?\s+according to the (?:article|story|report))?\W*$",
    re.I,
)
# "Who is the current chancellor of Germany?", "Who is Iran's foreign minister?": asked for the holder of a post
HOLDER_ASKED = re.compile(
    r"^\W*who(?:['’]s|\s+(?:is|was|are|were))\s+(?:the\s+|(?:[A-Z][\w.]*\s+)*[A-Z][\w.]*['’]s?\s+)"
    r"(?:[\w-]+\s+){0,3}?([a-z][\w-]*)\s*(?:\b(?:of|at|for|in|on)\b|\W*$)",
    re.I,
)
# "Who founded…", "Who first invented…", "Who led…", "Who runs CNN?"
WHO_DID = re.compile(
    r"^\W*who\s+(?:first\s+|now\s+|currently\s+)?(?!(?:was|has|does|is|goes)\b)([a-z]+ed|led|ran|won|[a-z]{3,}s)\b",
    re.I,
)
OVERVIEW_SENTENCES = 2  # "What is the article about?" is answered by its headline and lead
SORT_BONUS = 0.05  # "What kind of missiles?": a sentence saying which kind ("close-range ballistic missiles")
LEAD_BONUS = 0.04  # a news story's first line (its headline or lead) says its main event
INTRO_BONUS = 0.15  # "Who is Savett?": the sentence that gives his title
# "What did it signal when…?", "What does that warning show about…?": what something means, said by a sentence
# saying what it suggests, underscores or signifies
SIGNIFY_ASKED = re.compile(
    r"^\W*(?:and\s+|so\s+)?what\s+(?:does|did|do|might|could|would|may)\s+.{0,80}?\b"
    r"(signal|show|mean|indicate|suggest|signify|imply|reveal)s?\b",
    re.I,
)
# What someone is said, reported or believed to have done is answered by a sentence that says so at second hand
HEARSAY_ASKED = re.compile(
    r"\b(?:said|reported|alleged|believed|suspected|claimed|rumou?red)\s+to\s+(?:have\s+)?\w+|"
    r"\b(?:reportedly|allegedly|supposedly|purportedly)\b",
    re.I,
)
HEARSAY_SAID = re.compile(
    r"\b(?:reportedly|allegedly|supposedly|purportedly|according\s+to|(?:is|are|was|were)\s+(?:said|reported|"
    r"alleged|believed)\s+to)\b",
    re.I,
)
SIGNIFIES = re.compile(
    r"\b(?:suggest(?:s|ed)?|signif(?:y|ies|ied)|underscor(?:e|es|ed)|indicat(?:e|es|ed)|impl(?:y|ies|ied)|"
    r"reflect(?:s|ed)?|highlight(?:s|ed)?|demonstrat(?:e|es|ed)|represent(?:s|ed)?|mean(?:s|t)?|points?\s+to)\b",
    re.I,
)
EXPLAINS_BONUS = 0.15  # a sentence giving the cause, condition or judgement asked for
# A follow-up that is only a name: "And China?", "What about the G7?"
NAME_ONLY = re.compile(r"^\W*(?:(?:and|also|so|but)\s+)?(?:(?:what|how)\s+about\s+)?(?:the\s+)?(.+?)\W*$", re.I)


def _name_only(q: QuestionInfo) -> bool:
    """A follow-up that is only a name: "And China?", "What about the G7?"."""
    m = NAME_ONLY.match(q.text)
    return bool(q.previous and m and m.group(1).lower() in {e.lower() for e in q.entities})


STALE_FACTOR = 0.8  # a sentence the last answer quoted, saying less of a follow-up's own words than another
RELATED_CREDIT = 0.7  # a word WordNet links to the question's ("rockets" ~ "missile") counts for this much
SOFT_LOW, SOFT_HIGH = 0.45, 0.75  # word similarity that earns no / full credit
SOFT_TOP = 10  # sentences re-scored with soft term matching
SOFT_SAID = 0.6  # word similarity at which a question word counts as said by the sentence
SLOT_MARGIN = 0.6  # a sentence with the fact asked for may win over a better-scoring one down to this share
SPECIFIC_MARGIN = 0.3  # an address, a percentage or an amount is rare enough to be trusted from further down
CONTINUITY_BONUS = 0.03  # a question of its own in a conversation: the sentence just quoted, on a near tie
FOCUS_MARGIN = 0.9  # "What sort of…?": a sentence saying what is asked wins over one off it down to this share
SPECIFIC_SLOTS = frozenset({"address", "percent", "money"})
EVENT_SLOTS = frozenset({"time", "place"})  # a when/where question needs its event in the answer
STANCE = frozenset(
    "admit deny confirm acknowledge reject refuse dismiss accept agree disagree concede insist approve disapprove "
    "oppose support endorse back".split()
)
ASIDE_FACTOR = 0.8  # a sentence saying what the question sets aside ("apart from missiles")
COMMENT_FACTOR = 0.9  # "What did the G7 threaten?": a sentence telling what was done, not only commenting on it
SUPPOSED_FACTOR = 0.7  # a sentence saying the question's words only in an "if" clause supposes, does not report
ASIDE_WORDS = frozenset(
    stem(w) for w in ("apart", "aside", "besides", "other", "except", "excluding", "counting", "before", "prior")
)
STANCE_BONUS = 0.15  # a yes/no question is answered by the sentence that takes a stance on it
# Stances on whether something is true: "Did Iran admit it?" and "Has Iran confirmed it?" are answered by a denial
TRUTH_STANCE = frozenset("admit deny confirm acknowledge concede dispute dismiss reject".split())
EXACT_KIND = re.compile(r"\b(?:what|which)\s+(?:specific|exact|particular|precise)\s+([a-z]{3,})", re.I)
HOW_MANY = re.compile(
    r"\bhow many\s+(?:of\s+(?:the|these|those|its|their)\s+)?(?:more\s+|fewer\s+|new\s+|other\s+)?([a-z]+)", re.I
)
RISE_ASKED = re.compile(  # a change asked for may be given as a percentage
    r"\b(?:raises?|rises?|rose|increase[sd]?|hikes?|cuts?|reductions?|decrease[sd]?|boost(?:s|ed)?|falls?|fell|"
    r"drop(?:s|ped)?|declines?|declined|grow|grew|grown|climb(?:s|ed)?|jump(?:s|ed)?|gain(?:s|ed)?|lose|lost)\b",
    re.I,
)
GENERIC_COUNTS = frozenset(stem(w) for w in ("people", "persons", "individuals", "times", "ones"))
COUNT_BONUS = 0.1  # "how many days": a figure that counts days beats "by roughly half"
COUNTED_LIMIT = 0.75  # share of the question's focus such a figure may leave unsaid
TOPIC_IDF = 1.2  # idf of a term found in about 40% of the chunks: the article's topic, not a focus

SLOT_PHRASE = {
    "money": "how much money was involved",
    "percent": "what share",
    "frequency": "how often",
    "speech": "what was said",
    "model": "which models",
    "address": "the address",
    "route": "by what route",
    "measure": "that measurement",
    "quantity": "how many",
    "time": "when",
    "place": "where",
    "agent": "who",
    "person": "who",
    "reason": "why",
}

NAME_OF = re.compile(
    r"\bnames?\s+of\s+(?:the|a|an|its|their|his|her)\s+([\w\s-]+?)\s*(?:\b(?:of|where|that|which|who|"
    r"whose|in|at|for|from|to|by|on|did|does|do|was|is|were|are|has|had|will)\b|[?.,!]|$)"
)


def name_kind(question: str) -> str | None:
    """The noun in "the name of the phase 3 study of …": "study"."""
    m = NAME_OF.search(question)
    if not m:
        return None
    head = [w for w in m.group(1).split() if w.isalpha()]
    named = next(
        (
            i
            for i, w in enumerate(head)
            if w[:1].isupper()
            and not (_demonym(w) and head[i - 1].lower() not in ("the", "a", "an"))
            and any(v[:1].islower() for v in head[:i])
        ),
        None,
    )
    # "the missile system Shoigu went to see", "… the Russian minister went to see": the clause after the noun is
    # not it ("the former Russian defence chief": an adjective in capitals within the noun's words opens none)
    head = head[:named]
    # "the HSE inspector leading the investigation": a clause opened by a verb form after a noun is not the noun
    clause = next(
        (
            i
            for i, w in enumerate(head)
            if i and w.lower().endswith("ing") and verb_bases(w) and is_noun(head[i - 1], strict=True)
        ),
        None,
    )
    head = head[:clause]
    while len(head) > 1 and (
        head[-1].lower() in ("being", "been") or (head[-1].lower().endswith(("ed", "ing")) and not is_noun(head[-1]))
    ):
        head.pop()  # "the spokesperson quoted in the article": a participle after the noun
    return head[-1].lower() if head else None


GENERIC_ROLES = frozenset(
    "official officials person man woman leader head chief figure replaced replace successor minister".split()
)
RANKS = "deputy|assistant|vice|acting|associate|chief|executive|operating|financial|medical|technology|managing"
# A title of rank words and a role: "chief executive officer", "assistant director", "deputy minister".
TITLE = re.compile(rf"\b(?:(?:{RANKS})\s+)+(?:{PERSON_ROLES}|officer)\b|\b(?:{RANKS})\s+(?:{RANKS})\b", re.I)
ROLE_SIM = 0.65  # "spokesman" for "spokesperson", "envoy" for "ambassador"
DEMONYM_FORM = re.compile(r"[A-Z][a-z]+(?:an|ian|ean|ese|ish|i|ic)")


def _demonym(name: str) -> bool:
    """ "American", "Iranian": an adjective, not a name the article must hold; "Iran" and "Tehran" are places."""
    return bool(DEMONYM_FORM.fullmatch(name)) and not same_place(name)


def _of_country(demonym: str, text: str) -> bool:
    """ "Which Iranian body…?": the sentence names a body of that country ("Iran's Permanent Mission", "the Iranian
    Foreign Ministry"), not only something else Iranian ("Iranian ballistic missiles")."""
    stem_ = re.escape(demonym[:4])
    return bool(re.search(rf"\b{stem_}\w*['’]s\s+[A-Z]|\b{re.escape(demonym)}\s+[A-Z]", text))


CAUSAL = re.compile(
    r"\b(because|due to|owing to|as a result|since|so that|in order to|in response|after|led to|leads to|"
    r"caused|the reason|therefore|thus|amid|(?:a|the) result of|results? from|stems? from)\b",
    re.I,
)

# What lies behind a thing is its cause, given in so many words ("could be a result of", "because")
BEHIND_ASKED = re.compile(
    r"\bbehind\b|\b(?:reasons?|causes?|motives?|motivations?)\s+(?:for|of|behind)\b|\bwhat\s+(?:caused|prompted|drove)\b|"
    r"\bwhat\s+(?:could|might|may|would|is)\s+(?:be\s+)?driving\b|"  # "what could be driving it?"
    r"\bexplain\b|\bexplanations?\b|"  # "What does the WSJ think might explain the delivery?"
    r"\b(?:say|says|said)\s+why\b",  # "Did that paper say why it might have happened?"
    re.I,
)
GIVES_CAUSE = re.compile(
    r"\b(?:because|due to|owing to|as a result|led to|leads to|caused|the reason|(?:a|the) result of|"
    r"results? from|stems? from|blamed|prompted|motivated)\b",
    re.I,
)

# "What might lie behind the shipment, according to the business daily?": the thing caused, and a news source asked of
BEHIND_THING = re.compile(
    r"\b(?:behind|driving|drove|for|caused|prompted)\s+(?:the\s+|this\s+|that\s+|its\s+|such\s+(?:an?\s+)?)?([a-z]+)",
    re.I,
)
NEWS_SOURCE_ASKED = re.compile(r"\b(?:paper|newspaper|daily|journal|outlet|publication|media|press)\b", re.I)
REPORTED_BY = re.compile(  # "The Wall Street Journal reported that …"
    r"^\W*(?:The\s+)?((?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*)\s+(?:had\s+|has\s+)?(?:reported|reports|wrote|writes)\b"
)

Encode = Callable[[list[str]], list[list[float]]]


@dataclass
class Candidate:
    passage_no: int  # 1-based position in the retrieved list
    passage: Passage
    start: int  # document offsets
    end: int
    text: str
    terms: set[str]
    dense: float = 0.0
    coverage: float = 0.0
    slot: bool = True
    score: float = 0.0


@dataclass
class Extracted:
    text: str
    citations: list[Citation]
    abstained: bool
    reason: str | None


@functools.lru_cache(maxsize=4096)
def _role_base(term: str) -> str | None:
    """ "spokes" for "spokeswoman", "spokesman" and "spokesperson": one role, whoever holds it."""
    m = re.fullmatch(r"([a-z]{4,}?)(?:wom[ae]n|m[ae]n|persons?|people)", term)
    return m.group(1) if m else None


def _has_term(term: str, terms: set[str]) -> bool:
    """Exact stem, the end of a compound word ("teacher" in "schoolteacher"), or the same role ("spokeswoman")."""
    if term in terms:
        return True
    if len(term) >= 5 and any(len(t) > len(term) + 2 and t.endswith(term) for t in terms):
        return True
    base = _role_base(term)
    return base is not None and any(_role_base(t) == base for t in terms)


# Who leads something is said by a title: "Who heads the county's health office?": "Osei, director of …"
LEAD_VERBS = frozenset({"lead", "head", "run", "chair", "direct", "manage", "oversee", "command", "helm"})
LEADER_WORDS = (
    "director",
    "president",
    "chief",
    "head",
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "leader",
    "commissioner",
    "executive",
    "manager",
    "superintendent",
    "secretary",
    "minister",
    "mayor",
    "governor",
    "commander",
)
LEADER_TITLES = tuple((stem(w),) for w in LEADER_WORDS)


@functools.lru_cache(maxsize=2048)
def leading(text: str) -> frozenset[str]:
    """The verbs of leading in a who-question ("Who heads…"), stemmed: a title says them."""
    if not re.match(r"^\W*who\b", text, re.I):
        return frozenset()
    return frozenset(stem(w) for w in words(text) if w in LEAD_VERBS or LEAD_VERBS & set(verb_bases(w)))


# Being first with a story, in the words news is told in: "got the scoop", "was first to report" ~ "broke the news"
FIRST_WITH_NEWS = re.compile(
    r"\bscoop|\bfirst\b[^.?!]{0,40}?\b(?:report|reveal|disclos|publish|break|broke|expos)|"
    r"\b(?:report|reveal|disclos|publish|br(?:eak|oke))\w*\b[^.?!]{0,40}?\bfirst\b",
    re.I,
)
BROKE_NEWS = (("break", "news"), ("break", "story"), ("scoop",), ("first", "report"))
FIRST_NEWS_TERMS = ("scoop", "first", "reveal", "disclos", "publish", "expos")
BROKE_NEWS_SAID = re.compile(
    r"\bbr(?:oke|eaks?|oken)\s+(?:the\s+)?(?:news|story)\b|\bscoop|\bfirst\s+(?:to\s+)?report", re.I
)


# A bare verb after "did"/"does"/"do" and its subject: "What did Zelensky star in?" (no "major" star)
DONE_BY = re.compile(
    r"\b(?:did|does|do)\s+(?:(?:he|she|it|they|you|we|i)|(?:[A-Z][\w'’-]*\s+){0,2}[A-Z][\w'’-]*|"
    r"(?:the|a|an|its|his|her|their)\s+(?:[\w'’-]+\s+){0,1}?[\w'’-]+)\s+([a-z]+)\b"
)


def used_as_verbs(text: str) -> frozenset[str]:
    """The words a question uses as verbs after "did"/"does"/"do" and a subject, when WordNet knows them as such."""
    # ("do Moscow's talks go": a possessive subject is followed by its noun)
    return frozenset(
        m.group(1)
        for m in DONE_BY.finditer(text)
        if verb_bases(m.group(1)) and not re.search(r"['’]s\s+\S+$", m.group(0))
    )


@functools.lru_cache(maxsize=2048)
def related_terms(text: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """For each content word of a question: what it may be said as (its stem → related stems; a word used as a verb,
    by its verb senses only)."""
    ws = words(text)
    verbs = used_as_verbs(text)
    out = {
        stem(w): related_stems(w, pos="verb" if w in verbs else None)
        for w in ws
        if w not in STOPWORDS and len(w) > 2 and not w.isdigit()
    }
    if FIRST_WITH_NEWS.search(text):
        for t in FIRST_NEWS_TERMS:
            if t in out:
                out[t] = tuple(dict.fromkeys(out[t] + BROKE_NEWS))
    for t in leading(text):
        out[t] = tuple(dict.fromkeys(out.get(t, ()) + LEADER_TITLES))
    for t, options in phrase_terms(text).items():
        out[t] = tuple(dict.fromkeys(out.get(t, ()) + options))
    return out


@functools.lru_cache(maxsize=2048)
def phrase_terms(text: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    """A name in several words is said in other words as a whole: "head of state" ~ "President".

    For each content word of such a name in the question: the related words of the whole name.
    """
    ws = words(text)
    out: dict[str, tuple[tuple[str, ...], ...]] = {}
    for start, end, lemma in collocations(ws, STOPWORDS):
        for w in ws[start:end]:
            if w not in STOPWORDS:
                out[stem(w)] = tuple(dict.fromkeys(out.get(stem(w), ()) + related_stems(lemma, strict=True)))
    for i, _, plain in phrasal_verbs(ws):  # "pass away" is said by "died", "handed over" by "delivered"
        for w in ws[i : i + 2]:
            if w not in STOPWORDS:
                said = tuple((f,) for p in plain for f in _verb_forms(p))
                out[stem(w)] = tuple(dict.fromkeys(out.get(stem(w), ()) + said))
    return out


def _verb_forms(verb: str) -> tuple[str, ...]:
    """The stems of a verb's regular forms, as a sentence may say them: "die" → die, died, dying."""
    past = verb + "d" if verb.endswith("e") else verb + "ed"
    ing = verb[:-2] + "ying" if verb.endswith("ie") else (verb[:-1] if verb.endswith("e") else verb) + "ing"
    return tuple(dict.fromkeys(stem(f) for f in (verb, verb + "s", past, ing)))


def _said_related(
    options: tuple[tuple[str, ...], ...] | None, terms: set[str] | frozenset[str], derived: bool = False
) -> bool:
    """One of the options is said, all its words (``derived``: a word of six letters or more also by a word made
    from it: "deliver" by "the delivery")."""
    if any(all(p in terms for p in parts) for parts in options or ()):
        return True
    return derived and any(
        len(parts) == 1 and len(parts[0]) >= 6 and any(t.startswith(parts[0]) for t in terms) for parts in options or ()
    )


def _stance(word: str) -> bool:
    """A verb of taking a stance, in any form ("admitted", "denies")."""
    return word in STANCE or bool(STANCE.intersection(verb_bases(word)))


SAYING = frozenset(
    "say tell state comment remark speak talk note add claim argue explain declare inform hear respond reply "
    "stress".split()
)


def _saying(word: str) -> bool:
    """A verb of saying, in any form ("commented", "spoke"): any quote or word of saying says it."""
    return word in SAYING or bool(SAYING.intersection(verb_bases(word)))


# What a request asks for: "Can you give me a recipe for…", "Could you recommend some hotels…"
# Advice asked for ("the best time of year to visit…", "the best pizza place in…"): only a sentence recommending one
# answers it
ADVICE_ASKED = re.compile(
    r"\b(?:the\s+)?(?:best|ideal|worst|cheapest|nicest)\s+(?:[a-z]+\s+)?(?:time|season|month|place|spot|way|restaurant|hotel)"
    r"s?\b(?:\s+of\s+(?:the\s+)?year)?|"
    # … or any "the best things": "what are the best tourist attractions in Tehran" (not "the best known")
    r"\bthe\s+(?:best|ideal|worst|cheapest|nicest)\s+(?!known\b)[a-z]+(?:\s+[a-z]+s\b)?",
    re.I,
)
# … and so is a recommendation asked of the answerer: "Can you recommend…?", "What would you suggest…?"
RECOMMENDATION_ASKED = re.compile(
    r"^\W*(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|what\s+(?:would|do)\s+you\s+)(?:recommend|suggest|advise)\b",
    re.I,
)
# A fact of someone's own life ("Who is Zelensky married to?", "Where did he go to university?"): a sentence about the
# person answers it only if it speaks of that part of the life, and not by a word that merely sounds near ("major")
LIFE_ASKED = re.compile(
    r"\b(married|marry|marriage|wife|husband|spouse|children|kids|born|birthday|birthplace|university|college|"
    r"educated|education|studied|degree|hometown|childhood|religion|hobby|hobbies)\b",
    re.I,
)
ADVICE_GIVEN = re.compile(r"\b(?:best|ideal|worst|cheapest|nicest|recommend\w*|advis\w*)\b", re.I)

REQUESTED = re.compile(
    r"^\s*(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?)?(?:give|tell|show|list|provide|share|recommend|"
    r"suggest|find)\s+(?:me\s+|us\s+)?(?:a\s+|an\s+|the\s+|some\s+|any\s+|good\s+|few\s+)*([a-z]+)",
    re.I,
)
ABOUT_THE_TEXT = frozenset(  # what a request may ask of any article: "give me a summary"
    "summary overview rundown gist recap details detail information info update background context facts".split()
)
ROLE_PLAYED = re.compile(
    r"\brole\b.{0,60}?\bplay(?:s|ed|ing)?\b|\bplay(?:s|ed|ing)?\s+(?:a|an|the|any)\s+(?:\w+\s+)?role\b", re.I
)
REPORTS = frozenset(stem(w) for w in "report allegation accusation claim news story revelation".split())
REACTION_WORDS = frozenset(stem(w) for w in "respond response react reaction reply answer".split())
# The two sides of one transfer: "Which country supplied Russia with missiles?" is answered by "Russia had obtained
# missiles from North Korea"; the sentence says the question's verb from the other side.
GIVING = frozenset(stem(w) for w in "give provide supply send sell deliver transfer ship".split())
GETTING = frozenset(stem(w) for w in "get obtain receive acquire buy purchase".split())


def _modified(term: str, text: str) -> bool:
    """The sentence says the word with a word of its own before it ("Ukrainian cities"), not only "the" or "its"."""
    ws = words(text)
    return any(i and stem(w) == term and ws[i - 1] not in STOPWORDS for i, w in enumerate(ws))


def breaks_news(q: QuestionInfo, text: str) -> bool:
    """ "Which outlet first reported Iran sending them?": a sentence saying who broke the news of it, in any words."""
    # (a which-question asks for one, whatever its noun: "Which American daily…")
    asks_who = q.slot in ("agent", "person") or (q.slot == "other" and re.match(r"^\W*which\b", q.text, re.I))
    return bool(asks_who and FIRST_WITH_NEWS.search(q.text) and BROKE_NEWS_SAID.search(text))


def _reaction_by(question: str) -> str:
    """Whose response the question asks for ("How did Iran respond…?": "Iran"), or ""."""
    m = REACTION_ASKED.search(question)
    return next((g for g in m.groups() if g), "") if m else ""


def _reacts(who: str, text: str) -> bool:
    """The sentence opens on the one asked about ("Iran's Permanent Mission … denied") and has it take a stance or
    say something: "How did Iran respond?" is not answered by what others would do in response."""
    subject = re.match(r"^\W*(?:The\s+)?((?:[A-Z][\w'’-]*\s*)+)", text)
    named = {stem(w) for w in words(who)} - STOPWORDS
    named |= {p for w in words(who) for parts in same_place(w) if len(parts) == 1 for p in parts}  # Tehran: Iran
    opens = {stem(w) for w in words(subject.group(1))} if subject else set()
    # "the Iranians" are Iran: a people's name begins as its country's does
    peoples = {w[:4].lower() for w in re.findall(r"[A-Z]\w+", who) if _demonym(w.removesuffix("s"))}
    named |= {o for o in opens if o[:4] in peoples}
    # "How has the US reacted?": a federal agency speaking for it ("National Security Council spokesperson … said")
    federal = _us_government(who.removeprefix("the ")) and any(federal_agency(n) for n in entities_in(text))
    return (bool(named & opens) or federal) and any(_stance(w) or _saying(w) for w in words(text))


# "How does Washington characterize the shipment?": whose judgement is asked for
JUDGE_ASKED = re.compile(
    r"^\W*how\s+(?:do|does|did|is|are|was|were|has|have)\s+(.+?)\s+"
    r"(?:characteri[sz]|describ|view|see|regard|consider|call|judg|assess|label)\w*\b|"
    # "In Tehran's view, what…?", "According to Tehran's delegation, what…?"
    r"^\W*(?:in|from)\s+(.+?)['’]s?\s+(?:view|opinion|eyes|account|words)\b|^\W*according\s+to\s+([^,?]+),",
    re.I,
)


def judged_by(question: str, text: str) -> bool:
    """The sentence has the one whose judgement is asked for speak: "How does Washington characterize it?" is
    answered by a US agency's statement, "How does Tehran describe it?" by a sentence opening on Iran's mission."""
    m = JUDGE_ASKED.match(question)
    if not m:
        return False
    return any(_reacts(e, text) for e in entities_in(next(g for g in m.groups() if g)) if not _demonym(e))


# "Do we know when…?", "Is it known where…?", "Is it clear who…?"
KNOWN_ASKED = re.compile(
    r"^\W*(?:do|does|did)\s+(?:we|they|you|anyone|officials|the\s+article)\s+(?:know|say)\b|"
    r"^\W*(?:is|was)\s+it\s+(?:known|clear|certain|reported|public)\b|^\W*(?:has|have)\s+\w+\s+(?:said|revealed)\b",
    re.I,
)


def _says_unknown(question: str, text: str) -> bool:
    """The sentence says it is not known when, where or who, as the question asks ("unclear when exactly")."""
    m = UNKNOWN_RE.search(text)
    wh = (m.group(1) or m.group(2)).lower() if m else ""
    return bool(wh) and re.search(rf"\b{wh}\b", question, re.I) is not None


@functools.lru_cache(maxsize=2048)
def asked_verbs(question: str) -> tuple[str, ...]:
    """The question's words, and the plain verbs of its verbs in two words ("owned up": concede, profess)."""
    ws = words(question)
    return (*ws, *(p for _, _, plain in phrasal_verbs(ws) for p in plain))


def takes_stance(q: QuestionInfo, text: str) -> bool:
    """ "Did Tehran admit to sending them?" is answered by a sentence where someone denies or admits it."""
    rel = related_terms(q.text)
    stances = [stem(w) for w in asked_verbs(q.text) if _stance(w)]
    # "Iran's support for Russia" takes no stance: a bare "support" or "back" is most often a noun.
    said = {stem(w) for w in words(text) if _stance(w) and w not in ("support", "back")}
    if any(_truth_stance(w) for w in asked_verbs(q.text)) and any(_truth_stance(w) for w in words(text)):
        return True
    return any(t in said or _said_related(rel.get(t), said) for t in stances)


def hearsay_words(text: str) -> list[str]:
    """What else a question about what someone is said or believed to have done may be answered by: a sentence that
    tells it at second hand (the words retrieval also looks for), or nothing for another question."""
    return ["reportedly", "according", "sources"] if HEARSAY_ASKED.search(text) else []


def truth_stances(text: str) -> list[str]:
    """What else a question about a stance on the truth may be answered by: "Did Iran admit sending them?" by a
    denial (the words retrieval also looks for), or nothing for another question."""
    return ["denied", "confirmed", "admitted"] if any(_truth_stance(w) for w in asked_verbs(text)) else []


def _truth_stance(word: str) -> bool:
    """A verb of holding something true or false, in any form ("admitted", "denies")."""
    return word in TRUTH_STANCE or bool(TRUTH_STANCE.intersection(verb_bases(word)))


def _only_supposed(q: QuestionInfo, text: str) -> bool:
    """The question's own verbs are said only in an "if" clause: the sentence supposes what was asked, it does not
    report it ("…'s warning of consequences if Iran sends missiles")."""
    ws = re.findall(r"[\w'’-]+|,", text)
    supposed: set[int] = set()  # the words after "if", up to a comma
    for i, w in enumerate(ws):
        if w.lower() in ("if", "unless"):
            for j in range(i + 1, len(ws)):
                if ws[j] == ",":
                    break
                supposed.add(j)
    if not supposed:
        return False
    verbs = {t for t in q.focus_terms() if t not in {s for e in q.entities for s in tokens(e)}}
    said = [i for i, w in enumerate(ws) if stem(w.lower()) in verbs]
    return bool(said) and all(i in supposed for i in said)


PAST_ASKED = re.compile(r"^\W*(?:what|who|how)\b[^?]*?\bdid\b", re.I)
PAST_WORDS = frozenset("was were had did".split()) | {w for w in IRREGULAR if not w.endswith("ing")}  # "said", "gave"


def _tells_past(text: str) -> bool:
    """Whether the sentence tells of something done ("had issued", "said"), not only comments ("underscores")."""
    return any(w in PAST_WORDS or (w.endswith("ed") and bool(verb_bases(w))) for w in words(text))


def _same_speaker(first: str, then: str) -> bool:
    """The next sentence has a person the first one named speak again, by surname ("Savett stated, …")."""
    m = re.match(r"^[\"“]?([A-Z][\w'’-]+)\s+(\w+)", then)
    return m is not None and _saying(m.group(2)) and any(n.split()[-1] == m.group(1) for n in person_names(first))


def _names_aside(text: str, set_aside: Sequence[str]) -> bool:
    """The sentence names the one set aside, by name or by its place ("Apart from Tehran, …": "Iran reportedly…")."""
    named = {t for e in entities_in(text) for t in tokens(e)}
    return any(_has_term(t, named) for n in set_aside for t in tokens(n)) or any(
        len(p) == 1 and p[0] in named for n in set_aside for p in same_place(n)
    )


def _names_other(q: QuestionInfo, text: str, set_aside: Sequence[str]) -> bool:
    """The sentence names someone or something the question does not."""
    given = {t for e in [*q.entities, *set_aside] for t in tokens(e)} | set(q.terms)
    return any(not set(tokens(e)) & given and not _demonym(e) and not TIME_WORD.match(e) for e in entities_in(text))


def _quoted_before(q: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """The sentences the conversation's earlier answers quoted."""
    said_before = {normalize(t).lower() for t in q.previous}
    return [c for c in cands if normalize(c.text).lower() in said_before]


WHICH_REFERRED = re.compile(r"^\W*(?:and\s+)?which\s+([a-z]+)\s+(?:was|is|were|are)\s+(?:that|this|it|they)\b", re.I)


def _antecedent(q: QuestionInfo, cands: list[Candidate]) -> Candidate | None:
    """ "Which visit was that about?" after "This visit marked the first…": the sentence just before the one quoted,
    telling of the visit."""
    referred = WHICH_REFERRED.match(q.text)
    if not referred or not q.previous:
        return None
    noun = referred.group(1).lower()
    for b in _quoted_before(q, cands):
        if re.match(rf"^[\"“]?(?:This|That|The)\s+{noun}\b", b.text):
            for c in cands:
                if _just_before(c, b) and stem(noun) in c.terms:
                    return c
    return None


SORT_OF = re.compile(r"\b(?:what|which)\s+(?:kinds?|types?|sorts?)\s+of\s+((?:[a-z][\w-]*\s+)?[a-z][\w-]*)", re.I)


def _sort_said(question: str, text: str) -> bool:
    """ "What kind of ballistic missiles…?" asks for a word the sentence puts before them ("close-range ballistic
    missiles"), one the question does not say."""
    m = SORT_OF.search(question)
    if not m:
        return False
    asked = m.group(1).split()
    head = stem(asked[-1].lower()) if is_noun(asked[-1].lower()) else stem(asked[0].lower())
    said = {stem(w) for w in words(question)}
    ws = re.findall(r"[\w'’-]+", text)
    for i, w in enumerate(ws):
        if stem(w.lower()) != head:
            continue
        j = i - 1
        while j >= 0 and stem(ws[j].lower()) in said and ws[j].lower() not in STOPWORDS:
            j -= 1  # "ballistic" of "close-range ballistic missiles" is the question's own
        if j < 0 or ws[j].lower() in STOPWORDS or stem(ws[j].lower()) in said or ws[j][:1].isdigit():
            continue
        if ws[j].lower() not in verb_bases(ws[j].lower()) and verb_bases(ws[j].lower()):
            continue  # "shifts ballistic missiles" says what was done with them
        return True
    return False


CEASING = frozenset("cease stop halt end".split())
REFUSING = CEASING | frozenset("refrain not never no".split())


def _only_refused(q: QuestionInfo, text: str) -> bool:
    """The question's verbs are said only as what is stopped or refused: "urges other countries to cease the supply
    of weapons" does not tell what was supplied. A yes/no question is answered by a refusal ("Is the state taking a
    side?": "Our role is not to take sides"), not by a call to stop."""
    refusing = CEASING if q.slot == "yesno" else REFUSING
    verbs = {stem(w) for w in words(q.text) if verb_bases(w)} & set(q.focus_terms())
    verbs -= {t for e in q.entities for t in tokens(e)}
    ws = [w.lower() for w in re.findall(r"[\w'’-]+", text)]
    said = [i for i, w in enumerate(ws) if stem(w) in verbs]
    return bool(said) and all(any(w in refusing for w in ws[max(0, i - 3) : i]) for i in said)


def _counted(q: QuestionInfo) -> str | None:
    """The noun a how-many question counts ("days"), stemmed."""
    m = HOW_MANY.search(q.text)
    if not m or q.slot != "quantity" or m.group(1).lower() in STOPWORDS | {"them", "these", "those"}:
        return None  # "How many of them?": the noun is the one the conversation counted
    return stem(m.group(1).lower())


def _figures(text: str) -> list[tuple[list[str], list[str]]]:
    """For each figure of a sentence: up to two words before it and four after it, lower-cased ("a collection of
    42,000 books, DVDs": ["collection", "of"], ["books", "dvds", "and", "audiobooks"])."""
    ws = [w.lower().strip(".,") for w in re.findall(r"[\w.,%-]+", unhyphen_counts(text))]
    return [(ws[max(0, i - 2) : i], ws[i + 1 : i + 5]) for i, w in enumerate(ws) if FIGURE.fullmatch(w)]


def _counts(noun: str, text: str) -> bool:
    """A figure right before the counted noun: "7.1 fewer migraine days" for "how many days"."""
    return any(noun in {stem(x) for x in after} for _, after in _figures(text))


def _first(best: Candidate, ranked: list[Candidate]) -> tuple[Candidate, list[Candidate]]:
    """``best`` as the answer: first, the others ranked after it."""
    return best, [best] + [c for c in ranked if c is not best]


def _just_before(a: Candidate, b: Candidate) -> bool:
    """Sentence ``a`` comes right before ``b`` in the same document."""
    return a.passage.source == b.passage.source and 0 <= b.start - a.end <= 2


RANKED_SUPERLATIVE = re.compile(
    r"\b(second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))[- ]([a-z]+est)\b", re.I
)


def _same_paragraph(a: Candidate, b: Candidate) -> bool:
    """Sentence ``a`` comes right before ``b`` with no line break between them."""
    if not _just_before(a, b):
        return False
    p = b.passage if b.passage.start <= a.end else a.passage
    return "\n" not in p.text[a.end - p.start : b.start - p.start]


CODE = re.compile(
    r"[=<>{}\[\]|\\]|``|`\w[^`]*`|::|\w\(|\w_\w|\w\.\w+\(|^\s*(?:>>>|\$|#|def |class |import |from \w+ import)"
)


# A line that stops on one of these was cut short: "set *reverse* to" has lost its value.
DANGLING = re.compile(r"\b(?:to|the|a|an|of|and|or|with|for|by|from|at|as|is|are|was|were|than)\s*$", re.IGNORECASE)


def is_prose(text: str) -> bool:
    """A sentence in words, not a line of code, a table row or markup ("'Set-Cookie: fig=newton'")."""
    # An address or an HTML tag inside a sentence is content (shown as text), not a sign of code.
    text = re.sub(r"\b(?:https?://|www\.)\S+|<[a-zA-Z/][^<>]{0,200}>", "link", text)
    if CODE.search(text) or DANGLING.search(text):
        return False
    chars = [ch for ch in text if not ch.isspace()]
    return bool(chars) and sum(ch.isalnum() for ch in chars) / len(chars) >= 0.75


def candidates(hits: Sequence[Hit]) -> list[Candidate]:
    """Every sentence of the retrieved passages once, attributed to the best-ranked passage holding it whole."""
    seen: dict[tuple[str, int, int], Candidate] = {}
    out: list[Candidate] = []
    for no, hit in enumerate(hits, start=1):
        p = hit.passage
        for s, e in sentence_spans(p.text, offset=p.start):
            key = (p.source, s, e)
            # A fragment at a chunk edge is dropped when another passage holds the whole sentence.
            if key in seen or any(k[0] == p.source and k[1] <= s and e <= k[2] for k in seen):
                continue
            text = p.text[s - p.start : e - p.start]
            if not is_prose(text):  # code or markup in a document is not a sentence to quote as an answer
                continue
            cand = Candidate(no, p, s, e, text, set(tokens(text)))
            seen[key] = cand
            out.append(cand)
    # Drop fragments contained in a longer sentence found later.
    return [
        c
        for c in out
        if not any(
            o is not c
            and o.passage.source == c.passage.source
            and o.start <= c.start
            and c.end <= o.end
            and (o.end - o.start) > (c.end - c.start)
            for o in out
        )
    ]


def _names_a(kind: str, text: str) -> bool:
    """Whether a name stands before the noun with only modifiers between: "the Ababil close-range missile systems"."""
    ws = re.findall(r"[\w'’-]+", text)
    want = stem(kind.lower())
    if not want:
        return False
    for i, w in enumerate(ws):
        # "Contact Group" is a name, not a group; "the G7 and NATO summits" are gatherings: names listed before a
        # plural are things of its kind, in any sense of it
        if w[:1].isupper() or not (
            _has_term(want, {stem(w.lower())}) or (is_plural_noun(w) and is_a_in_any_sense(w, kind))
        ):
            continue
        for j in range(i - 1, max(-1, i - 6), -1):
            prev = ws[j]
            if prev[:1].isupper() and j > 0:
                return True
            if ends_noun_phrase(prev):
                break
    return False


def _is_place(word: str) -> bool:
    return bool({"location", "region"} & kinds(word, 6))


def _place_of_kind(question: str, text: str, must_name: bool = False) -> bool:
    """For "which city…": the sentence may name one, unless every place it names is one WordNet knows as another
    kind ("Germany", "Ukraine": countries). A place WordNet does not know ("Carrow Falls") may be one. With
    ``must_name`` ("At which port…?" asks for a name), a sentence naming no place names none of the kind."""
    kind = asked_kind(question)
    if not kind:
        return True
    either = re.search(rf"\b{re.escape(kind)}\s+or\s+(?:a\s+|an\s+)?([a-z]+)", question, re.I)  # "base or city"
    asked = [k for k in (kind, either.group(1).lower() if either else None) if k and _is_place(k)]
    if not asked:
        return True
    named = [
        re.sub(r"['’]s$", "", m.group(1)).replace(" ", "_")  # "North Korea" whole, "Iran's" as "Iran"
        for m in re.finditer(
            r"\b(?:in|at|to|from|for|near|inside|outside|across)\s+(?:the\s+)?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)",
            text,
        )
    ]
    # an organisation's name ("the Ukraine Defense Contact Group") names no place
    named = [n for n in named if n.rsplit("_", 1)[-1].lower() not in ORG_WORDS or any(is_a(n, k) for k in asked)]
    if must_name:  # "the Russian embassy": an adjective names no place
        named = [n for n in named if not _demonym(n.split("_", 1)[0])]
        if not named:  # … unless it speaks of one by the noun asked ("at the G7 and NATO summits")
            return any(stem(k) in tokens(text) for k in asked)
    return not named or any(not kinds(n) or any(is_a(n, k) for k in asked) for n in named)


def _name_after(question: str, text: str, kind: str, stems: set[str], window: int = 6) -> bool:
    """Whether a word with one of ``stems`` is followed within ``window`` words by a name the question lacks.

    Unless places are asked for, a name made only of places says where, not what: "a conference in Lisbon, Portugal".
    """
    ws = re.findall(r"[\w'’-]+", text)
    given = {w.lower()[:4] for w in words(question)}
    places_asked = _is_place(kind)
    for i, w in enumerate(ws):
        if stem(w.lower()) not in stems:
            continue
        j = i + 1
        while j < min(len(ws), i + 1 + window):
            if not ws[j][:1].isupper() or ws[j].lower() in STOPWORDS:
                j += 1
                continue
            run = []
            while j < len(ws) and ws[j][:1].isupper():
                run.append(ws[j])
                j += 1
            new = [r for r in run if r.lower()[:4] not in given]
            if new and (places_asked or not all(_is_place(r) for r in run)):
                return True
    return False


CURRENT_ASKED = re.compile(r"\b(?:current|currently|now|present|incumbent|today['’]s)\b", re.I)


def _only_former(text: str) -> bool:
    """Every person the sentence names is named by a title they held before ("then-Russian Defense Minister Sergei
    Shoigu", "former president …")."""
    people = person_names(text)
    return bool(people) and all(
        re.search(r"(?:\bthen-|\bformer\s|\bex-)[^,.;]{0,60}$", text[: text.find(p)], re.I) for p in people
    )


def _since_asked(q: QuestionInfo) -> bool:
    """ "How long has Washington been warning?", "Since when?": asked since when, answered by "since the outset"."""
    return bool(
        (q.unit == "duration" and HOW_LONG_SINCE.search(q.text))
        or (q.slot == "time" and re.search(r"\bsince when\b|\bhow far back\b", q.text, re.I))
    )


@functools.lru_cache(maxsize=20000)
def _word_is_a(word: str, kind: str) -> bool:
    """A common word naming something of a kind, as a noun or through the verb it comes from ("concerned": concern)."""
    if len(word) < 4 or word == kind:
        return False
    return is_a(word, kind) or any(is_a(base, kind) for base in verb_bases(word) if base != kind)


def _tells_feeling(text: str) -> bool:
    """The sentence names a feeling ("we are deeply concerned")."""
    return any(_word_is_a(w, "feeling") for w in words(text))


def _feels(text: str) -> bool:
    """Someone in the sentence is moved by something ("we are deeply concerned", "worried"): a reaction to it."""
    return any(
        _word_is_a(m.group(1).lower(), "feeling")
        for m in re.finditer(r"\b(?:am|is|are|was|were|be|been|remains?|remained)\s+(?:\w+ly\s+)?(\w+ed)\b", text, re.I)
    )


def _capital_stems(text: str) -> set[str]:
    """The first four letters of the capitalised words of a sentence: a name and its adjective share them ("Russia",
    "Russian")."""
    return {w.lower()[:4] for w in re.findall(r"\b[A-Z][a-z]{3,}", text)}


def _inflected_verbs(text: str) -> list[str]:
    """The verbs of a clause in an inflected form ("a turbojet engine actually produces thrust" → produces): not a
    noun ("engine") nor a word of its own ("actually")."""
    return [
        w
        for w in words(text)
        if w not in STOPWORDS and w.endswith(("s", "ed")) and verb_bases(w) and w not in verb_bases(w)
    ]


def _alternatives(question: str) -> list[tuple[str, str]]:
    """The choices an either-or question offers, as (word, stem): "by sea or flown in by aircraft" → sea, flown,
    aircraft."""
    # (up to where a shared destination or another clause begins: "… or flown to Russia, and through which route?")
    m = re.search(r"([\w'’-]+)\s+or\s+((?:[\w'’-]+\s*){1,5}?)(?:(?:,|\b(?:to|into|from|for)\b)[^?]*)?\W*$", question)
    if not m:
        return []
    ws = [m.group(1), *words(m.group(2))]
    return [(w.lower(), stem(w.lower())) for w in ws if w.lower() not in STOPWORDS and len(w) > 2]


def _pairs(text: str) -> set[tuple[str, str]]:
    """Adjacent word pairs (stemmed) that carry at least one content word."""
    ws = [stem(w) for w in words(text)]
    return {(a, b) for a, b in zip(ws, ws[1:], strict=False) if a not in STOPWORDS or b not in STOPWORDS}


def _phrase_overlap(qpairs: set[tuple[str, str]], text: str) -> float:
    """Share of the question's word pairs that the sentence says in the same order."""
    if not qpairs:
        return 0.0
    return len(qpairs & _pairs(text)) / len(qpairs)


def _open_quote(text: str) -> bool:
    """An odd number of quotation marks: the sentence opens a quotation or closes one."""
    straight = text.count('"') % 2 == 1
    curly = text.count("“") != text.count("”")
    return straight or curly


def _opens_quote(text: str) -> bool:
    """The sentence leaves a quotation open: its last unmatched mark opens one ('Savett stated, "We have…')."""
    if not _open_quote(text):
        return False
    last = max(text.rfind('"'), text.rfind("“"), text.rfind("”"))
    return text[last] == "“" or (text[last] == '"' and bool(re.match(r'"[\w‘\'(]', text[last:])))


def _preceding(c: Candidate, cands: list[Candidate], reach: int = 4) -> list[Candidate]:
    """The sentences right before ``c`` in its document, nearest first, back to the first one not retrieved."""
    same = sorted((o for o in cands if o.passage.source == c.passage.source and o.end <= c.start), key=lambda o: -o.end)
    out: list[Candidate] = []
    for p in same[:reach]:
        if (out[-1] if out else c).start - p.end > 2:
            break
        out.append(p)
    return out


# A quotation attributed in the sentence: '"…," Tolliver said' or 'said Renee Castillo'.
SAID_BY = re.compile(
    r"[,.?!][\"”]\s+[^\"“”]*\b(?:said|says|stated|added|told|asked|warned|explained|noted)\b|"
    r"\b(?:said|says|stated|added)\s+(?:[A-Z][\w.'’-]*\s+)*[A-Z][\w'’-]+"
)


def _quotation_opener(c: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The sentence that opened the quotation ``c`` is part of: 'Savett stated, "We have …' for the sentences after
    it up to the closing mark; for a quotation going on right after its speaker was named ('"…," Tolliver said.
    "Our offer…'), that sentence. None when ``c`` is not inside a quotation (or its opening was not retrieved)."""
    if re.match(r'^\s*["“]', c.text) and not _open_quote(c.text) and not SAID_BY.search(c.text):
        # A whole quotation right after one its speaker was named for: '"…," Okafor said. "Anyone who…"'
        before = [p for p in _preceding(c, cands, reach=1) if _same_paragraph(p, c)]
        return before[0] if before and SAID_BY.search(before[0].text) else None
    opener = c if _opens_quote(c.text) else None
    if opener is None:
        for p in _preceding(c, cands):
            if _opens_quote(p.text):
                opener = p
                break
            if re.search(r"[\"“”]", p.text):
                return None  # a whole quotation: the one before it is closed
    if opener is None:
        return None
    # A quotation that goes on after its speaker was named: '"…," Tolliver said. "Our offer would…'
    if re.match(r"^\s*[\"“]", opener.text) and not SAID_BY.search(opener.text):
        before = _preceding(opener, cands, reach=1)
        if before and SAID_BY.search(before[0].text):
            return before[0]
    return None if opener is c else opener


def _close_quote(chosen: list[Candidate], cands: list[Candidate]) -> list[Candidate]:
    """A quotation that opens in the answer is quoted to its end (a statement is not cut mid-way)."""
    last = max(chosen, key=lambda c: c.start)
    if not _opens_quote(last.text):
        return chosen
    by_start = sorted((c for c in cands if c.passage.source == last.passage.source), key=lambda c: c.start)
    extra: list[Candidate] = []
    cur = last
    for c in by_start:
        if c.start <= cur.start or c.start - cur.end > 2:
            continue
        if sum(len(o.text) for o in chosen + extra) + len(c.text) > QUOTE_MAX_CHARS:
            return chosen
        extra.append(c)
        cur = c
        if _open_quote(c.text):  # the closing mark
            return chosen + [e for e in extra if e not in chosen]
    return chosen


def _owner(text: str, role: str) -> list[str]:
    """Who a role belongs to: "Russia's president", "Russian President", "president of Russia", "spokesperson for
    Russia" → ["russi"]."""
    owners: list[str] = []

    def name(w: str) -> bool:  # "US" is a name, though "us" is a small word
        return w[:1].isupper() and (w.isupper() or w.lower() not in STOPWORDS)

    # (tried at every word, as a lookahead: in "Which US official", "Which" is no owner and "US" is)
    for m in re.finditer(rf"\b(?=((?-i:[A-Z])[\w]+)(?:['’]s)?\s+(?:\w+\s+)?{role}\b)", text, re.I):
        if name(m.group(1)):
            # The whole name owns it: "Corran Air's chief executive" belongs to Corran Air, not to "Air".
            before = re.search(r"(?:\b[A-Z][\w]+\s+)*$", text[: m.start(1)])
            named = [*(before.group(0).split() if before else []), m.group(1)]
            owners.extend(w.lower()[:5] for w in named if name(w))
    for m in re.finditer(
        rf"\b{role}(?:\s+[a-z]+)?\s+(?:of|for)\s+(?:the\s+)?(?:[a-z]+\s+)?((?:[A-Z][\w]+\s+)*[A-Z][\w]+)", text
    ):
        owners.extend(w.lower()[:5] for w in m.group(1).split())
    return list(dict.fromkeys(owners))


def _leads_for_others(question: str, sentence: str) -> bool:
    """Every leader's title in the sentence belongs to someone other than those the question names ("Ukrainian
    President" for "Who leads Germany?")."""
    said = _title_owners(sentence, LEADER_WORDS)
    places = {w for e in entities_in(question) for w in e.split()}
    return bool(said and places) and not (_with_seats(places) & said)


def _names_role(q: QuestionInfo, best: Candidate) -> bool:
    """The sentence gives the very role a who-question asks for ("spokesperson"), beside a person's name."""
    role = PERSON_ROLE_RE.search(q.text) if q.slot in ("person", "agent") and best.slot else None
    if role and role.group(1).lower() == "official" and person_names(best.text):
        # "Who was the official quoted…?": a spokesperson, a minister named by title is one
        return _title_said(best.text)
    if not role or role.group(1).lower() in GENERIC_ROLES:
        return False
    return _has_term(stem(role.group(1).lower()), best.terms) and bool(person_names(best.text))


def _same_leader(question: str, sentence: str) -> str:
    """The leader word of "Kyiv's leader" when the sentence names that one's leader by title ("Ukrainian President
    Volodymyr Zelensky"), or ""."""
    m = PERSON_ROLE_RE.search(question)
    role = m.group(1).lower() if m else ""
    if role not in LEADER_WORDS or not person_names(sentence) or not _owner(question, role):
        return ""
    return role if _title_owners(sentence, LEADER_WORDS) and not _other_owner(question, sentence) else ""


def _title_owners(sentence: str, titles: Collection[str]) -> set[str]:
    """Whose the titles in the sentence are ("then-Russian Defense Minister": russi), not counting a title owning
    another ("Chief Executive")."""
    return {o for w in titles for o in _owner(sentence, w)} - {w[:5] for w in titles}


def _other_owner(question: str, sentence: str) -> bool:
    """The sentence's role belongs to someone else ("Ukrainian President" for "Russia's president")."""
    m = PERSON_ROLE_RE.search(question)
    if not m:
        return False
    role = m.group(1)
    asked = set(_owner(question, role))
    said = set(_owner(sentence, role))
    if not said and role.lower() in LEADER_WORDS:
        # "Iran's supreme leader": "then-Russian Defense Minister Sergei Shoigu" leads for another, and "National
        # Security Council spokesperson Sean Savett" speaks for another
        said = _title_owners(
            sentence, {*LEADER_WORDS, *(r.group(1).lower() for r in PERSON_ROLE_RE.finditer(sentence))}
        )
    if not asked or not said or asked & said:
        return False
    spelled = {_initials(e).lower() for e in entities_in(sentence)}
    if any(a.upper() in question and a in spelled for a in asked):
        return False  # "the NSC spokesperson" is the National Security Council's
    if any(_us_government(e) for e in entities_in(question)) and any(federal_agency(e) for e in entities_in(sentence)):
        return False  # "the US spokesperson": a federal agency's speaks for the US government
    # The owner named by its seat ("the Kremlin's defence minister": Moscow, Russia) is the same owner.
    return not (_with_seats({w for w in re.findall(r"[A-Z][\w]+", question) if w.lower()[:5] in asked}) & said)


def _with_seats(places: set[str]) -> set[str]:
    """The owners a set of names stands for, as _owner gives them (five letters): the places themselves and those
    they are part of, two steps up ("the Kremlin": Moscow, Russia)."""
    for _ in range(2):
        places = places | {p for w in places for parts in same_place(w) for p in parts if len(parts) == 1}
    return {w.lower()[:5] for w in places}


def _speaker_says(question: str, text: str, said_terms: set[str] | None = None) -> bool:
    """ "What did the embassy say?" needs the embassy speaking: named in a sentence that reports speech."""
    m = SPEECH_ASKED.search(question)
    if not m or not SPEECH_SAID.search(text):
        return False
    # The speaker is the phrase before a preposition: "Tehran's envoys" in "Tehran's envoys at the world body".
    head = re.split(r"\s+(?:at|of|in|from|to|for|with|on|inside|within)\s+", m.group(1), maxsplit=1)[0]
    speaker = [t for t in tokens(head) if t not in {"it", "they"}]
    terms = set(tokens(text)) | (said_terms or set())
    told = [s.group(0).lower() for s in SPEECH_SAID.finditer(text)]
    if told and all(s == "according to" for s in told):
        # "Iran reportedly shifts missiles, according to reliable sources": the sources say it, not Iran
        terms = set(tokens(text[text.lower().rfind("according to") :]))
    rel = related_terms(head)
    if not speaker:
        return True
    # A named speaker by either of its last words ("Sean Savett", "Savett"); a described one by its noun or its
    # owner ("Tehran's envoys"): the Russian embassy is not any sentence about Russia.
    last = re.findall(r"[\w'’-]+", head)[-1]
    owners = [stem(w.lower()) for w in re.findall(r"([\w-]+)['’]s\b", head)]
    said = speaker[-2:] if last[:1].isupper() else speaker[-1:] + owners
    return any(_has_term(t, terms) or _said_related(rel.get(t), terms) for t in said)


def _credit_surnames(q: QuestionInfo, cands: list[Candidate]) -> None:
    """A sentence that names "Savett" speaks of the "Sean Savett" the question names."""
    for ent in q.entities:
        parts = tokens(ent)
        if len(parts) < 2 or not ent.split()[-1][:1].isupper():
            continue
        surname = re.compile(rf"\b{re.escape(ent.split()[-1])}\b")  # as a name: "tram work" is not "Civil Works"
        for c in cands:
            if parts[-1] in c.terms and surname.search(c.text):
                c.terms |= set(parts)


def _carry_introductions(cands: list[Candidate]) -> None:
    """A person named by surname is the one the article introduced in full: "Savett stated, …" speaks of the
    "National Security Council spokesperson Sean Savett" of another sentence, so it says those words too."""
    introduced: dict[str, set[str]] = {}
    for c in cands:
        for name in person_names(c.text):
            parts = name.split()
            at = c.text.find(name)
            if len(parts) < 2 or at < 0:
                continue
            lead = re.split(r"[,.;:!?\"“”()]", c.text[max(0, at - 80) : at])[-1]
            title = re.findall(r"[\w'’-]+", lead)[-5:]
            introduced.setdefault(parts[-1], set()).update(tokens(" ".join([*title, name])))
    for surname, terms in introduced.items():
        for c in cands:
            if re.search(rf"\b{re.escape(surname)}\b", c.text):
                c.terms |= terms
    # The sentences of a quotation are said by whoever opened it: "We are prepared to impose serious consequences"
    # is Savett's too.
    for c in cands:
        opener = _quotation_opener(c, cands)
        if opener is not None:
            c.terms |= {t for n in person_names(opener.text) for t in tokens(n)}
            for surname, terms in introduced.items():
                if re.search(rf"\b{re.escape(surname)}\b", opener.text):
                    c.terms |= terms


ORG_NOUN = re.compile(
    r"\bthe\s+(?:company|firm|contractor|authority|agency|ministry|regulator|council|board|group|organi[sz]ation|"
    r"government|department|club|team|university|union|bank|court|commission|committee|foundation|mission|embassy|"
    r"plant|factory|facility|site)\b",
    re.I,
)


def _carry_organisations(cands: list[Candidate]) -> None:
    """ "In a short statement, the company denied…" speaks of the organisation named just before: the nearest name
    ending in that noun ("the authority": Westmere Regional Transit Authority), else the names of the sentence right
    before ("The viaduct was built by Brennan Civil Works, the main contractor."). It says that name too."""
    for c in cands:
        m = ORG_NOUN.search(c.text)
        if not m:
            continue
        noun = stem(m.group(0).split()[-1].lower())
        earlier = _preceding(c, cands)
        named = [n for p in earlier for n in entities_in(p.text) if tokens(n)[-1:] == [noun]][:1]
        if not named and earlier:
            named = [n for n in entities_in(earlier[0].text) if len(tokens(n)) >= 2 or n.isupper()]
        for name in named:
            c.terms |= set(tokens(name))


def _spelled_out(cands: list[Candidate]) -> dict[str, list[str]]:
    """What acronyms the sentences' names could stand for: initials → the words of each run of two or more name
    words ("IRGC" → "Islamic Revolutionary Guard Corps")."""
    out: dict[str, list[str]] = {}
    for c in cands:
        for name in entities_in(c.text):
            for letters, words_ in _spellings(name):
                out.setdefault(letters, []).append(words_)
    return out


def _spellings(name: str) -> list[tuple[str, str]]:
    """(initials, words) of each run of two or more of a name's words."""
    parts = name.replace("’", " ").replace("'", " ").split()
    runs = [" ".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 2, len(parts) + 1)]
    return [(_initials(r), r) for r in runs]


def spelled_out(question: str, names: Sequence[str]) -> str | None:
    """For "What does IRGC stand for?", the name among ``names`` that spells the letters out, if one does."""
    letters = _acronym_asked(question)
    return next((n for n in names if any(i == letters for i, _ in _spellings(n))), None) if letters else None


# "What does IRGC stand for?", "what is irgc short for", "What does NSC mean?" (letters in capitals: not "the term")
STANDS_FOR = re.compile(
    r"\bwhat\s+(?:does|do|did|is)\s+(?:the\s+)?(?:acronym\s+|abbreviation\s+)?[\"“']?"
    r"(?:([a-z]{2,6})[\"”']?\s+(?:stand|short)\s+for|((?-i:[A-Z]{2,6}))[\"”']?\s+mean)\b",
    re.I,
)


def _acronym_asked(question: str) -> str:
    """The letters "What does IRGC stand for?" asks about, in capitals, or ""."""
    m = STANDS_FOR.search(question)
    return (m.group(1) or m.group(2)).upper() if m else ""


NUMBERED_GROUP = re.compile(r"\b([A-Z])-?(\d{1,2})\b")  # "G7", "G-20"
COUNT_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()


NUMBERED_SPELLED = re.compile(r"\b(group|club)\s+of\s+(?:the\s+)?(\d{1,2}|[a-z]+)\b", re.I)


# The groupings of the world's big economies, known by their descriptions: "the club of major industrialized
# democracies", "the seven wealthy democracies", "the group of leading economies" (the G7 or the G20).
RICH = r"industriali[sz]ed|wealthy|wealthiest|rich|richest|advanced|developed|leading|major|big|biggest|largest"
DESCRIBED_GROUP = re.compile(
    rf"\b(?:(?:group|club|bloc|forum|grouping)\s+of\s+(?:the\s+)?(?:world['’]s\s+)?(?:seven\s+|twenty\s+)?|seven\s+)"
    rf"((?:(?:{RICH}|free-market|western|democratic|and)[\s,]+){{1,4}})(democracies|nations|countries|economies|powers)\b"
    rf"|\b(?:the\s+)?((?:(?:{RICH})[\s,]+(?:and\s+)?){{1,3}})(?:industriali[sz]ed\s+)?(democracies)\b",
    re.I,
)
DESCRIBED_NAMES = ("G7", "G20")


def numbered_groups(question: str) -> list[str]:
    """ "the group of seven major economies" is the G7, "the Group of 20" the G20: names retrieval looks for too.
    So are both for a grouping described without its number ("the club of major industrialized democracies")."""
    out = []
    for m in NUMBERED_SPELLED.finditer(question):
        count = m.group(2).lower()
        n = int(count) if count.isdigit() else COUNT_WORDS.index(count) + 1 if count in COUNT_WORDS else 0
        if n:
            out.append(f"G{n}")
    if not out and DESCRIBED_GROUP.search(question):
        out.extend(DESCRIBED_NAMES)
    return out


def _link_acronyms(q: QuestionInfo, cands: list[Candidate]) -> None:
    """An acronym and the words it stands for say the same: a sentence with "Islamic Revolutionary Guard Corps"
    says "IRGC", and one with "IRGC" says "Revolutionary Guard" (as in "Where did the Revolutionary Guards…")."""
    spelled = _spelled_out(cands)
    plain = {id(c): c.text.replace("’", " ").replace("'", " ") for c in cands}
    said = [*q.entities, *(w for c in cands for w in re.findall(r"\b[A-Z]{2,6}\b", c.text))]
    acronyms = {w for w in said if w.isupper() and 2 <= len(w) <= 6 and w in spelled}
    for acronym in acronyms:
        spans = spelled[acronym]
        longest = set(tokens(max(spans, key=len)))
        for c in cands:
            if re.search(rf"\b{acronym}\b", c.text):
                c.terms |= longest
            elif any(span in plain[id(c)] for span in spans):
                c.terms |= set(tokens(acronym))
    # "the Group of Seven" is the G7, "the Group of 20" the G20
    for c in cands:
        for m in NUMBERED_GROUP.finditer(c.text):
            n = int(m.group(2))
            count = rf"{n}|{COUNT_WORDS[n - 1]}" if n <= len(COUNT_WORDS) else str(n)
            # … or "the club of seven" (a group, in other words)
            named = re.search(rf"\b({m.group(1)}[a-z]+|club|bloc|alliance)\s+of\s+(?:the\s+)?({count})\b", q.text, re.I)
            described = DESCRIBED_GROUP.search(q.text) if m.group(0).replace("-", "") in DESCRIBED_NAMES else None
            for found in (named, described):
                if found:
                    c.terms |= set(tokens(found.group(0)))


def _starts_full_name(name: str, names: Collection[str]) -> bool:
    """A name in several words is the start of the full name of a place among ``names``: "the Islamic Republic" is
    Iran, the Islamic Republic of Iran."""
    return " " in name and any(p.startswith(f"{name.lower()} of ") for n in names for p in place_names(n))


def _link_full_names(q: QuestionInfo, cands: list[Candidate]) -> None:
    """A place called by the start of its full name says what its name says: "the Islamic Republic" is said by a
    sentence naming Iran."""
    for e in q.entities:
        if " " in e:
            for c in cands:
                if _starts_full_name(e, entities_in(c.text)):
                    c.terms |= set(tokens(e))


def _link_signifying(q: QuestionInfo, cands: list[Candidate]) -> None:
    """ "What does that warning show?": a sentence saying what something underscores, suggests or means says the
    showing asked about, in its own word."""
    m = SIGNIFY_ASKED.search(q.text)
    if not m:
        return
    for c in cands:
        if SIGNIFIES.search(c.text):
            c.terms.add(stem(m.group(1).lower()))


def _modifies_thing(name: str, text: str) -> bool:
    """The name only says what kind of thing the next word is ("the US dollar", "American football"); not when that
    word names people or a body ("US officials", "the American administration")."""
    m = re.search(
        rf"(\b(?:do|does|did|will|would|can|could)\s+(?:the\s+)?)?\b{re.escape(name)}['’]?s?\s+([a-z]+)", text
    )
    if not m or m.group(1):  # "What does the US say…?": a verb after it
        return False
    word = m.group(2)
    return not (PERSON_ROLE_RE.fullmatch(word.rstrip("s")) or word in ORG_WORDS) and is_noun(word, strict=True)


def us_government_asked(q: QuestionInfo) -> list[str]:
    """The names by which the question speaks of the US government ("Washington", "American"; not "the US dollar")."""
    return [e for e in q.entities if _us_government(e) and not _modifies_thing(e, q.text)]


def federal_agency(name: str) -> bool:
    """Whether a name is one of a US federal agency's ("National Security Council")."""
    return _federal(name, 6)


@functools.lru_cache(maxsize=8)
def _federal_speakers(document: str) -> frozenset[str]:
    """The surnames of the people a document names beside a federal agency ("National Security Council spokesperson
    Sean Savett"): Savett speaks for the US government wherever the passages found quote him."""
    return frozenset(
        n.split()[-1]
        for s, e in sentence_spans(document)
        if any(federal_agency(n) for n in entities_in(document[s:e]))
        for n in person_names(document[s:e])
    )


def _link_federal(q: QuestionInfo, cands: list[Candidate], document: str = "") -> None:
    """A sentence naming a federal agency ("National Security Council spokesperson …") speaks of the US government,
    however the question calls it ("Washington", "the White House", "American"); ``document`` is the whole text
    the passages come from."""
    asked = us_government_asked(q)
    if not asked:
        return
    agency = [c for c in cands if any(federal_agency(n) for n in entities_in(c.text))]
    # … and so does what its spokesperson goes on to say ("Savett stated, …"), quotation and all
    people = {n.split()[-1] for c in agency for n in person_names(c.text)} | _federal_speakers(document)
    speaking = [c for c in cands if c not in agency and any(re.search(rf"\b{re.escape(p)}\b", c.text) for p in people)]
    quoted = [c for c in cands if (opener := _quotation_opener(c, cands)) is not None and opener in speaking]
    for c in agency + speaking + quoted:
        c.terms |= {t for e in asked for t in tokens(e)}


SECOND_QUESTION = re.compile(r"[,;]?\s+and\s+(?=(?:who|what|which|where|when|why|how)\b)", re.I)


def _name_said(name: str, terms: set[str] | frozenset[str], places: bool = True) -> bool:
    """Whether the terms say the name, whole or in other words ("Tehran": "Iran"), or (``places``) by the place its
    place lies in ("the Kremlin": Moscow, in Russia)."""
    parts = tokens(name)
    if parts and all(_has_term(t, terms) for t in parts):
        return True
    near = related_stems(name.lower())
    if places:
        near += same_place(name)
        near += tuple(p for one in near if len(one) == 1 for p in same_place(one[0]))
    return _said_related(near, terms)


def _with_opener(c: Candidate, cands: list[Candidate]) -> set[str]:
    """The sentence's terms and those of the sentence opening the quotation it is part of, if any."""
    opener = _quotation_opener(c, cands)
    return c.terms | opener.terms if opener is not None else c.terms


def _named_sources(q: QuestionInfo, cands: list[Candidate]) -> list[Candidate]:
    """Among several documents, only those whose retrieved passages name something the question names.

    "How many people have been killed in Ukraine by drones?" is not answered from a story about Paris when the
    article about Ukraine was retrieved too. With one document, or when no document names anything asked, all stay.
    """
    sources = {c.passage.source for c in cands}
    if len(sources) < 2 or not q.entities:
        return cands
    texts: dict[str, list[str]] = {}
    for c in cands:
        texts.setdefault(c.passage.source, []).append(c.passage.text)

    def names_one(text: str) -> bool:
        terms = {t for e in entities_in(text) for t in tokens(e)}  # names only: "country" stands for no country
        return any(_name_said(e, terms, places=False) for e in q.entities)

    named = {src for src, ts in texts.items() if any(names_one(t) for t in dict.fromkeys(ts))}
    return [c for c in cands if c.passage.source in named] if named else cands


# WordNet's federal agencies and departments are those of the United States.
UNITED_STATES = frozenset(tokens("United States"))


@functools.lru_cache(maxsize=4096)
def _federal(name: str, depth: int = 2) -> bool:
    """Whether WordNet files the name under the federal government ("White House", "U.S.", "FBI")."""
    return any("federal" in k for k in kinds(name.lower().replace(" ", "_"), depth))


def _us_government(name: str) -> bool:
    """ "Washington", "the White House", "the US", "American": the United States' government, by its seat, its name
    or its demonym."""
    return name.lower() in ("american", "americans") or _federal(name) or _said_related(same_place(name), UNITED_STATES)


NAMED_KINDS = frozenset({"organization", "social group", "group", "location", "region", "person"})


def _common_letters(name: str) -> bool:
    """Capital letters standing for a kind of thing ("TV", "DNA"), not for a body, a place or a person ("NATO")."""
    return name.isupper() and is_common_word(name) and not kinds(name.lower(), 6) & NAMED_KINDS


def _initials(name: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", name) if w and w[0].isupper())


def _fewest_passages(chosen: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """Cite one passage for sentences that one passage holds together (overlapping chunks)."""
    for p in passages:
        inside = [c for c in chosen if c.passage.source == p.source and p.start <= c.start and c.end <= p.end]
        if len(inside) == len(chosen) and len({c.passage.id for c in chosen}) > 1:
            for c in chosen:
                c.passage = p
            break
    return chosen


def _topic(q: QuestionInfo) -> str:
    if q.entities:
        return ", ".join(q.entities[:2])
    content = [w for w in words(q.text) if stem(w) in q.terms]
    return " ".join(content[:4]) or "that"


class ExtractiveAnswerer:
    """Deterministic extractive answers with citations.

    >>> answerer = ExtractiveAnswerer(encode=embeddings.embed_documents, idf=index.idf)   # doctest: +SKIP
    >>> answerer.answer(analyse("Who broke the news?"), hits, query_vector).text          # doctest: +SKIP
    'The Wall Street Journal broke the news of Iran's delivery of the missiles. [1]'
    """

    def __init__(self, encode: Encode, idf: Callable[[str], float], cache_size: int = 20000) -> None:
        self.encode = encode
        self._default_idf = idf
        self._local = threading.local()  # the IDF of the document being answered from, per thread
        self._cache: dict[str, np.ndarray] = {}
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def idf(self, term: str) -> float:
        fn = getattr(self._local, "idf", None) or self._default_idf
        return float(fn(term))

    def vectors(self, texts: list[str]) -> np.ndarray:
        """Unit-length embeddings of texts, one row each, cached (sentences and words recur across questions).

        Safe across threads; rows of the result dot to cosine similarities.
        """
        with self._lock:
            found = [self._cache.get(t) for t in texts]
        missing = list(dict.fromkeys(t for t, v in zip(texts, found, strict=True) if v is None))
        fresh: dict[str, np.ndarray] = {}
        if missing:
            arr = np.asarray(self.encode(missing), dtype=np.float32)
            arr /= np.maximum(np.linalg.norm(arr, axis=1, keepdims=True), 1e-12)
            fresh = dict(zip(missing, arr, strict=True))
            with self._lock:
                if len(self._cache) + len(fresh) > self._cache_size:
                    self._cache.clear()
                self._cache.update(fresh)
        rows = [fresh[t] if v is None else v for t, v in zip(texts, found, strict=True)]
        return np.stack(rows) if rows else np.zeros((0, 0), dtype=np.float32)

    # -- evidence ---------------------------------------------------------------------------------------------
    def _coverage(self, q: QuestionInfo, terms: set[str], related: bool = True) -> float:
        """The share of the question's IDF weight the terms say; a related word counts for less (not at all
        without ``related``)."""
        total = sum(q.weights[t] * self.idf(t) for t in q.terms)
        if total <= 0:
            return 0.0
        rel = related_terms(q.text) if related else {}

        def credit(t: str) -> float:
            return 1.0 if _has_term(t, terms) else RELATED_CREDIT if _said_related(rel.get(t), terms) else 0.0

        return sum(q.weights[t] * self.idf(t) * credit(t) for t in q.terms) / total

    def _kind_matches(self, kind: str, cands: list[Candidate], given: Sequence[str] = ()) -> dict[int, bool]:
        """Which sentences name something of the kind asked for ("which paper" ~ "Wall Street Journal").

        Names the question ``given`` does not count, nor the countries of the capitals it gives: "Russia" names no
        nation for "which nation sent rockets to Moscow?".
        """
        known = {t for e in given for t in tokens(e)}
        known |= {t for e in given for parts in related_stems(e.lower()) if len(parts) == 1 for t in parts}
        names = {
            id(c): [
                w for e in entities_in(c.text) for w in re.split(r"[\s’']+", e) if w and stem(w.lower()) not in known
            ]
            + [  # a name in several words is of a kind as a whole too: "North Korea" is an Asian nation
                e.replace(" ", "_")
                for e in entities_in(c.text)
                if " " in e and not any(stem(w.lower()) in known for w in e.split())
            ]
            for c in cands
        }
        every = list(dict.fromkeys(w for ws in names.values() for w in ws))
        if not every:
            return {}
        # An acronym is of a kind when the words it stands for are: "IRGC" is a force, as "Corps" is.
        spelled = _spelled_out(cands)

        def of_kind(w: str) -> bool:
            spans = spelled.get(w, []) if w.isupper() else []
            return any(is_a(x, kind) for x in [w, *(x for span in spans for x in span.split())])

        m = self.vectors([kind, *every])
        close = {w for w, sim in zip(every, m[1:] @ m[0], strict=True) if sim >= KIND_SIM or of_kind(w)}
        return {id(c): any(w in close for w in names[id(c)]) or _names_a(kind, c.text) for c in cands}

    def _not_said_otherwise(
        self, q: QuestionInfo, terms: list[str], cand: Candidate, threshold: float = SOFT_SAID, strict: bool = False
    ) -> list[str]:
        """The terms that no word of the sentence says in other words either (``strict``: nor a word leading a
        name: "Wall Street Journal" speaks of no city)."""
        qwords = {stem(w): w for w in words(q.text)}
        modifiers = {w.lower() for e in entities_in(cand.text) for w in e.split()[:-1]} if strict else set()
        cwords = list(
            dict.fromkeys(w for w in words(cand.text) if w not in STOPWORDS and len(w) > 2 and w not in modifiers)
        )
        names = {t for e in q.entities for t in tokens(e)}
        qnames = {stem(w): w for e in q.entities for w in words(e)}
        cand_names = {t for e in entities_in(cand.text) for t in tokens(e)}
        phrases = phrase_terms(q.text)
        # A name said as WordNet's place it belongs to ("Kyiv": "Ukraine"), a name in several words as a whole
        # ("head of state": "President"); otherwise a name must be said by name.
        quoted = bool(SPEECH_SAID.search(cand.text))  # "Which analyst commented…": "…," Varga said
        # "the Iranian side" is said by "Iran's", "Russian" by "Russia"; not the kind asked for: "Russia" names no
        # Russian city
        places = _capital_stems(cand.text)
        asked = set(asked_phrase(q.text))
        demonyms = {
            stem(e.lower())
            for e in q.entities
            if _demonym(e) and e.lower()[:4] in places and (e.lower() not in asked or _of_country(e, cand.text))
        }
        # "the Islamic Republic" is said by "Iran": the Islamic Republic of Iran
        cand_entities = entities_in(cand.text)
        full_named = {t for e in q.entities if _starts_full_name(e, cand_entities) for t in tokens(e)}
        news = bool(FIRST_WITH_NEWS.search(q.text))  # "the first to reveal it": "broke the news"
        reacting = _reaction_by(q.text)  # "How did Iran respond?": "Iran's mission … denied"
        reacts = bool(reacting) and _reacts(reacting, cand.text)
        terms = [
            t
            for t in terms
            if not (
                (t in qnames and _said_related(same_place(qnames[t]), cand_names))
                or _said_related(phrases.get(t), cand.terms, derived=True)
                or (quoted and t in qwords and _saying(qwords[t]))
                or t in demonyms
                or t in full_named
                or (t in FIRST_NEWS_TERMS and news and _said_related(BROKE_NEWS, cand.terms))
                or (t in REACTION_WORDS and (reacts or _feels(cand.text)))  # "reaction": "deeply concerned"
                or (t in GIVING and bool(GETTING & set(cand.terms)))
                or (t in GETTING and bool(GIVING & set(cand.terms)))
            )
        ]
        todo = [t for t in terms if t in qwords and t not in names]
        if not cwords or not todo:
            return terms
        m = self.vectors([qwords[t] for t in todo] + cwords)
        best = (m[: len(todo)] @ m[len(todo) :].T).max(axis=1)
        said = {t for t, sim in zip(todo, best, strict=True) if sim >= threshold}
        return [t for t in terms if t not in said]

    def _off_focus(self, q: QuestionInfo, best: Candidate, cands: list[Candidate], limit: float = 0.5) -> list[str]:
        """Question terms the article uses elsewhere but not around the chosen sentence (a near miss)."""
        near = set(best.terms)
        # "the country's second-busiest port" does not say which is the busiest
        ranked = {stem(m.group(2).lower()) for m in RANKED_SUPERLATIVE.finditer(best.text)}
        outranked = [t for t in q.terms if t in ranked and not RANKED_SUPERLATIVE.search(q.text)]
        if outranked:
            return outranked
        refers = re.match(r"^[\"“]?(?:He|She|They|It|This|That|These|Those|The visit|The move)\b", best.text)
        definite = re.match(r"^[\"“]?The\s+([a-z]+)\b", best.text)  # "The union says the change…" goes on
        for c in cands:  # a sentence that refers back is read with the one before it
            if _just_before(c, best) and (
                refers or (definite and (stem(definite.group(1)) in c.terms or _same_paragraph(c, best)))
            ):
                near |= c.terms  # … as is one whose "The documents" are those the sentence before spoke of
        # "Where did Maria Steindl study?": a sentence about another person ("Dr. Johannes Pichler … who studies") is
        # not about her, however often the article names her
        others = {t for n in person_names(best.text) for t in tokens(n)}
        for person in person_names(q.text) if q.slot not in ("person", "agent") else []:  # (who asks for another)
            asked = tokens(person)
            if others and not others & set(asked) and not any(_has_term(t, near) for t in asked):
                return asked
        # Terms the article never uses cannot be checked here; terms it uses everywhere say nothing. The noun of
        # "which outlet…" is not said either when the sentence names one ("CNN"): the slot check has seen the name.
        # Nor are the common words describing it ("which news organization…": CNN is one, the sentence need not say
        # so); names among them are ("which German city": a city in Germany).
        lower = set(re.findall(r"\b[a-z][\w-]*", q.text))
        role = asked_kind(q.text) or ""
        describing = (q.slot in ("agent", "place") and names_kind(q.text)) or (
            # "which senior official": a minister; "which senior figure": anyone
            q.slot == "person" and bool(PERSON_ROLE_RE.fullmatch(role) or PEOPLE_ASKED.fullmatch(role))
        )
        kind = {stem(w) for w in asked_phrase(q.text) if w in lower} if describing else set()
        framing = q.framing_terms()  # count for a sentence that says them, not against one that does not
        # "Washington and its partners": the government whose agency the article quotes, whatever the sentence calls it
        if self._names_federal():
            kind |= {t for e in q.entities if _us_government(e) for t in tokens(e)}
        # "What year did the bridge first open?": the year it opened; "first" need not be said
        ordinal = ORDINALS if q.slot == "time" else frozenset()
        focus = [
            t
            for t in q.focus_terms()
            if t not in kind and (t not in framing or _has_term(t, near)) and (t not in ordinal or _has_term(t, near))
        ]
        known = [t for t in focus if TOPIC_IDF < self.idf(t) < self._max_idf]
        unknown = [t for t in focus if self.idf(t) >= self._max_idf]
        mean_idf = sum(self.idf(t) for t in known) / len(known) if known else 1.0
        total = sum(self.idf(t) for t in known) + mean_idf * len(unknown)
        titled = leading(q.text) if _said_related(LEADER_TITLES, near) else frozenset()  # "heads": "director of"
        off = [t for t in known if not _has_term(t, near) and t not in titled]
        if off:
            off = self._not_said_otherwise(q, off, best)
        # Words the article never uses count against the sentence only if it says nothing like them.
        off_unknown = self._not_said_otherwise(q, unknown, best, SOFT_LOW) if unknown else []
        off_unknown = [t for t in off_unknown if t not in titled]
        mass = sum(self.idf(t) for t in off) + mean_idf * len(off_unknown)
        if total and mass / total > limit:
            return off + off_unknown
        if q.slot in EVENT_SLOTS:
            # "When was Harriet Cole born?": a date beside her name is not her birth; the event must be said.
            names = {t for e in q.entities for t in tokens(e)}
            rel = related_terms(q.text)
            # A title is who did it, not what happened: "When was Zelensky first elected president?"
            roles = {stem(w) for w in words(q.text) if PERSON_ROLE_RE.fullmatch(w)}
            event = [t for t in known + unknown if t not in names | roles]
            # The event said by a word leading a name is not said: "President Zelensky" was not "elected" there.
            strict = self._not_said_otherwise(q, [t for t in known if not _has_term(t, near)], best, strict=True)
            strict += self._not_said_otherwise(q, unknown, best, SOFT_LOW, strict=True) if unknown else []
            unsaid = [t for t in strict if t in event and not _said_related(rel.get(t), near)]
            # What the event is, not how it is described: "its first nuclear test" is not said by "missiles"
            qwords = {stem(w): w for w in words(q.text)}
            core = [t for t in event if not (t in qwords and is_adjective_only(qwords[t]))] or event
            # "When was NATO founded and who were its original members?": the event is in the clause asking when
            first = {stem(w) for w in words(SECOND_QUESTION.split(q.text, maxsplit=1)[0])}
            core = [t for t in core if t in first] or core
            if core and all(t in unsaid for t in core):
                return unsaid
            # "In which city is the drone factory built with Iran's help?": another sentence tells of the drones
            # and Iran, and gives no place; a place beside neither is not the place of that
            lacking = [t for t in event if t in known and t not in near]
            # (a name is said by its own adjective too: "Russian negotiations" speak of Russia)
            said_names = _capital_stems(best.text)
            unnamed = [
                t for e in q.entities if not _demonym(e) for t in tokens(e) if t not in near and t[:4] not in said_names
            ]
            told = set(event) & set(known) | {t for e in q.entities if not _demonym(e) for t in tokens(e)}
            if lacking and unnamed and any(c is not best and not c.slot and told <= c.terms for c in cands):
                return lacking + unnamed
        return []

    def _reported_cause(self, q: QuestionInfo, ranked: list[Candidate]) -> Candidate | None:
        """ "According to the paper that broke the story, what might lie behind it?": the sentence where a news
        source (the one named, or any when the question speaks of a paper) reports a cause of the thing asked about
        ("The Wall Street Journal reported that the delivery … could be a result of …")."""
        if (q.previous and not q.entities) or not BEHIND_ASKED.search(q.text):
            return None  # (a follow-up asks a paper's view when it names the paper: "What do they think…?")
        thing = BEHIND_THING.search(q.text)
        caused = thing.group(1).lower() if thing and thing.group(1).lower() not in STOPWORDS else None
        for c in ranked:
            by = REPORTED_BY.match(c.text)
            if not by or not GIVES_CAUSE.search(c.text):
                continue
            source = set(tokens(by.group(1)))
            if not (any(set(tokens(e)) & source for e in q.entities) or NEWS_SOURCE_ASKED.search(q.text)):
                continue
            # "the handover" is said by "the delivery" (its WordNet verb, "deliver", leads the word)
            derived = caused and _said_related(related_stems(caused), c.terms, derived=True)
            if caused and not derived and self._not_said_otherwise(q, [stem(caused)], c, SOFT_LOW):
                continue  # "what is behind the rise in oil prices?": not the cause of something else
            return c
        return None

    def _unsaid_subject(
        self, q: QuestionInfo, best: Candidate, given: frozenset[str] | set[str] = frozenset()
    ) -> list[str]:
        """The question's words beside its names when the best sentence says none of them, not even in other
        words: "What is the population of Iran?" is not answered by a sentence that only names Iran. ``given``:
        words the sentence need not say."""
        names = {t for e in q.entities for t in tokens(e)} | given
        qwords = {stem(w): w for w in words(q.text)}
        # "According to NATO's rules, what must a country meet to join the alliance?": the alliance is NATO, named
        names |= {
            t
            for t, w in qwords.items()
            if is_noun(w, strict=True)
            and any(is_a(e.lower().replace(" ", "_"), w) for e in q.entities if e.isupper() or not is_common_word(e))
        }
        subject = [t for t in q.focus_terms() if t not in names and t in qwords and t not in q.framing_terms()]
        if not subject or len(subject) == len(q.focus_terms()):
            return []
        # "What languages does Zelensky speak?": his speaking ("stressed") is no answer; what he speaks must be said
        subject = [t for t in subject if not _saying(qwords[t])] or subject
        # … nor "What language do people speak in Iran?" by a sentence naming an official: "people" says no subject
        subject = [t for t in subject if t not in GENERIC_COUNTS] or subject
        rel = related_terms(q.text)
        # A word in other words is said outside names: the "Group" of "Contact Group" is no "population".
        plain = best.terms - {t for e in entities_in(best.text) for t in tokens(e)}
        # "What did Zelensky do before he became president?": "President Volodymyr Zelensky" gives his title, not
        # what he did before
        named = {stem(w.lower()) for e in q.entities for w in e.split()}
        titles = {
            stem(m.group(1).lower())
            for m in re.finditer(r"\b([A-Z][a-z]+)(?=((?:\s+[A-Z][\w'’-]+)+))", best.text)
            if PERSON_ROLE_RE.fullmatch(m.group(1).lower()) and named & {stem(w.lower()) for w in m.group(2).split()}
        }
        unsaid = [
            t
            for t in subject
            if not (_has_term(t, best.terms) and (t not in titles or t in plain))
            and not _said_related(rel.get(t), plain)
        ]
        unsaid = self._not_said_otherwise(q, unsaid, best, strict=True)
        # "the capital city of Russia": a sentence about "Ukrainian cities" says the noun, not the one asked for.
        ws = words(q.text)
        known = {lemma for _, _, lemma in collocations(ws, STOPWORDS)}  # "war machine" is said as a whole or not
        heads = {
            stem(b)
            for a, b in zip(ws, ws[1:], strict=False)
            if f"{a}_{b}" not in known
            and stem(a) in unsaid
            and stem(b) in subject
            and _has_term(stem(b), best.terms)
            and _modified(stem(b), best.text)  # "the transfer" is the missile transfer asked about
            and is_noun(a, strict=True)
            and is_noun(b, strict=True)
        }
        # "the official currency of Russia": a sentence about a Russian official says the modifier, not the thing.
        described = [
            a
            for a, b in zip(ws, ws[1:], strict=False)
            if f"{a}_{b}" not in known
            and stem(a) in subject
            and stem(b) in unsaid
            and is_noun(b, strict=True)
            and not verb_bases(a)  # "supply drones" is something done, not a kind of drone
        ]
        # said as such: "cold months" said as "winter" is said
        modifiers = {stem(a) for a in described if _has_term(stem(a), best.terms)}
        # … nor "the national football team" by "the United Nations": a word said only by a word of a name, before a
        # noun left unsaid, describes something the sentence does not speak of
        loose = [a for a in described if stem(a) not in unsaid and not _has_term(stem(a), best.terms)]
        named_words = {w.lower() for e in entities_in(best.text) for w in words(e)}
        cwords = [w for w in words(best.text) if w not in STOPWORDS and len(w) > 2 and w not in named_words]
        if loose and cwords:
            m = self.vectors(loose + cwords)
            sims = (m[: len(loose)] @ m[len(loose) :].T).max(axis=1)
            modifiers |= {stem(a) for a, sim in zip(loose, sims, strict=True) if sim < SOFT_SAID}
        if len(set(unsaid) | heads | modifiers) < len(subject):
            return []
        return [qwords[t] for t in subject]

    def _missing_entities(self, q: QuestionInfo, cands: list[Candidate]) -> tuple[list[str], list[str]]:
        """Names in the question that no retrieved sentence mentions: (without a close name, with one)."""
        pool_terms: set[str] = set()
        names: list[str] = []
        for c in cands:
            pool_terms |= c.terms
            names.extend(entities_in(c.text))
        names = list(dict.fromkeys(names))
        name_terms = {t for n in names for t in tokens(n)}
        initials = {_initials(n) for n in names}
        far: list[str] = []
        close: list[str] = []
        seats: list[str] = []
        federal = self._names_federal(names)
        for ent in q.entities:
            if _demonym(ent):  # "American official": an adjective, not a name the article must hold
                continue
            ent_terms = [t for t in tokens(ent)]
            # A name counts as present when the passages name it too (capitalised), whole or by its last word
            # ("Savett" for "Sean Savett"); "reserved" does not make "Federal Reserve" present.
            if not ent_terms or all(t in name_terms for t in ent_terms) or ent_terms[-1] in name_terms:
                continue
            if len(ent_terms) == 1 and ent_terms[0] in pool_terms and not ent[:1].isupper():
                continue
            if ent.isupper() and ent in initials:  # "IRGC" for "Islamic Revolutionary Guard Corps"
                continue
            if q.slot == "agent" and ent.lower() in asked_phrase(q.text) and _common_letters(ent):
                continue  # "Which TV network…?": the kind of name asked for, in letters that name none
            if len(ent_terms) == 1 and _said_related(related_stems(ent.lower()), name_terms):  # "Tehran": "Iran"
                continue
            if _starts_full_name(ent, names):
                continue  # "the Islamic Republic": the Islamic Republic of Iran, which the passages name
            if federal and _us_government(ent):
                continue  # "Washington", "the White House": the government whose agency the article names
            if kinds(ent.lower().replace(" ", "_"), 2) & SEATS_OF_GOVERNMENT:
                if not _said_related(same_place(ent), name_terms):  # "Tehran": Iran is named
                    seats.append(ent)
                continue
            if names:
                m = self.vectors([ent, *names])
                if float((m[1:] @ m[0]).max()) >= ENTITY_MATCH:
                    close.append(ent)  # "Tehran" for "Iran" - or "France" for "Germany": trust it only with support
                    continue
            far.append(ent)
        # "Washington and its partners… Tehran": a government named by its seat is close to the article's names when
        # the question names one of them too; alone ("the weather in Paris") it is a name the article lacks.
        named = [e for e in q.entities if not _demonym(e) and e not in far + close + seats]
        (close if named else far).extend(seats)
        return far, close

    def _names_federal(self, names: Sequence[str] = ()) -> bool:
        """Whether the passages or the rest of the document name a federal agency ("National Security Council")."""
        return any(federal_agency(n) for n in dict.fromkeys([*names, *getattr(self._local, "names", ())]))

    def _counts_like(self, q: QuestionInfo, text: str) -> bool:
        """A figure in the sentence counts the thing asked for, or something like it: "nine turboprops" is no
        count of the blades asked about; "two night-shift workers" counts employees."""
        m = HOW_MANY.search(q.text)
        if not m or q.slot != "quantity" or stem(m.group(1).lower()) in GENERIC_COUNTS:
            return True
        asked = m.group(1).lower()
        if not is_noun(asked, strict=True):
            return True  # "how many more", "how many of them": no noun to count
        figures = _figures(text)
        counted = [x for _, after in figures for x in after if x not in STOPWORDS and not FIGURE.fullmatch(x)]
        if not counted:
            return True  # a figure without a noun ("it employs 1,100") is read as counting what was asked
        focus = set(q.focus_terms())
        if any(
            len(before) == 2 and before[1] == "of" and stem(before[0]) in focus and is_a(before[0], "group")
            for before, _ in figures
        ):
            return True  # "How many items does the collection hold?": "a collection of 42,000" (a group counted)
        if any(stem(x) == stem(asked) or _said_related(related_stems(asked), {stem(x)}) for x in counted):
            return True
        if any(stem(x) in GENERIC_COUNTS for x in counted) and is_a(asked, "person"):
            return True  # "1,100 people" counts the staff
        vs = self.vectors([asked, *counted])
        return float((vs[1:] @ vs[0]).max()) >= SOFT_SAID

    def _slot(self, q: QuestionInfo, text: str, terms: set[str] | None = None) -> bool:
        sort = MEASURE_SORT.search(q.text) if q.slot == "measure" else None
        if sort and re.search(rf"\b\w+-{sort.group(1)}\b", text, re.I):
            return True  # "What range of missiles?": "close-range ballistic missiles"
        if q.slot == "time" and FUTURE_ASKED.search(q.text) and not FUTURE_SAID.search(text):
            return False  # "When is Iran's next election?": a date the article gives for something done is no answer
        if q.slot == "time" and WHAT_DATE.search(q.text) and not DAY_SAID.search(text) and not UNKNOWN_RE.search(text):
            return False  # "On what date was the meeting held?": "this winter" gives no date
        if q.slot == "time" and EXACT_DATE.search(q.text) and not DAY_OF_MONTH.search(text):
            return UNKNOWN_RE.search(text) is not None  # "On what exact date…?": "in January" is no exact date
        if _since_asked(q) and SINCE.search(text):
            return True  # "How long has Washington been warning?", "Since when?": "since the outset of the invasion"
        if q.slot in ("quantity", "measure") and HOW_MUCH.search(q.text) and scale_against_history(words(q.text), text):
            return True  # "How much has China's backing boosted arms production?": "most ambitious … since"
        if q.slot in ("quantity", "money", "measure") and not has_rate(q.text, text):
            return False
        if q.slot == "quantity" and re.search(r"\bhow many\b|\bnumber of\b", q.text, re.I):
            # "How many employees…": "Two night-shift workers" counts them in other words; "How many of them?" counts
            # what the conversation named
            focus = q.focus_terms() or [t for t in q.terms if q.weights.get(t, 0) >= 0.9]
            rel = related_terms(q.text)
            near = quantity_near(text, focus + [p[0] for t in focus for p in rel.get(t, ()) if len(p) == 1])
            return near and self._counts_like(q, text)
        if q.slot == "money" and RISE_ASKED.search(q.text) and PERCENT_RE.search(text):
            return True  # "What pay raise is the union demanding?": "raises totaling 18 percent"
        if q.slot in ("person", "agent") and _other_owner(q.text, text):
            return False
        if (
            q.slot in ("person", "agent")
            and NAME_OF.search(q.text)
            and UNNAMED_RE.search(text)
            and not person_names(text)
        ):
            return False  # "What is the name of the official who told CNN?": "an unnamed official" gives none
        if q.slot == "speech":
            return _speaker_says(q.text, text, terms)
        if HOW_OLD.search(q.text):
            return bool(AGE.search(text))  # "How old is she?": "Denise Albright, 41," - not "on Thursday"
        if q.slot == "time" and WHAT_TIME.search(q.text) and not CLOCK.search(text):
            return False  # "What time were firefighters called?" asks for a time of day, not a date
        if q.slot == "time" and WHAT_YEAR.search(q.text) and not YEAR.search(text) and not UNKNOWN_RE.search(text):
            return False  # "In what year did the plant open?" needs a year
        who = WHO_IS.match(q.text)
        if who and introduces(next(g for g in who.groups() if g).split()[-1], text):
            return True  # "Who is Ruth Okafor?": "Area commander Ruth Okafor said…" says who she is
        if q.slot == "agent" and POST_ASKED.search(q.text):
            return _title_said(text)  # "What post did the Russian who toured … hold?": "Defense Minister"
        if q.slot == "agent" and NAME_OF.search(q.text):
            return self._names_kind(q.text, text)
        if q.slot in ("place", "agent") and not _place_of_kind(q.text, text, must_name=q.slot == "agent"):
            return False  # "Which German city…?": "in Germany", "at the Ukraine Defense Contact Group" name no city
        # "When exactly did the missiles arrive?" is answered by "It's unclear when exactly the missiles were
        # delivered": the article speaks to it, which says more than that it does not say.
        return has_slot(q.slot, text, q.entities, q.unit, words(q.text), unknown_ok=True)

    def _names_kind(self, question: str, text: str) -> bool:
        """ "What was the name of the conference?" needs a conference named, not any name nearby."""
        kind = name_kind(question)
        if kind is None:
            return has_slot("agent", text)
        if PERSON_ROLE_RE.fullmatch(kind) or is_a(kind, "person"):
            return bool(person_names(text))  # "the name of the HSE inspector": a person's name
        k = re.escape(kind)
        named = (
            # "the HORIZON-M study", "Okafor Family Foundation"
            rf"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s+(?:[a-z]+\s+)?{k}",
            # "study, known as HORIZON-M"
            rf"{k}e?s?,?\s+(?:called|named|known as|dubbed|titled|entitled)\s+[\"“]?[A-Z0-9]",
            rf"{k}e?s?,\s+(?:the\s+)?[\"“]?[A-Z]",  # apposition: "the firm, Lindqvist & Ramos,"
        )
        if any(re.search(p, text, re.I if i else 0) for i, p in enumerate(named)) or _names_a(kind, text):
            return True  # … or "the Ababil close-range ballistic missile systems"
        # The kind, or a word for it, followed closely by a name the question does not give: "a meeting with
        # allies at the Ukraine Defense Contact Group" names a gathering.
        said_as = {stem(kind)} | {parts[0] for parts in related_stems(kind) if len(parts) == 1}
        if _name_after(question, text, kind, said_as):
            return True
        if re.search(k, text, re.I):
            return False
        names = [w for e in entities_in(text) for w in e.split()]
        if not names:
            return False
        m = self.vectors([kind, *names])
        return float((m[1:] @ m[0]).max()) >= KIND_SIM

    def _role_said(self, q: QuestionInfo, text: str) -> bool:
        """A question about a specific role (ambassador, reporter) needs that role in the answer."""
        title = TITLE.search(q.text)
        if title and len(title.group(0).split()) >= 2:
            # "the chief executive officer" is not "the chief operating officer", nor "director" "assistant director"
            asked = title.group(0).lower()
            initials = "".join(w[0] for w in asked.split()).upper()
            # Said whole or by its initials ("CEO"), or not at all: "Guild president" is no chief executive.
            return asked in text.lower() or bool(re.search(rf"\b{initials}O?\b", text))
        m = PERSON_ROLE_RE.search(q.text)
        if not m or m.group(1).lower() in GENERIC_ROLES:
            return True
        role = stem(m.group(1).lower())
        terms = set(tokens(text))
        if _has_term(role, terms):
            return True
        # A role the sentence gives, in the project's list or a kind of person to WordNet ("climatologist")
        cwords = [w for w in words(text) if PERSON_ROLE_RE.fullmatch(w) or (len(w) > 3 and is_a(w, "person"))]
        if not cwords:
            return False
        if any(is_a(w, m.group(1).lower()) for w in cwords):
            return True  # "which scientist": "a climatologist"
        vs = self.vectors([m.group(1).lower(), *cwords])
        return float((vs[1:] @ vs[0]).max()) >= ROLE_SIM

    def _soft_coverage(self, q: QuestionInfo, cands: list[Candidate]) -> None:
        """Credit question words that a sentence says in other words (Tehran ~ Iran, rockets ~ missiles)."""
        qwords = {stem(w): w for w in words(q.text) if stem(w) in q.weights}
        unmatched = [t for t in q.terms if t in qwords]
        name_terms = {t for e in q.entities for t in tokens(e)}
        if not unmatched:
            return
        known = [self.idf(t) for t in q.terms if self.idf(t) < self._max_idf]
        fallback = sum(known) / len(known) if known else 1.0
        idf = {t: (self.idf(t) if self.idf(t) < self._max_idf else fallback) for t in q.terms}
        total = sum(q.weights[t] * idf[t] for t in q.terms)
        rel = related_terms(q.text)
        every = [w for c in cands for w in words(c.text) if stem(w) not in STOPWORDS and len(w) > 2]
        self.vectors([qwords[t] for t in unmatched] + list(dict.fromkeys(every)))  # one batch, then cached
        for c in cands:
            cwords = list(dict.fromkeys(w for w in words(c.text) if stem(w) not in STOPWORDS and len(w) > 2))
            if not cwords:
                continue
            vecs = self.vectors([qwords[t] for t in unmatched] + cwords)
            best = (vecs[: len(unmatched)] @ vecs[len(unmatched) :].T).max(axis=1)
            got = 0.0
            for t in q.terms:
                if _has_term(t, c.terms):
                    got += q.weights[t] * idf[t]
                elif t in qwords:
                    sim = float(best[unmatched.index(t)])
                    low, high = (ENTITY_MATCH, 0.85) if t in name_terms else (SOFT_LOW, SOFT_HIGH)
                    soft = min(1.0, max(0.0, (sim - low) / (high - low)))
                    if _said_related(rel.get(t), c.terms):
                        soft = max(soft, RELATED_CREDIT)
                    got += q.weights[t] * idf[t] * soft
            c.coverage = max(c.coverage, got / total if total else 0.0)

    @property
    def _max_idf(self) -> float:
        return self.idf("\u2205unknown\u2205") - 1e-9

    def score(self, q: QuestionInfo, cands: list[Candidate], query_vector: list[float]) -> None:
        _credit_surnames(q, cands)
        _carry_introductions(cands)
        _carry_organisations(cands)
        qpairs = _pairs(q.text)
        qv = np.asarray(query_vector, dtype=np.float32)
        dense = self.vectors([c.text for c in cands]) @ (qv / max(float(np.linalg.norm(qv)), 1e-12))
        for c, d in zip(cands, dense, strict=True):
            c.dense = float(d)
            c.coverage = self._coverage(q, c.terms)
        top = sorted(cands, key=lambda c: -(0.55 * c.dense + 0.45 * c.coverage))[:SOFT_TOP]
        self._soft_coverage(q, top)
        kind = asked_kind(q.text) or ("feeling" if HOW_FEEL.search(q.text) else None)
        # "Which Asian nation, besides Iran, …": a name of that kind as WordNet names it, and not the one set aside.
        aside = excluded_words(q.text)
        set_aside = [w for w in re.findall(r"[\w'’-]+", q.text) if w[:1].isupper() and w.lower() in aside]
        kind_match = self._kind_matches(kind_name(q.text) or kind, cands, [*q.entities, *set_aside]) if kind else {}
        if kind and not names_kind(q.text):  # "What feeling did he voice?": "concerned" says a feeling
            asked = set(words(q.text))
            for c in cands:
                if any(_word_is_a(w, kind) for w in words(c.text) if w not in asked and w not in STOPWORDS):
                    kind_match[id(c)] = True
        if SIGNIFY_ASKED.search(q.text):
            for c in cands:
                if SIGNIFIES.search(c.text):
                    kind_match[id(c)] = True
        if HEARSAY_ASKED.search(q.text) and not q.previous:
            for c in cands:
                if HEARSAY_SAID.search(c.text) and not (set_aside and _names_aside(c.text, set_aside)):
                    kind_match[id(c)] = True  # "What is Tehran said to have handed over?": "Iran reportedly shifts…"
        # "Apart from missiles, what else…", "what weapons … before the ballistic missiles?": a sentence about the
        # thing set aside is not the answer.
        aside_heads = [stem(w) for w in words(q.text) if w in aside and not w[:1].isupper()]
        aside_head = next((t for t in reversed(aside_heads) if t not in STOPWORDS and t not in ASIDE_WORDS), None)
        counted = _counted(q)
        reacting = _reaction_by(q.text)
        asked_demonyms = [e for e in q.entities if _demonym(e) and e.lower() in asked_phrase(q.text)]
        # A question about a threat or warning is answered by what it supposes ("… threat of penalties over the
        # missiles": "… warning of serious consequences if Iran sends ballistic missiles")
        hypothetical_ok = bool(
            re.search(r"\b(?:if|unless|would|should|could|threat\w*|warn\w*|consequences?)\b", q.text, re.I)
        )
        before = _quoted_before(q, cands)
        continuing = bool(before) and q.bare
        who = WHO_IS.match(q.text)
        who_is = next(g for g in who.groups() if g).split()[-1] if who else None
        own_q = q.own()
        own = set(own_q.terms)
        # A follow-up with words of its own ("What do they urge other countries to do?") is answered again by the
        # sentence just quoted only if that sentence says those words as well as another does.
        recent = {normalize(t).lower() for t in q.recent}
        stale: set[int] = set()
        if before and not q.bare and own and own_q is not q:
            said = {id(c): self._coverage(own_q, c.terms) for c in cands}
            other = max((said[id(c)] for c in cands if c not in before), default=0.0)
            # "And China?" after "What has Russia obtained from North Korea?": a follow-up of only a name asks what else
            # the article says of it, so the sentence just quoted yields to another saying the name as well
            named = _name_only(q)
            stale = {id(c) for c in before if said[id(c)] < other or (named and said[id(c)] <= other)}

            def unsaid(c: Candidate) -> list[str]:  # own words the sentence says nothing like
                missing = [t for t in own if not _has_term(t, c.terms)]
                new = [t for t in missing if self.idf(t) >= self._max_idf]  # words the article never uses
                known = [t for t in missing if t not in new]
                return self._not_said_otherwise(q, known, c) + self._not_said_otherwise(q, new, c, SOFT_LOW)

            # "How did he say they feel?": the last quote says nothing like "feel"; another sentence on the same
            # matter names a feeling ("concerned").
            # (judged on the follow-up's own words: the quoted sentence holds all the words it borrowed)
            near = 0.5 * max(said[id(c)] for c in before)
            if any(unsaid(c) for c in before if id(c) not in stale) and any(
                kind_match.get(id(c)) for c in cands if c not in before and said[id(c)] >= near
            ):
                stale |= {id(c) for c in before if unsaid(c)}
        if before and re.search(r"\belse\b", q.text, re.I):
            stale |= {id(c) for c in before}  # "What else did he point out?": not what he was quoted saying
        # "What did that support include?" after "China had aided Russia…": when another sentence says all of two or
        # more words of the follow-up as it does ("China's support … had included"), the one just quoted, saying
        # none, is weighed on those words alone; it holds every word the follow-up borrowed from it
        spent: set[int] = set()
        typed = {stem(w) for w in words(q.text)}
        here = [t for t in q.terms if t in typed]  # "support", though it refers back
        if before and not q.bare and len(here) >= 2 and own_q is not q:
            literal = {id(c): self._coverage(q.only(here), c.terms, related=False) for c in cands}
            if max((literal[id(c)] for c in cands if c not in before), default=0.0) >= 1.0:
                spent = {id(c) for c in before if literal[id(c)] == 0.0}
        # "How many beds…?": when a sentence counts beds ("the 412-bed hospital"), a figure counting nurses beside the
        # hospital's name is no answer.
        # People are counted in many words ("a staff of 14", "250,000 visits"): "1,200 people" does not rule those out.
        exact = counted is not None and counted not in GENERIC_COUNTS and any(_counts(counted, c.text) for c in cands)
        # "How does Washington characterize it?": what the one asked about says, in its own sentence or a quotation it
        # opened; the sentences giving a judgement ("deems … to be") when it says one
        judged = {
            id(c)
            for c in cands
            if judged_by(q.text, c.text)
            or ((opener := _quotation_opener(c, cands)) is not None and judged_by(q.text, opener.text))
        }
        judging = {i for i in judged if any(id(c) == i and JUDGEMENT.search(c.text) for c in cands)}
        judged = judging or judged
        since = _since_asked(q)
        for c in cands:
            c.slot = self._slot(q, c.text, c.terms) and (
                q.slot not in ("person", "agent") or self._role_said(q, c.text)
            )
            if exact and counted and c.slot and not _counts(counted, c.text):
                c.slot = False
            if q.slot == "speech" and not c.slot:  # inside a quotation opened by a sentence naming the speaker
                opener = _quotation_opener(c, cands)
                c.slot = opener is not None and _speaker_says(q.text, opener.text, opener.terms)
            novelty = 1.0 if (c.terms - own) else 0.3  # a sentence that only restates the question
            if id(c) in stale:
                novelty *= STALE_FACTOR
            coverage = 0.0 if id(c) in spent else c.coverage
            c.score = (0.55 * c.dense + 0.45 * coverage + PHRASE_WEIGHT * _phrase_overlap(qpairs, c.text)) * novelty
            if q.slot in SLOT_PHRASE and q.slot != "reason":
                c.score = c.score + 0.08 if c.slot else c.score * 0.6
            if kind_match.get(id(c)):
                c.score += KIND_BONUS
            if not hypothetical_ok and not q.previous and _only_supposed(q, c.text):
                c.score *= SUPPOSED_FACTOR  # "What is Iran reported to have sent?": not "the warning … if Iran sends"
            if not q.previous and _only_refused(q, c.text):
                c.score *= SUPPOSED_FACTOR
            if PAST_ASKED.search(q.text) and not _tells_past(c.text):
                c.score *= COMMENT_FACTOR
            if (aside_head and _has_term(aside_head, c.terms)) or (set_aside and _names_aside(c.text, set_aside)):
                c.score *= ASIDE_FACTOR
            if set_aside and q.slot in ("yesno", "other") and not kind_match and _names_other(q, c.text, set_aside):
                c.score += KIND_BONUS  # "Has Russia got missiles from anyone besides Iran?": "… from North Korea"
            if q.slot in ("agent", "person") and any(_of_country(d, c.text) for d in asked_demonyms):
                c.score += KIND_BONUS  # "Which Iranian body said that?": "Iran's Permanent Mission …"
            if _sort_said(q.text, c.text):
                c.score += SORT_BONUS
            if since and SINCE.search(c.text):
                c.score += KIND_BONUS  # "Since when has Washington been sounding the alarm?": "since the outset…"
            if counted and _counts(counted, c.text):
                c.score += COUNT_BONUS
            if (
                (q.slot == "yesno" and takes_stance(q, c.text))
                or (reacting and _reacts(reacting, c.text))
                or id(c) in judged
            ):
                c.score += STANCE_BONUS
            if who_is and introduces(who_is, c.text):
                c.score += INTRO_BONUS
            if normalize(c.text).lower() in recent:
                c.score += CONTINUITY_BONUS
            # A sentence giving the cause asked for, the condition ("Under what condition?": "… if the country
            # proceeded …") or the judgement ("How does Tehran's delegation characterize it?": "deems … to be").
            explains = (
                (q.slot == "reason" and bool(CAUSAL.search(c.text)))
                or bool(CONDITION_ASKED.search(q.text) and CONDITION.search(c.text))
                or bool(JUDGEMENT_ASKED.search(q.text) and JUDGEMENT.search(c.text))
            )
            if explains:
                c.score += EXPLAINS_BONUS
            if c.start == 0:
                c.score += LEAD_BONUS
            if breaks_news(q, c.text):
                # "Which outlet got the scoop?": the sentence that says who broke the news ("according to the paper
                # that first reported it, what…" asks something else)
                c.score += KIND_BONUS
            if continuing:  # "And now?", "What else?": what comes next, not what was already quoted
                if c in before and not explains and q.slot not in SLOT_PHRASE:
                    c.score *= 0.5
                elif c not in before and any(_just_before(b, c) for b in before):
                    c.score += NEXT_BONUS

    # -- answer -----------------------------------------------------------------------------------------------
    def answer(
        self,
        q: QuestionInfo,
        hits: Sequence[Hit],
        query_vector: list[float],
        idf: Callable[[str], float] | None = None,
        names: Sequence[str] = (),
        document: str = "",
    ) -> Extracted:
        """Answer from the hits; ``idf`` weighs words as the document being answered from does, ``names`` are
        the names it mentions anywhere, ``document`` is its whole text."""
        self._local.idf = idf
        self._local.names = names
        self._local.document = document
        try:
            return self._answer(q, hits, query_vector)
        finally:
            self._local.idf = None
            self._local.names = ()
            self._local.document = ""

    def _answer(self, q: QuestionInfo, hits: Sequence[Hit], query_vector: list[float]) -> Extracted:
        if q.slot == "overview":  # the story in its own opening words: its first sentences
            source = next((h.passage.source for h in hits if h.passage.start == 0), None)
            opening = sorted((c for c in candidates(hits) if c.passage.source == source), key=lambda c: c.start)
            chosen: list[Candidate] = []
            for c in opening[:OVERVIEW_SENTENCES]:
                if chosen and sum(len(o.text) for o in chosen) + len(c.text) > MAX_CHARS:
                    break
                chosen.append(c)
            if chosen:
                return self._compose(chosen)
        cands = _named_sources(q, candidates(hits))
        if not cands:
            return self._abstain("The article doesn't say anything about this.", "nothing relevant was retrieved")
        letters = _acronym_asked(q.text) if not q.previous else ""
        spelling = [c for c in cands if letters and spelled_out(q.text, entities_in(c.text))]
        if spelling:  # "What does IRGC stand for?": the sentence that spells the name out, not one using the letters
            return self._compose(spelling[:1])
        if letters:
            return self._abstain(f"The article doesn't say what {letters} stands for.", "no sentence spells it out")
        _link_acronyms(q, cands)
        _link_full_names(q, cands)
        _link_federal(q, cands, getattr(self._local, "document", ""))
        _link_signifying(q, cands)
        self.score(q, cands, query_vector)
        ranked = sorted(cands, key=lambda c: (-c.score, c.start))
        best = ranked[0]
        top_dense = max(c.dense for c in cands)
        own_q = q.own()
        own = own_q.terms

        def own_coverage(c: Candidate) -> float:
            # Off-topic is judged on the question's own words, not on names a follow-up borrowed from earlier turns.
            return c.coverage if own_q is q else self._coverage(own_q, c.terms)

        top_cov = max((own_coverage(c) for c in cands), default=0.0)
        topic = _topic(q)
        # A bare follow-up ("And now?", "Until what year?") is about the conversation, not off-topic.
        # Nor is one whose own words only ask ("What's his role?": Savett, borrowed, and "role", a word for a title).
        bare = bool(q.previous) and (q.bare or not own)
        # Words only said in other words ("Berlin": Germany, "weather": winter) do not make a question this far from
        # every sentence about the article.
        # Nor do light verbs and quantifiers ("Should I get a flu shot every year?": "for every four patients").
        focus = [t for t in own_q.focus_terms() if t not in QUANTIFIERS | ORDINALS]
        topic_q = own_q.only(focus) if focus else own_q
        said_as_asked = max((self._coverage(topic_q, c.terms, related=False) for c in cands), default=0.0)
        reported = self._reported_cause(q, ranked)
        if reported:
            best, ranked = _first(reported, ranked)
        antecedent = _antecedent(q, cands)
        if antecedent:
            best, ranked = _first(antecedent, ranked)
        # "Which outlet had the scoop?" shares no words with "The Wall Street Journal broke the news…", which says it
        told = [c for c in cands if breaks_news(q, c.text)]
        if (
            not bare
            and not reported
            and not told
            and (
                (top_dense < OFF_TOPIC_DENSE and min(top_cov, said_as_asked + 0.5 * top_cov) < OFF_TOPIC_COVERAGE)
                or (top_dense < OFF_TOPIC_FLOOR and said_as_asked < 0.5)
            )
        ):
            return self._abstain(
                f"The article doesn't say anything about {topic}.",
                f"off-topic: best similarity {top_dense:.2f}, term coverage {top_cov:.2f}",
            )
        if BEHIND_ASKED.search(q.text) and not GIVES_CAUSE.search(best.text):
            # "According to the paper that broke the story, what might lie behind it?": a sentence giving a cause
            causes = [c for c in ranked if c.score >= SLOT_MARGIN * best.score and GIVES_CAUSE.search(c.text)]
            if causes:
                best, ranked = _first(causes[0], ranked)
        # "Do we know exactly when the handover took place?": the sentence saying it is unclear when
        said_unknown = [c for c in ranked if _says_unknown(q.text, c.text)] if KNOWN_ASKED.search(q.text) else []
        if said_unknown:
            best, ranked = _first(said_unknown[0], ranked)
        if q.slot == "other" and not q.previous and SORT_OF.search(q.text) and self._off_focus(q, best, cands):
            # "What sort of plant has the Kremlin been building?": a sentence nearly as close that says what is asked
            # (in other words: "constructing a drone-manufacturing facility"), not one that only names the Kremlin
            focused = [
                c for c in ranked[1:] if c.score >= FOCUS_MARGIN * best.score and not self._off_focus(q, c, cands)
            ]
            if focused:
                best, ranked = _first(focused[0], ranked)
        if not q.previous and not _same_leader(q.text, best.text):
            # "What kind of protection is Kyiv's leader pleading for?": a sentence nearly as close naming Ukraine's
            # leader by title ("Ukrainian President Volodymyr Zelensky"), not one about someone else
            leaders = [c for c in ranked[1:] if c.score >= SLOT_MARGIN * best.score and _same_leader(q.text, c.text)]
            if leaders:
                best, ranked = _first(leaders[0], ranked)
        # "Which outlet first reported that Iran sent them?": the sentence saying who broke the news, not one that
        # tells the news in the question's words
        scoop = [c for c in ranked if c.score >= SLOT_MARGIN * best.score and c in told]
        if scoop and scoop[0] is not best:
            best, ranked = _first(scoop[0], ranked)
        if HOW_FEEL.search(q.text) and not _tells_feeling(best.text):
            # "How does he feel about the reports?" after Savett's warning: his sentence saying he is concerned
            named = [tokens(e) for e in q.entities]
            felt = [
                c
                for c in ranked
                if c.score >= SLOT_MARGIN * best.score
                and _tells_feeling(c.text)
                and all(any(t in c.terms for t in name) for name in named)
            ]
            if felt:
                best, ranked = _first(felt[0], ranked)
        reacting = _reaction_by(q.text)
        reactions = [c for c in ranked if _reacts(reacting, c.text)] if reacting and not q.previous else []
        if reacting and not q.previous:
            # "How did Moscow react?" when no sentence has Russia say or do anything about it; otherwise what it did
            if not reactions:
                return self._abstain(
                    f"The article doesn't say how {reacting} responded.", f"no sentence has {reacting} respond"
                )
            best, ranked = _first(reactions[0], ranked)
        far, close = self._missing_entities(q, cands)
        # A question that also names something the article does hold ("Sean Savett ... the US") is weighed
        # on the rest of its evidence; one whose names are all absent needs strong support.
        anchored = len(far) + len(close) < len([e for e in q.entities if not _demonym(e)])
        # "Were the missiles shipped across the Caspian Sea?": whether something holds of a name the article never
        # mentions, it cannot tell, however close the rest of the question is
        if (
            (far and best.dense < (CLOSE_NAME_DENSE if anchored else ENTITY_DENSE))
            or (close and best.dense < CLOSE_NAME_DENSE)
            or (far and not anchored and q.slot == "yesno" and not q.previous)
        ):
            missing = far + close
            return self._abstain(
                f"The article doesn't mention {', '.join(missing)}.", f"not in the article: {', '.join(missing)}"
            )
        # "Can tourists visit Pyongyang?": whether something holds of a place, a sentence that names neither it nor
        # the country it lies in cannot tell
        asked_names = [e for e in q.entities if not _demonym(e)]
        # (the US government is named by its agency and its spokespeople too: "Savett stated…")
        federal = self._names_federal() and any(_us_government(e) for e in asked_names)
        if q.slot == "yesno" and not q.previous and asked_names and not federal:
            if not any(_name_said(e, best.terms) for e in asked_names):
                return self._abstain(
                    f"The article doesn't say this of {' or '.join(asked_names)}.",
                    f"the best sentence does not name {', '.join(asked_names)}",
                )
        title = WHO_IS.match(q.text)  # "What office does X hold?" is answered by a title, not the word "office"
        # "Does Calder State University have a football team?" is about a team the article never speaks of; "Did
        # Tehran confirm or reject the reports?" asks for a stance, said in the article's own words
        # "Why is K-pop banned in North Korea?" is about a ban the article never speaks of; "What might lie behind the
        # handover?" about a cause, said in the article's own words
        asks_about = (
            q.slot == "other"
            or (q.slot == "reason" and not reported and not BEHIND_ASKED.search(q.text))
            or (q.slot == "yesno" and not any(_stance(w) for w in asked_verbs(q.text)))
        )
        # "How does the US feel about it?" is answered by a feeling ("deeply concerned"), not the word "feel"
        feeling = HOW_FEEL.search(q.text) and _tells_feeling(best.text)
        # … nor "How did Washington's security officials characterize it?" by the words saying who judges: by what
        # they said
        judge = JUDGE_ASKED.search(q.text)
        judging = {stem(w) for w in words(q.text[: judge.end()])} if judge and judged_by(q.text, best.text) else set()
        checked = asks_about and not q.previous and not title and not feeling
        # "How did Tehran's envoys at the world body respond to the allegations?": once Iran's mission is found
        # responding, what is left to say is what it responded to, unless that is only "the reports"
        reacted = {stem(w) for w in words(reacting)} | REPORTS if best in reactions else set()
        # "What role has China played?" asks what it did, in any words
        played = {stem("role"), stem("play")} if ROLE_PLAYED.search(q.text) else set()
        # "What is Kyiv's leader pleading for?": a sentence naming Ukraine's leader by title ("Ukrainian President
        # Volodymyr Zelensky") is about him, whatever words it tells it in
        led = bool(_same_leader(q.text, best.text))
        absent = self._unsaid_subject(q, best, judging | reacted | played) if checked and not led else []
        if absent:
            # "According to Iran's UN mission, what does Iran urge other countries to do?": a sentence nearly as close
            # that says what the best one leaves unsaid ("… urges other countries to cease …")
            # (saying at least half of those words, in the question's words or in others: "towns" as "cities")
            # … and naming all the question's names the best one names, itself or by the quotation it is part of
            rel = related_terms(q.text)
            unsaid = [stem(w.lower()) for w in absent if w.lower() not in QUANTIFIERS | ORDINALS]
            named = [e for e in q.entities if _name_said(e, best.terms)]
            saying = [
                c
                for c in ranked[1:]
                if c.score >= FOCUS_MARGIN * best.score
                and all(_name_said(e, _with_opener(c, cands)) for e in named)
                and 2 * sum(_has_term(t, c.terms) or _said_related(rel.get(t), c.terms) for t in unsaid) >= len(unsaid)
                and not self._unsaid_subject(q, c, judging | reacted | played)
            ]
            if saying:
                best, ranked = _first(saying[0], ranked)
                absent = []
        if absent and best.dense < ABSENT_DENSE:
            return self._abstain(
                f"The article doesn't mention {' or '.join(absent)}.", f"not in the article: {', '.join(absent)}"
            )
        exact = EXACT_KIND.search(q.text) if not q.previous else None
        if exact and best.dense < ABSENT_DENSE:
            # "What specific sanctions has the US imposed?": the article must name some, not only speak of "serious
            # consequences" it might impose
            thing = stem(exact.group(1).lower())
            if self.idf(thing) >= self._max_idf and self._not_said_otherwise(q, [thing], best, strict=True):
                which = exact.group(1).lower()
                why = f"no sentence names the {thing} asked for"
                return self._abstain(f"The article doesn't say which {which}.", why)
        specific = q.slot in SPECIFIC_SLOTS or (q.slot == "measure" and q.unit is not None)
        # A follow-up with words of its own ("the weather in their home city") is judged on them; one made of
        # pronouns ("Where did he say it?") on the names it borrowed.
        support = own_coverage(best) if len(own) >= 2 else best.coverage
        # the one whose view is asked for speaks; whether something is known is answered by "it's unclear"
        judged = (
            judged_by(q.text, best.text)
            or best in reactions
            or best in said_unknown
            or best is reported
            or best is antecedent
            or _names_role(q, best)  # "the name of the spokesperson who…": "spokesperson Sean Savett"
        )
        if best.dense < WEAK_DENSE and support < WEAK_COVERAGE and not specific and not bare and not judged:
            return self._abstain(
                f"The article doesn't say anything about {topic}.",
                f"weak evidence: similarity {best.dense:.2f}, term coverage {best.coverage:.2f}",
            )
        if q.slot == "yesno" and any(_stance(w) for w in asked_verbs(q.text)):
            # "Has Iran admitted to sending them?": the sentence where it denies it, not one saying it might.
            stance = [c for c in ranked if c.score >= SLOT_MARGIN * best.score and takes_stance(q, c.text)]
            if stance:
                best, ranked = _first(stance[0], ranked)
        # (what a paper "said" lies behind it is what it reported, quoted or not)
        if q.slot in SLOT_PHRASE and q.slot != "reason" and not (q.slot == "speech" and best is reported):
            # The answer must hold the kind of fact asked for, in a sentence about what the question is about.
            margin = SPECIFIC_MARGIN if specific else SLOT_MARGIN
            fitting = [c for c in ranked if c.slot and c.score >= margin * best.score]
            if q.slot == "time" and WHAT_DATE.search(q.text) and fitting and UNKNOWN_RE.search(fitting[0].text):
                # "On what date did they arrive?": "It's unclear when exactly…" gives no date; it says there is none.
                return self._abstain(
                    "The article doesn't give the date: it says the time is unclear.",
                    "the best sentence says the time asked for is not known",
                )
            counted = _counted(q)
            kind = asked_kind(q.text) or ""
            # A figure that counts exactly what was asked ("7.1 fewer migraine days"), or a name of exactly the kind
            # asked ("which local teacher": "Harriet Cole, a Riverton schoolteacher") may say the rest in other words.
            on_focus = [
                c
                for c in fitting
                if c in said_unknown  # "Is it known when…?": that it is not, in whatever words the event is told
                or not self._off_focus(
                    q,
                    c,
                    cands,
                    1.0  # who broke the news, whatever words the news is told in
                    if breaks_news(q, c.text)
                    else COUNTED_LIMIT
                    if (counted and _counts(counted, c.text))
                    or _names_a(kind, c.text)
                    or (q.slot in ("measure", "quantity") and scale_against_history(words(q.text), c.text))
                    or (_since_asked(q) and SINCE.search(c.text))  # "since the outset of the invasion"
                    else 0.5,
                )
            ]
            if not on_focus:
                why = (
                    f"no sentence gives the {q.slot} asked for"
                    if not fitting
                    else f"the sentences with the {q.slot} asked for are not about: "
                    f"{', '.join(self._off_focus(q, fitting[0], cands))}"
                )
                # "At which port…?": which port, not "who"
                asked = f"which {kind}" if q.slot == "agent" and kind else SLOT_PHRASE[q.slot]
                return self._abstain(f"The article doesn't say {asked} ({topic}).", why)
            best, ranked = _first(on_focus[0], ranked)
        # (the question may come after what it rests on: "Shoigu is the former minister - who replaced him?")
        clause = re.split(r"\s+[-–—]\s+|;\s+|:\s+", q.text)[-1]
        did = WHO_DID.match(clause) if q.slot in ("agent", "person") and not q.previous else None
        verb = did.group(1).lower() if did and not SPEECH_SAID.fullmatch(did.group(1)) else ""
        # "Who led the delegation?" asks for its leader, whatever else the sentence about the delegation says
        leads = bool(verb) and bool(leading(q.text))
        if verb and (self.idf(stem(verb)) >= self._max_idf or leads):
            # "Who founded the Wall Street Journal?": a deed the article never speaks of, not one a sentence names
            # its doer for. A word of the same meaning does ("Who set up…": "established"), and so does any quote
            # for a word of saying ("Who described it as…": "…," an official told CNN), and a leader's title
            # ("Who headed the ministry?": "Defense Minister Sergei Shoigu").
            same = related_stems(verb, strict=True)
            titled = (
                leads
                and _said_related(LEADER_TITLES, best.terms)
                and bool(person_names(best.text))
                and not _leads_for_others(q.text, best.text)
            )
            if not titled and not _said_related(same, best.terms) and self._not_said_otherwise(q, [stem(verb)], best):
                return self._abstain(f"The article doesn't say who {verb} that.", f"no sentence says who {verb}")
        if (
            q.slot in ("person", "agent")
            and not q.previous
            and CURRENT_ASKED.search(q.text)
            and _only_former(best.text)
        ):
            # "Who is Russia's current defense minister?": "then-Russian Defense Minister Sergei Shoigu" held it then
            return self._abstain(
                "The article doesn't say who holds it now: it names only who held it then.",
                "the sentence names only a former holder",
            )
        holder = HOLDER_ASKED.match(q.text) if q.slot in ("person", "agent") and not q.previous else None
        held = holder.group(1).lower() if holder else ""
        if (
            held
            and held not in GENERIC_ROLES
            and is_a_in_any_sense(held, "person")
            and self.idf(stem(held)) >= self._max_idf
            and _title_said(best.text)
            and not _has_term(stem(held), best.terms)
            and self._not_said_otherwise(q, [stem(held)], best, strict=True)
        ):
            # "Who is the current chancellor of Germany?": "Ukrainian President Volodymyr Zelensky … in Germany" holds
            # another post, and the article never speaks of the one asked for
            return self._abstain(f"The article doesn't say who the {held} is.", f"no sentence speaks of a {held}")
        choice = _alternatives(q.text) if not q.previous else []
        # (a name is said by name: "the Caspian" is not said by "Russia", the country on its shore)
        names = {w.lower() for e in q.entities for w in e.split()}
        # "confirm or reject": a stance on the truth is answered by any ("denied")
        stance = any(_truth_stance(w) for w, _ in choice) and any(_truth_stance(w) for w in words(best.text))
        # A question asking what, who or how, offering choices, may be answered in other words ("a minor thing or a
        # major step up?": "a significant escalation"); a yes-or-no question is answered by one of its own
        plain = [t for w, t in choice if w not in names] if q.slot != "yesno" else []
        if (
            choice
            and not stance
            and not (plain and len(self._not_said_otherwise(q, plain, best)) < len(plain))
            and not any(
                _has_term(t, best.terms) or (w not in names and _said_related(related_stems(w), best.terms))
                for w, t in choice
            )
        ):
            # "Were they shipped by sea or flown in by aircraft?" is answered only by a sentence saying one of them.
            return self._abstain(
                f"The article doesn't say whether {' or '.join(w.title() if w in names else w for w, _ in choice)}.",
                "no sentence says any of the alternatives asked about",
            )
        advice = ADVICE_ASKED.search(q.text)
        recommending = RECOMMENDATION_ASKED.match(q.text)
        if (advice or recommending) and not q.previous and not ADVICE_GIVEN.search(best.text):
            # "What's the best time of year to visit Moscow?", "Can you recommend some tourist attractions in Moscow?":
            # a sentence about a visit recommends nothing
            return self._abstain(
                f"The article doesn't say {advice.group(0).lower() if advice else 'what to recommend'}.",
                "no sentence recommends what is asked for",
            )
        life = LIFE_ASKED.search(q.text)
        if life and q.entities:
            word = life.group(1).lower()
            if self.idf(stem(word)) >= self._max_idf and self._not_said_otherwise(q, [stem(word)], best, strict=True):
                return self._abstain(
                    f"The article doesn't say: it never speaks of {topic} and '{word}'.",
                    f"no sentence speaks of '{word}'",
                )
        wanted = REQUESTED.match(q.text)
        if wanted and not q.previous:
            # "Can you give me a recipe for apricot dumplings?": what is asked for must be something the article has
            word = wanted.group(1).lower()
            thing = stem(word)
            if (
                word not in STOPWORDS | ABOUT_THE_TEXT
                and self.idf(thing) >= self._max_idf
                and self._not_said_otherwise(q, [thing], best)
            ):
                return self._abstain(f"The article doesn't say anything about {topic}.", f"no sentence gives a {thing}")
        how = HOW_TO.match(q.text)
        if how and q.previous and re.search(r"\bthey\s+\w+$", how.group(0), re.I):
            how = None  # "how do they feel about these reports?" after a turn naming them: they are those named
        if how and how.group(1).lower() not in STOPWORDS:
            # "How do I reverse a list?" is answered by a sentence that says how to reverse, not by one about lists.
            verb = how.group(1).lower()
            rel = related_stems(verb)
            # … nor is "How do I make a sourdough starter?" by "will make new homes more expensive": what is made
            # must be something the article speaks of
            made = re.split(
                r"\b(?:at|in|on|for|with|from|by|without|using|when|if)\b", q.text[how.end(1) :], maxsplit=1
            )[0]
            things = [t for t in tokens(made) if t not in {e for n in q.entities for e in tokens(n)}]
            unknown = bool(things) and all(self.idf(t) >= self._max_idf for t in things)
            if (not _has_term(stem(verb), best.terms) and not _said_related(rel, best.terms)) or (
                unknown and self._not_said_otherwise(q, things, best) == things
            ):
                asked = q.text[how.start(1) :].strip().rstrip("?.!").strip()
                return self._abstain(f"The article doesn't say how to {asked}.", f"no sentence says how to {verb}")
        works = HOW_IT_WORKS.match(q.text) if not q.previous else None
        if works and not WORKING & set(best.terms):
            verb = works.group(3).lower().removesuffix("s")
            does = (
                works.group(3).lower()
                if not works.group(1)
                else verb + ("s" if works.group(1).lower() == "does" else "")
            )
            return self._abstain(
                f"The article doesn't say how {works.group(2).strip()} {does}.", f"no sentence says how it {verb}s"
            )
        explain = EXPLAIN_HOW.match(q.text) if not q.previous and not works else None
        done = _inflected_verbs(explain.group(1)) if explain else []
        if done and not any(
            _has_term(stem(w), best.terms) or _said_related(related_stems(w), best.terms) for w in done
        ):
            return self._abstain(
                f"The article doesn't say how {explain.group(1).strip()}.", f"no sentence says how it {done[0]}"
            )
        chosen = [best]
        name_terms = {t for e in q.entities for t in tokens(e)}
        if (q.slot == "reason" or JUDGEMENT_ASKED.search(q.text)) and CONCLUDES.match(best.text):
            # "Why is arming them wrong?": "Therefore, Iran refrains…" concludes; the sentence before gives the ground.
            ground = [c for c in cands if _just_before(c, best)]
            if ground and len(ground[0].text) + len(best.text) <= MAX_CHARS:
                chosen.insert(0, ground[0])
        for c in ranked[1:]:
            if len(chosen) >= MAX_SENTENCES:
                break
            if c in chosen:
                continue
            same_passage = c.passage_no == best.passage_no
            adjacent = any(abs(c.start - o.end) <= 2 or abs(o.start - c.end) <= 2 for o in chosen)
            # Nearly as good, and as much about the question's own words (not only those a follow-up borrowed).
            strong = c.score >= 0.92 * best.score and c.dense >= 0.5
            # "Who first reported it?": the one sentence naming who did; another naming someone else only confuses
            strong = strong and not (q.slot in ("agent", "person") and best.slot and not q.previous)
            continues = (
                adjacent
                and c.start > best.start
                and re.match(r"^[\"“]?(?:He|She|They|It|This|That|These|Those|Therefore|But|However)\b", c.text)
            )
            # "How did the NSC react?": its spokesperson goes on ("Savett stated, …")
            goes_on = adjacent and c.start > best.start and best in reactions and _same_speaker(best.text, c.text)
            # "And China?": what else the sentence beside says of it
            of_name = adjacent and _name_only(q) and name_terms <= c.terms
            if (same_passage and strong) or continues or goes_on or of_name:
                if sum(len(o.text) for o in chosen) + len(c.text) <= MAX_CHARS:
                    chosen.append(c)
        chosen = _close_quote(chosen, cands)
        chosen.sort(key=lambda c: (c.passage.source, c.start))
        return self._compose(_fewest_passages(chosen, [h.passage for h in hits]))

    def _compose(self, chosen: list[Candidate]) -> Extracted:
        numbers: dict[str, int] = {}
        by_n: dict[int, list[Candidate]] = {}
        parts = []
        for c in chosen:
            n = numbers.setdefault(c.passage.id, len(numbers) + 1)
            by_n.setdefault(n, []).append(c)
            parts.append(f"{c.text} [{n}]")
        citations = []
        for n, group in by_n.items():
            p = group[0].passage
            qs, qe = min(c.start for c in group), max(c.end for c in group)
            citations.append(
                Citation(n, p.id, p.source, p.start, p.end, p.text, p.text[qs - p.start : qe - p.start], qs, qe, True)
            )
        return Extracted(" ".join(parts), citations, False, None)

    @staticmethod
    def _abstain(text: str, reason: str) -> Extracted:
        return Extracted(text, [], True, reason)
