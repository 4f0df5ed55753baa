"""The core's Messenger on Slack: deliver into a member's DM or session thread, post and edit
channel messages (the daily challenge), and close question cards once they are answered.

- 429s are retried by slack_sdk's AsyncRateLimitErrorRetryHandler (it sleeps Retry-After) on
  the client built in app.py; what still fails becomes a DeliveryError here.
- Channel posts and edits keep to about one message per second per channel (Slack's rule).
- Which message shows which question card is remembered in memory; a card posted before a
  restart is found in the conversation when its question ends (earlier_cards.py) and closed
  too. Pressing an old card's button gets the core's "closed" notice, nothing else.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import SlackMessage
from bot.adapters.slack.earlier_cards import find_cards, find_message
from bot.adapters.slack.people import People
from bot.adapters.slack.render import closed_card, question_closed, render
from bot.core.commands import Actor, Place
from bot.core.messenger import ChannelRef, DeliveryError, PostPace
from bot.core.replies import Feedback, QuestionCard, Reply, Summary

log = structlog.get_logger(__name__)

# Errors after which posting to that channel again cannot work.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "account_inactive",
        "invalid_auth",
        "not_authed",
        "token_revoked",
        "missing_scope",
        "restricted_action",
        "message_not_found",
        "cant_update_message",
    }
)
CARDS_KEPT = 2000
# A question's time taken is whole seconds (and capped at its limit when it ran out while the
# bot was down): this much leeway when telling whether it was asked before the start.
EARLIER_MARGIN_S = 5.0


@dataclass(frozen=True)
class PostedCard:
    channel: str
    ts: str
    card: QuestionCard


class ChannelPacer:
    """Spaces messages to one channel at least `interval_s` apart."""

    def __init__(self, interval_s: float) -> None:
        self._interval_s = interval_s
        self._next: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + self._interval_s
        if slot > now:
            await asyncio.sleep(slot - now)


class SlackMessenger:
    def __init__(
        self, client: AsyncWebClient, people: People, *, channel_interval_s: float = 1.0
    ) -> None:
        self._client = client
        self._people = people
        self._pacer = ChannelPacer(channel_interval_s)
        self.pace = PostPace(per_second=20.0, per_channel_per_second=1.0 / channel_interval_s)
        self._cards: OrderedDict[tuple[str, int], list[PostedCard]] = OrderedDict()
        self._dm: dict[str, str] = {}
        self._started = time.monotonic()

    # ---- the Messenger port ---------------------------------------------------------------

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        try:
            await self.show(actor, place, replies)
        except SlackApiError as exc:
            log.warning(
                "slack.deliver_failed",
                user_id=actor.user_id,
                channel=place.channel_id,
                error=exc.response.get("error"),
            )
        except Exception:
            log.exception("slack.deliver_failed", user_id=actor.user_id)

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        messages = render(replies, tz=self._people.default_tz)
        first: str | None = None
        for message in messages:
            await self._pacer.wait(channel.channel_id)
            try:
                ts = await self._post(channel.channel_id, thread_of, message)
            except SlackApiError as exc:
                raise _delivery_error(exc) from exc
            first = first or ts
        if first is None:
            raise DeliveryError("nothing to post", permanent=True)
        return first

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        messages = render(replies, tz=self._people.default_tz)
        if not messages:
            return None
        return await find_message(self._client, channel.channel_id, thread_of, messages[0])

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        messages = render(replies, tz=self._people.default_tz)
        if not messages:
            return
        await self._pacer.wait(channel.channel_id)
        try:
            await self._client.chat_update(
                channel=channel.channel_id,
                ts=message_id,
                text=messages[0].text,
                blocks=messages[0].blocks,
            )
        except SlackApiError as exc:
            raise _delivery_error(exc) from exc

    # ---- used by the listeners too ----------------------------------------------------------

    async def show(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> list[str]:
        """Post `replies` where `place` says (the member's DM when it names no channel); the
        cards they close are updated. Raises SlackApiError."""
        if not replies:
            return []
        channel = place.channel_id or await self.dm_channel(actor.user_id)
        person = await self._people.get(actor.user_id)
        known = await self._close_cards(replies, person.tz)
        await self._close_earlier_cards(replies, channel, place.thread_id, known)
        sent = []
        for reply in replies:
            for message in render([reply], tz=person.tz):
                ts = await self._post(channel, place.thread_id, message)
                sent.append(ts)
                if isinstance(reply, QuestionCard):
                    self._remember(PostedCard(channel, ts, reply))
        return sent

    async def whisper(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        """Ephemeral messages only `actor` sees, in `place` (a channel or thread). Never raises."""
        if place.channel_id is None:
            await self.deliver(actor, place, replies)
            return
        person = await self._people.get(actor.user_id)
        for message in render(replies, tz=person.tz):
            try:
                await self._client.chat_postEphemeral(
                    channel=place.channel_id,
                    user=actor.user_id,
                    thread_ts=place.thread_id,
                    text=message.text,
                    blocks=message.blocks,
                )
            except SlackApiError as exc:
                log.warning("slack.whisper_failed", error=exc.response.get("error"))

    async def dm_channel(self, user_id: str) -> str:
        known = self._dm.get(user_id)
        if known is not None:
            return known
        response = await self._client.conversations_open(users=user_id)
        channel = str((response.get("channel") or {})["id"])
        self._dm[user_id] = channel
        return channel

    async def _post(self, channel: str, thread_ts: str | None, message: SlackMessage) -> str:
        response = await self._client.chat_postMessage(
            channel=channel,
            thread_ts=thread_ts,
            text=message.text,
            blocks=message.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        return str(response.get("ts"))

    def _remember(self, posted: PostedCard) -> None:
        key = (posted.card.session_id, posted.card.position)
        self._cards.setdefault(key, []).append(posted)
        self._cards.move_to_end(key)
        while len(self._cards) > CARDS_KEPT:
            self._cards.popitem(last=False)

    async def _close_cards(self, replies: Sequence[Reply], tz: object) -> set[tuple[str, int]]:
        """A question's feedback (or the session's summary) closes its cards: no live buttons
        left on a question that is over. Returns the questions whose cards it knew."""
        keys: list[tuple[str, int]] = []
        for reply in replies:
            if isinstance(reply, Feedback):
                keys.append((reply.session_id, reply.position))
            elif isinstance(reply, Summary):
                keys += [key for key in self._cards if key[0] == reply.session_id]
        known = {key for key in keys if key in self._cards}
        for key in keys:
            for posted in self._cards.pop(key, []):
                closed = question_closed(posted.card, tz=tz)  # type: ignore[arg-type]
                try:
                    await self._client.chat_update(
                        channel=posted.channel, ts=posted.ts, text=closed.text, blocks=closed.blocks
                    )
                except SlackApiError as exc:
                    log.info("slack.card_close_failed", error=exc.response.get("error"))
        return known

    async def _close_earlier_cards(
        self,
        replies: Sequence[Reply],
        channel: str,
        thread_ts: str | None,
        known: set[tuple[str, int]],
    ) -> None:
        """Cards of these feedbacks' questions that this process never posted (a restart came
        in between) are looked up in the conversation and closed as well."""
        unknown = {
            (reply.session_id, reply.position): reply.locale
            for reply in replies
            if isinstance(reply, Feedback)
            and not reply.refined
            and reply.daily_post_id is None
            and (reply.session_id, reply.position) not in known
            and self._asked_before_start(reply)
        }
        if not unknown:
            return
        for key, message in await find_cards(self._client, channel, thread_ts, unknown):
            closed = closed_card(message, unknown[key])
            try:
                await self._client.chat_update(
                    channel=channel, ts=str(message["ts"]), text=closed.text, blocks=closed.blocks
                )
            except SlackApiError as exc:
                log.info("slack.card_close_failed", error=exc.response.get("error"))

    def _asked_before_start(self, feedback: Feedback) -> bool:
        """Only a question asked before this process started can have a card it never saw
        (short of another process behind the load balancer, which is not looked up: one read
        of the conversation per answer would soon meet Slack's rate limits)."""
        running_s = time.monotonic() - self._started
        return feedback.time_taken_s + EARLIER_MARGIN_S >= running_s


def _delivery_error(exc: SlackApiError) -> DeliveryError:
    code = str(exc.response.get("error") or exc.response.status_code)
    retry_after: float | None = None
    if exc.response.status_code == 429:
        raw = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        try:
            retry_after = float(raw[0] if isinstance(raw, list) else raw) if raw else None
        except ValueError:
            retry_after = None
    return DeliveryError(code, permanent=code in PERMANENT_ERRORS, retry_after_s=retry_after)
