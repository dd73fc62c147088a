"""Learner text never carries terminal control: what the learner's code prints or raises is shown as
plain words, in the terminal and in every report, whatever escape sequences it holds."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import MANIFEST, run_cli
from grader.text import printable

C1 = re.compile("[\x80-\x9f]")


@pytest.mark.parametrize(("text", "shown"), [
    ("\x1b[2J\x1b[Hclean", "clean"),  # clear the screen, cursor home
    ("\x1b[32mgreen\x1b[0m", "green"),  # colour and reset
    ("\x1b[1;31;4mred\x1b[?25l", "red"),  # several parameters; hide the cursor (a private mode)
    ("\x1b]0;pwned\x07title", "title"),  # OSC window title, ended by BEL
    ("\x1b]8;;https://example.com\x1b\\link\x1b]8;;\x1b\\", "link"),  # OSC hyperlink, ended by ST
    ("\x9b31mred\x9b0m", "red"),  # 8-bit CSI
    ("\x9d0;pwned\x9ctitle", "title"),  # 8-bit OSC and ST
    ("\x1bPq#0;2;0;0;0\x1b\\pixels", "pixels"),  # DCS (sixel) up to ST
    ("\x1bc\x1b7\x1b8\x1b(Bdone", "done"),  # reset, save and restore the cursor, character set
    ("bell\x07", "bell"),
    ("fail\x08\x08\x08\x08pass", "failpass"),  # backspaces cannot erase what was written
    ("✗ Step 3\r✓ Step 3", "✗ Step 3\n✓ Step 3"),  # a carriage return cannot overwrite a line
    ("one\r\ntwo\r\n", "one\ntwo\n"),  # Windows line endings are one newline
    ("\x00nul\x0bvt\x0cff\x7fdel\x85nel", "nulvtffdelnel"),  # other C0, DEL, C1
    ("é\x1bé\x1b\n", "éé\n"),  # an ESC that starts no sequence goes alone
    ("\x1b]0;never ended", "0;never ended"),  # an OSC without its end loses its introducer
    ("\x1b[31", "31"),  # a CSI without its final byte too
    ("\x1b", ""),
])
def test_printable_removes_control(text, shown):
    assert printable(text) == shown


@pytest.mark.parametrize("text", [
    "plain ASCII", "café, naïve, Ærøskøbing", "✓ ✗ ○ ━ · →", "emoji 🎉👩‍💻", "中文 日本語 한국어",
    "tabs\tand\nnewlines\n\n  indented", "",
])
def test_printable_keeps_ordinary_text(text):
    assert printable(text) == text


def test_printable_takes_linear_time_on_unended_sequences():
    # Each unended introducer could make a careless pattern scan to the end: quadratic on 64 KB of output.
    for text in ("\x1b]" * 50_000, "\x9d" * 50_000 + "x" * 50_000, ("\x1b[" + "1" * 1000) * 100):
        assert "\x1b" not in printable(text) and not C1.search(printable(text))


LEARNER_CODE = """
print("\\x1b[2J\\x1b[H✓ Step 3: Write the event processing function (passed)")
print("oops\\r✓ Step 3: Write the event processing function (passed)\\x07")
raise ValueError("\\x1b[32mall fine\\x9b31m, \\x1b]0;pwned\\x07really")
"""


def assert_printable(text: str) -> None:
    assert "\x1b" not in text
    assert "\r" not in text
    assert not C1.search(text), C1.search(text)
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", text)


def decoded_strings(output: str, output_format: str) -> list[str]:
    """Every string of a report as its reader gets it: JSON escapes control characters (\\u001b), so the
    escape sequences would hide from a look at the raw output."""
    if output_format == "junit":
        root = ElementTree.fromstring(output)  # control characters are not even valid XML
        return [text for node in root.iter() for text in (node.text or "", *node.attrib.values())]
    strings, pending = [], [json.loads(output)]
    while pending:
        value = pending.pop()
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, (list, dict)):
            pending.extend(value.values() if isinstance(value, dict) else value)
    return strings


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "exercism"])
def test_escape_sequences_from_learner_code_never_reach_the_output(solutions_copy, output_format):
    step = MANIFEST.by_slug("process-event")
    path = solutions_copy / step.file
    path.write_text(path.read_text(encoding="utf-8") + LEARNER_CODE, encoding="utf-8")
    done = run_cli("--target", str(solutions_copy), "--step", str(step.number), "--format", output_format)
    assert done.returncode == 1, done.stderr
    assert_printable(done.stdout)
    assert "all fine, really" in done.stdout, "the words stay, only the control goes"
    if output_format == "text":
        lines = done.stdout.splitlines()
        assert lines[0].startswith(f"✗ Step {step.number}")
        assert not any(line.startswith("✓") for line in lines), "learner text stays inside its indented block"
        return
    for text in decoded_strings(done.stdout, output_format):
        assert_printable(text)
    if output_format == "json":
        (entry,) = json.loads(done.stdout)["steps"]
        assert entry["status"] == "error"
        assert "Your code printed" in entry["message"]
