"""One interview, the same on every front end: start → answer → hint → timeout → summary.

Each adapter's driver (drivers.py) uses the real front end as a member would and returns the
text the member saw; the checks are about what any member must read, whatever the platform.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest
from drivers import Driver, console_driver, discord_driver, slack_driver

from bot.core.i18n import t
from content.loader import Bank, load_bank

FIXTURE_BANK = Path(__file__).parents[1] / "unit" / "core" / "fixtures" / "bank"

DRIVERS: dict[str, Callable[[str, Bank], AbstractAsyncContextManager[Driver]]] = {
    "console": console_driver,
    "discord": discord_driver,
    "slack": slack_driver,
}


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, db_url: str, bank: Bank) -> AsyncIterator[Driver]:
    async with DRIVERS[request.param](db_url, bank) as driver:
        yield driver


def asked(bank: Bank, seen: str) -> list[str]:
    """The bank questions whose text the member was shown, in order of appearance."""
    found = [(seen.find(q.question), q.id) for q in bank.questions.values() if q.question in seen]
    return [qid for _, qid in sorted(found)]


async def test_an_interview_reads_the_same_on_every_front_end(driver: Driver, bank: Bank) -> None:
    seen = await driver.start("quantization", 2, 60)
    [first] = asked(bank, seen)

    good = "；".join(point.point for point in bank.questions[first].key_points)
    seen = await driver.answer(good)
    assert t("zh-CN", "verdict.excellent") in seen or t("zh-CN", "verdict.good") in seen
    assert bank.questions[first].answer.splitlines()[0][:20] in seen  # the reference answer
    [_, second] = asked(bank, seen)

    seen = await driver.hint()
    assert bank.questions[second].key_points[0].point in seen

    seen = await driver.advance(61)
    assert t("zh-CN", "verdict.expired") in seen
    assert sorted(asked(bank, seen)) == sorted([first, second])  # the summary lists both
