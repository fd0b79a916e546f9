"""The question sets run through the public contract with the extractive default.

Thirteen sets: the project's own set for the seed article, eight more sets for the seed article written blind by other
testers from the article alone (first runs, before any change prompted by them: the first set pass 80%, answers 86%,
citations 89%, near-miss 71%, follow-ups 75%; the second pass 62.5%, answers 62%, citations 67%, near-miss 71%,
follow-ups 67%; the third pass 80%, answers 76%, citations 79%, near-miss 83%, follow-ups 50%; the fourth pass
72.5%, answers 77%, citations 72%, near-miss 100%, follow-ups 82%; the fifth pass 72.5%, answers 74%, citations 72%,
near-miss 83%, follow-ups 64%; the sixth pass 85%, answers 89%, citations 89%, near-miss 67%, follow-ups 100%; the
seventh pass 90%, answers 92%, citations 92%, near-miss 83%, follow-ups 100%; the eighth pass 75%, answers 81%,
citations 85%, off-topic 83%, near-miss 67%), and one set each for four unrelated articles written for the tests (the
fourth and fifth, each article written blind together with its questions: first runs pass 69% and 50%).

The project's own set is held to the product targets for a single article: answers and citations 95%, citation
precision 90%, off-topic abstention 100%, near-miss abstention 80%, follow-ups 90%. The other sets are held to
floors about one case below the figures measured now, so a change that loses a case fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

TARGETS = {  # the answering core's targets; measured on the project's set: 97.9 / 95.4 / 93.2 / 100 / 100 / 100
    "answer_accuracy": 0.95,
    "citation_hit_rate": 0.95,
    "citation_precision": 0.90,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.80,
    "followup_accuracy": 0.90,
}
SEED_FLOORS = {**TARGETS, "pass_rate": 0.94}  # pass measured 96.2
HELDOUT_FLOORS = {  # measured: 100 / 100 / 100 / 97.3 / 100 / 100 / 100
    "pass_rate": 0.97,
    "answer_accuracy": 0.97,
    "citation_hit_rate": 0.97,
    "citation_precision": 0.94,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.85,
    "followup_accuracy": 0.87,
}
HELDOUT2_FLOORS = {  # measured: 82.5 / 83.8 / 86.1 / 81.6 / 100 / 100 / 88.9
    "pass_rate": 0.80,
    "answer_accuracy": 0.81,
    "citation_hit_rate": 0.83,
    "citation_precision": 0.78,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.85,
    "followup_accuracy": 0.77,
}
HELDOUT3_FLOORS = {  # measured: 97.5 / 97.1 / 97.1 / 94.3 / 100 / 100 / 100
    "pass_rate": 0.95,
    "answer_accuracy": 0.94,
    "citation_hit_rate": 0.94,
    "citation_precision": 0.91,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.83,
    "followup_accuracy": 0.83,
}
HELDOUT4_FLOORS = {  # measured: 87.5 / 89.7 / 87.2 / 82.9 / 100 / 100 / 100
    "pass_rate": 0.85,
    "answer_accuracy": 0.87,
    "citation_hit_rate": 0.84,
    "citation_precision": 0.8,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.83,
    "followup_accuracy": 0.9,
}
HELDOUT5_FLOORS = {  # measured: 87.5 / 92.3 / 89.7 / 83.3 / 100 / 83.3 / 100
    "pass_rate": 0.85,
    "answer_accuracy": 0.89,
    "citation_hit_rate": 0.87,
    "citation_precision": 0.8,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.66,
    "followup_accuracy": 0.9,
}
HELDOUT6_FLOORS = {  # measured: 97.5 / 97.3 / 97.3 / 90.0 / 100 / 100 / 100
    "pass_rate": 0.94,
    "answer_accuracy": 0.94,
    "citation_hit_rate": 0.94,
    "citation_precision": 0.86,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.83,
    "followup_accuracy": 0.9,
}
HELDOUT7_FLOORS = {  # measured: 90.0 / 91.9 / 91.9 / 94.4 / 100 / 83.3 / 100
    "pass_rate": 0.87,
    "answer_accuracy": 0.89,
    "citation_hit_rate": 0.89,
    "citation_precision": 0.9,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.66,
    "followup_accuracy": 0.9,
}
HELDOUT8_FLOORS = {  # measured: 80.0 / 83.3 / 85.3 / 93.5 / 100 / 66.7 / 100
    "pass_rate": 0.77,
    "answer_accuracy": 0.8,
    "citation_hit_rate": 0.82,
    "citation_precision": 0.9,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.5,
    "followup_accuracy": 0.9,
}
SECOND_FLOORS = {  # measured: 93.9 / 93.8 / 96.4 / 96.4 / 100 / 100 / 100
    "pass_rate": 0.90,
    "answer_accuracy": 0.90,
    "citation_precision": 0.92,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.8,
    "followup_accuracy": 0.85,
}
THIRD_FLOORS = {  # measured: 96.7 / 100 / 100 / 100 / 100 / 80 / 100
    "pass_rate": 0.93,
    "answer_accuracy": 0.96,
    "citation_precision": 0.96,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.6,
    "followup_accuracy": 0.8,
}

FOURTH_FLOORS = {  # measured: 81.2 / 79.3 / 82.8 / 92.3 / 100 / 100 / 83.3
    "pass_rate": 0.78,
    "answer_accuracy": 0.75,
    "citation_hit_rate": 0.79,
    "citation_precision": 0.88,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.8,
    "followup_accuracy": 0.8,
}

FIFTH_FLOORS = {  # measured: 75.0 / 71.0 / 71.0 / 75.9 / 100 / 80 / 75
    "pass_rate": 0.71,
    "answer_accuracy": 0.67,
    "citation_hit_rate": 0.67,
    "citation_precision": 0.72,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.6,
    "followup_accuracy": 0.7,
}


def _below(summary: dict, floors: dict[str, float]) -> list[str]:
    return [f"{k}: {summary[k]} < {v}" for k, v in floors.items() if summary[k] is None or summary[k] < v]


SETS = [  # (question set, the bot's fixture or the article under tests/data, floors, at least this many cases)
    (ROOT / "tests" / "regression" / "questions.yaml", "seed_bot", SEED_FLOORS, 40),
    (DATA / "heldout_seed_questions.yaml", "seed_bot", HELDOUT_FLOORS, 40),
    (DATA / "heldout2_seed_questions.yaml", "seed_bot", HELDOUT2_FLOORS, 40),
    (DATA / "heldout3_seed_questions.yaml", "seed_bot", HELDOUT3_FLOORS, 40),
    (DATA / "heldout4_seed_questions.yaml", "seed_bot", HELDOUT4_FLOORS, 40),
    (DATA / "heldout5_seed_questions.yaml", "seed_bot", HELDOUT5_FLOORS, 40),
    (DATA / "heldout6_seed_questions.yaml", "seed_bot", HELDOUT6_FLOORS, 40),
    (DATA / "heldout7_seed_questions.yaml", "seed_bot", HELDOUT7_FLOORS, 40),
    (DATA / "heldout8_seed_questions.yaml", "seed_bot", HELDOUT8_FLOORS, 40),
    (DATA / "second_questions.yaml", "second_bot", SECOND_FLOORS, 30),
    (DATA / "third_questions.yaml", "third_article.txt", THIRD_FLOORS, 30),
    (DATA / "fourth_questions.yaml", "fourth_article.txt", FOURTH_FLOORS, 30),
    (DATA / "fifth_questions.yaml", "fifth_article.txt", FIFTH_FLOORS, 30),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "bot", "floors", "min_cases"), SETS, ids=[p.stem for p, *_ in SETS])
def test_question_set(path: Path, bot: str, floors: dict[str, float], min_cases: int, request) -> None:  # noqa: ANN001
    chatbot = request.getfixturevalue("article_bot")(bot) if bot.endswith(".txt") else request.getfixturevalue(bot)
    result = evaluate(path, bot=chatbot)
    assert result.summary["cases"] >= min_cases
    assert result.summary["errors"] == 0
    assert not _below(result.summary, floors), "\n".join([str(result.summary), *result.failures()])
