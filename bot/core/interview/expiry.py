"""The deadline watcher's entry point: a question's time is up.

Score 0, reveal, ask the next question, and tell the member through the Messenger. Expiring is
one conditional update, so the watcher of a second process, or an answer racing the deadline,
makes this a no-op.
"""

from __future__ import annotations

import structlog

from bot.core.caches import MemberCache
from bot.core.commands import Actor, Place
from bot.core.context import MemberContext
from bot.core.i18n import normalize_locale
from bot.core.interview import present
from bot.core.interview.steps import SessionSteps
from bot.core.messenger import Messenger
from bot.core.replies import Reply
from storage.models import SessionRecord

log = structlog.get_logger(__name__)


class Expiry:
    def __init__(self, *, steps: SessionSteps, messenger: Messenger, members: MemberCache) -> None:
        self._steps = steps
        self._messenger = messenger
        self._members = members

    async def expire(self, attempt_id: int, offline: bool) -> None:
        """Time is up for this attempt: score 0, reveal, ask the next, tell the member.

        Closing it and asking the next question are one commit (`SessionSteps.finish`).
        """
        session = await self._session_of(attempt_id)
        if session is None:
            return
        steps = self._steps
        now = steps.clock.now()
        moved = await steps.finish(
            session, attempt_id, now, state="expired", score=0.0, only_if_expired=True
        )
        expired = moved.finished
        if expired is None:
            await self._not_expired(attempt_id)
            return
        ctx = await self._context(session)
        if ctx is None:
            return
        log.info("attempt.expired", attempt_id=attempt_id, session_id=session.id, offline=offline)
        replies: list[Reply] = []
        question = steps.bank.questions.get(expired.question_id)
        if question is not None:
            replies.append(
                present.feedback(
                    steps.bank, session, expired, question, locale=ctx.locale, while_offline=offline
                )
            )
        replies += steps.moved_on(ctx, session, moved, now)
        await self._messenger.deliver(ctx.actor, ctx.place, replies)

    async def _session_of(self, attempt_id: int) -> SessionRecord | None:
        """The attempt's session, if the attempt is ours to expire."""
        steps = self._steps
        session_id = steps.own.get(attempt_id)
        if session_id is not None:
            # Asked by this process, so for a platform it serves (the session is cached).
            return await steps.session(session_id)
        # Found in the database (start-up, refresh): check whose it is before touching it.
        attempt = await steps.store.get_attempt(attempt_id)
        if attempt is None or attempt.state != "asking":
            return None
        session = await steps.session(attempt.session_id)
        if session is None or (
            steps.platforms is not None and session.platform not in steps.platforms
        ):
            return None
        return session

    async def _not_expired(self, attempt_id: int) -> None:
        """Finished some other way (fine), or woken before its deadline (watch it again)."""
        attempt = await self._steps.store.get_attempt(attempt_id)
        if attempt is not None and attempt.state == "asking":
            self._steps.deadlines.schedule(attempt.id, attempt.deadline_at)
        else:
            self._steps.own.pop(attempt_id, None)

    async def _context(self, session: SessionRecord) -> MemberContext | None:
        """Whom to tell, and where: the session's member at the session's place."""
        now = self._steps.clock.now()
        member = self._members.by_id(session.member_id, now)
        if member is None:
            member = await self._steps.store.get_member(session.member_id)
            if member is not None:
                self._members.put(member.key, member, now)
        if member is None:
            log.warning("expire.member_missing", session_id=session.id, member_id=session.member_id)
            return None
        return MemberContext(
            actor=Actor(
                platform=member.platform,
                workspace_id=member.workspace_id,
                user_id=member.user_id,
                display_name=member.display_name,
            ),
            place=Place(channel_id=session.channel_id, thread_id=session.thread_id),
            member=member,
            locale=normalize_locale(member.locale or session.locale),
        )
