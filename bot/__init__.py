"""interview-bot: timed mock interviews for LLM-engineering roles on Discord, Slack and a console."""

__version__ = "0.1.0"
