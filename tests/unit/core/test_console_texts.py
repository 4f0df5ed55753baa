"""The console's own texts exist in both languages with the same fields, like the core's."""

from __future__ import annotations

import re

from bot.adapters.console.texts import TEXTS


def test_every_console_text_has_both_languages_with_the_same_fields() -> None:
    fields = re.compile(r"\{(\w+)\}")
    assert TEXTS.all_keys()
    for key in TEXTS.all_keys():
        zh, en = TEXTS.t("zh-CN", key), TEXTS.t("en", key)
        assert zh and en and zh != en, key
        assert sorted(fields.findall(zh)) == sorted(fields.findall(en)), key


def test_forget_me_is_confirmed_by_typing_on_the_console_only() -> None:
    from datetime import UTC

    from bot.adapters.console.render import render
    from bot.adapters.slack.render import render as slack_render
    from bot.core.i18n import t
    from bot.core.replies import ForgetConfirm

    counts = {"attempts": 1, "sessions": 1, "review_cards": 0, "daily_answers": 0}
    for locale in ("zh-CN", "en"):
        text = t(locale, "forget.confirm", **counts)
        ask = ForgetConfirm(locale=locale, text=text, **counts)
        assert "forget-me confirm" in render(ask)
        [message] = slack_render([ask], tz=UTC)
        assert "forget-me" not in message.text and "forget-me" not in str(message.blocks)
