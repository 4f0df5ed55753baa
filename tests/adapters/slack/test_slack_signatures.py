"""Requests whose signature is wrong or whose timestamp is stale: 401, and no handler runs."""

from __future__ import annotations

import time

from slack_payloads import slash
from slack_world import SlackWorld


async def test_forged_signature_and_stale_timestamp_are_refused(slack: SlackWorld) -> None:
    fields = slash(
        "start rag 1 5m", user="U1", channel="C1", response_url=slack.fake.response_url()
    )
    status, _ = await slack.http.form(fields, signature="v0=" + "0" * 64)
    assert status == 401
    status, _ = await slack.http.form(fields, timestamp=int(time.time()) - 600)
    assert status == 401
    # The same request, correctly signed, goes through: the refusals were about the signature.
    status, _ = await slack.http.form({**fields, "text": "help"})
    assert status == 200
    await slack.fake.wait_responses(1)
    assert [c.method for c in slack.fake.calls if c.method not in ("auth.test", "users.info")] == [
        "response_url"
    ]
