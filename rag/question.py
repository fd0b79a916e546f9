"""Question analysis: what kind of fact is asked for, the key terms and named entities (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from rag.text import IRREGULAR, STOPWORDS, stem, tokens, words
from rag.thesaurus import (
    is_a,
    is_a_in_any_sense,
    is_adverb,
    is_common_word,
    is_name,
    is_noun,
    is_plural_noun,
    kinds,
    related_stems,
    verb_bases,
)

QWORDS = frozenset("what which who whom whose when where why how is are was were do does did can could".split())
# Words that carry the question's form, not its topic.
GENERIC = frozenset(
    (
        "name names happen happened many much kind kinds type types sort sorts thing things one ones exactly exact "
        "specific describe described called mean meaning role part year years date month day time number amount new"
    ).split()
)

MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
TIME_WORD = re.compile(rf"(?:{MONTHS}|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
TIME_RE = re.compile(
    rf"\b((?:{MONTHS})\b(?:\s+\d{{1,2}})?|(?:1[89]|20)\d\d\b|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{MONTHS})|"
    r"(?:in|since|until|from|by|around|circa|of|year)\s+1[0-7]\d\d\b|"  # an older year, said as one: "died in 1659"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|tomorrow|tonight|"
    r"(?:last|this|next|earlier this|later this|past|previous|coming)\s+(?:week|month|year|summer|winter|spring|"
    r"fall|autumn|season|decade|century|weekend)|"
    r"since\s+the\s+(?:outset|start|beginning)|as early as|(?:\d+|a|one|two|three|several)\s+(?:days?|weeks?|"
    r"months?|years?|decades?)\s+ago|in the (?:morning|evening|afternoon)|"
    r"(?:\d{1,2}(?::\d\d)?\s*(?:a\.m\.|p\.m\.|am|pm))|"
    r"era\b|century\b|decades?\b)",
    re.I,
)
NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|"
    "eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|"
    "million|millions|billion|billions|dozen|dozens|half|double|triple|twice|percent|several|few|many|no"
)
FIGURE = re.compile(  # a figure counting a noun: "412", "five", "hundreds" - not "many", "no" or "half"
    r"\d[\d,.]*|(?:"
    + "|".join(w for w in NUMBER_WORDS.split("|") if w not in {"many", "few", "several", "no", "half", "percent"})
    + ")",
    re.I,
)

NUMBER_WORD = re.compile(rf"(?:{NUMBER_WORDS})", re.I)
QUANTITY_RE = re.compile(rf"(\d[\d,.]*|\b(?:{NUMBER_WORDS})\b)", re.I)
MONEY_RE = re.compile(
    r"([$€£¥₹₽]\s?\d|\b\d[\d,.]*\s*(?:(?:[A-Z][a-z]+\s+)?(?:dollars?|euros?|pounds?|rubles?|roubles?|yuan|rials?|"
    r"francs?|guilders?|lire|lira|pesos?|yen|rupees?|kronor|krona|kroner|zloty|forints?|dinars?|dirhams?|"
    r"shekels?|baht|ringgit)|usd|eur|gbp|chf)\b|"
    r"\b\d[\d,.]*\s*(?:million|billion|thousand)\b|\b(?:millions|billions) of (?:dollars|euros|pounds|rubles)\b)",
    re.I,
)
MEASURE_RE = re.compile(
    r"\b\d[\d,.]*\s*(?:-?\s*)(?:km|kilometers?|kilometres?|miles?|meters?|metres?|feet|foot|ft|kg|kilograms?|tons?|"
    r"tonnes?|pounds?|lbs?|square|acres?|hectares?|hours?|minutes?|seconds?|days?|weeks?|months?|years?|"
    r"mph|km/h|percent|%)",
    re.I,
)
# A size given against history rather than in units: "its most ambitious expansion … since the Soviet era",
# "the largest strike in decades"
SCALE_RE = re.compile(
    r"\b(?:most|least)\s+[a-z]+|\b(?:largest|biggest|greatest|widest|highest|lowest|smallest|worst|best)\b",
    re.I,
)
GROWTH_WORDS = frozenset(  # a size asked for that may be given against history: the size of a change
    "growth expansion buildup increase rise surge boom escalation ramp upturn spike jump boost push drive "
    "historically historic".split()  # "How big, historically, is…" asks for a size against history ("ramp-up": ramp)
)
SCALE_SINCE = re.compile(r"\bsince\b|\bever\b|\bin\s+(?:history|decades|years|a\s+generation)\b|\bon\s+record\b", re.I)
ROLE_RE = re.compile(
    r"\b(official|officials|spokesperson|spokesman|spokeswoman|minister|president|secretary|director|manager|"
    r"mayor|governor|senator|chief|head|leader|ambassador|delegation|mission|council|government|agency|"
    r"ministry|embassy|company|newspaper|journal|reporter|researchers?|scientists?|team|committee|board|"
    r"police|court|officer|author|founder|architects?|artist|muralist|foundation|residents?|experts?)\b",
    re.I,
)

MEASURE_NOUNS = r"(?:range|distance|speed|size|weight|area|duration|dose|dosage)"

# What a question asks for, and the evidence an answer sentence must hold for it.
SLOT_BY_PATTERN: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\b(what (?:percentage|percent|share|proportion|fraction|portion))\b", re.I), "percent"),
    (
        re.compile(r"\b(how much|what (?:is|was) the (?:price|cost)|price|cost|pay|paid|spend|spent|worth)\b", re.I),
        "money",
    ),
    (
        re.compile(
            # A measure named as what is asked ("what is the range", "its range", "what dose"), not as a topic or a
            # modifier ("a training area", "the short-range system").
            rf"\b(how far|how long|how tall|how high|how big|how large|how heavy|how fast|weigh|"
            rf"square (?:feet|foot|meters?|metres?)|"
            rf"what(?:['’]?s)?\s+(?:(?:is|was|are|were)\s+)?(?:the\s+|its\s+|their\s+)?(?:\w+['’]s\s+)?"
            rf"(?:(?:maximum|minimum|top|total|average|approximate|estimated|effective|exact|full)\s+)?{MEASURE_NOUNS}|"
            rf"(?:its|their|\w+['’]s)\s+(?:maximum\s+|top\s+|total\s+)?{MEASURE_NOUNS}|"
            rf"(?<![\w-]){MEASURE_NOUNS}\s+of\b)\b",
            re.I,
        ),
        "measure",
    ),
    (re.compile(r"\b(how many|what number|number of|how old|age)\b", re.I), "quantity"),
    (re.compile(r"\b(how often|how frequently|what frequency|how regularly)\b", re.I), "frequency"),
    (
        re.compile(
            r"\b(when|(?:what|which) (?:(?:exact|precise|specific|particular) )?(?:year|date|day|month)|what time|"
            r"until|since when|birth year|born)\b",
            re.I,
        ),
        "time",
    ),
    (re.compile(r"\b(address)\b", re.I), "address"),
    (  # "By what route…?", "Through which port or route…?": the way something went, not a place it went to
        re.compile(
            r"\b((?:what|which)\s+(?:[\w-]+\s+)?(?:route|corridor)s?|"
            r"(?:by|via|through)\s+(?:what|which)\s+(?:[\w-]+\s+)?(?:means|ports?)|"
            r"(?:what|which)\s+(?:port|harbou?r)s?\s+or\s+(?:[\w-]+\s+)?route|"
            # "Were they shipped by sea across the Caspian or flown in by cargo plane?": a choice of ways
            r"by\s+(?:sea|air|land|rail|road|ship|plane|truck|train)\b[^?]*?\bor\s+(?:[\w-]+\s+){0,3}?"
            r"(?:by\s+\w+|flown|shipped|trucked|overland|via))\b",
            re.I,
        ),
        "route",
    ),
    (
        re.compile(
            r"\b(where|(?:which|what) (?:\w+ )?(?:city|country|town|place|state|region|location|"
            r"neighbou?rhood|district|venue|base))\b",
            re.I,
        ),
        "place",
    ),
    (
        re.compile(
            r"\b(who|whom|whose|(?:what|which) (?:is|was|are|were) (?:the )?names?|name of|which (?:person|"
            r"official|officials|newspaper|paper|company|agency|country|organization|group|body|minister|leader|"
            r"firm|architects?))\b",
            re.I,
        ),
        "agent",
    ),
    (
        re.compile(
            r"^\s*why\b|\bwhat\s+(?:(?:might|could|may|would)\s+)?(?:(?:have\s+been|be|is|was|were|are)\s+)?"
            r"(?:behind (?:it|this|that|them)|the (?:reason|cause|motive)s? (?:for|of|behind))\b|"
            r"\bwhat\s+(?:caused|prompted|drove|motivated)\b|"
            # "What reason did the paper suggest…?", "what might explain why…?", "WSJ said what about the reason…?"
            r"\bwhat\s+(?:reasons?|causes?|motives?|explanations?)\b|\bwhat\s+(?:might|could|may|would)\s+explain\b|"
            r"\b(?:about|on)\s+the\s+(?:reasons?|causes?|motives?|motivations?)\s+(?:for|of|behind)\b",
            re.I,
        ),
        "reason",
    ),
]
# Verbs too light to say what a question is about ("come from the sun", "make it clear").
LIGHT_VERBS = set("come go get take make put use do have be become keep let seem hold".split())  # "where was it held?"
SPEECH_ASKED = re.compile(
    # (after "According to the article,": what the article says someone said)
    r"^\W*(?:(?:according\s+to|per|in)\s+(?:the|this)\s+(?:article|story|report|piece|text)\W+)?"
    r"what\s+(?:did|does|do|has|have|had|was|is)\s+(.+?)\s+(?:say|said|tell|told|state|claim|argue|write|reply|"
    r"respond|answer|comment)\b(?!\s+to\s+(?:have|be)\b)",  # "What is Iran said to have sent?": reportedly sent
    re.I,
)
SPEECH_SAID = re.compile(
    r"\b(said|says|say|stated|states|stating|told|tells|telling|statement|according to|argued|argues|wrote|writes|"
    r"interview|stressed|warned|warns|noted|notes|added|adds|insisted|urged|urges|announced|announces|replied|"
    r"responded|denied|denies|claimed|claims|explained|called|described|asked|declared|remarked|informed|reported|"
    r"reports)\b|[\"“”]",
    re.I,
)
MODEL_ASKED = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,3}(?:models?|versions?|variants?)\b", re.I)
MODEL_NAME = re.compile(r"\b[A-Z][\w]*-?\d+[\w-]*\b")
LEADING_WH = re.compile(r"^\W*(when|where|why|who|whom)\b", re.I)
YES_NO = re.compile(r"^\s*(do|does|did|is|are|was|were|can|could|will|would|has|have|had|should)\b", re.I)
# "Can you give me a recipe…?" asks for something, not whether it can be given
REQUEST = re.compile(
    r"^\s*(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:give|tell|show|explain|list|name|describe|provide|share|"
    r"summari[sz]e|recommend|suggest|help|find)\b",
    re.I,
)
# Words that only say which kind of fact is wanted; they are not what the question is about.
SLOT_WORDS = {
    "money": {"money", "cost", "price", "pay", "paid", "spend", "spent", "worth", "much", "dollar", "fund"},
    "percent": {"percentage", "percent", "share", "proportion", "fraction", "portion", "part", "much"},
    "quantity": {"many", "number", "much", "old", "age"},
    "frequency": {"often", "frequently", "frequency", "regularly"},
    "speech": {
        "say",
        "said",
        "tell",
        "told",
        "state",
        "claim",
        "argue",
        "write",
        "reply",
        "respond",
        "answer",
        "comment",
    },
    "model": {"model", "models", "version", "versions", "variant", "variants"},
    "reason": {"reason", "reasons", "cause", "causes", "motive", "motives", "explain", "explanation", "explanations"},
    "time": {"when", "year", "date", "day", "month", "time"},
    "address": {"address", "street", "located", "location"},
    "route": {"route", "corridor", "means"},
    "place": {"where", "city", "country", "town", "place", "state", "region", "location", "located"},
    "measure": {
        "far",
        "range",
        "distance",
        "long",
        "tall",
        "high",
        "big",
        "large",
        "heavy",
        "fast",
        "speed",
        "size",
        "weigh",
        "weight",
        "area",
        "duration",
        "square",
        "dose",
        "dosage",
    },
}
UNIT_FAMILIES = {
    "distance": (r"how far|range|distance", r"km|kilomet(?:er|re)s?|miles?|meters?|metres?|feet|foot|ft|yards?"),
    "area": (
        r"square|area|acre|hectare",
        r"square\s+(?:feet|foot|meters?|metres?|miles?|kilomet(?:er|re)s?)|"
        r"sq\.?\s*(?:ft|m)|acres?|hectares?",
    ),
    "duration": (
        r"duration|how long (?:did|does|do|will|would|could|might|can|has|have|had)\b",
        r"seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?",
    ),
    # "How long is the line?" asks for a length, "How long is the wait?" for a time: either answers.
    "length": (
        r"how long",
        r"km|kilomet(?:er|re)s?|miles?|meters?|metres?|feet|foot|ft|yards?|seconds?|minutes?|hours?|days?|weeks?|"
        r"months?|years?|decades?",
    ),
    "weight": (r"heavy|weigh", r"kg|kilograms?|grams?|tons?|tonnes?|pounds?|lbs?"),
    "height": (r"tall|high|height", r"meters?|metres?|feet|foot|ft|stor(?:ey|y|ies)"),
    "speed": (r"fast|speed", r"mph|km/h|kph|knots?|miles per hour|kilomet(?:er|re)s per hour|mach"),
    "dose": (
        r"dose|dosage",
        r"mg|milligrams?|micrograms?|mcg|µg|ml|millilit(?:er|re)s?|grams?|g|units?|iu|tablets?|pills?",
    ),
}


@dataclass
class QuestionInfo:
    """What the question asks for."""

    text: str
    slot: str  # money | measure | quantity | time | place | agent | reason | other
    terms: list[str]  # stemmed content words, question words and generic words removed
    entities: list[str]  # capitalised names as written
    weights: dict[str, float] = field(default_factory=dict)  # per term, 1.0 unless from context
    unit: str | None = None  # for measure questions: distance, area, duration, weight, height, speed
    previous: list[str] = field(default_factory=list)  # sentences quoted in the answer this follows up on
    bare: bool = False  # a follow-up with nothing of its own to look for ("And now?")
    recent: list[str] = field(default_factory=list)  # sentences the last answer quoted, for a question of its own

    def focus_terms(self) -> list[str]:
        """The question's own terms minus the words that only name the kind of fact asked for."""
        skip = {stem(w) for w in SLOT_WORDS.get(self.slot, set()) | LIGHT_VERBS}
        # "going on strike", "has gone": a light verb in any form
        skip |= {stem(w) for w in words(self.text) if any(b in LIGHT_VERBS for b in verb_bases(w))}
        if re.search(r"\b(?:take|takes|took|taken|taking)\s+place\b", self.text, re.I):
            skip.add(stem("place"))  # "took place": happened
        return [t for t in self.terms if self.weights.get(t, 0) >= 1.0 and t not in skip]

    def framing_terms(self) -> set[str]:
        """Words framing the question ("is expected to open"): they may be said ("expects … 250,000 visits") but
        need not be ("postponed until March")."""
        return {stem(m.group(1).lower()) for m in FRAMING.finditer(self.text)}

    def own(self) -> QuestionInfo:
        """The question with only its own words: not those a follow-up borrowed from earlier turns."""
        own = [t for t in self.terms if self.weights[t] >= 1.0]
        return self if len(own) == len(self.terms) else self.only(own)

    def only(self, terms: list[str]) -> QuestionInfo:
        """The same question weighed on these terms alone, each in full."""
        return QuestionInfo(self.text, self.slot, terms, self.entities, {t: 1.0 for t in terms}, self.unit)


# "How did Iran respond to the reports?", "What was Moscow's reaction?": what the one named said or did about it
REACTION_ASKED = re.compile(
    # not a reaction threatened, promised or supposed: "How did the G7 threaten to react if…?", "… it would respond"
    r"\bhow\s+(?:did|does|do|has|have|is|are|was|were)\s+(.+?)(?<!\bto)(?<!\bwould)(?<!\bwill)(?<!\bcould)(?<!\bmight)\s+"
    r"(?:respond|react|repl(?:y|ie)|answer)(?:s|ed|d|ing)?\b|"
    # "What's Iran's official response?"
    r"\bwhat(?:\s+(?:was|is|has\s+been)|['’]s)\s+(.+?)['’]s?\s+(?:(?:official|formal|first|initial)\s+)?"
    r"(?:response|reaction|reply|answer)\b|"
    r"^\W*(?:has|have|did)\s+(.+?)\s+(?:respond|react|repl(?:y|ie)|answer)(?:s|ed|d)?\b|"  # "Has Iran responded?"
    # "What has Iran said about the reports?": its reply to them
    r"^\W*what\s+(?:has|have|did)\s+(.+?)\s+(?:said|say)\s+(?:about|of|to)\s+(?:the|these|those)\s+"
    r"(?:reports?|allegations?|accusations?|claims?)\b",
    re.I,
)


def reaction_words(question: str) -> set[str]:
    """The word asking for a reaction ("respond", "reaction"): it names what is asked for, not what the answer says."""
    m = REACTION_ASKED.search(question)
    if not m:
        return set()
    # (each way of asking holds one group, the party: the words after it ask for the reaction)
    return set(words(question[m.end(m.lastindex or 0) : m.end()])) - {"s"}  # "official response", not "Iran's"


FRAMING = re.compile(r"\b(expected|supposed|scheduled|slated|due|set|planned|meant|going|likely)\s+to\b", re.I)
HOW_WORD = re.compile(
    r"\bhow\s+(long|far|big|large|tall|high|old|often|soon|fast|heavy|much|many)(?:\s+(?:away|ago|back|off)\b)?", re.I
)
HEDGES = frozenset(  # not topics
    "might may must shall ought perhaps maybe since already ever yet still anyone anybody someone somebody "
    "everyone everybody anything something nothing nobody else instead".split()
)
# Words that open a question without naming anything ("Per an anonymous source, …").
LEAD_INS = frozenset(
    {"per", "via", "amid", "despite", "regarding", "concerning", "according", "besides", "apart", "aside"}
)
# "who" after a noun opens a relative clause ("a source who spoke to CNN"), it asks for nobody.
RELATIVE_WHO = re.compile(r"\b(?!(?:and|or|but|of|to|by|with|from|for|about|than|as|is|was|are|were)\b)[a-z]+\s+who\b")


def entities_in(text: str) -> list[str]:
    """Capitalised word sequences (names), skipping a sentence's first word when it is a common word."""
    found: list[str] = []
    for m in re.finditer(r"(?:[A-Z][\w'’-]*|[A-Z]{2,})(?:\s+(?:of\s+the\s+|of\s+|the\s+)?(?:[A-Z][\w'’-]*))*", text):
        phrase = m.group(0).strip()
        first = re.sub(r"['’]s$", "", phrase.split()[0].lower())  # "Iran's" → "iran"; "Has" stays "has"
        at_start = (
            m.start() == 0
            or re.match(r"[\s\"“(]*$", text[: m.start()][-3:] or "") is not None
            and (m.start() == 0 or text[: m.start()].rstrip()[-1:] in '.?!"“')
        )
        if first in QWORDS or first in STOPWORDS:
            rest = phrase.split()[1:]
            if not rest:
                continue
            phrase = " ".join(rest)
        elif (
            at_start
            and len(phrase.split()) == 1
            and (
                phrase.lower() in STOPWORDS
                or phrase.lower() in LEAD_INS
                or phrase.lower() in HEDGES  # "Since when?"
                or NUMBER_WORD.fullmatch(phrase)
                or is_adverb(phrase)  # "Roughly how many…", "Therefore, not only does Iran…"
                or (phrase.endswith("s") and is_plural_noun(phrase))  # "Cracks were only found…"
                or (phrase.endswith("ing") and bool(verb_bases(phrase)))  # "Starting when?"
            )
        ):
            continue  # "Two night-shift workers were treated…": no name
        for part in re.split(r"['’]s\s+|['’]s$", phrase):
            part = re.sub(r"^(?:the|a|an)\s+", "", part.strip(), flags=re.I)
            if part and part not in found and part.lower() not in STOPWORDS:
                found.append(part)
    return found


MONEY_NOUN = re.compile(
    r"\b(?:fine|penalty|cost|price|bill|budget|salary|fee|payment|settlement|compensation|damages|loan|grant|"
    r"funding|debt|profit|revenue|loss|bonus|wage|tax|tariff)s?\b",
    re.I,
)
MONEY_AS_TOPIC = re.compile(
    r"\b(?:regarding|about|concerning|over|on)\s+(?:the\s+|its\s+|their\s+)?(?:[\w-]+(?:'s|’s)?\s+){0,2}"
    r"(?:price|prices|pricing|cost|costs)\b",
    re.I,
)
SETTING_ASIDE = r"apart from|aside from|besides|other than|except(?: for)?|excluding|not counting"
EXCLUDED = re.compile(  # up to a comma or the end, or a verb going on with the question ("besides Iran has sent")
    rf"\b(?:{SETTING_ASIDE})\s+"
    r"([^,?;]{1,40}?)(?:\s*(?:,|\?|;|$)|\s+(?=(?:has|have|had|is|are|was|were|did|does|do|will|would|could|can)\b))",
    re.I,
)


# "What had Iran provided before the ballistic missiles?": not the missiles (a thing, not a time, set aside).
BEFORE_THING = re.compile(r"\b(?:before|prior to)\s+(?:the|these|those|any)\s+([^,?;]{1,40}?)\s*(?:,|\?|;|$)", re.I)


# "Has any country other than Iran…?" (not "anyone": who else, if any, is asked in other words)
ANY_OTHER = re.compile(rf"\b(?:any|another)\s+(?!one\b|body\b|thing\b)[a-z]+\s+(?:{SETTING_ASIDE})\s", re.I)
# "Is Iran the only country helping Russia?" asks for the others
ONLY_ONE = re.compile(r"^\W*(?i:is|was|are|were)\s+((?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)\s+the\s+only\b")
SET_ASIDE_NAME = re.compile(rf"\b(?i:{SETTING_ASIDE})\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")


def without_set_aside(text: str) -> str:
    """The question without the names it sets aside: "Has Russia got weapons from anyone besides Iran?" and "Is Iran
    the only country helping Russia?" look for the others, not for Iran."""
    text = SET_ASIDE_NAME.sub("", text)
    only = ONLY_ONE.match(text)
    return text[: only.start(1)] + text[only.end(1) :] if only else text


def excluded_words(question: str) -> set[str]:
    """Words the question sets aside ("Apart from Tehran, which …"): the answer is something else."""
    found = list(ONLY_ONE.finditer(question)) + _before_things(question)
    aside = {w for m in found for w in words(m.group(0))}
    for m in EXCLUDED.finditer(question):
        # a name set aside ends where the name does: "other than Iran sent missiles to Russia" sets Iran aside
        name = re.match(r"(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*", m.group(1))
        aside |= set(words(question[m.start() : m.start(1)] + (name.group(0) if name else m.group(1))))
    return aside


def without_before(question: str) -> str:
    """The question without the thing its answer came before: "Before any missiles, how many drones…?" """
    for m in reversed(_before_things(question)):
        question = question[: m.start()] + question[m.end() :]
    return question


def _before_things(question: str) -> list[re.Match[str]]:
    """ "… before the missiles": a thing the answer came before, of the kind asked for or, with no kind asked, a
    made thing (not "before the summit"); none in a question asking when."""
    if re.match(r"^\W*(?:when|how long|until when|since when)\b", question, re.I):
        return []
    kind = asked_kind(question)  # only something of the kind asked for: "what weapons … before the missiles"
    return [
        m
        for m in BEFORE_THING.finditer(question)
        if not TIME_RE.search(m.group(1))
        and (is_a(words(m.group(1))[-1], kind) if kind else "artifact" in kinds(words(m.group(1))[-1], 6))
    ]


# Phrases whose wh-word asks for nothing: "when it comes to arming them" is "about arming them".
NOT_ASKING = re.compile(r"\bwhen it comes to\b", re.I)
# "when" opening a clause after the question proper: "What position did Shoigu hold when he visited Iran?"
CLAUSE_WHEN = re.compile(
    r"^\W*(?:what|which)\s+(?!(?:year|date|day|month|time|hour)s?\b)\w+\b.*?\b(\w+)\s+(when)\s+"
    r"(?:he|she|they|it|we|you|i|[A-Z][\w'’-]*)\s",
    re.I,
)
SAYING_WHEN = frozenset("about on of as know known say said says tell told ask asked unclear clear sure".split())
# "What does the article say X signifies?" asks what X signifies, not what someone said.
THE_TEXT = re.compile(r"^(?:the\s+)?(?:article|report|story|piece|text|author|writer)$", re.I)


ORDER = frozenset({"first"})


def order_adverbs(question: str) -> set[str]:
    """ "first" saying who did something before others ("Who first reported it?", "Who reported it first?"): whoever
    broke the news did, in whatever words; it is no topic a sentence must share."""
    ws = words(question)
    found = {a for a, b in zip(ws, ws[1:], strict=False) if a in ORDER and verb_bases(b) and not is_noun(b, True)}
    if len(ws) > 2 and ws[-1] in ORDER and is_noun(ws[-2], True):  # "… the delivery first?"
        found.add(ws[-1])
    return found


SPOKE_FOR = re.compile(
    r"\bwho\s+(?:spoke|speaks|talked|talks|is speaking|commented|comments|responded)\s+(?:for|on behalf of)\b", re.I
)


# "Summarize the article", "What is this story about?", "Give me the gist": the article as a whole
OVERVIEW = re.compile(
    r"\bsummar(?:y|ise|ize|ising|izing)\b|\boverview\b|\bgist\b|\btl;?\s?dr\b|\brundown\b|\brecap\b|"
    r"\bmain (?:points?|ideas?|story|news|takeaways?)\b|\bkey (?:points|takeaways)\b|"
    r"^\W*what(?:['’]s| is| was)\s+(?:the|this)\s+(?:article|story|piece|report|news)\s+(?:about|saying)\W*$",
    re.I,
)


OVERVIEW_WORDS = frozenset(
    "summary summarise summarize summarising summarizing overview gist tl dr tldr rundown recap main key point points "
    "idea ideas takeaway takeaways story news article piece report quick quickly short brief briefly give provide "
    "you me us please can could would".split()
)


def asks_overview(question: str) -> bool:
    """A request for the article as a whole, and for nothing in particular ("As a student summarizing the piece,
    what did the G7 threaten?" asks what the G7 threatened)."""
    return bool(OVERVIEW.search(question)) and all(
        w in STOPWORDS or w in QWORDS or w in OVERVIEW_WORDS for w in words(question)
    )


def truecase(question: str, names: Sequence[str] = ()) -> str:
    """A question typed in lower case with its names capitalised as the articles write them ("who founded cnn" →
    "who founded CNN") or as WordNet knows them ("france"); a question with capitals of its own is left as typed."""
    if any(ch.isupper() for ch in question[1:]):
        return question
    cased: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):  # a name in several words whole: "national security council"
        if " " in name and re.search(rf"\b{re.escape(name.lower())}\b", question):
            question = re.sub(rf"\b{re.escape(name.lower())}\b", name.replace("\\", r"\\"), question)
        for w in name.split():
            # (letters the article writes in capitals name something, though WordNet knows them: "nato", "cnn")
            acronym = w.isupper() and 3 <= len(w) <= 5
            if w[:1].isupper() and (acronym or not is_common_word(w.lower())) and w.lower() not in STOPWORDS:
                cased.setdefault(w.lower(), w)
        initials = "".join(w[0] for w in name.split() if w[:1].isupper())
        known = len(initials) >= 2 and tuple(tokens(name)) in related_stems(initials.lower(), True)
        if (  # "wsj": the Wall Street Journal's initials
            (len(initials) >= 3 or known)  # "un" only as WordNet's initials of the United Nations
            and len(initials) == len(name.split())
            and initials.lower() not in STOPWORDS
            and initials.lower() != "us"  # "tell us": in lower case, the pronoun
            # not a word of its own ("can"), unless WordNet knows it as these initials ("nsc")
            and (not is_common_word(initials.lower()) or known)
        ):
            cased.setdefault(initials.lower(), initials)

    def case(m: re.Match[str]) -> str:
        w, s = m.group(0), ""
        if w.endswith(("'s", "’s")):  # "iran's" → "Iran's"
            w, s = w[:-2], w[-2:]
        if w in cased:
            return cased[w] + s
        if len(w) > 2 and w not in STOPWORDS and is_name(w):
            return w.capitalize() + s
        return w + s

    return re.sub(r"(?<![\w'’])[a-z][a-z0-9'’-]*", case, question)


def analyse(question: str, context_terms: list[str] | None = None) -> QuestionInfo:
    """Slot, key terms (with context terms from earlier turns at half weight) and entities of a question."""
    question = SPOKE_FOR.sub("who is the spokesperson for", question)  # "Who spoke for the regulator?"
    if asks_overview(question) and not context_terms:
        return QuestionInfo(question, "overview", [], [], {}, None)
    slot = "other"
    asked = RELATIVE_WHO.sub(lambda m: m.group(0)[:-3] + "that", NOT_ASKING.sub("about", question))
    clause = CLAUSE_WHEN.match(asked)  # "What position did he hold when he went there?" asks for a position
    if clause and clause.group(1).lower() not in SAYING_WHEN:
        asked = asked[: clause.start(2)] + "while" + asked[clause.end(2) :]
    lead = LEADING_WH.match(asked)
    if lead:  # "When did the close-range talks begin?" asks for a time, whatever words follow
        slot = {"when": "time", "where": "place", "why": "reason", "who": "agent", "whom": "agent"}[
            lead.group(1).lower()
        ]
    else:  # the kind asked first: "Which city did he visit when he saw them?" asks for a place
        found = [(m.start(), i, name) for i, (p, name) in enumerate(SLOT_BY_PATTERN) if (m := p.search(asked))]
        said = SPEECH_ASKED.search(question)  # "What did she say about when it might reopen?" asks what she said
        if said and not THE_TEXT.match(said.group(1)):
            found.append((said.end(1), -1, "speech"))
        if found:
            slot = min(found)[2]
    if slot == "measure" and re.search(r"\bhow (?:far back|long ago)\b", question, re.I):
        slot = "time"  # "How far back do the talks go?" asks since when; "How long ago…?" asks when
    if slot == "other" and re.search(
        rf"^\W*what\s+(?:is|was|are|were)\s+(?:the\s+|its\s+|their\s+|\w+['’]s\s+)(?:[\w-]+\s+)?{MONEY_NOUN.pattern}",
        question,
        re.I,
    ):
        slot = "money"  # "What was Northwind's annual revenue?" asks for a sum
    if slot == "money" and re.search(
        r"\bhow much\s+(?:[a-z]+er|more|less|longer|further|farther)\s+than\b", question, re.I
    ):
        slot = "measure"  # "How much warmer than normal was March?" asks for a difference, not a sum
    if slot == "measure" and MONEY_NOUN.search(question):
        slot = "money"  # "How big was the fine?" asks for an amount of money
    if slot == "money" and MONEY_AS_TOPIC.search(question) and not re.search(r"\bhow much\b", question, re.I):
        slot = "other"  # "What did they hope for regarding the price?" asks what they hoped, not an amount
    much = re.search(
        r"\bhow much\s+(?:[a-z-]+\s+)?([a-z-]+)\s+(?:did|does|do|was|is|were|are|has|have|had|will|would)\b",
        question,
        re.I,
    )
    if (
        slot == "money"
        and much
        and not MONEY_NOUN.search(question)
        and not re.search(r"\b(?:money|cash|funds?|dollars?|euros?|pounds?)\b", much.group(0), re.I)
    ):
        slot = "other"  # "How much advance warning did the union give?" asks for no sum of money
    if (
        slot == "money"
        and re.search(r"\bhow much\s+(?:got|gets|was|were|is|are|has|have|had)\b", question, re.I)
        and not MONEY_NOUN.search(question)
        and not re.search(r"\b(?:pay|paid|spend|spent|worth|costs?|price|money|cash|funds?|charged?)\b", question, re.I)
    ):
        slot = "quantity"  # "How much got handed out in the first week?" asks for an amount, in any unit
    if re.search(r"\bnames?\s+of\b", question, re.I) and slot in ("other", "place", "time"):
        slot = "agent"  # "the name of the conference where…" asks for a name, not a place
    if slot in ("other", "agent", "place") and asks_person(question):
        slot = "person"
    if slot == "other" and names_kind(question):
        slot = "agent"  # "Which Chinese companies…", "from which port…": the answer is a name
    speech = SPEECH_ASKED.search(question)
    if slot == "other" and speech and not THE_TEXT.match(speech.group(1)):
        slot = "speech"
    if slot == "other" and MODEL_ASKED.search(question):
        slot = "model"
    if YES_NO.match(question) and not REQUEST.match(question) and slot not in ("time", "place", "address", "route"):
        slot = "yesno"
    if slot == "yesno" and ANY_OTHER.search(question):
        slot = "agent"  # "Has any country other than Iran sent missiles?" asks which one
    unit = None
    if slot == "measure":
        # "How long has Moscow been trying to get short-range rockets?" asks for a time, whatever else it names
        duration = re.search(UNIT_FAMILIES["duration"][0], question, re.I)
        for family, (asks, _units) in UNIT_FAMILIES.items():
            if (family == "duration" or not duration) and re.search(asks, question, re.I):
                unit = family
                break
    # "What might be behind the delivery?", "… say was behind it?" ask why; "What was behind the door?" does not
    behind = re.search(
        r"\b(?:might|could|may|would|must)\s+(?:have\s+been|be|lie|have\s+lain)\s+behind\b|"
        r"\b(?:lies?|lay)\s+behind\b|\bbehind\s+(?:it|this|that|them)\b|\b(?:reasons?|causes?|motives?)\s+behind\b",
        question,
        re.I,
    )
    if behind and slot == "other":
        slot = "reason"
    terms: list[str] = []
    aside = excluded_words(question) | order_adverbs(question) | ({"behind", "lie", "lies", "lay"} if behind else set())
    aside |= reaction_words(question)
    # "how long" asks for a length, not "long"; "how far away" for a distance, not "away"
    how = {w for m in HOW_WORD.finditer(question) for w in words(m.group(0))}
    how |= {w for m in RATE_ASKED.finditer(question) for w in words(m.group(0))}  # "per year" asks for a rate
    for w in words(asked):
        if w in STOPWORDS or w in QWORDS or w in GENERIC or w in aside or w in HEDGES or w in how:
            continue
        t = stem(w)
        if t not in terms:
            terms.append(t)
    weights = {t: 1.0 for t in terms}
    if context_terms:
        back_off(weights, question)
    for t in context_terms or []:
        if t not in weights:
            weights[t] = 0.5
            terms.append(t)
    entities = [e for e in entities_in(question) if not set(words(e)) <= aside]
    return QuestionInfo(question, slot, terms, entities, weights, unit)


def back_off(weights: dict[str, float], question: str) -> None:
    """Halve the weight of what a follow-up points back to ("Where did he make that point?", "How long has he been
    doing that job?"): the point is the one made before, not a new topic."""
    for m in re.finditer(r"\b(?:that|this|these|those)\s+([a-z]+)\b", question, re.I):
        t = stem(m.group(1).lower())
        if weights.get(t, 0.0) >= 1.0:
            weights[t] = 0.5


PERSON_ROLES = (
    "spokesperson|spokesman|spokeswoman|ambassador|reporter|journalist|correspondent|minister|president|"
    "secretary|official|director|manager|mayor|governor|senator|author|founder|successor|replaced|replace|"
    "chief|leader|head|envoy|diplomat|commander|general|architect|artist|muralist|librarian|donor|person|man|woman|"
    "teacher|schoolteacher|professor|doctor|physician|nurse|neurologist|surgeon|scientist|researcher|investigator|"
    "lawyer|attorney|judge|prosecutor|engineer|student|coach|player|chairman|chairwoman|chairperson|executive|ceo|"
    "founder|owner|granddaughter|grandson|daughter|son|wife|husband|widow|mother|father"
)
PERSON_ROLE_RE = re.compile(rf"\b({PERSON_ROLES})\b", re.I)
# Nouns for a person that are not a role: "Which senior figure toured the sites?", "which individual…"
PEOPLE_ASKED = re.compile(r"\b(?:figures?|individuals?|personalit(?:y|ies)|politicians?|lawmakers?)\b", re.I)
ROLE_WORDS = f"(?:{PERSON_ROLES})s?"
ORG_WORDS = frozenset(
    "council mission nations journal street group guard guards corps ministry embassy union security defense defence "
    "republic revolutionary islamic contact states kingdom house office department agency committee foundation "
    "library city county board university company bank times post news network press court party army navy force "
    "forces summit summits era war college institute school hospital clinic centre center network inc ltd corp "
    "pharmaceuticals pharma labs laboratories group north south east west new united russian iranian ukrainian "
    "american chinese british german french air airways airlines airline airport holdings association directorate "
    "authority commission administration service services systems industries motors energy partners capital media "
    "aerospace aviation logistics valley bay river lake park island islands district province region station hall "
    "square road avenue bridge".split()
)


def person_names(sentence: str) -> list[str]:
    """Names that look like a person's: the last two or three capitalised words of a name, titles dropped."""
    names = []
    for e in entities_in(sentence):
        parts = re.sub(r"^[a-z]+-", "", e).split()
        if parts and TIME_WORD.fullmatch(parts[-1]):
            continue  # "Last December" is a time
        tail: list[str] = []
        for p in reversed(parts):
            low = p.lower().strip("'’")
            if (
                low in ORG_WORDS
                or PERSON_ROLE_RE.fullmatch(low)
                or not p[:1].isupper()
                or low in STOPWORDS
                or "-" in p
                or p.isupper()
            ):
                break
            tail.insert(0, p)
        if 2 <= len(tail) <= 3:
            names.append(" ".join(tail))
    return names


# Adverbs that end the noun phrase after which/what: "Which paper first reported it?"
PHRASE_ENDS = {"first", "last", "also", "then", "later", "ever", "once", "still", "already", "recently", "just", "only"}


def ends_noun_phrase(word: str) -> bool:
    """A word a noun phrase does not go past: a small word, a verb form ("had", "reported") or "first"."""
    w = word.lower()
    return w in STOPWORDS or w in IRREGULAR or w in PHRASE_ENDS or (w.endswith("ed") and len(w) > 4)


def asked_phrase(question: str) -> list[str]:
    """The words after which/what up to the verb (an auxiliary, a past form) or a small word: "news organization"."""
    m = re.match(r"^\s*(?:which|what)\s+(.*)", question, re.I) or re.match(
        r"^\s*(?:from|in|at|to|for|by|with|on|into|through)\s+(?:which|what)\s+(.*)", question, re.I
    )
    if not m:
        return []
    phrase: list[str] = []
    clause = re.split(r"[,;:()]", m.group(m.lastindex or 1))[0]  # "Which Asian nation, besides Iran, …"
    ws = words(clause)[:5]
    for i, word in enumerate(ws):
        if (ends_noun_phrase(word) and not _compound_with_next(ws, i)) or word.lower() in SETS_ASIDE:
            break  # "which country besides Iran…": a country
        phrase.append(word)
    return phrase


def _compound_with_next(ws: list[str], i: int) -> bool:
    """A past form that is one noun with the word after it: "armed force(s)", "elected official"."""
    if not (ws[i].lower().endswith("ed") and i + 1 < len(ws)):
        return False
    after = ws[i + 1].lower()
    return any(is_noun(f"{ws[i].lower()}_{n}", strict=True) for n in {after, after + "s", after.removesuffix("s")})


SETS_ASIDE = frozenset("besides apart aside except excluding including like".split())


def asked_kind(question: str) -> str | None:
    """The noun in "which paper…", "which elite Iranian military force put…": the kind of thing the answer names.

    It is the last word of :func:`asked_phrase`.
    """
    phrase = asked_phrase(question)
    if not phrase:
        return None
    word = phrase[-1]
    if word in {"kind", "kinds", "type", "types", "sort", "sorts", "one", "ones", "else", "other", "exactly"}:
        return None
    return _whole_of(question, word) or word


PARTS = frozenset("branch part arm wing unit division section".split()) | frozenset(
    "branches parts arms wings units divisions sections".split()
)


def _whole_of(question: str, word: str) -> str | None:
    """The whole a part is asked of: "which branch of Iran's armed forces" names a force, as the answer does."""
    if word not in PARTS:
        return None
    m = re.search(rf"\b{word}\s+of\s+(?:the\s+|its\s+|their\s+|his\s+|her\s+|[\w-]+['’]s\s+)?(.*)", question, re.I)
    if not m:
        return None
    head = None
    for i, w in enumerate(words(re.split(r"[,;:()?]", m.group(1))[0])[:4]):
        if ends_noun_phrase(w) and not (i == 0 and w.endswith("ed")):  # "armed forces"
            break
        if i and w.endswith("s") and verb_bases(w) and not is_plural_noun(w):  # "… armed forces owns those …"
            break
        head = w
    return head


def kind_name(question: str) -> str | None:
    """The asked kind with the word before it when WordNet knows the two as one: "Asian nation", "news agency"."""
    from rag.thesaurus import is_noun

    phrase = asked_phrase(question)
    if len(phrase) >= 2 and asked_kind(question) == phrase[-1] and is_noun("_".join(phrase[-2:]), strict=True):
        return " ".join(phrase[-2:])
    return None


# What WordNet says a noun is, when things of that kind go by names: companies, places, groups, people.
NAMED_KINDS = (
    "organization",
    "social group",
    "location",
    "region",
    "institution",
    "establishment",
    "facility",
    "installation",
    "person",
)


def names_kind(question: str) -> bool:
    """A which-question whose noun is a kind of thing known by name ("Which Chinese companies…", "which port")."""
    kind = asked_kind(question) if re.search(r"\bwhich\b", question, re.I) else None
    if kind is None:
        return False
    if any(k in kinds(kind, 6) for k in NAMED_KINDS):
        return True
    # "which branch of Tehran's armed forces": a part of a body of people (in any sense of the word) is a unit of it,
    # known by name; "which branch of the tree" is not
    part = asked_phrase(question)[-1]
    return part in PARTS and part != kind and is_a_in_any_sense(kind, "social group")


def asks_person(question: str) -> bool:
    """A who-question about a role ("Who is the spokesperson…", "name of the reporter", "which official…").

    "Which outlet did the official tell?" asks for an outlet: after which/what, the role must be what is asked for.
    """
    if not PERSON_ROLE_RE.search(question) and not PEOPLE_ASKED.search(question):
        return False
    question = RELATIVE_WHO.sub(lambda m: m.group(0)[:-3] + "that", question)  # "a source who spoke": no who-question
    named = re.search(r"\bnames?\s+of\s+(?:the\s+|a\s+|an\s+|this\s+|that\s+)?([\w-]+)", question, re.I)
    if named and not re.search(r"\b(who|whom|whose)\b", question, re.I):
        # "the name of the gathering where the president spoke" asks for a gathering
        noun = named.group(1).lower()
        return bool(PERSON_ROLE_RE.fullmatch(noun) or PERSON_ROLE_RE.fullmatch(noun.removesuffix("s")))
    if re.search(r"\b(who|whom|whose|name)\b", question, re.I):
        return True
    kind = asked_kind(question)
    return bool(re.search(r"\bwhich\b", question, re.I)) and (
        kind is None or bool(PERSON_ROLE_RE.fullmatch(kind) or PEOPLE_ASKED.fullmatch(kind))
    )


COUNT_COMPOUND = re.compile(rf"\b(\d[\d,.]*|{NUMBER_WORDS})-(?=[a-z])", re.I)


def unhyphen_counts(text: str) -> str:
    """ "a 412-bed hospital", "a five-day strike": the figure counts the noun it is joined to."""
    return COUNT_COMPOUND.sub(r"\1 ", text)


def quantity_near(sentence: str, terms: list[str], window: int = 4) -> bool:
    """A number next to one of the question's terms ("hundreds of drones", "a collection of 42,000")."""
    from rag.text import stem

    ws = re.findall(r"[\w$€£%.,-]+", unhyphen_counts(sentence))
    stems = [stem(w.lower().strip(".,")) for w in ws]
    for i, w in enumerate(ws):
        if QUANTITY_RE.fullmatch(w.strip(".,")) or re.fullmatch(r"\d[\d,.]*", w.strip(".,")):
            if any(s in terms for s in stems[i + 1 : i + 1 + window] + stems[max(0, i - 3) : i]):
                return True
    return False


# The way something went: "via the Caspian Sea", "by air", "shipped through the port of Astrakhan"
ROUTE_RE = re.compile(
    r"\b(?:via|routes?|routed|corridors?|ports?|harbou?rs?|overland|"
    r"by\s+(?:sea|air|land|rail|road|ship|plane|truck|ferry|train|boat)|"
    r"(?:shipped|flown|trucked|ferried|transported|smuggled|moved|delivered)\s+(?:[\w-]+\s+){0,3}"
    r"(?:through|across|over|via))\b",
    re.I,
)
ADDRESS_RE = re.compile(
    r"\b\d{1,5}\s+(?:[A-Z][\w'-]*\s+){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Boulevard|Blvd\.?|Lane|Ln\.?|"
    r"Drive|Dr\.?|Way|Place|Pl\.?|Square|Court|Ct\.?|Parkway|Highway|Terrace)\b"
)
PERCENT_RE = re.compile(
    r"(\d[\d.,]*\s*(?:percent|per cent|%)|\b(?:half|a third|two[- ]thirds|a quarter|"
    r"three[- ]quarters|majority|minority)\b)",
    re.I,
)


RATE_ASKED = re.compile(r"\b(?:per|a|each|every)\s+(second|minute|hour|day|week|month|year)\b", re.I)


PERIOD_ADJECTIVE = {
    "second": "",
    "minute": "",
    "hour": "hourly",
    "day": "daily",
    "week": "weekly",
    "month": "monthly",
    "year": "annual|annually|yearly|per annum",
}
PERIOD_ABBREV = {
    "second": "s",
    "minute": "min",
    "hour": "h|hr",
    "day": "day|d",
    "week": "week|wk",
    "month": "month",
    "year": "year|yr",
}


def has_rate(question: str, sentence: str) -> bool:
    """A rate question ("how many per month") needs a rate over the same period in the answer: "18 million dollars
    each day" is no answer to how much someone earns per hour."""
    m = RATE_ASKED.search(question)
    if not m:
        return True
    period = m.group(1).lower()
    alternatives = [rf"\b(?:per|a|each|every|an)\s+{period}\b", rf"/\s?(?:{PERIOD_ABBREV[period]})\b"]
    if PERIOD_ADJECTIVE[period]:
        alternatives.append(rf"\b(?:{PERIOD_ADJECTIVE[period]})\b")
    return bool(re.search("|".join(alternatives), sentence, re.I))


FREQUENCY_RE = re.compile(
    r"\b(daily|weekly|monthly|annually|yearly|hourly|once|twice|thrice|every|each (?:day|week|month|year)|"
    r"(?:a|per) (?:day|week|month|year|hour)|times (?:a|per))\b",
    re.I,
)


# "It's unclear when exactly the missiles were delivered" answers "When did they arrive?": the article speaks to it.
UNKNOWN_RE = re.compile(
    r"\b(?:unclear|not clear|unknown|not known|uncertain)\s+(when|where|who|how many|how much|how long|why)\b|"
    # "How long the plant will remain closed is not yet known."
    r"\b(when|where|who|how many|how much|how long|why)\b[^.;]*?\b(?:is|are|was|were|remains?)\s+"
    r"(?:(?:still|also)\s+)?(?:not\s+(?:yet\s+)?(?:known|clear)|unclear|unknown)\b",
    re.I,
)
UNKNOWN_WH = {
    "time": "when",
    "place": "where",
    "person": "who",
    "agent": "who",
    "quantity": "how many",
    "money": "how much",
    "reason": "why",
    "measure": "how long",
}
UNNAMED_RE = re.compile(
    r"\b(?:unnamed|anonymous|unidentified)\s+(?:[a-z]+\s+)?(?:officials?|sources?|diplomats?|officers?|persons?|"
    r"people|spokes\w+|aides?|employees?|staff|members?|witness(?:es)?|residents?)\b",
    re.I,
)


SITES = "area|base|site|facility|field|range|camp|compound|port|airport|airfield|depot|plant|factory|complex|zone"


def scale_against_history(question_words: list[str], sentence: str) -> bool:
    """A question on the size of a change ("How big is the ramp-up?") and a sentence giving it against history."""
    asked = set(question_words) | {stem(w) for w in question_words}  # "boosted": boost
    return bool(GROWTH_WORDS & asked) and any(
        SCALE_SINCE.search(sentence[m.end() : m.end() + 80]) for m in SCALE_RE.finditer(sentence)
    )


def has_slot(
    slot: str,
    sentence: str,
    question_entities: list[str] | None = None,
    unit: str | None = None,
    question_words: list[str] | None = None,
    unknown_ok: bool = False,
) -> bool:
    """Does the sentence hold the kind of fact the question asks for?

    With ``unknown_ok``, a sentence saying the fact is not known ("it's unclear when…") holds it too."""
    said_unknown = UNKNOWN_RE.search(sentence) if unknown_ok else None
    if said_unknown and UNKNOWN_WH.get(slot) == (said_unknown.group(1) or said_unknown.group(2)).lower():
        return True  # "When did they arrive?": "It's unclear when exactly the missiles were delivered"
    if slot == "measure" and unit:
        # "7.4-kilometre", "between four and nine months"
        amount = rf"(?:\d[\d,.]*|\b(?:{NUMBER_WORDS})\b)"
        return bool(re.search(rf"{amount}\s*-?\s*(?:{UNIT_FAMILIES[unit][1]})\b", sentence, re.I))
    if slot == "measure" and scale_against_history(question_words or [], sentence):
        return True  # "How big was the expansion?": "its most ambitious expansion … since the Soviet era"
    pattern = {
        "percent": PERCENT_RE,
        "model": MODEL_NAME,
        "frequency": FREQUENCY_RE,
        "address": ADDRESS_RE,
        "route": ROUTE_RE,
        "money": MONEY_RE,
        "measure": MEASURE_RE,
        "quantity": QUANTITY_RE,
        "time": TIME_RE,
    }.get(slot)
    if pattern is not None:
        return bool(pattern.search(sentence))
    if slot == "place":
        asked = [w.lower()[:5] for w in question_words or []]
        for m in re.finditer(
            # (not a possessor: "in Iran's support" is no place)
            r"\b(?:in|at|to|from|near|inside|outside|across)\s+(?:both\s+|either\s+)?(?:the\s+)?([A-Z][\w-]*)\b(?!['’]s\b)",
            sentence,
        ):
            if re.fullmatch(MONTHS, m.group(1).lower()):
                continue  # "in January" says when
            found = m.group(1).lower()[:5]  # "in Germany" does not answer "which German city", nor "Iran" "Iranian"
            if not any(a == found or (len(found) >= 4 and a.startswith(found)) for a in asked):
                return True
        # "Which country sent them?": a country named anywhere, not only after "in" or "to" ("Iran reportedly shifts…")
        if {"country", "nation"} & {w.lower() for w in question_words or []}:
            for e in entities_in(sentence):
                if is_a(e.lower().replace(" ", "_"), "country") and e.lower()[:5] not in asked:
                    return True
        # a place named by what it is: "to a training area inside Iran", "at an air base"
        site = re.search(rf"\b(?:in|at|to|inside|near)\s+(?:a|an|the)\s+(?:[\w-]+\s+)?({SITES})\b", sentence, re.I)
        return site is not None and site.group(1).lower()[:5] not in asked
    if (
        slot in ("person", "agent")
        and UNNAMED_RE.search(sentence)
        and SPEECH_SAID.search(" ".join(question_words or []))
    ):
        return True  # "Who described it…?" — "an unnamed official told CNN": the article does not name them
    if slot == "person":
        # "Sergei Shoigu" is no new person for "Who replaced Shoigu?": the same surname is the same person.
        known_terms = {t for e in question_entities or [] for t in tokens(e)}
        return any(tokens(n) and tokens(n)[-1] not in known_terms for n in person_names(sentence))
    if slot == "agent":
        # "China" is no answer to "which Chinese companies": a name the question already gives, as a word or adjective.
        known = {w.lower()[:4] for e in question_entities or [] for w in e.split()}
        names = [e for e in entities_in(sentence) if not {w.lower()[:4] for w in e.split()} <= known]
        # Not names: a month, or an ordinary word that only opens the sentence ("Construction cost $18.4 million").
        names = [
            e
            for e in names
            if not re.fullmatch(MONTHS + r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday", e.lower())
            and not (" " not in e and sentence.lstrip('"“ ').startswith(e) and is_common_word(e))
        ]
        # "Which company supplies the trams?" asks for a company's name: "the company denied…" names none.
        phrase = " ".join(question_words or [])
        named = question_words is not None and names_kind(phrase)
        kind = (asked_kind(phrase) or "") if named else ""
        if kind and {"location", "region"} & kinds(kind, 6):
            # "Which Ukrainian cities were hit?": "Russia" is a place WordNet knows, and it is no city; a person or
            # a body ("Ukraine Defense Contact Group") is no place at all.
            people = person_names(sentence)
            names = [
                e
                for e in names
                if (not kinds(e.replace(" ", "_")) or is_a(e.replace(" ", "_"), kind))
                and not any(p in e for p in people)
                and not _body(e.split()[-1])
            ]
        return bool(names) or (not named and bool(ROLE_RE.search(sentence)))
    return True


def _body(word: str) -> bool:
    """Whether a name ending in this word names a group or a publication ("Contact Group", "Journal"), not a place."""
    found = kinds(word.lower(), 6)
    return word.lower() == "group" or (
        bool(found & {"organization", "social group", "publication"}) and not found & {"location", "region"}
    )


def introduces(surname: str, text: str) -> bool:
    """Whether the sentence says who someone is: a title before the name ("spokesperson Sean Savett") or a role
    after it ("Harriet Cole, a Riverton schoolteacher", "Samuel Briggs, a crane operator")."""
    name = re.escape(surname)
    before = re.search(rf"\b{ROLE_WORDS}\s+(?:[A-Z][\w'’-]*\s+){{0,2}}{name}\b", text, re.I)
    after = re.search(rf"\b{name},\s+(?:(?:a|an|the)\s+)?(?:[\w'’-]+\s+){{0,3}}{ROLE_WORDS}\b", text, re.I)
    # … or any description in apposition: "Samuel Briggs, a crane operator with 19 years' experience"
    after = after or re.search(rf"\b{name},\s+(?:a|an)\s+[a-z][\w'’-]*", text)
    return bool(before or after)
