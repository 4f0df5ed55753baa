"""What happens for each interaction: acknowledge first, ask the core, show its replies.

- Every interaction is deferred (or answered with the modal) before the core is asked, so
  Discord's 3-second limit never depends on the database.
- A session's cards, hints, feedback and summary are posted into the session's private thread
  (or DM) for the member to keep; everything else (notices, errors, boards, help) is
  ephemeral, seen only by the member who asked.
- No game rule here: whether a button's question is still open, or whose it is, the core says.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
import structlog

from bot.adapters.discord import begin, daily_flow
from bot.adapters.discord.inbound import (
    channel_id_of,
    interaction_actor,
    is_session_channel,
    place_of,
)
from bot.adapters.discord.modals import AnswerModal, open_modal, submitted_text
from bot.adapters.discord.posting import Poster
from bot.adapters.discord.render import Outgoing, render_all
from bot.adapters.discord.texts import d
from bot.core import ids
from bot.core.commands import (
    Actor,
    Answer,
    Command,
    Hint,
    Mark,
    ParseError,
    Place,
    QuestionRef,
    Review,
    Skip,
    Start,
    Status,
    Stop,
)
from bot.core.i18n import normalize_locale
from bot.core.ids import DailyAnswerAction, MarkAction, QuestionAction
from bot.core.replies import QuestionCard, Reply
from bot.core.service import Core
from content.loader import Bank

log = structlog.get_logger(__name__)

SESSION_KINDS = frozenset({"question", "hint", "feedback", "summary"})
# Commands whose replies belong in the session's thread wherever they are typed (status is
# only a look: it stays ephemeral).
SESSION_COMMANDS = frozenset({"hint", "skip", "stop"})


class InteractionFlow:
    def __init__(self, core: Core, bank: Bank, poster: Poster, client: discord.Client) -> None:
        self.core = core
        self.bank = bank
        self.poster = poster
        self._client = client

    # ---- slash commands -------------------------------------------------------------------

    async def command(self, interaction: discord.Interaction[Any], command: Command) -> None:
        """Any command whose replies need no new place: defer, ask the core, show."""
        if not await self.in_server(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = interaction_actor(interaction, str(interaction.guild_id))
        session = await self.core.session_place(actor) if command.kind in SESSION_COMMANDS else None
        replies = await self.core.handle(actor, place_of(interaction.channel), command)
        await self.show(interaction, replies, thinking=True, session=session)

    async def refuse(self, interaction: discord.Interaction[Any], parsed: ParseError) -> None:
        """An option out of range: the core's words for it, nothing changed."""
        if not await self.in_server(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        actor = interaction_actor(interaction, str(interaction.guild_id))
        replies = await self.core.explain(actor, place_of(interaction.channel), parsed)
        await self.show(interaction, replies, thinking=True)

    async def begin(self, interaction: discord.Interaction[Any], command: Start | Review) -> None:
        """start / review: the interview opens in a new private thread (or the member's DMs)."""
        await begin.begin(self, interaction, command)

    async def answer_command(self, interaction: discord.Interaction[Any]) -> None:
        """/interview answer: the modal for the member's current question."""
        if not await self.in_server(interaction):
            return
        actor = interaction_actor(interaction, str(interaction.guild_id))
        replies = await self.core.handle(actor, place_of(interaction.channel), Status())
        card = next((r for r in replies if isinstance(r, QuestionCard)), None)
        if card is None:
            await interaction.response.defer(ephemeral=True, thinking=True)
            await self.show(interaction, replies, thinking=True)
            return
        action = QuestionAction(verb="answer", session_id=card.session_id, position=card.position)
        await open_modal(interaction, self._answer_modal(action, card.locale))

    # ---- buttons and the modal ------------------------------------------------------------

    async def question_button(
        self, interaction: discord.Interaction[Any], action: QuestionAction
    ) -> None:
        at = QuestionRef(session_id=action.session_id, position=action.position)
        if action.verb == "answer":
            await self._open_answer(interaction, action, at)
            return
        await interaction.response.defer()
        actor = await self._button_actor(interaction, session_id=action.session_id)
        if actor is None:
            return
        command: Command = (
            Hint(at=at)
            if action.verb == "hint"
            else Skip(at=at)
            if action.verb == "skip"
            else Stop(at=at)
        )
        replies = await self.core.handle(actor, place_of(interaction.channel), command)
        await self.show(interaction, replies, thinking=False)

    async def _open_answer(
        self, interaction: discord.Interaction[Any], action: QuestionAction, at: QuestionRef
    ) -> None:
        """The modal must be the first response: only quick reads before it (whose server,
        is the question still open and theirs, which language)."""
        workspace = (
            str(interaction.guild_id)
            if interaction.guild_id is not None
            else await self.core.workspace_of(session_id=action.session_id)
        )
        if workspace is None:
            text = d(str(interaction.locale), "error.unknown_button")
            await interaction.response.send_message(text, ephemeral=True)
            return
        actor = interaction_actor(interaction, workspace)
        refusal = await self.core.check_button(actor, at)
        if refusal is not None:  # closed, or someone else's: say so instead of a modal
            [out, *_] = render_all([refusal], self.poster.style)
            await interaction.response.send_message(embeds=out.embeds, ephemeral=True)
            return
        locale = await self.core.locale_of(actor)
        await open_modal(interaction, self._answer_modal(action, locale))

    async def mark_button(self, interaction: discord.Interaction[Any], action: MarkAction) -> None:
        await interaction.response.defer()
        actor = await self._button_actor(interaction, attempt_id=action.attempt_id)
        if actor is None:
            return
        command = Mark(verdict=action.verdict, attempt_id=action.attempt_id)
        replies = await self.core.handle(actor, place_of(interaction.channel), command)
        await self.show(interaction, replies, thinking=False)

    async def modal_submit(self, interaction: discord.Interaction[Any]) -> None:
        """A modal's text, routed by the modal's id (see modals.py)."""
        data: Any = interaction.data or {}
        custom_id = str(data.get("custom_id", ""))
        action = ids.decode(custom_id)
        text = submitted_text(interaction.data)
        thinking = interaction.message is None
        await interaction.response.defer(ephemeral=True, thinking=thinking)
        if isinstance(action, QuestionAction) and action.verb == "answer":
            actor = await self._button_actor(interaction, session_id=action.session_id)
            if actor is None:
                return
            at = QuestionRef(session_id=action.session_id, position=action.position)
            replies = await self.core.handle(
                actor, place_of(interaction.channel), Answer(text=text, at=at)
            )
            await self.show(interaction, replies, thinking=thinking)
            return
        if isinstance(action, DailyAnswerAction):
            await daily_flow.answer(self, interaction, action.post_id, text)
            return
        await self.private(interaction, [d(str(interaction.locale), "error.unknown_button")])

    async def daily_button(self, interaction: discord.Interaction[Any], post_id: int) -> None:
        await daily_flow.open_answer(self, interaction, post_id)

    async def forget_button(self, interaction: discord.Interaction[Any], confirm: bool) -> None:
        await daily_flow.forget(self, interaction, confirm)

    # ---- typed answers in the thread ------------------------------------------------------

    async def thread_message(self, message: discord.Message) -> None:
        """A member typed in their session's thread: that is their answer. Anything else
        (another member, a bot, another channel) is none of the bot's business."""
        if message.author.bot or not message.content:
            return
        channel = message.channel
        kind = getattr(channel, "type", None)
        if kind not in (
            None,
            discord.ChannelType.private_thread,
            discord.ChannelType.public_thread,
        ):
            return
        guild_id = getattr(channel, "guild_id", None) or (message.guild and message.guild.id)
        if guild_id is None:
            return
        actor = Actor(
            platform="discord",
            workspace_id=str(guild_id),
            user_id=str(message.author.id),
            display_name=message.author.display_name,
        )
        place = await self.core.session_place(actor)
        if place is None or place.thread_id != str(channel.id):
            return
        replies = await self.core.handle(actor, place, Answer(text=message.content))
        try:
            await self.poster.send(channel.id, replies, thread=True, reference=message)
        except discord.HTTPException as exc:
            log.warning("discord.thread_reply_failed", channel_id=channel.id, status=exc.status)

    # ---- showing replies ------------------------------------------------------------------

    async def show(
        self,
        interaction: discord.Interaction[Any],
        replies: Sequence[Reply],
        *,
        thinking: bool,
        session: Place | None = None,
    ) -> None:
        """A session's cards, hints, feedback and summary go into its thread (or DM): where
        the interaction is, else to the `session` place given; all else is ephemeral."""
        here = is_session_channel(interaction.channel) and interaction.channel_id is not None
        target = interaction.channel_id if here else channel_id_of(session) if session else None
        public = [r for r in replies if target is not None and r.kind in SESSION_KINDS]
        private = [r for r in replies if r not in public]
        if public and target is not None:
            if here:
                kind = getattr(interaction.channel, "type", None)
                thread = kind == discord.ChannelType.private_thread
            else:
                thread = session is not None and session.thread_id is not None
            await self.poster.send(target, public, thread=thread)
        else:
            await self.poster.close_finished(replies)
        outs = render_all(private, self.poster.style)
        if public and not here and target is not None:
            note = d(replies[0].locale, "thread.posted", thread=f"<#{target}>")
            outs.append(Outgoing(content=note, private=True))
        for out in outs:
            await self._followup(interaction, out)
        if thinking and not outs:
            await interaction.delete_original_response()

    async def _followup(
        self, interaction: discord.Interaction[Any], out: Outgoing
    ) -> discord.WebhookMessage:
        return await interaction.followup.send(
            content=out.content or discord.utils.MISSING,
            embeds=out.embeds,
            view=out.view or discord.utils.MISSING,
            ephemeral=True,
            wait=True,
        )

    async def private(self, interaction: discord.Interaction[Any], lines: list[str]) -> None:
        await interaction.followup.send("\n".join(lines), ephemeral=True)

    # ---- helpers --------------------------------------------------------------------------

    async def locale(self, interaction: discord.Interaction[Any]) -> str:
        """The member's language: chosen with `lang`, else their Discord client's."""
        if interaction.guild_id is None:
            return normalize_locale(str(interaction.locale))
        return await self.core.locale_of(interaction_actor(interaction, str(interaction.guild_id)))

    async def in_server(self, interaction: discord.Interaction[Any]) -> bool:
        if interaction.guild_id is not None:
            return True
        await interaction.response.send_message(
            d(str(interaction.locale), "error.guild_only"), ephemeral=True
        )
        return False

    async def _button_actor(
        self,
        interaction: discord.Interaction[Any],
        *,
        session_id: str | None = None,
        attempt_id: int | None = None,
    ) -> Actor | None:
        """The presser as a member of the button's server (in a DM, the session's server)."""
        workspace = (
            str(interaction.guild_id)
            if interaction.guild_id is not None
            else await self.core.workspace_of(session_id=session_id, attempt_id=attempt_id)
        )
        if workspace is None:
            await self.private(interaction, [d(str(interaction.locale), "error.unknown_button")])
            return None
        return interaction_actor(interaction, workspace)

    def _answer_modal(self, action: QuestionAction, locale: str) -> AnswerModal:
        return AnswerModal(
            ids.encode(action), d(locale, "modal.title", position=action.position), locale
        )
