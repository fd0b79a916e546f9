"""The fixed question sets run through the public contract with the extractive default.

The floors sit one case below the figures measured on these sets (seed article: pass 90.6%, answers 91.7%,
citation hit 88.4%, precision 88.4%, off-topic and near-miss abstention 100%, follow-ups 100%). They gate
regressions; the product targets for answers and citations (95%) and precision (90%) are above them and are
tracked in the eval report, not claimed here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent

SEED_FLOORS = {
    "pass_rate": 0.88,
    "answer_accuracy": 0.89,
    "citation_hit_rate": 0.86,
    "citation_precision": 0.86,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.88,
    "followup_accuracy": 0.90,
}
SECOND_FLOORS = {
    "pass_rate": 0.82,
    "answer_accuracy": 0.87,
    "citation_precision": 0.82,
    "abstention_accuracy_offtopic": 1.0,
    "followup_accuracy": 0.90,
}


def _check(summary: dict, floors: dict[str, float]) -> list[str]:
    return [f"{k}: {summary[k]} < {v}" for k, v in floors.items() if summary[k] is None or summary[k] < v]


@pytest.mark.slow
def test_seed_question_set(seed_bot) -> None:  # noqa: ANN001
    result = evaluate(ROOT / "tests" / "regression" / "questions.yaml", bot=seed_bot)
    assert result.summary["cases"] >= 40
    assert result.summary["errors"] == 0
    assert not _check(result.summary, SEED_FLOORS), result.summary


@pytest.mark.slow
def test_second_article_question_set(second_bot) -> None:  # noqa: ANN001
    result = evaluate(ROOT / "tests" / "data" / "second_questions.yaml", bot=second_bot)
    assert result.summary["errors"] == 0
    assert not _check(result.summary, SECOND_FLOORS), result.summary
