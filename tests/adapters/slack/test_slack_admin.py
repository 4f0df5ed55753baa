"""`config` is for workspace admins and owners: users.info (cached briefly) says who is one,
and the core refuses everyone else, privately, changing nothing."""

from __future__ import annotations

from slack_fakes import default_user
from slack_world import SlackWorld


async def test_config_from_a_member_is_politely_refused(slack: SlackWorld) -> None:
    await slack.command("config daily 09:00", user="U1", channel="C1")
    [refusal] = await slack.fake.wait_responses(1)
    assert refusal["response_type"] == "ephemeral" and "管理员" in refusal["text"]
    await slack.command("config show", user="U1", channel="C1")
    responses = await slack.fake.wait_responses(2)
    assert "还没有设置" in responses[-1]["text"]
    assert slack.fake.count("chat.postMessage") == 0


async def test_an_admin_configures_the_channel(slack: SlackWorld) -> None:
    slack.fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    await slack.command("config daily 09:00 tz=Asia/Shanghai", user="UADMIN", channel="C1")
    [reply] = await slack.fake.wait_responses(1)
    assert reply["response_type"] == "ephemeral" and "09:00" in reply["text"] + str(reply["blocks"])


async def test_admin_flag_comes_from_users_info_and_is_cached(slack: SlackWorld) -> None:
    slack.fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    slack.fake.users["UOWNER"] = {**default_user("UOWNER"), "is_owner": True}
    people = slack.parts.people
    assert (await people.get("UADMIN")).is_admin
    assert (await people.get("UOWNER")).is_admin
    assert not (await people.get("U1")).is_admin
    await people.get("UADMIN")
    assert [p["user"] for p in slack.fake.of("users.info")] == ["UADMIN", "UOWNER", "U1"]
