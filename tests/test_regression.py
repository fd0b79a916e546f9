"""The question sets run through the public contract with the extractive default.

One hundred and eighty-six sets: the project's own set for the seed article, a hundred and seventy-one more sets for the
seed article written blind by other testers from the article alone, and one set each for fourteen unrelated articles
written for the tests (the fourth to the fifteenth each written blind together with its questions). First runs, before
any change prompted by a set, in percent (pass / answers / citations):

    seed blind 1: 80 / 86 / 89      seed blind 2: 62.5 / 62 / 67    seed blind 3: 80 / 76 / 79
    seed blind 4: 72.5 / 77 / 72    seed blind 5: 72.5 / 74 / 72    seed blind 6: 85 / 89 / 89
    seed blind 7: 90 / 92 / 92      seed blind 8: 75 / 81 / 85      seed blind 9: 92.5 / 94 / 94
    seed blind 10: 70 / 83 / 75     seed blind 11: 92.5 / 91 / 91   seed blind 12: 77.5 / 80 / 82.5
    seed blind 13: 82.5 / 83 / 83   seed blind 14: 77.5 / 89 / 86   seed blind 15: 75 / 86.5 / 84
    seed blind 16: 92.5 / 89 / 89   seed blind 17: 80 / 90 / 90     seed blind 18: 90 / 89.5 / 89.5
    seed blind 19: 95 / 97 / 97     seed blind 20: 90 / 89.5 / 87   seed blind 21: 92.5 / 97 / 95
    seed blind 22: 90 / 89.5 / 89.5 seed blind 23: 95 / 94 / 94     seed blind 24: 92.5 / 92 / 92
    seed blind 25: 92.5 / 97 / 95   seed blind 26: 97.5 / 100 / 100 seed blind 27: 90 / 92 / 92
    seed blind 28: 85 / 74 / 74     seed blind 29: 92.5 / 92 / 92   seed blind 30: 85 / 87 / 87
    seed blind 31: 82.5 / 83 / 78   seed blind 32: 80 / 83 / 81     seed blind 33: 95 / 97 / 95
    seed blind 34: 85 / 86 / 86     seed blind 35: 87.5 / 87 / 87   seed blind 36: 95 / 100 / 100
    seed blind 37: 77.5 / 78 / 78   seed blind 38: 92.5 / 95 / 97   seed blind 39: 95 / 94 / 94
    seed blind 40: 77.5 / 80 / 83   seed blind 41: 87.5 / 89 / 91   seed blind 42: 95 / 97 / 97
    seed blind 43: 92.5 / 94 / 97   seed blind 44: 92.5 / 97 / 92   seed blind 45: 85 / 82 / 82
    seed blind 46: 87.5 / 84 / 86   seed blind 47: 85 / 87 / 85     seed blind 48: 100 / 100 / 100
    seed blind 49: 92.5 / 94 / 92   seed blind 50: 87.5 / 92 / 92   seed blind 51: 82.5 / 83 / 86
    seed blind 52: 87.5 / 92 / 89   seed blind 53: 90 / 89 / 89     seed blind 54: 90 / 92 / 92
    seed blind 55: 87.5 / 89 / 89   seed blind 56: 97.5 / 97 / 97   seed blind 57: 95 / 95 / 95
    seed blind 58: 90 / 95 / 95     seed blind 59: 87.5 / 89.5 / 89.5 seed blind 60: 87.5 / 89 / 89
    seed blind 61: 95 / 92 / 95     seed blind 62: 90 / 94 / 94     seed blind 63: 95 / 97 / 100
    seed blind 64: 95 / 97 / 97     seed blind 65: 90 / 91 / 89     seed blind 66: 90 / 92 / 92
    seed blind 67: 87.5 / 89.5 / 92   seed blind 68: 95 / 94.5 / 94.5   seed blind 69: 100 / 100 / 100
    seed blind 70: 97.5 / 97.5 / 97.5 seed blind 71: 90 / 92 / 92       seed blind 72: 92.5 / 89.5 / 89.5
    seed blind 73: 92.5 / 94.5 / 94.5 seed blind 74: 92.5 / 92 / 92     seed blind 75: 95 / 97 / 97
    seed blind 76: 90 / 89 / 89       seed blind 77: 95 / 97 / 94.5     seed blind 78: 92.5 / 92 / 92
    seed blind 79: 97.5 / 100 / 97    seed blind 80: 90 / 89 / 89       seed blind 81: 95 / 94.5 / 94.5
    seed blind 82: 92.5 / 91.5 / 91.5 seed blind 83: 97.5 / 97 / 100    seed blind 84: 92.5 / 89 / 86.5
    seed blind 85: 90 / 89.5 / 92     seed blind 86: 92.5 / 94.5 / 97.5 seed blind 87: 95 / 94.5 / 94.5
    seed blind 88: 92.5 / 91.5 / 91.5 seed blind 89: 95 / 94.5 / 94.5   seed blind 90: 95 / 94.5 / 94.5
    seed blind 91: 92.5 / 94.5 / 97   seed blind 92: 95 / 100 / 97.5    seed blind 93: 87.5 / 86.5 / 86.5
    seed blind 94: 87.5 / 86.5 / 86.5 seed blind 95: 95 / 97.5 / 95     seed blind 96: 95 / 94.5 / 94.5
    seed blind 97: 97.5 / 100 / 100   seed blind 98: 95 / 95 / 97.5     seed blind 99: 95 / 100 / 95
    seed blind 100: 95 / 94.5 / 94.5  seed blind 101: 92.5 / 97.5 / 100 seed blind 102: 95 / 97.5 / 94.5
    seed blind 103: 90 / 91.5 / 91.5  seed blind 104: 95 / 97 / 94.5    seed blind 105: 95 / 94.5 / 94.5
    seed blind 106: 92.5 / 94.5 / 94.5 seed blind 107: 92.5 / 91.5 / 97 seed blind 108: 90 / 89.5 / 89.5
    seed blind 109: 92.5 / 94.5 / 94.5 seed blind 110: 92.5 / 94.5 / 94.5 seed blind 111: 90 / 92 / 92
    seed blind 112: 97.5 / 97.5 / 97.5 seed blind 113: 95 / 97.5 / 97.5 seed blind 114: 100 / 100 / 100
    seed blind 115: 92.5 / 89 / 89    seed blind 116: 97.5 / 97.5 / 97.5 seed blind 117: 95 / 100 / 100
    seed blind 118: 85 / 89.5 / 87    seed blind 119: 97.5 / 97.5 / 97.5
    seed blind 120: 95 / 97 / 100     seed blind 121: 95 / 94.5 / 94.5  seed blind 122: 90 / 92 / 89
    seed blind 123: 95 / 94.5 / 97.5  seed blind 124: 100 / 100 / 100   seed blind 125: 87.5 / 87 / 92.5
    seed blind 126: 82.5 / 87 / 84    seed blind 127: 92.5 / 94.5 / 92  seed blind 128: 95 / 94.5 / 94.5
    seed blind 129: 97.5 / 97 / 100   seed blind 130: 97.5 / 97.5 / 97.5seed blind 131: 95 / 97 / 97
    seed blind 132: 87.5 / 86 / 89    seed blind 133: 97.5 / 97 / 97    seed blind 134: 100 / 100 / 100
    seed blind 135: 100 / 100 / 100
    seed blind 136: 95 / 94.1 / 97.1   seed blind 137: 90 / 94.1 / 94.1   seed blind 138: 95 / 94.1 / 94.1
    seed blind 139: 95 / 94.1 / 94.1   seed blind 140: 90 / 91.2 / 91.2   seed blind 141: 90 / 94.1 / 94.1
    seed blind 142: 92.5 / 91.2 / 94.1 seed blind 143: 100 / 100 / 100    seed blind 144: 90 / 94.1 / 94.1
    seed blind 145: 92.5 / 94.1 / 94.1 seed blind 146: 92.5 / 94.1 / 94.1 seed blind 147: 92.5 / 94.1 / 97.1
    seed blind 148: 97.5 / 100 / 100   seed blind 149: 95 / 94.1 / 94.1   seed blind 150: 95 / 97.1 / 97.1
    seed blind 151: 95 / 94.1 / 94.1
    seed blind 152: 95 / 97.1 / 100    seed blind 153: 95 / 97.1 / 97.1   seed blind 154: 100 / 100 / 100
    seed blind 155: 97.5 / 97.1 / 97.1 seed blind 156: 97.5 / 97.1 / 100  seed blind 157: 100 / 100 / 100
    seed blind 158: 87.5 / 88.2 / 91.2 seed blind 159: 92.5 / 91.2 / 94.1 seed blind 160: 92.5 / 94.1 / 94.1
    seed blind 161: 95 / 97.1 / 97.1   seed blind 162: 97.5 / 97.1 / 100  seed blind 163: 97.5 / 97.1 / 97.1
    seed blind 164: 97.5 / 97.1 / 97.1 seed blind 165: 95 / 94.1 / 94.1   seed blind 166: 97.5 / 97.1 / 100
    seed blind 167: 97.5 / 97.1 / 100  seed blind 168: 97.5 / 94.1 / 97.1 seed blind 169: 95 / 94.1 / 97.1
    seed blind 170: 97.5 / 97.1 / 97.1 seed blind 171: 97.5 / 97.1 / 97.1
    fourth article: 69 / 69 / 72    fifth article: 50 / 52 / 55     sixth article: 36 / 38 / 45
    seventh article: 56 / 61 / 61   eighth article: 56 / 55 / 60.5  ninth article: 44 / 47 / 61
    tenth article: 61 / 65 / 63     eleventh article: 64 / 73.5 / 73.5
    twelfth article: 78 / 75 / 78   thirteenth article: 69 / 77 / 77
    fourteenth article: 64 / 66 / 69
    fifteenth article: 53 / 58 / 67

The project's own set is held to the product targets for a single article: answers and citations 95%, citation
precision 90%, off-topic abstention 100%, near-miss abstention 80%, follow-ups 90%. The other sets are held to floors
about one case below the figures measured now (MEASURED), so a change that loses more than a case fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rag.evaluate import evaluate

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"

TARGETS = {  # the answering core's targets; measured on the project's set: 97.9 / 97.7 / 95.5 / 100 / 100 / 100
    "answer_accuracy": 0.95,
    "citation_hit_rate": 0.95,
    "citation_precision": 0.90,
    "abstention_accuracy_offtopic": 1.0,
    "abstention_accuracy_nearmiss": 0.80,
    "followup_accuracy": 0.90,
}
SEED_FLOORS = {**TARGETS, "pass_rate": 0.94}  # pass measured 98.1
METRICS = (
    "pass_rate",
    "answer_accuracy",
    "citation_hit_rate",
    "citation_precision",
    "abstention_accuracy_offtopic",
    "abstention_accuracy_nearmiss",
    "followup_accuracy",
)
# Measured now, in percent, in the order of METRICS.
MEASURED = {
    "heldout_seed_questions.yaml": (100.0, 100.0, 100.0, 97.3, 100.0, 100.0, 100.0),
    "heldout2_seed_questions.yaml": (92.5, 91.9, 97.2, 87.5, 100.0, 100.0, 88.9),
    "heldout3_seed_questions.yaml": (97.5, 97.1, 97.1, 94.3, 100.0, 100.0, 100.0),
    "heldout4_seed_questions.yaml": (95.0, 94.9, 94.9, 90.2, 100.0, 100.0, 100.0),
    "heldout5_seed_questions.yaml": (100.0, 100.0, 100.0, 92.9, 100.0, 100.0, 100.0),
    "heldout6_seed_questions.yaml": (100.0, 100.0, 100.0, 92.5, 100.0, 100.0, 100.0),
    "heldout7_seed_questions.yaml": (100.0, 100.0, 100.0, 97.4, 100.0, 100.0, 100.0),
    "heldout8_seed_questions.yaml": (92.5, 94.4, 97.1, 97.1, 100.0, 83.3, 100.0),
    "heldout9_seed_questions.yaml": (100.0, 100.0, 100.0, 97.3, 100.0, 100.0, 100.0),
    "heldout10_seed_questions.yaml": (92.5, 94.3, 89.3, 92.6, 100.0, 100.0, 100.0),
    "heldout11_seed_questions.yaml": (97.5, 100.0, 97.1, 94.4, 100.0, 100.0, 100.0),
    "heldout12_seed_questions.yaml": (95.0, 95.0, 95.0, 90.5, 100.0, 100.0, 83.3),
    "heldout13_seed_questions.yaml": (95.0, 94.4, 94.4, 89.5, 100.0, 100.0, 87.5),
    "heldout14_seed_questions.yaml": (100.0, 100.0, 100.0, 97.3, 100.0, 100.0, 100.0),
    "heldout15_seed_questions.yaml": (97.5, 97.3, 97.3, 97.3, 100.0, 100.0, 100.0),
    "heldout16_seed_questions.yaml": (100.0, 100.0, 100.0, 97.4, 100.0, 100.0, 100.0),
    "heldout17_seed_questions.yaml": (97.5, 97.4, 100.0, 92.9, 100.0, 100.0, 90.9),
    "heldout18_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout19_seed_questions.yaml": (100.0, 100.0, 100.0, 92.5, 100.0, 100.0, 100.0),
    "heldout20_seed_questions.yaml": (95.0, 94.7, 94.7, 87.8, 100.0, 100.0, 100.0),
    "heldout21_seed_questions.yaml": (100.0, 100.0, 100.0, 92.7, 100.0, 100.0, 100.0),
    "heldout22_seed_questions.yaml": (97.5, 97.4, 97.4, 90.2, 100.0, 100.0, 100.0),
    "heldout23_seed_questions.yaml": (100.0, 100.0, 100.0, 92.3, 100.0, 100.0, 100.0),
    "heldout24_seed_questions.yaml": (100.0, 100.0, 100.0, 92.7, 100.0, 100.0, 100.0),
    "heldout25_seed_questions.yaml": (95.0, 97.4, 94.7, 90.0, 100.0, 100.0, 90.0),
    "heldout26_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout27_seed_questions.yaml": (95.0, 94.4, 94.4, 94.4, 100.0, 100.0, 100.0),
    "heldout28_seed_questions.yaml": (95.0, 94.3, 94.3, 91.7, 100.0, 100.0, 100.0),
    "heldout29_seed_questions.yaml": (100.0, 100.0, 100.0, 97.4, 100.0, 100.0, 100.0),
    "heldout30_seed_questions.yaml": (95.0, 94.7, 94.7, 92.3, 100.0, 100.0, 100.0),
    "heldout31_seed_questions.yaml": (100.0, 100.0, 100.0, 92.3, 100.0, 100.0, 100.0),
    "heldout32_seed_questions.yaml": (97.5, 97.2, 97.2, 97.2, 100.0, 100.0, 100.0),
    "heldout33_seed_questions.yaml": (100.0, 100.0, 100.0, 94.9, 100.0, 100.0, 100.0),
    "heldout34_seed_questions.yaml": (97.5, 97.1, 97.1, 91.9, 100.0, 100.0, 100.0),
    "heldout35_seed_questions.yaml": (95.0, 97.4, 94.7, 87.8, 100.0, 100.0, 100.0),
    "heldout36_seed_questions.yaml": (97.5, 100.0, 100.0, 92.3, 100.0, 83.3, 100.0),
    "heldout37_seed_questions.yaml": (97.5, 97.3, 97.3, 87.8, 100.0, 100.0, 88.9),
    "heldout38_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout39_seed_questions.yaml": (100.0, 100.0, 100.0, 92.1, 100.0, 100.0, 100.0),
    "heldout40_seed_questions.yaml": (87.5, 88.6, 91.4, 91.4, 100.0, 83.3, 85.7),
    "heldout41_seed_questions.yaml": (95.0, 94.3, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout42_seed_questions.yaml": (97.5, 97.2, 97.2, 89.7, 100.0, 100.0, 100.0),
    "heldout43_seed_questions.yaml": (97.5, 97.2, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout44_seed_questions.yaml": (100.0, 100.0, 100.0, 92.5, 100.0, 100.0, 100.0),
    "heldout45_seed_questions.yaml": (97.5, 97.4, 97.4, 90.2, 100.0, 100.0, 90.0),
    "heldout46_seed_questions.yaml": (100.0, 100.0, 100.0, 92.5, 100.0, 100.0, 100.0),
    "heldout47_seed_questions.yaml": (95.0, 94.9, 94.9, 92.5, 100.0, 100.0, 100.0),
    "heldout48_seed_questions.yaml": (100.0, 100.0, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout49_seed_questions.yaml": (97.5, 97.2, 97.2, 94.6, 100.0, 100.0, 100.0),
    "heldout50_seed_questions.yaml": (95.0, 97.4, 97.4, 90.2, 100.0, 100.0, 100.0),
    "heldout51_seed_questions.yaml": (90.0, 91.7, 88.9, 86.5, 100.0, 100.0, 100.0),
    "heldout52_seed_questions.yaml": (95.0, 97.3, 94.6, 89.7, 100.0, 100.0, 88.9),
    "heldout53_seed_questions.yaml": (95.0, 94.4, 94.4, 89.5, 100.0, 100.0, 100.0),
    "heldout54_seed_questions.yaml": (97.5, 97.4, 97.4, 94.9, 100.0, 100.0, 100.0),
    "heldout55_seed_questions.yaml": (97.5, 97.2, 97.2, 97.2, 100.0, 100.0, 87.5),
    "heldout56_seed_questions.yaml": (100.0, 100.0, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout57_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout58_seed_questions.yaml": (97.5, 97.4, 97.4, 92.5, 100.0, 100.0, 100.0),
    "heldout59_seed_questions.yaml": (100.0, 100.0, 100.0, 92.7, 100.0, 100.0, 100.0),
    "heldout60_seed_questions.yaml": (97.5, 97.2, 97.2, 94.6, 100.0, 100.0, 100.0),
    "heldout61_seed_questions.yaml": (95.0, 94.9, 97.4, 92.7, 100.0, 100.0, 90.9),
    "heldout62_seed_questions.yaml": (97.5, 97.1, 97.1, 89.5, 100.0, 100.0, 100.0),
    "heldout63_seed_questions.yaml": (97.5, 97.1, 100.0, 94.6, 100.0, 100.0, 85.7),
    "heldout64_seed_questions.yaml": (97.5, 97.3, 97.3, 94.7, 100.0, 100.0, 100.0),
    "heldout65_seed_questions.yaml": (97.5, 100.0, 97.1, 94.4, 100.0, 100.0, 100.0),
    "heldout66_seed_questions.yaml": (97.5, 97.4, 97.4, 94.9, 100.0, 100.0, 100.0),
    "heldout67_seed_questions.yaml": (100.0, 100.0, 100.0, 88.4, 100.0, 100.0, 100.0),
    "heldout68_seed_questions.yaml": (100.0, 100.0, 100.0, 97.4, 100.0, 100.0, 100.0),
    "heldout69_seed_questions.yaml": (100.0, 100.0, 100.0, 94.6, 100.0, 100.0, 100.0),
    "heldout70_seed_questions.yaml": (100.0, 100.0, 100.0, 94.9, 100.0, 100.0, 100.0),
    "heldout71_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout72_seed_questions.yaml": (97.5, 97.4, 97.4, 92.5, 100.0, 100.0, 90.0),
    "heldout73_seed_questions.yaml": (95.0, 94.7, 97.4, 88.1, 100.0, 100.0, 90.0),
    "heldout74_seed_questions.yaml": (97.5, 97.4, 97.4, 97.4, 100.0, 100.0, 100.0),
    "heldout75_seed_questions.yaml": (97.5, 97.1, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout76_seed_questions.yaml": (97.5, 97.2, 97.2, 92.1, 100.0, 100.0, 100.0),
    "heldout77_seed_questions.yaml": (97.5, 97.2, 97.2, 87.5, 100.0, 100.0, 100.0),
    "heldout78_seed_questions.yaml": (95.0, 94.6, 94.6, 89.7, 100.0, 100.0, 100.0),
    "heldout79_seed_questions.yaml": (97.5, 100.0, 97.2, 92.1, 100.0, 100.0, 87.5),
    "heldout80_seed_questions.yaml": (92.5, 91.9, 91.9, 94.4, 100.0, 100.0, 88.9),
    "heldout81_seed_questions.yaml": (100.0, 100.0, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout82_seed_questions.yaml": (97.5, 94.4, 94.4, 91.9, 100.0, 100.0, 87.5),
    "heldout83_seed_questions.yaml": (100.0, 100.0, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout84_seed_questions.yaml": (97.5, 94.6, 91.9, 85.0, 100.0, 100.0, 77.8),
    "heldout85_seed_questions.yaml": (95.0, 94.7, 97.4, 94.9, 100.0, 100.0, 90.0),
    "heldout86_seed_questions.yaml": (95.0, 94.6, 97.3, 92.3, 100.0, 100.0, 100.0),
    "heldout87_seed_questions.yaml": (97.5, 97.3, 97.3, 87.8, 100.0, 100.0, 88.9),
    "heldout88_seed_questions.yaml": (97.5, 97.1, 97.1, 89.5, 100.0, 100.0, 100.0),
    "heldout89_seed_questions.yaml": (97.5, 100.0, 97.2, 89.7, 100.0, 100.0, 100.0),
    "heldout90_seed_questions.yaml": (97.5, 97.4, 97.4, 97.4, 100.0, 100.0, 100.0),
    "heldout91_seed_questions.yaml": (97.5, 97.1, 100.0, 94.6, 100.0, 100.0, 100.0),
    "heldout92_seed_questions.yaml": (100.0, 100.0, 100.0, 92.5, 100.0, 100.0, 100.0),
    "heldout93_seed_questions.yaml": (97.5, 97.3, 97.3, 90.0, 100.0, 100.0, 100.0),
    "heldout94_seed_questions.yaml": (92.5, 94.6, 91.9, 87.2, 100.0, 100.0, 77.8),
    "heldout95_seed_questions.yaml": (100.0, 100.0, 100.0, 90.7, 100.0, 100.0, 100.0),
    "heldout96_seed_questions.yaml": (97.5, 97.1, 97.1, 91.9, 100.0, 100.0, 100.0),
    "heldout97_seed_questions.yaml": (100.0, 100.0, 100.0, 92.1, 100.0, 100.0, 100.0),
    "heldout98_seed_questions.yaml": (100.0, 100.0, 100.0, 95.1, 100.0, 100.0, 100.0),
    "heldout99_seed_questions.yaml": (95.0, 100.0, 94.9, 88.1, 100.0, 100.0, 90.9),
    "heldout100_seed_questions.yaml": (97.5, 97.3, 97.3, 92.3, 100.0, 100.0, 100.0),
    "heldout101_seed_questions.yaml": (95.0, 97.4, 100.0, 90.7, 100.0, 83.3, 90.9),
    "heldout102_seed_questions.yaml": (95.0, 97.3, 94.6, 92.1, 100.0, 100.0, 88.9),
    "heldout103_seed_questions.yaml": (92.5, 91.7, 91.7, 89.2, 100.0, 100.0, 100.0),
    "heldout104_seed_questions.yaml": (100.0, 100.0, 100.0, 90.2, 100.0, 100.0, 100.0),
    "heldout105_seed_questions.yaml": (97.5, 97.2, 97.2, 94.6, 100.0, 100.0, 100.0),
    "heldout106_seed_questions.yaml": (97.5, 97.4, 97.4, 97.4, 100.0, 100.0, 100.0),
    "heldout107_seed_questions.yaml": (97.5, 97.1, 97.1, 94.4, 100.0, 100.0, 100.0),
    "heldout108_seed_questions.yaml": (97.5, 97.4, 97.4, 92.7, 100.0, 100.0, 100.0),
    "heldout109_seed_questions.yaml": (92.5, 94.7, 94.7, 97.3, 100.0, 100.0, 100.0),
    "heldout110_seed_questions.yaml": (100.0, 100.0, 100.0, 94.6, 100.0, 100.0, 100.0),
    "heldout111_seed_questions.yaml": (95.0, 97.3, 94.6, 92.1, 100.0, 100.0, 100.0),
    "heldout112_seed_questions.yaml": (100.0, 100.0, 100.0, 95.0, 100.0, 100.0, 100.0),
    "heldout113_seed_questions.yaml": (95.0, 97.3, 97.3, 92.3, 100.0, 100.0, 88.9),
    "heldout114_seed_questions.yaml": (100.0, 100.0, 100.0, 94.9, 100.0, 100.0, 100.0),
    "heldout115_seed_questions.yaml": (97.5, 94.6, 94.6, 92.1, 100.0, 100.0, 77.8),
    "heldout116_seed_questions.yaml": (97.5, 97.4, 97.4, 92.5, 100.0, 100.0, 90.0),
    "heldout117_seed_questions.yaml": (100.0, 100.0, 100.0, 94.9, 100.0, 100.0, 100.0),
    "heldout118_seed_questions.yaml": (92.5, 94.7, 92.1, 92.1, 100.0, 100.0, 100.0),
    "heldout119_seed_questions.yaml": (97.5, 97.4, 97.4, 97.4, 100.0, 100.0, 100.0),
    "heldout120_seed_questions.yaml": (97.5, 97.2, 100.0, 92.3, 100.0, 100.0, 87.5),
    "heldout121_seed_questions.yaml": (100.0, 100.0, 100.0, 92.3, 100.0, 100.0, 100.0),
    "heldout122_seed_questions.yaml": (95.0, 97.3, 94.6, 89.7, 100.0, 100.0, 88.9),
    "heldout123_seed_questions.yaml": (97.5, 97.3, 100.0, 94.9, 100.0, 100.0, 100.0),
    "heldout124_seed_questions.yaml": (100.0, 100.0, 100.0, 94.7, 100.0, 100.0, 100.0),
    "heldout125_seed_questions.yaml": (92.5, 92.3, 97.4, 95.0, 100.0, 100.0, 100.0),
    "heldout126_seed_questions.yaml": (87.5, 89.5, 86.8, 84.6, 100.0, 100.0, 90.0),
    "heldout127_seed_questions.yaml": (95.0, 97.4, 94.7, 92.3, 100.0, 100.0, 90.0),
    "heldout128_seed_questions.yaml": (97.5, 97.3, 97.3, 90.0, 100.0, 100.0, 100.0),
    "heldout129_seed_questions.yaml": (97.5, 97.2, 100.0, 92.3, 100.0, 100.0, 100.0),
    "heldout130_seed_questions.yaml": (100.0, 100.0, 100.0, 92.7, 100.0, 100.0, 100.0),
    "heldout131_seed_questions.yaml": (97.5, 97.2, 97.2, 89.7, 100.0, 100.0, 100.0),
    "heldout132_seed_questions.yaml": (92.5, 91.7, 91.7, 89.2, 100.0, 100.0, 87.5),
    "heldout133_seed_questions.yaml": (97.5, 97.1, 97.1, 94.4, 100.0, 100.0, 100.0),
    "heldout134_seed_questions.yaml": (100.0, 100.0, 100.0, 94.6, 100.0, 100.0, 100.0),
    "heldout135_seed_questions.yaml": (100.0, 100.0, 100.0, 94.6, 100.0, 100.0, 100.0),
    "heldout136_seed_questions.yaml": (100.0, 100.0, 100.0, 91.9, 100.0, 100.0, 100.0),
    "heldout137_seed_questions.yaml": (95.0, 94.1, 94.1, 97.0, 100.0, 100.0, 100.0),
    "heldout138_seed_questions.yaml": (95.0, 94.1, 94.1, 97.0, 100.0, 100.0, 100.0),
    "heldout139_seed_questions.yaml": (95.0, 94.1, 94.1, 97.0, 100.0, 100.0, 100.0),
    "heldout140_seed_questions.yaml": (92.5, 91.2, 91.2, 96.9, 100.0, 100.0, 100.0),
    "heldout141_seed_questions.yaml": (95.0, 94.1, 94.1, 88.9, 100.0, 100.0, 100.0),
    "heldout142_seed_questions.yaml": (92.5, 91.2, 94.1, 88.9, 100.0, 100.0, 100.0),
    "heldout143_seed_questions.yaml": (100.0, 100.0, 100.0, 94.4, 100.0, 100.0, 100.0),
    "heldout144_seed_questions.yaml": (95.0, 94.1, 94.1, 94.1, 100.0, 100.0, 100.0),
    "heldout145_seed_questions.yaml": (95.0, 94.1, 94.1, 97.0, 100.0, 100.0, 100.0),
    "heldout146_seed_questions.yaml": (95.0, 94.1, 94.1, 94.1, 100.0, 100.0, 100.0),
    "heldout147_seed_questions.yaml": (97.5, 97.1, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout148_seed_questions.yaml": (100.0, 100.0, 100.0, 97.1, 100.0, 100.0, 100.0),
    "heldout149_seed_questions.yaml": (95.0, 94.1, 94.1, 91.4, 100.0, 100.0, 100.0),
    "heldout150_seed_questions.yaml": (97.5, 97.1, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout151_seed_questions.yaml": (97.5, 97.1, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout152_seed_questions.yaml": (97.5, 97.1, 100.0, 97.1, 100.0, 100.0, 100.0),
    "heldout153_seed_questions.yaml": (97.5, 97.1, 97.1, 89.2, 100.0, 100.0, 83.3),
    "heldout154_seed_questions.yaml": (100.0, 100.0, 100.0, 94.4, 100.0, 100.0, 100.0),
    "heldout155_seed_questions.yaml": (97.5, 97.1, 97.1, 94.3, 100.0, 100.0, 83.3),
    "heldout156_seed_questions.yaml": (97.5, 97.1, 100.0, 94.4, 100.0, 100.0, 83.3),
    "heldout157_seed_questions.yaml": (100.0, 100.0, 100.0, 94.4, 100.0, 100.0, 100.0),
    "heldout158_seed_questions.yaml": (92.5, 91.2, 91.2, 91.2, 100.0, 100.0, 100.0),
    "heldout159_seed_questions.yaml": (92.5, 91.2, 94.1, 91.4, 100.0, 100.0, 83.3),
    "heldout160_seed_questions.yaml": (97.5, 97.1, 97.1, 89.2, 100.0, 100.0, 100.0),
    "heldout161_seed_questions.yaml": (97.5, 97.1, 97.1, 91.7, 100.0, 100.0, 100.0),
    "heldout162_seed_questions.yaml": (100.0, 100.0, 100.0, 97.1, 100.0, 100.0, 100.0),
    "heldout163_seed_questions.yaml": (100.0, 100.0, 100.0, 97.1, 100.0, 100.0, 100.0),
    "heldout164_seed_questions.yaml": (97.5, 97.1, 97.1, 94.3, 100.0, 100.0, 100.0),
    "heldout165_seed_questions.yaml": (95.0, 94.1, 94.1, 97.0, 100.0, 100.0, 100.0),
    "heldout166_seed_questions.yaml": (97.5, 97.1, 100.0, 97.1, 100.0, 100.0, 100.0),
    "heldout167_seed_questions.yaml": (100.0, 100.0, 100.0, 94.4, 100.0, 100.0, 100.0),
    "heldout168_seed_questions.yaml": (97.5, 94.1, 97.1, 91.7, 100.0, 100.0, 83.3),
    "heldout169_seed_questions.yaml": (95.0, 94.1, 97.1, 94.3, 100.0, 100.0, 83.3),
    "heldout170_seed_questions.yaml": (97.5, 97.1, 97.1, 97.1, 100.0, 100.0, 100.0),
    "heldout171_seed_questions.yaml": (97.5, 97.1, 97.1, 91.7, 100.0, 100.0, 100.0),
    "second_questions.yaml": (93.9, 93.8, 96.4, 96.4, 100.0, 100.0, 100.0),
    "third_questions.yaml": (96.7, 100.0, 100.0, 100.0, 100.0, 80.0, 100.0),
    "fourth_questions.yaml": (81.2, 79.3, 82.8, 92.3, 100.0, 100.0, 83.3),
    "fifth_questions.yaml": (75.0, 71.0, 71.0, 78.6, 100.0, 80.0, 75.0),
    "sixth_questions.yaml": (61.1, 61.8, 61.3, 70.4, 100.0, 50.0, 66.7),
    "seventh_questions.yaml": (66.7, 66.7, 67.7, 75.0, 100.0, 66.7, 62.5),
    "eighth_questions.yaml": (66.7, 65.8, 71.0, 87.1, 80.0, 40.0, 58.3),
    "ninth_questions.yaml": (55.6, 52.8, 61.1, 71.0, 80.0, 40.0, 40.0),
    "tenth_questions.yaml": (66.7, 73.0, 71.0, 84.4, 80.0, 60.0, 72.7),
    "eleventh_questions.yaml": (77.8, 85.3, 85.3, 87.9, 60.0, 80.0, 100.0),
    "twelfth_questions.yaml": (83.3, 83.3, 86.1, 96.9, 100.0, 80.0, 80.0),
    "thirteenth_questions.yaml": (77.8, 80.0, 82.9, 87.9, 100.0, 60.0, 77.8),
    "fourteenth_questions.yaml": (66.7, 65.7, 68.6, 77.4, 80.0, 60.0, 44.4),
    "fifteenth_questions.yaml": (55.6, 61.1, 69.4, 73.5, 80.0, 40.0, 50.0),
}
# A floor is about one case below the measured figure: off-topic abstention stays whole, a near-miss is one of about
# six, a follow-up one of about eight turns, the rest one of about forty.
SLACK = (3.0, 3.0, 3.0, 3.0, 0.0, 17.0, 13.0)


def floors(name: str) -> dict[str, float]:
    return {k: max(0.0, (m - s) / 100) for k, m, s in zip(METRICS, MEASURED[name], SLACK, strict=True)}


def _below(summary: dict, floors: dict[str, float]) -> list[str]:
    # MEASURED is rounded to one decimal (66.7 for two cases in three): a figure half a unit under it is the same.
    return [f"{k}: {summary[k]} < {v}" for k, v in floors.items() if summary[k] is None or summary[k] < v - 0.0005]


def _bot(name: str) -> str:
    """The bot's fixture for a set: the seed's, the second article's, or the article under tests/data it is for."""
    if "_seed_" in name:
        return "seed_bot"
    article = name.replace("_questions.yaml", "_article.txt")
    return "second_bot" if article == "second_article.txt" else article


SETS = [  # (question set, the bot's fixture or the article under tests/data, floors, at least this many cases)
    (ROOT / "tests" / "regression" / "questions.yaml", "seed_bot", SEED_FLOORS, 40),
    *((DATA / name, _bot(name), floors(name), 40 if "_seed_" in name else 30) for name in MEASURED),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "bot", "floors", "min_cases"), SETS, ids=[p.stem for p, *_ in SETS])
def test_question_set(path: Path, bot: str, floors: dict[str, float], min_cases: int, request) -> None:  # noqa: ANN001
    chatbot = request.getfixturevalue("article_bot")(bot) if bot.endswith(".txt") else request.getfixturevalue(bot)
    result = evaluate(path, bot=chatbot)
    assert result.summary["cases"] >= min_cases
    assert result.summary["errors"] == 0
    assert not _below(result.summary, floors), "\n".join([str(result.summary), *result.failures()])
