"""The Discord front end (discord.py 2.x): `/interview` slash commands, private threads, buttons,
modals and daily posts on the shared core. `app.build_client` is the factory tests use too."""

PLATFORM = "discord"
