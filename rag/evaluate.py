"""Regression harness: run a YAML question set through a Chatbot, check every turn, score and diff runs.

>>> from rag.types import Answer
>>> class Bot:
...     def ask(self, question, history):
...         return Answer(question=question, standalone_question=question, text="The Wall Street Journal [1]")
>>> result = evaluate([{"id": "wsj", "question": "Who broke it?", "expect": {"answer": ["wall street"]}}], bot=Bot())
>>> result.summary["pass_rate"]
1.0
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from rag.errors import InputError, RagError
from rag.settings import Settings
from rag.types import Answer

logger = logging.getLogger(__name__)

CHECKS = ("answer", "cites", "abstain")
# Every straight/curly quote and apostrophe compares equal in `cites`.
_QUOTES = str.maketrans({c: "'" for c in "\"'‘’‚‛“”„‟′″ʼ`´"})


class Bot(Protocol):
    """What the harness needs from an answerer: `rag.chain.Chatbot` or a scripted stand-in."""

    def ask(self, question: str, history: list[dict[str, str]]) -> Answer: ...


# ---------------------------------------------------------------- question sets


@dataclass(frozen=True)
class Expect:
    """What one turn must satisfy; an empty tuple / None means the check is not run."""

    answer: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    abstain: bool | None = None


@dataclass(frozen=True)
class Turn:
    question: str
    expect: Expect = field(default_factory=Expect)
    line: int | None = None


@dataclass(frozen=True)
class Case:
    """One test case: a single question or a conversation (several turns)."""

    id: str
    turns: tuple[Turn, ...]
    category: str = "fact"
    line: int | None = None


class _Problems:
    """Collects validation problems, each located by case, field and (when known) line."""

    def __init__(self, source: str, lines: Mapping[tuple[Any, ...], int]) -> None:
        self.source, self.lines = source, lines
        self.items: list[str] = []

    def add(self, path: tuple[Any, ...], where: str, message: str) -> None:
        line = next((self.lines[path[:n]] for n in range(len(path), -1, -1) if path[:n] in self.lines), None)
        self.items.append(f"{self.source}{f':{line}' if line else ''}: {where}: {message}")

    def raise_if_any(self) -> None:
        if len(self.items) == 1:
            raise InputError(self.items[0])
        if self.items:
            raise InputError(f"{len(self.items)} problems in the question set:\n" + "\n".join(self.items))


def _line_index(node: yaml.Node, path: tuple[Any, ...] = ()) -> dict[tuple[Any, ...], int]:
    """Map each data path (keys and list indexes) to the 1-based line where its value starts."""
    out = {path: node.start_mark.line + 1}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            out.update(_line_index(value, (*path, key.value if isinstance(key, yaml.ScalarNode) else None)))
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            out.update(_line_index(item, (*path, i)))
    return out


def parse_cases(text: str, source: str = "<questions>") -> list[Case]:
    """Parse and validate YAML question-set text; raise InputError naming case, field and line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"{source}{where}: invalid YAML: {problem}") from None
    return validate_cases(data, source, _line_index(node) if node is not None else {})


def load_cases(path: str | Path) -> list[Case]:
    """Read and validate a question-set file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"question set not found: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read question set {p}: {exc}") from None
    return parse_cases(text, str(p))


def _strings(value: Any, path: tuple[Any, ...], where: str, name: str, problems: _Problems) -> list[str]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        problems.add(path, where, f"{name}: expected a non-empty list of strings")
        return []
    out = []
    for i, item in enumerate(items):
        if not isinstance(item, str) or not item.strip():
            problems.add((*path, i), where, f"{name}[{i}]: expected a non-empty string, got {item!r}")
        else:
            out.append(item)
    return out


def _expect(value: Any, path: tuple[Any, ...], where: str, name: str, problems: _Problems) -> Expect:
    if not isinstance(value, Mapping) or not any(k in value for k in CHECKS):
        problems.add(path, where, f"{name}: expected a mapping with at least one of answer, cites, abstain")
        return Expect()
    answer: list[str] = []
    if "answer" in value:
        answer = _strings(value["answer"], (*path, "answer"), where, f"{name}.answer", problems)
    for i, pattern in enumerate(answer):
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.add((*path, "answer", i), where, f"{name}.answer[{i}]: bad regular expression {pattern!r}: {exc}")
    cites = _strings(value["cites"], (*path, "cites"), where, f"{name}.cites", problems) if "cites" in value else []
    abstain = value.get("abstain")
    if abstain is not None and not isinstance(abstain, bool):
        problems.add((*path, "abstain"), where, f"{name}.abstain: expected true or false, got {abstain!r}")
        abstain = None
    if abstain is True and (answer or cites):
        problems.add(path, where, f"{name}: abstain: true contradicts answer/cites expectations")
    return Expect(tuple(answer), tuple(cites), abstain)


def _question(value: Any, path: tuple[Any, ...], where: str, name: str, problems: _Problems) -> str:
    if not isinstance(value, str) or not value.strip():
        problems.add(path, where, f"{name}: expected a non-empty string, got {value!r}")
        return ""
    return value.strip()


def _case(raw: Any, i: int, seen: dict[str, int], problems: _Problems) -> Case | None:
    path: tuple[Any, ...] = ("cases", i)
    if not isinstance(raw, Mapping):
        problems.add(path, f"case #{i + 1}", "expected a mapping with id and question or turns")
        return None
    cid = raw.get("id")
    where = f"case '{cid}'" if isinstance(cid, str | int) and str(cid).strip() else f"case #{i + 1}"
    if not isinstance(cid, str | int) or isinstance(cid, bool) or not str(cid).strip():
        problems.add((*path, "id"), where, "id: expected a non-empty string")
        cid = ""
    cid = str(cid).strip()
    if cid and cid in seen:
        problems.add((*path, "id"), where, f"id: duplicate id (also case #{seen[cid] + 1})")
    seen.setdefault(cid, i)
    turns: list[Turn] = []
    if ("question" in raw) == ("turns" in raw):
        problems.add(path, where, "expected exactly one of question or turns")
    elif "question" in raw:
        q = _question(raw["question"], (*path, "question"), where, "question", problems)
        if "expect" not in raw:
            problems.add(path, where, "expect: missing")
        exp = _expect(raw.get("expect"), (*path, "expect"), where, "expect", problems) if "expect" in raw else Expect()
        turns.append(Turn(q, exp, problems.lines.get((*path, "question"))))
    elif not isinstance(raw["turns"], list) or not raw["turns"]:
        problems.add((*path, "turns"), where, "turns: expected a non-empty list")
    else:
        for k, t in enumerate(raw["turns"]):
            tp, tn = (*path, "turns", k), f"turns[{k}]"
            if not isinstance(t, Mapping):
                problems.add(tp, where, f"{tn}: expected a mapping with question and expect")
                continue
            q = _question(t.get("question"), (*tp, "question"), where, f"{tn}.question", problems)
            exp = _expect(t["expect"], (*tp, "expect"), where, f"{tn}.expect", problems) if "expect" in t else Expect()
            turns.append(Turn(q, exp, problems.lines.get(tp)))
    category = raw.get("category")
    if category is not None and (not isinstance(category, str) or not category.strip()):
        problems.add((*path, "category"), where, f"category: expected a string, got {category!r}")
        category = None
    if not category:
        category = "followup" if len(turns) > 1 else "abstain" if turns and turns[0].expect.abstain else "fact"
    return Case(cid, tuple(turns), category.strip().lower(), problems.lines.get(path))


def validate_cases(
    data: Any, source: str = "<questions>", lines: Mapping[tuple[Any, ...], int] | None = None
) -> list[Case]:
    """Validate loaded question-set data (``{"cases": [...]}``); unknown keys are ignored."""
    problems = _Problems(source, lines or {})
    if not isinstance(data, Mapping) or not isinstance(data.get("cases"), list) or not data["cases"]:
        problems.add(("cases",), "question set", "expected a mapping with a non-empty 'cases' list")
        problems.raise_if_any()
    seen: dict[str, int] = {}
    cases = [c for i, raw in enumerate(data["cases"]) if (c := _case(raw, i, seen, problems)) is not None]
    problems.raise_if_any()
    return cases


# ---------------------------------------------------------------- checks


def normalise(text: str) -> str:
    """Collapse whitespace and make all quote characters and apostrophes equal."""
    return " ".join(text.translate(_QUOTES).split())


def check_answer(patterns: Sequence[str], answer: Answer) -> dict[str, Any]:
    """All regexes (case-insensitive) must match the answer text, and the answer must not abstain."""
    if answer.abstained:
        return {"passed": False, "detail": f"abstained ({answer.abstain_reason or 'no reason given'})"}
    missing = [p for p in patterns if not re.search(p, answer.text, re.IGNORECASE)]
    if missing:
        return {"passed": False, "detail": "no match for " + ", ".join(f"/{p}/" for p in missing), "missing": missing}
    return {"passed": True, "detail": "matched " + ", ".join(f"/{p}/" for p in patterns)}


def check_cites(texts: Sequence[str], answer: Answer) -> dict[str, Any]:
    """Each expected text must lie inside the quote or passage of at least one citation."""
    cited = [(normalise(c.quote), normalise(c.text)) for c in answer.citations]
    wanted = [normalise(t) for t in texts]
    found = [t for t, w in zip(texts, wanted, strict=True) if any(w in q or w in p for q, p in cited)]
    missing = [t for t in texts if t not in found]
    covering = sum(1 for q, p in cited if any(w in q or w in p for w in wanted))
    result: dict[str, Any] = {
        "passed": not missing,
        "found": found,
        "missing": missing,
        "citations": len(cited),
        "covering": covering,
    }
    if missing:
        none = " (the answer has no citations)" if not cited else ""
        result["detail"] = "not cited: " + ", ".join(repr(t) for t in missing) + none
    else:
        result["detail"] = f"all {len(texts)} cited"
    return result


def check_abstain(expected: bool, answer: Answer) -> dict[str, Any]:
    """abstain: true → the answer must abstain; false → it must not."""
    if answer.abstained == expected:
        return {"passed": True, "detail": "abstained" if expected else "answered"}
    if expected:
        return {"passed": False, "detail": "expected an abstention, got an answer"}
    return {"passed": False, "detail": f"abstained unexpectedly ({answer.abstain_reason or 'no reason given'})"}


def check_turn(expect: Expect, answer: Answer) -> dict[str, dict[str, Any]]:
    """Run the checks a turn asks for."""
    checks: dict[str, dict[str, Any]] = {}
    if expect.answer:
        checks["answer"] = check_answer(expect.answer, answer)
    if expect.cites:
        checks["cites"] = check_cites(expect.cites, answer)
    if expect.abstain is not None:
        checks["abstain"] = check_abstain(expect.abstain, answer)
    return checks


# ---------------------------------------------------------------- running


@dataclass
class CaseResult:
    """A case's outcome; ``turns`` hold Answer.to_dict() plus ``checks`` and ``passed``."""

    id: str
    category: str
    turns: list[dict[str, Any]]

    @property
    def passed(self) -> bool:
        return all(t["passed"] for t in self.turns)

    @property
    def failures(self) -> list[str]:
        """Why the case failed: one line per failing check, e.g. ``turn 2: answer: no match for /x/``."""
        many = len(self.turns) > 1
        return [
            f"{f'turn {k + 1}: ' if many else ''}{name}: {c['detail']}"
            for k, t in enumerate(self.turns)
            for name, c in t["checks"].items()
            if not c["passed"]
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "category": self.category,
            "passed": self.passed,
            "failures": self.failures,
            "turns": self.turns,
        }


def run_case(bot: Bot, case: Case, on_turn: Callable[[], None] | None = None) -> CaseResult:
    """Ask each turn with the earlier turns as history; a failing ask is recorded, not raised."""
    history: list[dict[str, str]] = []
    turns = []
    for turn in case.turns:
        t0 = time.perf_counter()
        try:
            answer = bot.ask(turn.question, history=list(history))
            error = None
        except Exception as exc:  # a crash in one case must not stop the run
            logger.warning("case %s: ask failed: %s", case.id, exc, exc_info=not isinstance(exc, RagError))
            error = str(exc) if isinstance(exc, RagError) else f"{type(exc).__name__}: {exc}"
            answer = Answer(question=turn.question, standalone_question=turn.question, text="", error=error)
        elapsed = (time.perf_counter() - t0) * 1000
        checks = check_turn(turn.expect, answer)
        if error is not None:
            checks = {name: {**c, "passed": False, "detail": f"no answer: {error}"} for name, c in checks.items()}
            checks["error"] = {"passed": False, "detail": error}
        row = answer.to_dict()
        row["latency_ms"] = round(answer.latency_ms if answer.latency_ms > 0 else elapsed, 2)
        row["checks"] = checks
        row["passed"] = all(c["passed"] for c in checks.values())
        turns.append(row)
        history += [{"role": "user", "content": turn.question}, {"role": "assistant", "content": answer.text}]
        if on_turn:
            on_turn()
    return CaseResult(case.id, case.category, turns)


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def _percentile(values: Sequence[float], p: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    rank = p / 100 * (len(s) - 1)
    lo = int(rank)
    hi = min(lo + 1, len(s) - 1)
    return round(s[lo] + (s[hi] - s[lo]) * (rank - lo), 2)


def summarise(results: Sequence[CaseResult]) -> dict[str, Any]:
    """Pass rate, per-check accuracies, per-category figures and latency percentiles; None when undefined."""
    turns = [(r, k, t) for r in results for k, t in enumerate(r.turns)]

    def check_rate(name: str, keep: Callable[[CaseResult, int], bool] = lambda r, k: True) -> float | None:
        runs = [t["checks"][name]["passed"] for r, k, t in turns if name in t["checks"] and keep(r, k)]
        return _rate(sum(runs), len(runs))

    cites = [t["checks"]["cites"] for _, _, t in turns if "cites" in t["checks"]]
    found = sum(len(c.get("found", [])) for c in cites)
    expected = found + sum(len(c.get("missing", [])) for c in cites)
    follow = [t["passed"] for r, k, t in turns if k > 0]
    categories: dict[str, dict[str, Any]] = {}
    for r in results:
        cat = categories.setdefault(r.category, {"cases": 0, "passed": 0})
        cat["cases"] += 1
        cat["passed"] += r.passed
    for cat in categories.values():
        cat["pass_rate"] = _rate(cat["passed"], cat["cases"])
    latencies = [float(t["latency_ms"]) for _, _, t in turns]
    passed = sum(r.passed for r in results)
    return {
        "cases": len(results),
        "passed": passed,
        "failed": len(results) - passed,
        "pass_rate": _rate(passed, len(results)),
        "turns": len(turns),
        "errors": sum(1 for _, _, t in turns if "error" in t["checks"]),
        "answer_accuracy": check_rate("answer"),
        "citation_hit_rate": _rate(found, expected),
        "citation_precision": _rate(sum(c["covering"] for c in cites), sum(c["citations"] for c in cites)),
        "abstention_accuracy": check_rate("abstain"),
        "abstention_accuracy_offtopic": check_rate("abstain", lambda r, k: r.category == "offtopic"),
        "abstention_accuracy_nearmiss": check_rate("abstain", lambda r, k: r.category == "nearmiss"),
        "followup_accuracy": _rate(sum(follow), len(follow)),
        "latency_p50_ms": _percentile(latencies, 50),
        "latency_p95_ms": _percentile(latencies, 95),
        "categories": dict(sorted(categories.items())),
    }


SUMMARY_ROWS = (
    ("pass_rate", "Pass rate", "pct"),
    ("answer_accuracy", "Answer accuracy", "pct"),
    ("citation_hit_rate", "Citation hit rate", "pct"),
    ("citation_precision", "Citation precision", "pct"),
    ("abstention_accuracy", "Abstention accuracy", "pct"),
    ("abstention_accuracy_offtopic", "Abstention accuracy (off-topic)", "pct"),
    ("abstention_accuracy_nearmiss", "Abstention accuracy (near-miss)", "pct"),
    ("followup_accuracy", "Follow-up accuracy", "pct"),
    ("latency_p50_ms", "Latency p50", "ms"),
    ("latency_p95_ms", "Latency p95", "ms"),
)
"""Summary metrics as shown to people: key, label, unit."""


def format_metric(value: Any, unit: str) -> str:
    """``0.915`` → ``91.5%``, ``1234.5`` → ``1234 ms``; undefined metrics show as ``n/a``."""
    if not isinstance(value, int | float):
        return "n/a"
    return f"{value * 100:.1f}%" if unit == "pct" else f"{value:.0f} ms"


def format_delta(value: float, unit: str) -> str:
    return f"{value * 100:+.1f} pts" if unit == "pct" else f"{value:+.0f} ms"


# ---------------------------------------------------------------- baseline diff


def load_report(path: str | Path) -> dict[str, Any]:
    """Read a previous ``--report`` JSON file."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"baseline report not found: {p}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read baseline report {p}: {exc}") from None
    cases = data.get("cases") if isinstance(data, dict) else None
    if not isinstance(cases, list) or not all(isinstance(c, dict) and "id" in c and "passed" in c for c in cases):
        raise InputError(f"{p} is not an eval report (expected 'cases' with 'id' and 'passed')")
    return data


def _signature(turn: Mapping[str, Any]) -> tuple[str, list[tuple[str, str]]]:
    cits = [(str(c.get("source", "")), normalise(str(c.get("quote", "")))) for c in turn.get("citations") or []]
    return normalise(str(turn.get("answer", ""))), cits


def compare_reports(current: Mapping[str, Any], baseline: Mapping[str, Any]) -> dict[str, Any]:
    """Cases that flipped, passing cases whose answers or citations drifted, and metric deltas."""
    before = {str(c["id"]): c for c in baseline.get("cases", [])}
    after = {str(c["id"]): c for c in current.get("cases", [])}
    regressions, fixed, drift = [], [], []
    for cid, now in after.items():
        old = before.get(cid)
        if old is None:
            continue
        if old["passed"] and not now["passed"]:
            regressions.append(cid)
        elif not old["passed"] and now["passed"]:
            fixed.append(cid)
        elif now["passed"]:
            changes = []
            old_turns, new_turns = old.get("turns") or [], now.get("turns") or []
            if len(old_turns) != len(new_turns):
                changes.append("number of turns")
            for k, (o, n) in enumerate(zip(old_turns, new_turns, strict=False)):
                (oa, oc), (na, nc) = _signature(o), _signature(n)
                label = f"turn {k + 1} " if len(new_turns) > 1 else ""
                changes += [f"{label}answer"] * (oa != na) + [f"{label}citations"] * (oc != nc)
            if changes:
                drift.append({"id": cid, "changed": changes})
    metrics = {}
    old_s, new_s = baseline.get("summary") or {}, current.get("summary") or {}
    for key, value in new_s.items():
        old = old_s.get(key)
        if isinstance(value, int | float) and isinstance(old, int | float) and not isinstance(value, bool):
            metrics[key] = {"before": old, "after": value, "delta": round(value - old, 4)}
    return {
        "regressions": regressions,
        "fixed": fixed,
        "drift": drift,
        "added": [c for c in after if c not in before],
        "removed": [c for c in before if c not in after],
        "metrics": metrics,
    }


# ---------------------------------------------------------------- entry point


@dataclass
class EvalResult:
    """The outcome of a run: per-case results, summary metrics, and an optional baseline diff."""

    cases: list[CaseResult]
    summary: dict[str, Any]
    meta: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out = {"summary": self.summary, "meta": self.meta, "cases": [c.to_dict() for c in self.cases]}
        if self.baseline is not None:
            out["baseline"] = self.baseline
        return out

    def compare(self, baseline: Mapping[str, Any] | str | Path) -> dict[str, Any]:
        """Diff against a previous report (dict or path); stored in ``self.baseline``."""
        old = load_report(baseline) if isinstance(baseline, str | Path) else baseline
        self.baseline = compare_reports(self.to_dict(), old)
        return self.baseline

    @property
    def regressions(self) -> list[str]:
        return list(self.baseline["regressions"]) if self.baseline else []

    def failures(self) -> list[str]:
        """One line per failing check, prefixed by the case id (handy as a pytest assertion message)."""
        return [f"{c.id}: {f}" for c in self.cases for f in c.failures]

    def ok(self, min_pass: float = 0.9) -> bool:
        return (self.summary["pass_rate"] or 0.0) >= min_pass and not self.regressions

    def exit_code(self, min_pass: float = 0.9) -> int:
        return 0 if self.ok(min_pass) else 1

    def write(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _as_cases(source: str | Path | Mapping[str, Any] | Sequence[Any]) -> tuple[list[Case], str]:
    if isinstance(source, str | Path):
        return load_cases(source), str(source)
    if isinstance(source, Mapping):
        return validate_cases(source), "<cases>"
    items = list(source)
    if items and all(isinstance(c, Case) for c in items):
        return items, "<cases>"
    return validate_cases({"cases": items}), "<cases>"


def default_bot(settings: Settings | None = None) -> Bot:
    """The real Chatbot on the configured store, seeded when empty."""
    from rag.chain import Chatbot
    from rag.ingest import ensure_seed
    from rag.settings import load_settings

    settings = settings or load_settings()
    ensure_seed(settings)
    bot: Bot = Chatbot(settings)
    return bot


def evaluate(
    questions_path_or_cases: str | Path | Mapping[str, Any] | Sequence[Any],
    bot: Bot | None = None,
    settings: Settings | None = None,
    progress: bool = False,
) -> EvalResult:
    """Run a question set (path, ``{"cases": [...]}``, or list of cases) and score it; nothing runs on a bad set."""
    cases, source = _as_cases(questions_path_or_cases)
    bot = bot if bot is not None else default_bot(settings)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    if progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("evaluating", total=sum(len(c.turns) for c in cases))
            results = [run_case(bot, c, lambda: bar.advance(task)) for c in cases]
    else:
        results = [run_case(bot, c) for c in cases]
    status = getattr(bot, "status", None)
    try:
        bot_status = status() if callable(status) else None
    except Exception as exc:  # status is informative only
        logger.debug("status() failed: %s", exc)
        bot_status = None
    generators = sorted({str(t["generator"]) for r in results for t in r.turns if not t.get("error")})
    meta = {
        "questions": source,
        "started_at": started.isoformat(timespec="seconds"),
        "duration_s": round(time.perf_counter() - t0, 2),
        "generator": ", ".join(generators) or None,
        "bot": bot_status,
    }
    logger.info("evaluated %d cases in %.1fs", len(results), meta["duration_s"])
    return EvalResult(results, summarise(results), meta)
