"""A channel's daily settings as the contract tests save them: every day at 09:00 UTC."""

from storage.daily_models import DailyConfigValues


def daily_values(*, digest: bool = False) -> DailyConfigValues:
    return DailyConfigValues(
        enabled=True,
        post_hour=9,
        post_minute=0,
        timezone="UTC",
        days="0123456",
        topics=None,
        difficulty=None,
        window_s=None,
        digest=digest,
        locale="zh-CN",
        set_by_member_id=None,
    )
