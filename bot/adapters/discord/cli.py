"""`interview-bot discord …`: what an admin needs around the bot (the invite link)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated

import discord
import typer

from bot.settings import Settings

SCOPES = ("bot", "applications.commands")


def bot_permissions() -> discord.Permissions:
    """Exactly what the bot uses: post in channels and threads, open private threads for
    interviews and public ones under daily posts, tidy up its own threads, read history for
    replies and threads on its posts."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        create_private_threads=True,
        create_public_threads=True,
        manage_threads=True,
        embed_links=True,
        read_message_history=True,
    )


def invite_url(client_id: int) -> str:
    return discord.utils.oauth_url(client_id, permissions=bot_permissions(), scopes=SCOPES)


def client_id_from_token(token: str) -> int | None:
    """A bot token's first part is the bot's (= the application's) id in base64."""
    head = token.split(".", 1)[0]
    try:
        return int(base64.b64decode(head + "=" * (-len(head) % 4)).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def build_discord_app(load_settings: Callable[[], Settings]) -> typer.Typer:
    app = typer.Typer(help="The Discord bot.", no_args_is_help=True)

    @app.command("invite-url")
    def invite(
        client_id: Annotated[
            int | None,
            typer.Option(help="The application id (default: read from DISCORD_TOKEN)."),
        ] = None,
    ) -> None:
        """Print the link that adds the bot to a server, with the scopes and permissions it needs."""
        if client_id is None:
            token = load_settings().discord_token
            client_id = client_id_from_token(token.get_secret_value()) if token else None
        if client_id is None:
            typer.echo(
                "give --client-id (the Application ID in the Developer Portal), "
                "or set DISCORD_TOKEN",
                err=True,
            )
            raise typer.Exit(2)
        typer.echo(invite_url(client_id))

    return app
