"""Slack front end: slack-bolt AsyncApp over Socket Mode or HTTP (see app.py)."""
