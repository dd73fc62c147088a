"""Learner text made safe to show: no terminal control sequences.

Whatever a learner's code prints or raises reaches the grader's messages (its output, exception messages,
tracebacks, names). Shown as is, an escape sequence could clear the learner's screen, move the cursor or
recolour a line, and a carriage return could overwrite "✗ Step 3" with a fake "✓ Step 3 ... (passed)".
``printable`` keeps the words and drops the control: every StepResult passes through it once
(grading.grade), so the terminal, feedback files and every report show the same plain text.
"""

from __future__ import annotations

import re

# Whole escape sequences, in their 7-bit (ESC ...) and 8-bit (C1) forms, so no parameters are left behind.
_ESCAPE_SEQUENCES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [0-?]* [ -/]* [@-~]        # CSI: parameters, intermediates, a final byte (ESC[2J, ESC[31m)
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])       # OSC, DCS, SOS, PM, APC (ESC]0;title BEL) ...
      [^\x00-\x1f\x7f-\x9f]* (?:\x07|\x1b\\|\x9c)  # ... a printable string up to BEL or ST
    | \x1b [ -/]* [0-~]                          # any other escape: ESC c, ESC 7, ESC ( B
    """,
    re.VERBOSE,
)
# C0 controls but tab and newline, DEL and C1 controls: whatever the sequences above leave (a lone ESC too).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` without control characters except newline and tab, and without escape sequences.

    A carriage return becomes a newline (``\\r\\n`` one newline), so text it would have overwritten stays
    visible. A string that does not end its sequence (an OSC without BEL or ST) loses only its introducer.
    Lone surrogates (which no file or terminal can hold in UTF-8) become "?".
    """
    text = text.encode("utf-8", "replace").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARACTERS.sub("", _ESCAPE_SEQUENCES.sub("", text))
