"""report.html, written by grade-class beside grades.csv: the class at a glance, for the instructor.

It shows the score distribution (core points, the bonus apart), each step's status across the class, the checks
that found the most wrong answers (with a few learners as examples), and every time-out and error. The page is
one self-contained file: inline CSS, charts as inline SVG, nothing fetched (its Content-Security-Policy forbids
it), no script. Everything a learner chose (folder names, what their code raised) is HTML-escaped text.

The same rows give the same bytes: no clock is read (a date is shown only when the caller passes one), and the
SVG is drawn with a fixed hash salt and no metadata date. Charts are drawn with matplotlib, imported here only
when the report is written: it is an instructor's dependency, never installed by the learner's `nox -s grade`.
Text in the charts is drawn as paths (svg.fonttype "path"), not as <text> in a font the browser picks: the chart
looks as matplotlib laid it out on every machine, whatever fonts it has, at a few kilobytes' cost. The numbers
the charts show are also written as text beside them (tables and sentences), which can be read and searched.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

from . import messages
from .failures import CheckFailed, RunProblem
from .manifest import Manifest
from .status import Status
from .text import printable

GRADED = "graded"  # a row's status when its submission was graded (classroom.GRADED)
NO_SUBMISSION = "no_submission"  # a roster learner's row who handed in nothing: no submission (classroom.NO_SUBMISSION)
REASON_LENGTH = 200  # characters of a one-line reason kept in a row
MESSAGE_LENGTH = 500  # characters of a message shown in the report
CHECKS_SHOWN = 20
EXAMPLE_LEARNERS = 3
FILE_PROBLEM = ""  # the check name of a step's own problem (its file timed out, crashed...), before its checks

# Chart colours. The page's CSS uses none of them, so a test can find the charts in a screenshot by colour.
SCORE_COLOUR = "#3a6ea5"
BONUS_COLOUR = "#8e44ad"
STATUS_COLOURS = {
    Status.PASSED: "#2f9e44",
    Status.FAILED: "#e8590c",
    Status.ERROR: "#c92a2a",
    Status.TIMEOUT: "#f5b800",
    Status.NOT_STARTED: "#ced4da",
    Status.MISSING: "#868e96",
}
PROBLEM_STATUSES = (Status.ERROR, Status.TIMEOUT)
SVG_HASH_SALT = "class-report"  # matplotlib's SVG ids come from hashes: a fixed salt makes them the same each run


# --- in the worker: what each step got wrong, as plain data a row can carry -----------------------------------

def _one_line(text: str) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= REASON_LENGTH else line[:REASON_LENGTH - 1] + "…"


def failing_checks(results) -> dict[int, list[tuple[str, str]]]:
    """For each step that did not pass: (check, one-line reason) for each check that found the answer wrong, in
    the order they ran. A step whose file could not be graded (error, timeout) starts with (FILE_PROBLEM, why):
    its checks that could not run are not listed, they all say the same. Plain strings, to pickle and to log."""
    found: dict[int, list[tuple[str, str]]] = {}
    for result in results:
        if result.passed:
            continue
        entries: list[tuple[str, str]] = []
        if result.status in PROBLEM_STATUSES:
            problem = next((outcome.text for outcome in result.checks if isinstance(outcome.error, RunProblem)),
                           result.message)
            entries.append((FILE_PROBLEM, _one_line(problem)))
        entries += [(outcome.check, _one_line(printable(outcome.error.explanation))) for outcome in result.checks
                    if isinstance(outcome.error, CheckFailed)]
        if entries:
            found[result.step.number] = entries
    return found


# --- in the instructor's process: the page ----------------------------------------------------------------------

def _by_step(mapping) -> dict:
    """A row's per-step mapping with number keys, also when the row came back from JSON (keys as text)."""
    return {int(number): value for number, value in (mapping or {}).items()}


def _text(value) -> str:
    """Learner-provided (or any) text as HTML text: control characters dropped, markup escaped."""
    return html.escape(printable(str(value)), quote=True)


def _capped(text: str, length: int = MESSAGE_LENGTH) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"


def _number(value: float) -> str:
    return f"{round(value, 2):g}"


class _Class:
    """The figures the page shows, worked out once from the rows."""

    def __init__(self, rows: list[dict], manifest: Manifest):
        self.rows = rows
        self.manifest = manifest
        self.graded = [row for row in rows if row.get("status") == GRADED]
        self.absent = sum(row.get("status") == NO_SUBMISSION for row in rows)  # on the roster, handed in nothing
        self.bonus_steps = [step for step in manifest.steps if step.bonus]
        self.max_core = sum(step.points for step in manifest.core)
        self.max_bonus = sum(step.points for step in self.bonus_steps)
        bonus_numbers = {step.number for step in self.bonus_steps}
        self.core_totals, self.bonus_totals = [], []
        for row in self.graded:
            scores = _by_step(row.get("scores"))
            self.core_totals.append(round(sum(v for n, v in scores.items() if n not in bonus_numbers), 2))
            self.bonus_totals.append(round(sum(v for n, v in scores.items() if n in bonus_numbers), 2))

    def status_counts(self) -> dict[int, Counter]:
        counts = {number: Counter() for number in self.manifest.numbers}
        for row in self.graded:
            for number, status in _by_step(row.get("statuses")).items():
                if number in counts:
                    counts[number][str(status)] += 1
        return counts

    def common_failing_checks(self) -> list[tuple[str, list[int], list[str], str]]:
        """(check, the steps whose files it failed on, the learners it failed for, its most common reason), the
        check failing for the most learners first; a learner counts once per check, on however many files."""
        learners: dict[str, list[str]] = {}
        steps: dict[str, set[int]] = {}
        reasons: dict[str, Counter] = {}
        for row in self.graded:
            for number, entries in sorted(_by_step(row.get("failing_checks")).items()):
                for check, reason in entries:
                    if check == FILE_PROBLEM:
                        continue
                    names = learners.setdefault(check, [])
                    if row["learner"] not in names:
                        names.append(row["learner"])
                    steps.setdefault(check, set()).add(number)
                    reasons.setdefault(check, Counter())[reason] += 1
        order = sorted(learners, key=lambda check: (-len(learners[check]), min(steps[check])))  # stable: ties in
        return [(check, sorted(steps[check]), learners[check], reasons[check].most_common(1)[0][0]) for check in order]

    def problems(self) -> list[tuple[str, str, str, str]]:
        """(learner, step, status, message) of every submission that could not be graded and every step that
        timed out or could not run, in the rows' order."""
        found = []
        for row in self.rows:
            if row.get("status") != GRADED:
                found.append((row["learner"], messages.REPORT_WHOLE_SUBMISSION, str(row.get("status", "")),
                              row.get("message", "")))
                continue
            reasons = _by_step(row.get("failing_checks"))
            for number, status in sorted(_by_step(row.get("statuses")).items()):
                if str(status) in PROBLEM_STATUSES:
                    why = next((reason for check, reason in reasons.get(number, []) if check == FILE_PROBLEM), "")
                    found.append((row["learner"], str(number), str(status), why))
        return found


# --- charts -----------------------------------------------------------------------------------------------------

def _svg(figure, name: str, label: str) -> str:
    """The figure as inline SVG: without its XML prolog and comments, its ids prefixed with ``name`` (matplotlib
    numbers them figure_1, patch_1... in every chart, and ids are one namespace in a page)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buffer.getvalue()
    svg = re.sub(r"<!--.*?-->\s*", "", svg[svg.index("<svg"):], flags=re.DOTALL)
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    svg = re.sub(r'(\bid="|href="#|url\(#)([^")]+)',
                 lambda match: match[1] + (f"{name}-{match[2]}" if match[2] in ids else match[2]), svg)
    return svg.replace("<svg ", f'<svg class="chart" id="{name}" role="img" aria-label="{_text(label)}" ', 1)


def _figure(width: float, height: float):
    from matplotlib.figure import Figure  # no pyplot: no global state, no GUI backend, nothing left open

    figure = Figure(figsize=(width, height), layout="constrained")
    return figure, figure.add_subplot()


def _histogram(values: list[float], maximum: float, bins: int, colour: str, axis_label: str, name: str,
               label: str, height: float) -> str:
    from matplotlib.ticker import MaxNLocator

    maximum = maximum or 1.0
    edges = [maximum * index / bins for index in range(bins + 1)]  # the last bin holds full marks too
    figure, axes = _figure(7, height)
    _, _, bars = axes.hist(values, bins=edges, color=colour, edgecolor="white", linewidth=1)
    axes.bar_label(bars, labels=[f"{int(bar.get_height())}" if bar.get_height() else "" for bar in bars], padding=2)
    axes.set_xlim(0, maximum)
    axes.set_xticks(edges, [f"{edge:g}" for edge in edges])
    axes.set_xlabel(axis_label)
    axes.set_ylabel(messages.REPORT_LEARNERS_AXIS)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(0, max(1, axes.get_ylim()[1] * 1.12))
    axes.spines[["top", "right"]].set_visible(False)
    return _svg(figure, name, label)


def _step_chart(data: _Class, counts: dict[int, Counter], name: str, label: str) -> str:
    import textwrap

    from matplotlib.ticker import MaxNLocator

    steps = data.manifest.steps
    figure, axes = _figure(9.5, 0.55 * len(steps) + 1.3)
    positions = list(range(len(steps)))
    left = [0] * len(steps)
    for status, colour in STATUS_COLOURS.items():
        widths = [counts[step.number][status.value] for step in steps]
        if any(widths):
            axes.barh(positions, widths, left=left, color=colour, edgecolor="white", linewidth=1, height=0.7,
                      label=messages.REPORT_STATUS_LABELS[status])
            left = [start + width for start, width in zip(left, widths)]
    total = len(data.graded)
    for position, step in zip(positions, steps):
        passed = counts[step.number][Status.PASSED.value]
        axes.text(total * 1.01, position, f"{passed} / {total} passed ({100 * passed / total:.0f}%)", va="center")
    titles = [textwrap.shorten(f"{step.number}. {step.title}", 44, placeholder="…")
              + (" (bonus)" if step.bonus else "") for step in steps]
    axes.set_yticks(positions, titles)
    axes.invert_yaxis()
    axes.set_xlim(0, total * 1.45)  # room for the words at the bars' end
    axes.set_xticks([tick for tick in MaxNLocator(integer=True).tick_values(0, total) if 0 <= tick <= total])
    axes.set_xlabel(messages.REPORT_LEARNERS_AXIS)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines["bottom"].set_bounds(0, total)
    figure.legend(loc="outside lower center", ncols=3, frameon=False)
    return _svg(figure, name, label)


# --- the page -----------------------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto; max-width: 68rem;
       padding: 0 1rem; color: #1d1d1f; background: #ffffff; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; }
h2 { margin-top: 2.2rem; border-bottom: 1px solid #dddddd; padding-bottom: 0.2rem; }
p.run { color: #555555; margin-top: 0; }
svg.chart { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin-top: 0.8rem; font-size: 0.92rem; }
th, td { border: 1px solid #dddddd; padding: 0.3rem 0.55rem; text-align: left; vertical-align: top; }
th { background: #f4f4f4; white-space: nowrap; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
td.unbroken { white-space: nowrap; }
code { font-size: 0.88rem; }
"""


def _table(columns, rows: list[list[str]], numbers: set[int] = frozenset(), unbroken: set[int] = frozenset()) -> str:
    """A table of cells that are HTML already; the columns ``numbers`` right-aligned, ``unbroken`` on one line."""
    def cell(index: int, text: str) -> str:
        kind = "number" if index in numbers else "unbroken" if index in unbroken else ""
        return f'<td class="{kind}">{text}</td>' if kind else f"<td>{text}</td>"

    head = "".join(f"<th>{_text(column)}</th>" for column in columns)
    body = "".join("<tr>" + "".join(cell(index, text) for index, text in enumerate(row)) + "</tr>\n" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody>\n</table>"


def _scores_section(data: _Class, charts: bool) -> list[str]:
    parts = [f'<section id="scores">\n<h2>{_text(messages.REPORT_SCORES)}</h2>']
    if not data.graded:
        return [*parts, f"<p>{_text(messages.REPORT_NOTHING_GRADED)}</p>", "</section>"]
    full = sum(total >= data.max_core for total in data.core_totals)
    summary = messages.report_core_summary(_number(statistics.median(data.core_totals)),
                                           _number(statistics.mean(data.core_totals)), _number(data.max_core), full,
                                           len(data.graded))
    if charts:
        parts.append(_histogram(data.core_totals, data.max_core, 8, SCORE_COLOUR, messages.REPORT_CORE_AXIS,
                                "core-scores", summary, height=2.6))
    parts.append(f"<p>{_text(summary)}</p>")
    if data.bonus_steps:
        bonus = messages.report_bonus_summary(sum(total >= data.max_bonus for total in data.bonus_totals),
                                              sum(0 < total < data.max_bonus for total in data.bonus_totals),
                                              len(data.graded))
        if charts:
            parts.append(_histogram(data.bonus_totals, data.max_bonus, 4, BONUS_COLOUR, messages.REPORT_BONUS_AXIS,
                                    "bonus-scores", bonus, height=2.0))
        parts.append(f"<p>{_text(bonus)}</p>")
    return [*parts, "</section>"]


def _steps_section(data: _Class, charts: bool) -> list[str]:
    parts = [f'<section id="steps">\n<h2>{_text(messages.REPORT_STEPS)}</h2>']
    if not data.graded:
        return [*parts, f"<p>{_text(messages.REPORT_NOTHING_GRADED)}</p>", "</section>"]
    counts = data.status_counts()
    caption = messages.report_steps_caption(len(data.graded))
    if charts:
        parts.append(_step_chart(data, counts, "step-statuses", caption))
    parts.append(f"<p>{_text(caption)}</p>")
    rows = [[_text(f"{step.number}. {step.title}" + (" (bonus)" if step.bonus else "")),
             *(str(counts[step.number][status.value]) for status in STATUS_COLOURS)] for step in data.manifest.steps]
    parts.append(_table(messages.REPORT_STEP_COLUMNS, rows, numbers=set(range(1, len(STATUS_COLOURS) + 1))))
    return [*parts, "</section>"]


def _checks_section(data: _Class) -> list[str]:
    parts = [f'<section id="checks">\n<h2>{_text(messages.REPORT_CHECKS)}</h2>']
    found = data.common_failing_checks()
    if not found:
        return [*parts, f"<p>{_text(messages.REPORT_NO_FAILING_CHECKS)}</p>", "</section>"]
    rows = []
    for check, steps, learners, reason in found[:CHECKS_SHOWN]:
        examples = ", ".join(_text(name) for name in learners[:EXAMPLE_LEARNERS])
        if len(learners) > EXAMPLE_LEARNERS:
            examples += " " + _text(messages.report_more_learners(len(learners) - EXAMPLE_LEARNERS))
        rows.append([str(len(learners)), f"<code>{_text(check)}</code>", _text(", ".join(map(str, steps))),
                     _text(reason), examples])
    parts.append(_table(messages.REPORT_CHECK_COLUMNS, rows, numbers={0}, unbroken={2}))
    if len(found) > CHECKS_SHOWN:
        parts.append(f"<p>{_text(messages.report_more_checks(len(found) - CHECKS_SHOWN))}</p>")
    return [*parts, "</section>"]


def _problems_section(data: _Class) -> list[str]:
    parts = [f'<section id="problems">\n<h2>{_text(messages.REPORT_PROBLEMS)}</h2>']
    found = data.problems()
    if not found:
        return [*parts, f"<p>{_text(messages.REPORT_NO_PROBLEMS)}</p>", "</section>"]
    rows = [[_text(learner), _text(step), _text(status), _text(_capped(message))]
            for learner, step, status, message in found]
    return [*parts, _table(messages.REPORT_PROBLEM_COLUMNS, rows, unbroken={1, 2}), "</section>"]


def charts_available() -> bool:
    """True where matplotlib can draw the charts (imported here, once: grade-class calls this early, in a thread)."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError:
        return False
    return True


def _chart_style():
    """matplotlib's settings for these charts, for their drawing only (the caller's own settings stay)."""
    import matplotlib

    return matplotlib.rc_context({"svg.hashsalt": SVG_HASH_SALT, "svg.fonttype": "path", "font.family": "DejaVu Sans",
                                  "font.size": 10})


def render(rows: list[dict], manifest: Manifest, date: str | None = None) -> str:
    """The page, as text. ``date``: shown as the day of grading when given (the page reads no clock)."""
    data = _Class(rows, manifest)
    charts = charts_available()
    seeds = sorted({str(row.get("seed")) for row in data.graded if row.get("seed") is not None}) or ["-"]
    kinds = sorted({str(row.get("confinement")) for row in data.graded if row.get("confinement")}) or ["-"]
    head = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        # Nothing may be fetched or run: the page is whole as it is, and learner text can never become a script.
        """<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">""",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_text(messages.REPORT_TITLE)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_text(messages.REPORT_TITLE)}</h1>",
        f"<p>{_text(messages.report_summary(len(rows) - data.absent, len(data.graded), data.absent))}</p>",
        f'<p class="run">{_text(messages.report_run(", ".join(seeds), ", ".join(kinds), date))}</p>',
    ]
    if not charts:
        head.append(f"<p>{_text(messages.REPORT_NO_CHARTS)}</p>")
    with _chart_style() if charts else contextlib.nullcontext():
        body = _scores_section(data, charts) + _steps_section(data, charts)
    body += _checks_section(data) + _problems_section(data)
    return "\n".join([*head, *body, "</body>", "</html>", ""])


def write(path: Path, rows: list[dict], manifest: Manifest, date: str | None = None) -> None:
    """Write report.html for these rows (grade_class's, in their order). Without matplotlib the page has its
    tables and no charts, and one line on standard error says so."""
    if not charts_available():
        print(messages.REPORT_NO_CHARTS, file=sys.stderr)
    path.write_bytes(render(rows, manifest, date).encode("utf-8"))
