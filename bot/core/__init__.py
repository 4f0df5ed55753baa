"""The platform-free core: commands, interview sessions, deadlines, views. No discord/slack here.

Kept import-light on purpose: adapters import the submodules they need.
"""
