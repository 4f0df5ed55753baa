"""Timed mock interviews: the session state machine, its deadlines, expiry and the judge.

`service.py` answers the member's commands; `steps.py` holds the steps they share with the
deadline path (`expiry.py`) and the background judge (`refine.py`); `present.py` turns records
into replies; `deadlines.py` is the per-process watcher that wakes `expiry.py`.
"""
