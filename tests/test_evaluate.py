"""The eval harness: question-set validation, checks, metrics, baseline diff, CLI exit codes and the HTML report.

The answerer here is a scripted stand-in (the harness is what is under test); one end-to-end test at the bottom
runs the real Chatbot on a temporary store.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from rag.errors import GenerationError, InputError
from rag.eval_cli import register
from rag.evaluate import compare_reports, evaluate, load_cases, parse_cases
from rag.report_html import render_html
from rag.types import Answer, Citation

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ARTICLE = (
    "The Wall Street Journal broke the news of Iran's delivery of the missiles. "
    "Iran’s Permanent Mission to the United Nations denied the transfer. "
    "It urges other countries to cease the supply of weapons to the parties involved in the conflict."
)

SPEC_SET = """\
cases:
  - id: wsj-broke-news                   # unique
    question: Which newspaper broke the news?
    expect:
      answer: ["Wall Street Journal"]
      cites: ["The Wall Street Journal broke the news"]
  - id: ababil-range
    question: What is the range of the Ababil missile?
    expect: {abstain: true}
  - id: denial-followup
    turns:
      - question: Who denied the transfer?
        expect: {answer: ["Permanent Mission"]}
      - question: What do they urge other countries to do?
        expect: {answer: ["cease the supply of weapons"]}
"""


def cite(quote: str, n: int = 1, text: str = ARTICLE) -> Citation:
    i = text.find(quote)
    return Citation(
        n=n,
        id=f"doc:{n}",
        source="article.txt",
        start=0,
        end=len(text),
        text=text,
        quote=quote,
        quote_start=max(i, 0),
        quote_end=max(i, 0) + len(quote),
    )


def answered(text: str, *citations: Citation) -> Answer:
    return Answer(question="", standalone_question="", text=text, citations=list(citations), latency_ms=12.0)


def abstained(reason: str = "not in the articles") -> Answer:
    return Answer(
        question="",
        standalone_question="",
        text="I could not find this in the articles.",
        abstained=True,
        abstain_reason=reason,
        latency_ms=5.0,
    )


GOOD = {
    "Which newspaper broke the news?": answered(
        "The Wall Street Journal broke the news [1].", cite("The Wall Street Journal broke the news")
    ),
    "What is the range of the Ababil missile?": abstained(),
    "Who denied the transfer?": answered(
        "Iran's Permanent Mission to the UN denied it [1].",
        cite("Iran’s Permanent Mission to the United Nations denied the transfer."),
    ),
    "What do they urge other countries to do?": answered(
        "To cease the supply of weapons [1].", cite("It urges other countries to cease the supply of weapons")
    ),
}


class ScriptedBot:
    """Answers from a script (question → Answer, or a callable raising); records every call with its history."""

    def __init__(self, script: dict[str, Answer | Callable[[], Answer]]) -> None:
        self.script = script
        self.calls: list[tuple[str, list[dict[str, str]]]] = []

    def ask(self, question: str, history: list[dict[str, str]]) -> Answer:
        self.calls.append((question, history))
        reply = self.script[question]
        answer = reply() if callable(reply) else reply
        answer.question = answer.standalone_question = question
        return answer


def write(tmp_path: Path, text: str, name: str = "questions.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- the question-set format


def test_spec_example_loads_with_derived_categories(tmp_path: Path) -> None:
    cases = load_cases(write(tmp_path, SPEC_SET))
    assert [c.id for c in cases] == ["wsj-broke-news", "ababil-range", "denial-followup"]
    assert [c.category for c in cases] == ["fact", "abstain", "followup"]
    assert cases[0].turns[0].expect.cites == ("The Wall Street Journal broke the news",)
    assert len(cases[2].turns) == 2


def test_category_extension_and_unknown_keys() -> None:
    cases = parse_cases("cases:\n  - {id: a, category: NearMiss, tags: [x], question: q, expect: {abstain: true}}\n")
    assert cases[0].category == "nearmiss"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cases:\n  - id: a\n    question: q\n    expect: {answer: ['Wall (Street']}\n",
            ["questions.yaml:4", "case 'a'", "expect.answer[0]", "bad regular expression", "'Wall (Street'"],
        ),
        (
            "cases:\n  - id: a\n    question: q\n    expect: {answer: [x]}\n  - id: a\n    question: r\n"
            "    expect: {abstain: true}\n",
            ["questions.yaml:5", "case 'a'", "duplicate id"],
        ),
        ("cases:\n  - id: a\n    expect: {answer: [x]}\n", ["questions.yaml:2", "case 'a'", "question or turns"]),
        (
            "cases:\n  - id: a\n    question: q\n    expect:\n      abstain: maybe\n",
            ["questions.yaml:5", "case 'a'", "expect.abstain", "true or false"],
        ),
        (
            "cases:\n  - id: a\n    question: q\n    expect: {answers: [x]}\n",
            ["questions.yaml:4", "case 'a'", "expect", "at least one of answer, cites, abstain"],
        ),
        (
            "cases:\n  - id: conv\n    turns:\n      - question: q1\n        expect: {answer: [x]}\n"
            "      - question: ''\n        expect: {answer: [y]}\n",
            ["questions.yaml:6", "case 'conv'", "turns[1].question"],
        ),
        ("cases:\n  - id: a\n    question: q\n    expect: {abstain: true, answer: [x]}\n", ["case 'a'", "contradicts"]),
        ("cases:\n  - question: q\n    expect: {abstain: true}\n", ["questions.yaml:2", "case #1", "id"]),
        ("cases:\n  - id: a\n    question: [q\n", ["questions.yaml:", "invalid YAML"]),
        ("questions: []\n", ["questions.yaml", "'cases' list"]),
    ],
)
def test_malformed_set_names_case_field_and_line(tmp_path: Path, text: str, expected: list[str]) -> None:
    bot = ScriptedBot({})
    with pytest.raises(InputError) as err:
        evaluate(write(tmp_path, text), bot=bot)
    for part in expected:
        assert part in str(err.value)
    assert bot.calls == []  # nothing runs


def test_all_problems_are_listed_at_once() -> None:
    text = (
        "cases:\n  - id: a\n    question: q\n    expect: {answer: ['(']}\n  - id: b\n    question: ''\n"
        "    expect: {abstain: true}\n"
    )
    with pytest.raises(InputError) as err:
        parse_cases(text, "set.yaml")
    assert "2 problems" in str(err.value)
    assert "set.yaml:4: case 'a'" in str(err.value) and "set.yaml:6: case 'b': question" in str(err.value)


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        load_cases(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- checks


def test_passing_run_and_conversation_history() -> None:
    bot = ScriptedBot(GOOD)
    result = evaluate(parse_cases(SPEC_SET), bot=bot)
    assert result.summary["pass_rate"] == 1.0, result.failures()
    assert result.exit_code() == 0
    # the second turn sees the first question and its answer text
    question, history = bot.calls[-1]
    assert question == "What do they urge other countries to do?"
    assert history == [
        {"role": "user", "content": "Who denied the transfer?"},
        {"role": "assistant", "content": "Iran's Permanent Mission to the UN denied it [1]."},
    ]
    assert bot.calls[0][1] == [] and bot.calls[2][1] == []
    turn = result.to_dict()["cases"][0]["turns"][0]
    assert turn["checks"]["answer"]["passed"] and turn["checks"]["cites"]["passed"]
    assert turn["passed"] and turn["citations"][0]["quote"] == "The Wall Street Journal broke the news"


def one(expect: str, answer: Answer) -> dict[str, Any]:
    result = evaluate(
        parse_cases(f"cases:\n  - id: c\n    question: q\n    expect: {expect}\n"), bot=ScriptedBot({"q": answer})
    )
    return result.to_dict()["cases"][0]


def test_answer_check_needs_every_regex_case_insensitively() -> None:
    assert one("{answer: ['wall street', 'JOURNAL']}", answered("The Wall Street Journal."))["passed"]
    case = one("{answer: ['wall street', 'Times']}", answered("The Wall Street Journal."))
    assert not case["passed"]
    assert case["failures"] == ["answer: no match for /Times/"]


def test_answer_check_fails_on_abstention() -> None:
    case = one("{answer: ['.*']}", abstained("no passage is relevant"))
    assert not case["passed"] and "abstained (no passage is relevant)" in case["failures"][0]


def test_cites_check_normalises_whitespace_and_quotes() -> None:
    # expected text with a straight apostrophe and a line break; the article has a curly one
    expect = '{cites: ["Iran\'s Permanent Mission to the\\n United  Nations"]}'
    case = one(expect, answered("x [1]", cite("Iran’s Permanent Mission to the United Nations denied the transfer.")))
    assert case["passed"], case["failures"]


def test_cites_check_accepts_the_passage_not_only_the_quote() -> None:
    answer = answered("x [1]", cite("The Wall Street Journal broke the news"))
    assert one("{cites: ['cease the supply of weapons']}", answer)["passed"]


def test_cites_check_fails_when_no_citation_holds_the_text() -> None:
    other = cite("something else", text="A passage about something else entirely.")
    case = one("{cites: ['cease the supply of weapons']}", answered("x [1]", other))
    assert not case["passed"] and "not cited: 'cease the supply of weapons'" in case["failures"][0]
    case = one("{cites: ['cease the supply of weapons']}", answered("no citations here"))
    assert "the answer has no citations" in case["failures"][0]


def test_abstain_checks_both_ways() -> None:
    assert one("{abstain: true}", abstained())["passed"]
    assert one("{abstain: true}", answered("Some answer."))["failures"] == [
        "abstain: expected an abstention, got an answer"
    ]
    assert one("{abstain: false}", answered("Some answer."))["passed"]
    assert "abstained unexpectedly" in one("{abstain: false}", abstained())["failures"][0]


def test_an_error_in_one_turn_is_recorded_and_the_run_goes_on() -> None:
    def boom() -> Answer:
        raise GenerationError("the model timed out after 60s")

    script: dict[str, Any] = {**GOOD, "Which newspaper broke the news?": boom}
    result = evaluate(parse_cases(SPEC_SET), bot=ScriptedBot(script))
    first = result.to_dict()["cases"][0]
    assert not first["passed"] and first["turns"][0]["error"] == "the model timed out after 60s"
    assert "error: the model timed out after 60s" in first["failures"]
    assert result.summary["passed"] == 2 and result.summary["errors"] == 1


def test_summary_metrics() -> None:
    text = SPEC_SET + (
        "  - id: offtopic\n    category: offtopic\n    question: Who won the match?\n    expect: {abstain: true}\n"
    )
    script: dict[str, Any] = {
        **GOOD,
        # cites the right text, plus one irrelevant citation → precision 1/2 on this turn
        "Which newspaper broke the news?": answered(
            "The Wall Street Journal [1][2].",
            cite("The Wall Street Journal broke the news"),
            cite("other", 2, "An unrelated other passage."),
        ),
        "What do they urge other countries to do?": answered("Nothing."),
        "Who won the match?": answered("Team A."),
    }
    s = evaluate(parse_cases(text), bot=ScriptedBot(script)).summary
    assert (s["cases"], s["passed"], s["turns"]) == (4, 2, 5)
    assert s["pass_rate"] == 0.5
    assert s["answer_accuracy"] == round(2 / 3, 4)
    assert s["citation_hit_rate"] == 1.0 and s["citation_precision"] == 0.5
    assert s["abstention_accuracy"] == 0.5 and s["abstention_accuracy_offtopic"] == 0.0
    assert s["abstention_accuracy_nearmiss"] is None
    assert s["followup_accuracy"] == 0.0
    assert s["categories"]["followup"] == {"cases": 1, "passed": 0, "pass_rate": 0.0}
    assert s["latency_p50_ms"] == 12.0


# ---------------------------------------------------------------- baseline diff


def test_baseline_diff_flips_drift_and_deltas() -> None:
    before = evaluate(parse_cases(SPEC_SET), bot=ScriptedBot(GOOD)).to_dict()
    changed: dict[str, Any] = {
        **GOOD,
        "What is the range of the Ababil missile?": answered("About 300 km."),  # pass → fail
        "Which newspaper broke the news?": answered(  # still passing, other wording and citation
            "The WSJ, i.e. the Wall Street Journal [1].", cite("The Wall Street Journal broke the news of Iran's")
        ),
    }
    after = evaluate(parse_cases(SPEC_SET), bot=ScriptedBot(changed))
    diff = after.compare(before)
    assert diff["regressions"] == ["ababil-range"] and diff["fixed"] == []
    assert diff["drift"] == [{"id": "wsj-broke-news", "changed": ["answer", "citations"]}]
    assert diff["metrics"]["pass_rate"]["delta"] == round(2 / 3 - 1, 4)
    assert after.exit_code(min_pass=0.0) == 1  # a regression fails the run whatever the pass rate
    back = compare_reports(before, after.to_dict())
    assert back["fixed"] == ["ababil-range"] and back["regressions"] == []


# ---------------------------------------------------------------- command line


def cli(tmp_path: Path, script: dict[str, Any], *args: str) -> Any:
    app = typer.Typer()
    register(app, bot_factory=lambda: ScriptedBot(script))

    @app.command("other")
    def other() -> None:  # a second command keeps typer in sub-command mode, as in the real CLI
        pass

    return CliRunner().invoke(app, ["eval", *args])


def test_cli_passing_run_prints_table_and_exits_0(tmp_path: Path) -> None:
    res = cli(tmp_path, GOOD, str(write(tmp_path, SPEC_SET)))
    assert res.exit_code == 0, res.output
    for text in ("wsj-broke-news", "denial-followup", "Pass rate", "100.0%", "Citation precision", "Latency p95"):
        assert text in res.output


def test_cli_min_pass_decides_exit_code(tmp_path: Path) -> None:
    script = {**GOOD, "What is the range of the Ababil missile?": answered("About 300 km.")}
    path = str(write(tmp_path, SPEC_SET))
    res = cli(tmp_path, script, path)
    assert res.exit_code == 1
    assert "FAIL" in res.output and "expected an abstention" in res.output
    assert cli(tmp_path, script, path, "--min-pass", "0.6").exit_code == 0
    assert cli(tmp_path, script, path, "--min-pass", "1.5").exit_code == 2


def test_cli_format_error_exits_2_with_located_message(tmp_path: Path) -> None:
    bad = write(tmp_path, "cases:\n  - id: a\n    question: q\n    expect: {answer: ['(']}\n")
    res = cli(tmp_path, GOOD, str(bad))
    assert res.exit_code == 2
    assert "questions.yaml:4: case 'a': expect.answer[0]: bad regular expression" in res.output
    assert "Traceback" not in res.output


def test_cli_report_json_and_baseline_regression(tmp_path: Path) -> None:
    path = str(write(tmp_path, SPEC_SET))
    report = tmp_path / "out" / "before.json"
    assert cli(tmp_path, GOOD, path, "--report", str(report)).exit_code == 0
    data = json.loads(report.read_text())
    assert set(data["summary"]) >= {"pass_rate", "answer_accuracy", "citation_hit_rate", "latency_p50_ms"}
    turn = data["cases"][0]["turns"][0]
    assert set(turn) >= {
        "question",
        "answer",
        "abstained",
        "citations",
        "checks",
        "passed",
        "latency_ms",
        "standalone_question",
        "retrieved",
        "generator",
    }

    worse = {**GOOD, "Who denied the transfer?": answered("Nobody did.")}
    res = cli(tmp_path, worse, path, "--baseline", str(report), "--min-pass", "0")
    assert res.exit_code == 1
    assert "pass → fail" in res.output and "denial-followup" in res.output

    res = cli(tmp_path, worse, path, "--baseline", str(report), "--json", "--min-pass", "0")
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["baseline"]["regressions"] == ["denial-followup"]
    assert [c["passed"] for c in out["cases"]] == [True, True, False]

    assert cli(tmp_path, GOOD, path, "--baseline", str(tmp_path / "missing.json")).exit_code == 2
    (tmp_path / "junk.json").write_text("{not json")
    assert cli(tmp_path, GOOD, path, "--baseline", str(tmp_path / "junk.json")).exit_code == 2


# ---------------------------------------------------------------- HTML report


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.marked: list[str] = []
        self.images: list[str] = []
        self._in_mark = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self._in_mark = tag == "mark"
        if tag == "img":
            self.images.append(dict(attrs).get("src") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_mark = False if tag == "mark" else self._in_mark

    def handle_data(self, data: str) -> None:
        if self._in_mark:
            self.marked.append(data)


def test_html_report_is_self_contained_and_escaped(tmp_path: Path) -> None:
    passage = "Intro <b>bold</b> text. The Wall Street Journal broke the news. Outro."
    script: dict[str, Any] = {
        **GOOD,
        "Which newspaper broke the news?": answered(
            "<script>alert('x')</script> The Wall Street Journal [1].",
            cite("The Wall Street Journal broke the news.", text=passage),
        ),
        "What do they urge other countries to do?": answered("Nothing & nobody."),
    }
    path = str(write(tmp_path, SPEC_SET))
    out = tmp_path / "report.html"
    res = cli(tmp_path, script, path, "--html", str(out), "--min-pass", "0")
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    parser = _Tags()
    parser.feed(page)
    parser.close()
    assert "script" not in parser.tags and "b" in parser.tags  # <b> is the report's own case id markup
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "Intro &lt;b&gt;bold&lt;/b&gt; text." in page
    assert "The Wall Street Journal broke the news." in parser.marked
    assert "Nothing &amp; nobody." in page and "no match for /cease the supply of weapons/" in page
    assert parser.images and parser.images[0].startswith("data:image/png;base64,")
    assert "<style>" in page and "http://" not in page and "https://" not in page


def test_html_report_shows_baseline_changes() -> None:
    before = evaluate(parse_cases(SPEC_SET), bot=ScriptedBot(GOOD)).to_dict()
    after = evaluate(parse_cases(SPEC_SET), bot=ScriptedBot({**GOOD, "Who denied the transfer?": answered("No.")}))
    after.compare(before)
    page = render_html(after.to_dict())
    assert "Regressions (pass → fail) (1)" in page and 'href="#case-denial-followup"' in page


# ---------------------------------------------------------------- end to end


def test_spec_example_through_the_real_chatbot(tmp_path: Path) -> None:
    from rag.settings import Settings

    settings = Settings(chroma_dir=str(tmp_path / "s"), llm="extractive")
    result = evaluate(write(tmp_path, SPEC_SET), settings=settings)  # seeds the empty store itself
    assert result.summary["pass_rate"] == 1.0, result.failures()
    report_path = tmp_path / "report.json"
    result.write(report_path)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    wsj = report["cases"][0]["turns"][0]
    assert wsj["generator"] == "extractive" and not wsj["abstained"]
    assert any("The Wall Street Journal broke the news" in c["quote"] for c in wsj["citations"])
    assert wsj["checks"]["cites"]["found"] == ["The Wall Street Journal broke the news"]
    assert report["cases"][1]["turns"][0]["abstained"] is True
    follow = report["cases"][2]["turns"]
    assert [t["question"] for t in follow] == ["Who denied the transfer?", "What do they urge other countries to do?"]
    assert report["meta"]["bot"]["chunks"] > 0
    assert "<mark>" in render_html(report)
