"""Everything the bot posted, as a member would read it, written to a text file to read."""

from __future__ import annotations

from pathlib import Path

from fake_discord import FakeDiscord, Message

FOLDER = Path(__file__).parent / "transcripts"


def render(fake: FakeDiscord, names: dict[int, str]) -> str:
    blocks = [_message(fake, m, names) for m in fake.messages.values() if not m.deleted]
    return "\n\n".join(blocks) + "\n"


def write(name: str, fake: FakeDiscord, names: dict[int, str]) -> Path:
    return keep(name, render(fake, names))


def keep(name: str, text: str) -> Path:
    FOLDER.mkdir(exist_ok=True)
    path = FOLDER / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def _message(fake: FakeDiscord, message: Message, names: dict[int, str]) -> str:
    channel = fake.channels.get(message.channel_id, {})
    where = names.get(message.channel_id) or (
        f"thread “{channel['name']}”"
        if channel.get("type") in (11, 12)
        else "DM"
        if channel.get("type") == 1
        else f"#{message.channel_id}"
    )
    flags = [
        f
        for f, on in (
            ("only you can see this", message.ephemeral),
            (f"edited {message.edits}×", message.edits),
        )
        if on
    ]
    lines = [f"── {where}" + (f" ({', '.join(flags)})" if flags else "")]
    if message.content:
        lines.append(message.content)
    for embed in message.embeds:
        if embed.get("title"):
            lines.append(f"▌ {embed['title']}")
        if embed.get("description"):
            lines += [f"▌ {line}" for line in embed["description"].splitlines()]
        for embed_field in embed.get("fields", []):
            lines.append(f"▌ {embed_field['name']}: {embed_field['value']}")
        if (embed.get("footer") or {}).get("text"):
            lines.append(f"▌ — {embed['footer']['text']}")
    if message.labels():
        lines.append("  " + "  ".join(f"[{label}]" for label in message.labels()))
    return "\n".join(lines)
