"""Short localized notices: one way to build them, so a code and its text never drift apart.

A Notice tells how things stand (nothing to review, the button's question is closed); an
ErrorNotice says a command could not be done and why. By default the catalogue key is the code
under `notice.` / `error.`.
"""

from __future__ import annotations

from bot.core.commands import Locale
from bot.core.i18n import t
from bot.core.replies import ErrorNotice, Notice


def notice(locale: Locale, code: str, key: str | None = None, /, **params: object) -> Notice:
    return Notice(locale=locale, code=code, text=t(locale, key or f"notice.{code}", **params))


def error(locale: Locale, code: str, key: str | None = None, /, **params: object) -> ErrorNotice:
    return ErrorNotice(locale=locale, code=code, text=t(locale, key or f"error.{code}", **params))
