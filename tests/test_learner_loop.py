"""The learner's loop: watch mode in a real pseudo-terminal, and hint, reset and solution on copies."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import KIT, MANIFEST, run_cli

STEP1, STEP2 = MANIFEST.step(1).file, MANIFEST.step(2).file


@pytest.fixture
def kit_copy(tmp_path):
    """A learner's steps folder, untouched."""
    folder = tmp_path / "steps"
    shutil.copytree(KIT / "steps", folder)
    return folder


class Terminal:
    """A program running in a real pseudo-terminal of 80x30, read through a VT100 emulator (pyte)."""

    def __init__(self, *args: str, environment: dict | None = None):
        import pty

        import pyte

        self.screen = pyte.Screen(80, 30)
        self.stream = pyte.ByteStream(self.screen)
        self.transcript = b""  # every byte the program wrote, for what flashes by too fast to see
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: becomes the program, with the pty as its terminal
            # As a shell starts a program in a terminal: Ctrl-C and Ctrl-\ do what they normally do, even if these
            # tests run where they are ignored (a background job of a script, nohup): a Python started with SIGINT
            # ignored never raises KeyboardInterrupt, and the test of Ctrl-C would fail for that alone.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGQUIT, signal.SIG_DFL)
            os.environ.update({"COLUMNS": "80", "LINES": "30", "TERM": "xterm-256color"})
            os.environ.pop("NO_COLOR", None)
            os.environ.update(environment or {})
            os.execv(sys.executable, [sys.executable, *args])
        import fcntl
        import struct
        import termios

        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 80, 0, 0))

    expected_bytes, since = b"", 0

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def wait_for(self, *words: str, timeout: float = 60) -> str:
        """The screen once it shows all of ``words``."""
        import select

        deadline = time.monotonic() + timeout
        while not all(word in self.text() for word in words) or self.expected_bytes not in self.transcript[self.since:]:
            if time.monotonic() > deadline:  # the raw bytes too: what a redraw wiped off the screen (a traceback?)
                raise AssertionError(f"{words!r} never appeared; the screen shows:\n{self.text()}\n"
                                     f"the last bytes the program wrote: {self.transcript[-1500:]!r}")
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:  # the program ended
                    break
                self.transcript += data
                self.stream.feed(data)
        self.expected_bytes, self.since = b"", 0
        return self.text()

    def wrote_after(self, marker: bytes) -> None:
        """Make the next wait_for also wait until the program writes ``marker`` (from now on)."""
        self.expected_bytes, self.since = marker, len(self.transcript)

    def type(self, keys: bytes) -> None:
        os.write(self.fd, keys)

    def exit_status(self, timeout: float = 20) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
            self.wait_for(timeout=0.2)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("the program did not exit")


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_watch_mode_grades_again_when_a_file_is_saved(kit_copy):
    terminal = Terminal("-m", "grader.watch", "--target", str(kit_copy))
    before = terminal.wait_for("0 / 4 steps", "Watching")
    assert "○ Step 1: Create the DynamoDB Products table (not started)" in before
    assert "Hint: Define products_table" in before
    assert "Watching" in before and "r: grade now" in before
    assert max(len(line) for line in before.splitlines()) <= 80

    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text())
    after = terminal.wait_for("1 / 4 steps", "Watching")
    assert "✓ Step 1: Create the DynamoDB Products table (passed)" in after
    assert "Hint: Update StreamSpecification" in after, "the current step is now step 2"
    assert "Hint: Define products_table" not in after, "the screen was cleared"

    (kit_copy / STEP2).write_text((KIT / "solutions" / STEP2).read_text().replace("NEW_AND_OLD_IMAGES", "NEW_IMAGE"))
    broken = terminal.wait_for("(not yet)", "Watching")
    assert "NEW_IMAGE records carry only the item after the change" in broken

    terminal.wrote_after(b"Grading...")
    terminal.type(b"\r")  # the manual re-run key, for file systems that send no change events
    terminal.wait_for("1 / 4 steps", "Watching")

    os.kill(terminal.pid, signal.SIGINT)  # Ctrl-C
    assert "Stopped watching." in terminal.wait_for("Stopped watching.")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_watch_mode_answers_single_keys_without_enter(kit_copy):
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text())
    terminal = Terminal("-m", "grader.watch", "--target", str(kit_copy))
    terminal.wait_for("1 / 4 steps", "Watching")
    terminal.type(b"h")  # no Enter: the terminal is in cbreak mode
    assert "Hint: Update StreamSpecification" in terminal.wait_for("Step 2: Enable DynamoDB Streams", "Hint:")
    terminal.type(b"l")
    listed = terminal.wait_for("(passed)", "(not started)")
    assert "✓ Step 1: Create the DynamoDB Products table (passed)" in listed
    terminal.wrote_after(b"Grading...")
    terminal.type(b"r")
    terminal.wait_for("1 / 4 steps", "Watching")
    terminal.type(b"q")
    terminal.wait_for("Stopped watching.")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_a_save_ends_a_grading_in_progress_and_starts_a_new_one(kit_copy):
    # A file that loops for ever, with a processor-time limit of 120 s: unless the save stops that grading, its
    # fix cannot show before the loop has burnt 120 s, far past this test's own wait.
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text() + "\nwhile True:\n    pass\n")
    terminal = Terminal("-m", "grader.watch", "1", "--time-limit", "120", "--target", str(kit_copy))
    terminal.wait_for("Grading...")
    time.sleep(1)  # the loop is running
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text())
    fixed = terminal.wait_for("1 / 1 steps", "Watching", timeout=60)
    assert "✓ Step 1: Create the DynamoDB Products table (passed)" in fixed
    assert "took too long" not in fixed and "could not run" not in fixed, "the stopped grading is never shown"
    terminal.type(b"q")
    terminal.wait_for("Stopped watching.")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_watch_mode_fits_80_by_24_when_everything_passes():
    terminal = Terminal("-m", "grader.watch", "--target", str(KIT / "solutions"))
    lines = terminal.wait_for("4 / 4 steps", "Watching").splitlines()
    used = max(index for index, line in enumerate(lines) if line.strip()) + 1
    assert used <= 24 and lines[0].startswith("✓ Step 1:"), "\n".join(lines)
    terminal.type(b"q")
    terminal.wait_for("Stopped watching.")


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_watch_mode_quits_on_q(kit_copy):
    terminal = Terminal("-m", "grader.watch", "--target", str(kit_copy))
    terminal.wait_for("0 / 4 steps")
    terminal.type(b"q\r")
    terminal.wait_for("Stopped watching.")
    assert terminal.exit_status() == 0


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_watch_mode_can_focus_on_one_step(kit_copy):
    terminal = Terminal("-m", "grader.watch", "3", "--target", str(kit_copy))
    screen = terminal.wait_for("0 / 1 steps", "Watching")
    assert "Step 3: Write the event processing function (not started)" in screen
    assert "Step 1:" not in screen and "Step 4:" not in screen
    terminal.type(b"q\r")
    terminal.wait_for("Stopped watching.")
    assert terminal.exit_status() == 0


def test_hints_grow_when_the_same_check_fails_again(kit_copy, tmp_path):
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text())
    (kit_copy / STEP2).write_text((KIT / "solutions" / STEP2).read_text().replace("NEW_AND_OLD_IMAGES", "KEYS_ONLY"))
    state = tmp_path / "state.json"
    from grader.maintain import more_hints

    specific = more_hints(MANIFEST.step(2))["stream_view_type_is_new_and_old_images"]
    first = run_cli("--target", str(kit_copy), "--step", "2", "--state", str(state))
    assert "Hint: " + MANIFEST.step(2).hint in first.stdout
    assert specific not in first.stdout
    second = run_cli("--target", str(kit_copy), "--step", "2", "--state", str(state))
    assert "More help: " + specific in second.stdout
    (kit_copy / STEP2).write_text((KIT / "solutions" / STEP2).read_text().replace("True", "'True'"))
    other_check = run_cli("--target", str(kit_copy), "--step", "2", "--state", str(state))
    assert "More help:" not in other_check.stdout, "a different check starts again at the first hint"


def test_every_check_has_a_specific_hint():
    from grader.maintain import more_hints

    for step in MANIFEST.steps:
        hints = more_hints(step)
        assert hints and all(len(hint) > 20 for hint in hints.values()), step.slug


def test_hint_shows_the_seed_hint_and_one_for_what_fails_now(kit_copy):
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text().replace('"S"}', '"N"}'))
    done = run_cli("1", "--target", str(kit_copy), module="grader.hint")
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"Step 1: {MANIFEST.step(1).title}"
    assert lines[1] == "Hint: " + MANIFEST.step(1).hint
    from grader.maintain import more_hints

    assert lines[2] == "More help: " + more_hints(MANIFEST.step(1))["attribute_definitions_declare_product_id_as_a_string"]


def test_reset_restores_the_starter_after_asking(kit_copy):
    work = (KIT / "solutions" / STEP1).read_text()
    (kit_copy / STEP1).write_text(work)
    refused = subprocess.run([sys.executable, "-m", "grader.reset", "1", "--target", str(kit_copy)], cwd=KIT,
                             input="n\n", capture_output=True, text=True, timeout=60)
    assert "Replace your work" in refused.stdout and refused.returncode == 1
    assert (kit_copy / STEP1).read_text() == work, "answering no keeps the work"
    agreed = subprocess.run([sys.executable, "-m", "grader.reset", "1", "--target", str(kit_copy)], cwd=KIT,
                            input="y\n", capture_output=True, text=True, timeout=60)
    assert agreed.returncode == 0 and "Restored" in agreed.stdout
    assert (kit_copy / STEP1).read_bytes() == (KIT / "steps" / STEP1).read_bytes()
    (backup,) = (kit_copy.parent / ".nox" / "backups").glob(f"{Path(STEP1).stem}-*.py")
    assert backup.read_text() == work, "the work replaced is kept"
    assert f"Your work is kept in {backup}" in agreed.stdout


def test_a_renamed_or_moved_step_file_is_named_where_it_was_found(kit_copy):
    (kit_copy / STEP1).rename(kit_copy / "step1.py")
    (kit_copy / STEP2).rename(kit_copy.parent / STEP2)
    entries = json.loads(run_cli("--target", str(kit_copy), "--format", "json", "--step", "1", "--step", "2").stdout)
    first, second = entries["steps"]
    assert first["status"] == second["status"] == "missing"
    assert f"there is {kit_copy / 'step1.py'}: did you rename or move {STEP1}?" in first["message"]
    assert f"there is {kit_copy.parent / STEP2}" in second["message"]
    text = run_cli("--target", str(kit_copy), "--step", "1").stdout
    assert f"Next: rename {kit_copy / 'step1.py'} to {kit_copy / STEP1}" in text


@pytest.mark.parametrize("module", ["grader.hint", "grader.reset", "grader.solution"])
def test_a_step_command_without_a_step_says_how_in_one_line(module):
    done = run_cli(module=module)
    session = module.rpartition(".")[2]
    assert done.returncode == 2
    assert done.stderr.strip() == f"{session}: error: say which step, by its number or its name: nox -s {session} -- 2"


def test_hint_for_a_step_that_fails_says_where_to_see_why(kit_copy):
    (kit_copy / STEP1).write_text("products_table = {\n")  # a syntax error: no check's hint fits it
    done = run_cli("1", "--target", str(kit_copy), module="grader.hint")
    assert "says above" not in done.stdout
    assert "grade it: nox -s grade -- 1" in done.stdout


def test_reset_with_yes_asks_nothing_and_needs_no_git(kit_copy):
    assert not (kit_copy / ".git").exists()
    (kit_copy / STEP2).unlink()
    (kit_copy / STEP1).write_text("products_table = {}\n")
    for step in ("1", "2"):
        done = run_cli(step, "--yes", "--target", str(kit_copy), module="grader.reset")
        assert done.returncode == 0 and "Replace" not in done.stdout
    for name in (STEP1, STEP2):
        assert (kit_copy / name).read_bytes() == (KIT / "steps" / name).read_bytes()


def test_reset_of_a_step_file_that_is_a_link_replaces_the_link_not_what_it_points_at(kit_copy):
    work = (KIT / "solutions" / STEP1).read_text()
    (kit_copy / STEP1).write_text(work)
    (kit_copy / STEP2).unlink()
    (kit_copy / STEP2).symlink_to(kit_copy / STEP1)
    graded = run_cli("--target", str(kit_copy), "--step", "2")
    assert "is a symbolic link" in graded.stdout
    done = run_cli("2", "--yes", "--target", str(kit_copy), module="grader.reset")
    assert done.returncode == 0
    assert not (kit_copy / STEP2).is_symlink()
    assert (kit_copy / STEP2).read_bytes() == (KIT / "steps" / STEP2).read_bytes()
    assert (kit_copy / STEP1).read_text() == work, "the file the link pointed at keeps the learner's work"


def test_solution_stays_hidden_until_the_step_passes(kit_copy):
    done = run_cli("1", "--target", str(kit_copy), module="grader.solution")
    assert done.returncode == 1
    assert "does not pass yet" in done.stdout and "Hint: " + MANIFEST.step(1).hint in done.stdout
    assert "BillingMode" not in done.stdout


def test_solution_is_a_diff_against_the_learners_file_once_it_passes(kit_copy):
    mine = (KIT / "solutions" / STEP1).read_text().replace('    "BillingMode": "PAY_PER_REQUEST",\n', "")
    (kit_copy / STEP1).write_text(mine)
    done = run_cli("1", "--target", str(kit_copy), module="grader.solution")
    assert done.returncode == 0
    assert "--- yours: " in done.stdout and f"+++ solution: solutions/{STEP1}" in done.stdout
    assert '+    "BillingMode": "PAY_PER_REQUEST",' in done.stdout


def test_all_steps_passing_says_what_was_built():
    done = run_cli("--target", str(KIT / "solutions"))
    assert "All four steps pass." in done.stdout and "Where to go next" in done.stdout


def test_no_color_and_pipes_get_plain_text(kit_copy):
    done = run_cli("--target", str(kit_copy))
    assert "\x1b[" not in done.stdout
    assert "━" not in done.stdout, "no progress bar when piped"


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("no_color", [False, True])
def test_a_terminal_gets_colour_and_a_progress_bar_unless_no_color(kit_copy, no_color):
    import re

    terminal = Terminal("-m", "grader", "--target", str(kit_copy), environment={"NO_COLOR": "1"} if no_color else {})
    screen = terminal.wait_for("0 / 4 steps")
    assert terminal.exit_status() == 1
    if not no_color:  # without colour, rich draws the empty part of the bar as blanks
        assert "━".encode() in terminal.transcript, "a progress bar on a terminal"
    assert max(len(line) for line in screen.splitlines()) <= 80, "fits 80 columns"
    styles = [params.split(b";") for params in re.findall(rb"\x1b\[([0-9;]*)m", terminal.transcript)]
    colours = [p for params in styles for p in params if p in {b"38", b"48"} or p[:1] in (b"3", b"9") and len(p) == 2]
    assert bool(colours) is not no_color


def test_a_tip_is_said_once_where_the_grader_remembers(kit_copy, tmp_path):
    (kit_copy / STEP1).write_text((KIT / "solutions" / STEP1).read_text().replace('    "BillingMode": "PAY_PER_REQUEST",\n', ""))
    state = tmp_path / "state.json"
    runs = [run_cli("--target", str(kit_copy), "--step", "1", "--state", str(state)).stdout for _ in range(2)]
    assert "Tip: real DynamoDB also needs a billing mode" in runs[0]
    assert "Tip:" not in runs[1] and "1 / 1 steps" in runs[1]
    without_memory = run_cli("--target", str(kit_copy), "--step", "1").stdout
    assert "Tip: real DynamoDB also needs a billing mode" in without_memory


@pytest.mark.parametrize("columns", [40, 60, 80, 120])
def test_the_progress_line_never_breaks_inside_a_figure(columns):
    import io

    from rich.console import Console

    from grader import screen
    from grader.grading import grade

    results = grade(MANIFEST, KIT / "solutions", MANIFEST.numbers)
    out = io.StringIO()
    console = Console(file=out, width=columns, force_terminal=True, color_system=None, highlight=False, emoji=False)
    console.print(screen._progress(results, console))
    lines = [line.strip(" ━") for line in out.getvalue().splitlines()]
    figures = ["4 / 4 steps", "bonus 1 / 1", "4 / 4 points + 1 bonus"]
    assert all(any(figure in line for line in lines) for figure in figures), lines
    assert max(len(line) for line in out.getvalue().splitlines()) <= columns


def test_a_save_regrades_only_the_steps_whose_file_changed(kit_copy):
    """Watch mode keeps the results of steps whose file is as it was; a changed file, a renamed or new file in
    the folder (a missing step names the files that look like it), or r (forget) grade again."""
    from types import SimpleNamespace

    from grader.watch import Graded

    graded, steps = Graded(), MANIFEST.numbers

    def grade_outdated() -> list[int]:
        outdated = graded.outdated(kit_copy, MANIFEST, steps)
        graded.remember(outdated, [SimpleNamespace(step=MANIFEST.step(number)) for number in outdated])
        return list(outdated)

    assert grade_outdated() == steps
    assert grade_outdated() == []
    step3 = kit_copy / MANIFEST.step(3).file
    step3.write_text(step3.read_text(encoding="utf-8"), encoding="utf-8")  # saved, not changed
    assert grade_outdated() == []
    step3.write_text(step3.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert grade_outdated() == [3]
    step3.rename(kit_copy / "step3.py")
    assert grade_outdated() == steps
    graded.forget()
    assert grade_outdated() == steps
