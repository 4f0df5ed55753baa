"""Shared fixtures: a small bank written for these tests and a grader built on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.grading import OfflineGrader, build_offline_grader
from content.loader import Bank, load_bank
from content.schema import Question

FIXTURE_BANK = Path(__file__).parent / "fixture_bank"


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture(scope="session")
def grader(bank: Bank) -> OfflineGrader:
    return build_offline_grader(bank)


@pytest.fixture(scope="session")
def question(bank: Bank) -> Question:
    """The question most tests grade against: PEFT, with Chinese and English aliases."""
    return bank.questions["fx-peft-what-why"]
