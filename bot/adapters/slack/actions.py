"""Buttons (`block_actions`) and the answer modal (`view_submission`).

Buttons carry `bot.core.ids` strings, so they work after a restart; the core decides whether a
button's question is still open and whose it is, and a stale or foreign press gets an
ephemeral notice with nothing changed. Buttons are acked first; the Answer button checks its
question (a read) and opens the modal with the trigger id, which is valid for 3 s.

The modal is the other way round: the answer is stored first and the ack comes after, so a
closed modal always means a saved answer. Validation problems and refusals come back in the ack
(`response_action: errors`) and leave the modal open; a daily question that closed meanwhile
closes the modal and shows the member its reveal instead.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.adapters.slack.frontend import FrontEnd
from bot.adapters.slack.inbound import action_place, first_action, team_of, user_of
from bot.adapters.slack.modals import (
    DAILY_CALLBACK,
    ModalMeta,
    answer_modal,
    answer_problem,
    errors,
    read_answer,
    read_meta,
)
from bot.adapters.slack.replying import answer, ephemeral
from bot.adapters.slack.texts import st
from bot.core import ids
from bot.core.commands import (
    Actor,
    Answer,
    Command,
    DailyAnswer,
    ForgetMe,
    Hint,
    Mark,
    Place,
    QuestionRef,
    Review,
    Skip,
    Stop,
)
from bot.core.i18n import join_sentences
from bot.core.replies import ErrorNotice, Feedback, Notice, Reply

log = structlog.get_logger(__name__)


class Buttons:
    def __init__(self, front: FrontEnd) -> None:
        self._front = front

    async def __call__(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        action = ids.decode(str(first_action(body).get("action_id") or ""))
        if action is None:
            log.info("slack.unknown_action", action_id=first_action(body).get("action_id"))
        elif isinstance(action, ids.QuestionAction) and action.verb == "answer":
            # Not queued behind other work: the trigger id for the modal lasts 3 s.
            await self._open_modal(body, action, respond)
        elif isinstance(action, ids.DailyAnswerAction):
            await self._open_daily_modal(body, action)
        else:
            self._front.later(self.work(action, body, respond))

    async def work(self, action: ids.Action, body: dict[str, Any], respond: AsyncRespond) -> None:
        actor, person = await self._front.people.actor(team_of(body), user_of(body))
        place = action_place(body)
        match action:
            case ids.QuestionAction(verb=verb, session_id=session_id, position=position):
                at = QuestionRef(session_id=session_id, position=position)
                command: Command = (
                    Hint(at=at)
                    if verb == "hint"
                    else Skip(at=at)
                    if verb == "skip"
                    else Stop(at=at)
                )
            case ids.MarkAction(attempt_id=attempt_id, verdict=verdict):
                command = Mark(verdict=verdict, attempt_id=attempt_id)
            case ids.ReviewAction():
                # From App Home: there is no channel, so the review runs in the DM.
                place = Place(channel_id=await self._front.messenger.dm_channel(actor.user_id))
                command = Review()
            case ids.ForgetAction(confirm=confirm):
                command = ForgetMe(confirm=confirm)
            case _:  # pragma: no cover - every other action is handled before queueing
                return
        replies = await self._front.core.handle(actor, place, command)
        await answer(
            self._front.messenger, _respond_or_none(body, respond), actor, person, place, replies
        )

    async def _open_daily_modal(self, body: dict[str, Any], action: ids.DailyAnswerAction) -> None:
        # Whether the post is still open is the core's call, at submission (the modal then
        # stays open saying why); nothing is stored by opening it.
        actor, _ = await self._front.people.actor(team_of(body), user_of(body))
        locale = await self._front.core.locale_of(actor)
        place = action_place(body)
        meta = ModalMeta(action=ids.encode(action), channel=place.channel_id, thread=None)
        # An ephemeral card's press carries no message: its button's value holds the question.
        value = str(first_action(body).get("value") or "")
        question = _question_text(body) or ("" if ids.decode(value) else value)
        view = answer_modal(locale, meta, question, callback_id=DAILY_CALLBACK)
        await self._front.client.views_open(trigger_id=body["trigger_id"], view=view)

    async def _open_modal(
        self, body: dict[str, Any], action: ids.QuestionAction, respond: AsyncRespond
    ) -> None:
        actor, person = await self._front.people.actor(team_of(body), user_of(body))
        place = action_place(body)
        at = QuestionRef(session_id=action.session_id, position=action.position)
        refusal = await self._front.core.check_button(actor, at)
        if refusal is not None:
            await ephemeral(respond, person, [refusal])
            return
        locale = await self._front.core.locale_of(actor)
        meta = ModalMeta(
            action=ids.encode(action), channel=place.channel_id, thread=place.thread_id
        )
        question = _question_text(body)
        await self._front.client.views_open(
            trigger_id=body["trigger_id"], view=answer_modal(locale, meta, question)
        )


class AnswerModal:
    def __init__(self, front: FrontEnd) -> None:
        self._front = front

    async def __call__(self, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        front = self._front
        meta = read_meta(view)
        action = ids.decode(meta.action) if meta is not None else None
        if meta is None or not isinstance(action, ids.QuestionAction | ids.DailyAnswerAction):
            await ack()  # not ours to understand; closing it changes nothing
            return
        actor, person = await front.people.actor(team_of(body), user_of(body))
        locale = await front.core.locale_of(actor)
        text = read_answer(view)
        problem = answer_problem(locale, text)
        if problem is not None:
            await ack(**errors(problem))
            return
        command: Command
        daily = isinstance(action, ids.DailyAnswerAction)
        if isinstance(action, ids.DailyAnswerAction):
            command = DailyAnswer(post_id=action.post_id, text=text)
        else:
            at = QuestionRef(session_id=action.session_id, position=action.position)
            command = Answer(text=text, at=at)
        work = asyncio.ensure_future(front.core.handle(actor, meta.place, command))
        try:
            replies = await asyncio.wait_for(asyncio.shield(work), front.store_timeout_s)
        except TimeoutError:
            await ack(**errors(st(locale, "modal.not_saved")))
            front.later(self._when_done(work, actor, meta.place, private=daily))
            return
        if not any(isinstance(r, Feedback) for r in replies):
            await self._refused(ack, actor, meta.place, locale, replies)
            return
        await ack()
        if daily:
            await front.messenger.whisper(actor, meta.place, replies)  # only they see it
        else:
            await answer(front.messenger, None, actor, person, meta.place, replies)

    async def _refused(
        self, ack: AsyncAck, actor: Actor, place: Place, locale: str, replies: list[Reply]
    ) -> None:
        """Nothing was stored (closed, not yours, too late, already answered). A refusal that
        only says why keeps the modal open saying it; one that shows more (a closed daily
        question's reveal) closes the modal and shows it all where the button was."""
        said = [r for r in replies if isinstance(r, Notice | ErrorNotice)]
        if len(said) == len(replies):
            why = join_sentences(locale, *(r.text for r in said))
            await ack(**errors(why or st(locale, "modal.refused")))
            return
        await ack()
        await self._front.messenger.whisper(actor, place, replies)

    async def _when_done(
        self, work: asyncio.Future[list[Reply]], actor: Actor, place: Place, *, private: bool
    ) -> None:
        # Slow, not lost: whatever the core answered is shown where the interview runs (a
        # daily answer's feedback only to its author).
        replies = await work
        if private:
            await self._front.messenger.whisper(actor, place, replies)
        else:
            await self._front.messenger.deliver(actor, place, replies)


def _respond_or_none(body: dict[str, Any], respond: AsyncRespond) -> AsyncRespond | None:
    # A button in App Home has no response_url: private replies then go to the member's DM.
    return respond if body.get("response_url") else None


def _question_text(body: dict[str, Any]) -> str:
    """The question as the card shows it (its first section), for the modal to repeat."""
    for block in (body.get("message") or {}).get("blocks") or []:
        if block.get("type") == "section":
            text = (block.get("text") or {}).get("text") or ""
            return str(text).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return ""
