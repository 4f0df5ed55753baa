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
