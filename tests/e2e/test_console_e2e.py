"""The console as a user runs it: `python -m bot console` as a subprocess, on a temp database.

Answers are built from the shipped bank (the test finds the printed question in it), so the
checks are about behaviour, not about which question was drawn. Two scenarios need real time to
pass (30 s is the shortest time a question may have); they run side by side in one test.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from content.loader import Bank, load_bank
from content.schema import Question

QUESTION = re.compile(
    r"Question (\d+)/(\d+) · [^\n]*\nTime left: ([^·\n]+)·[^\n]*\n\n(.+?)\n\nReply with", re.S
)
SCORE = re.compile(r"Question (\d+)/\d+ · score ([\d.]+)/([\d.]+)")
WAIT_S = 20.0


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


class Console:
    """One `python -m bot console` process with a transcript we can wait on."""

    def __init__(self, database: Path, workdir: Path, *extra: str) -> None:
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite+aiosqlite:///{database}",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.pop("CONTENT_DIRS", None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--user", "e2e", "--lang", "en", *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=workdir,
            env=env,
            text=True,
            encoding="utf-8",
        )
        self._out: list[str] = []
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self._mark = 0

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None
        for chunk in iter(lambda: stdout.read(1), ""):
            with self._lock:
                self._out.append(chunk)

    @property
    def transcript(self) -> str:
        with self._lock:
            return "".join(self._out)

    def send(self, line: str) -> None:
        assert self.process.stdin is not None
        self._mark = len(self.transcript)
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def close_input(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()

    def wait_for(self, pattern: str | re.Pattern[str], timeout: float = WAIT_S) -> re.Match[str]:
        """The first match of `pattern` in what was printed since the last send."""
        regex = re.compile(pattern) if isinstance(pattern, str) else pattern
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = regex.search(self.transcript, self._mark)
            if found:
                return found
            if self.process.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"never saw {regex.pattern!r}; transcript:\n{self.transcript[-3000:]}")

    def exit_code(self, timeout: float = WAIT_S) -> int:
        code = self.process.wait(timeout)
        self._reader.join(timeout)
        return code

    def kill(self) -> None:
        self.process.kill()  # SIGKILL: no clean-up of any kind
        self.process.wait(WAIT_S)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill()


class TerminalConsole:
    """`python -m bot console` on a pseudo-terminal: it prompts as it does for a person."""

    def __init__(self, database: Path, workdir: Path) -> None:
        env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{database}", LOG_LEVEL="WARNING")
        env.pop("CONTENT_DIRS", None)
        self._primary, secondary = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "console", "--user", "tty", "--lang", "en"],
            stdin=secondary,
            stdout=secondary,
            stderr=subprocess.DEVNULL,
            cwd=workdir,
            env=env,
            close_fds=True,
        )
        os.close(secondary)
        self._seen = b""

    @property
    def transcript(self) -> str:
        return self._seen.decode("utf-8", "replace").replace("\r\n", "\n")

    def send(self, line: str) -> None:
        os.write(self._primary, (line + "\n").encode())

    def wait_for(self, pattern: str, timeout: float = WAIT_S) -> re.Match[str]:
        regex = re.compile(pattern, re.S)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = regex.search(self.transcript)
            if found:
                return found
            ready, _, _ = select.select([self._primary], [], [], 0.05)
            if ready:
                try:
                    self._seen += os.read(self._primary, 65536)
                except OSError:  # the console has exited
                    break
        raise AssertionError(f"never saw {pattern!r}; transcript:\n{self.transcript[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(WAIT_S)
        os.close(self._primary)


@pytest.fixture
def consoles(tmp_path: Path) -> Iterator[list[Console]]:
    started: list[Console] = []
    yield started
    for console in started:
        console.stop()


def launch(consoles: list[Console], tmp_path: Path, name: str = "bot.db", *extra: str) -> Console:
    console = Console(tmp_path / name, tmp_path, *extra)
    consoles.append(console)
    return console


def asked(console: Console, bank: Bank) -> tuple[int, Question, str]:
    found = console.wait_for(QUESTION)
    question = bank.find_question(found.group(4).strip())
    assert question is not None, found.group(4)
    return int(found.group(1)), question, found.group(3).strip()


def good_answer(question: Question) -> str:
    """Every key point, stated as the bank states it. (Adding "也就是 <alias>" once made
    "向量库，也就是向量数据库": a known misconception of that question.)"""
    return "。".join(kp.point for kp in question.key_points)


def test_a_scripted_interview_with_answers_of_different_quality(
    consoles: list[Console], tmp_path: Path, bank: Bank
) -> None:
    console = launch(consoles, tmp_path)
    console.wait_for("Send start to begin")
    console.send("start rag 4 5m")
    position, question, left = asked(console, bank)
    assert (position, left) == (1, "5 min")

    console.send(good_answer(question))
    good = console.wait_for(SCORE)
    assert float(good.group(2)) >= 80
    console.wait_for("✅ Covered")
    console.wait_for("Reference answer:")

    position, question, _ = asked(console, bank)
    assert position == 2
    console.send("hint")
    console.wait_for(r"Hint 1/\d+: ")
    console.send(question.key_points[0].point)  # one key point: partial credit, max 80
    partial = console.wait_for(SCORE)
    assert 0 < float(partial.group(2)) < float(good.group(2)) and partial.group(3) == "80"
    console.wait_for("❌ Missed")

    position, question, _ = asked(console, bank)
    console.send("I don't know")
    weak = console.wait_for(SCORE)
    assert (weak.group(1), weak.group(2)) == ("3", "0")

    asked(console, bank)
    console.send("skip")
    console.wait_for("Skipped: this question scores 0")
    console.wait_for("Interview finished")
    console.wait_for(r"4/4 questions, total")

    console.send("start quantization 3")
    asked(console, bank)
    console.send("stop")
    console.wait_for("Interview stopped early")
    console.send("stats")
    console.wait_for(r"4 questions finished \(3 answered\)")  # the stopped one is not
    console.close_input()
    assert console.exit_code() == 0
    assert "Traceback" not in console.transcript


def test_bad_input_gets_clear_answers_not_tracebacks(
    consoles: list[Console], tmp_path: Path
) -> None:
    console = launch(consoles, tmp_path, "bot.db", "--exit-at-eof")
    script = [
        "start cooking",
        "start 50m",
        "start 25",
        "/dance",
        "answer",
        "an answer with no interview",
        "start rag 1 5m",
        "start rag",
        "x" * 4001,
    ]
    assert console.process.stdin is not None
    console.process.stdin.write("\n".join(script) + "\n")
    console.process.stdin.close()
    assert console.exit_code() == 0  # --exit-at-eof: leaves with the interview still open
    text = console.transcript
    assert "There is no topic called “cooking”. Topics: " in text and "rag (" in text
    assert "it must be 30–1800 s" in text
    assert "25 is ambiguous" in text
    assert "I don't know the command “dance”" in text and "Commands (English or Chinese" in text
    assert "Put your answer after answer" in text
    assert "You have no interview in progress. Send start" in text
    assert "You already have an interview in progress: question 1/1" in text
    assert "That answer is too long: 4001 characters, the limit is 4000" in text
    assert console.process.stderr is not None
    assert "Traceback" not in text and "Traceback" not in console.process.stderr.read()


def test_start_options_that_do_not_fit_are_explained(
    consoles: list[Console], tmp_path: Path
) -> None:
    console = launch(consoles, tmp_path, "bot.db", "--exit-at-eof")
    assert console.process.stdin is not None
    console.process.stdin.write("start rag 3 10\nstart time=30x\nstart colour=red\n")
    console.process.stdin.close()
    assert console.exit_code() == 0
    text = console.transcript
    assert "Sorry, something went wrong" not in text
    assert "Two different values were given for “count”" in text
    assert "I can't read the value of “time”" in text
    assert "start has no option “colour”" in text


def test_killed_mid_interview_and_started_again_it_goes_on(
    consoles: list[Console], tmp_path: Path, bank: Bank
) -> None:
    first = launch(consoles, tmp_path)
    first.send("start rag 3 5m")
    _, question, _ = asked(first, bank)
    first.send(good_answer(question))
    position, second_question, _ = asked(first, bank)
    assert position == 2
    first.kill()
    killed_at = time.monotonic()

    # Times are shown to the second: let at least 2 s pass while it is down (a restart alone may
    # take under half a second, and 299.6 s left still reads "5 min").
    while time.monotonic() - killed_at < 2:
        time.sleep(0.1)
    again = launch(consoles, tmp_path)
    again.wait_for("Welcome back: your interview is still on")
    position, question, left = asked(again, bank)
    assert (position, question.id) == (2, second_question.id)
    shown = re.fullmatch(r"4m (\d\d)s", left)  # the clock kept running while it was down
    assert shown is not None and 60 + int(shown.group(1)) <= 298, left
    again.send("stop")
    again.wait_for("Interview stopped early")
    again.wait_for(r"1/3 questions, total")  # question 2, open when stopped, is not counted
    again.close_input()
    assert again.exit_code() == 0


def test_time_runs_out_while_waiting_and_while_the_bot_was_down(
    consoles: list[Console], tmp_path: Path, bank: Bank
) -> None:
    # A: a script ends while its question is open; the console waits and the question times out.
    waiting = launch(consoles, tmp_path, "waiting.db")
    waiting.send("start rag 1 30")
    asked(waiting, bank)
    waiting.close_input()
    waiting.wait_for("Input ended; waiting for the interview to finish")

    # C: a person at the prompt of a terminal when the time runs out: the timeout and the next
    # question appear, and the prompt comes back for their answer.
    terminal = TerminalConsole(tmp_path / "terminal.db", tmp_path)
    try:
        terminal.wait_for(r"\n> $")
        terminal.send("start rag 2 30")
        terminal.wait_for(r"Question 1/2 .*Reply with your answer[^\n]*\n\n> $")
        terminal_started = time.monotonic()
    except BaseException:
        terminal.stop()
        raise

    # B: killed with a question open; started again after its deadline passed.
    down = launch(consoles, tmp_path, "down.db")
    down.send("start rag 2 30")
    asked(down, bank)
    down.kill()
    killed_at = time.monotonic()

    waiting.wait_for("Time is up: this question scores 0", timeout=30 + WAIT_S)
    waiting.wait_for("Interview finished")
    assert waiting.exit_code() == 0

    try:
        remaining = 30 + WAIT_S - (time.monotonic() - terminal_started)
        terminal.wait_for(
            r"Time is up: this question scores 0.*Question 2/2 .*Reply with your answer[^\n]*"
            r"\n\n> $",
            timeout=remaining,
        )
    finally:
        terminal.stop()

    while time.monotonic() - killed_at < 31:  # the deadline must pass while it is down
        time.sleep(0.2)
    again = launch(consoles, tmp_path, "down.db")
    # In the order a person reads it: welcome back, what happened meanwhile, where things stand.
    again.wait_for(
        r"Welcome back.*\n\n─+\nQuestion 1/2 · score 0/100[^\n]*\nQuestion: [^\n]+\n"
        r"This question's time ran out while the bot was offline; it scores 0\.",
    )
    position, _, left = asked(again, bank)
    assert (position, left) in ((2, "30s"), (2, "29s"))
    again.send("stop")
    again.wait_for("Interview stopped early")
    again.close_input()
    assert again.exit_code() == 0


def test_a_database_folder_that_cannot_be_made_is_a_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the database folder should be", encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{blocker / 'data' / 'bot.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--user", "e2e", "--exit-at-eof"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "cannot write the console log beside the database" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_exit_leaves_the_console_and_keeps_the_interview(
    consoles: list[Console], tmp_path: Path, bank: Bank
) -> None:
    first = launch(consoles, tmp_path)
    first.send("start rag 2 5m")
    _, question, _ = asked(first, bank)
    first.send("exit")  # what people type to leave: not an answer to grade
    assert first.exit_code() == 0
    assert "An interview in progress is kept" in first.transcript
    assert not SCORE.search(first.transcript)  # nothing was graded

    again = launch(consoles, tmp_path)
    again.wait_for("Welcome back")
    position, resumed, _ = asked(again, bank)
    assert (position, resumed.id) == (1, question.id)
    again.send("stop")
    again.wait_for("Interview stopped early")
    again.send("quit")
    assert again.exit_code() == 0
    assert again.transcript.rstrip().endswith("Bye!")
