"""A terminal front end on the same core: try the bot with no tokens at all."""
