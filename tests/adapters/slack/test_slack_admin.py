"""`config` is for workspace admins and owners (users.info, cached briefly)."""

from __future__ import annotations

from slack_fakes import default_user
from slack_world import SlackWorld


async def test_config_from_a_member_is_politely_refused(slack: SlackWorld) -> None:
    await slack.command("config time=09:00", user="U1", channel="C1")
    [refusal] = await slack.fake.wait_responses(1)
    assert refusal["response_type"] == "ephemeral" and "管理员" in refusal["text"]
    assert slack.fake.count("chat.postMessage") == 0


async def test_admin_flag_comes_from_users_info_and_is_cached(slack: SlackWorld) -> None:
    slack.fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    slack.fake.users["UOWNER"] = {**default_user("UOWNER"), "is_owner": True}
    people = slack.parts.people
    assert (await people.get("UADMIN")).is_admin
    assert (await people.get("UOWNER")).is_admin
    assert not (await people.get("U1")).is_admin
    await people.get("UADMIN")
    assert [p["user"] for p in slack.fake.of("users.info")] == ["UADMIN", "UOWNER", "U1"]
