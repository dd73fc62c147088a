"""report.html, grade-class's class report: what it shows, that learner text stays text, that the same rows give
the same bytes, that it needs nothing from the network, and that a real browser draws its charts."""

from __future__ import annotations

import dataclasses
import os
import pickle
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import KIT, MANIFEST

from grader import class_report, classroom, messages
from grader.status import Status

REPORT = "report.html"
SCRIPT_NAME = "<script>alert(1)</script>"
IMAGE_NAME = '"><img src=x onerror=alert(2)>'
WRONG_VIEW_TYPE = ("NEW_AND_OLD_IMAGES", "NEW_IMAGE")
BONUS = [step for step in MANIFEST.steps if step.bonus]
CORE = MANIFEST.core
ENABLE_STREAMS, PROCESS_EVENT = MANIFEST.by_slug("enable-streams"), MANIFEST.by_slug("process-event")
VIEW_TYPE_CHECK = "stream_view_type_is_new_and_old_images"
VIEW_TYPE_REASON = "NEW_IMAGE records carry only the item after the change."
TIMEOUT_REASON = "The grader stopped your file step3_process_event.py after it had used 1.5 seconds"


# --- rows shaped as grade_submission makes them -------------------------------------------------------------

def row(learner: str, statuses: dict[int, Status], failing: dict | None = None, scores: dict | None = None) -> dict:
    scores = scores or {number: (1.0 if status == Status.PASSED else 0.0) for number, status in statuses.items()}
    return {"learner": learner, "status": classroom.GRADED, "message": "", "grader_modified": False, "scores": scores,
            "statuses": statuses, "feedback": "", "stderr": "", "confinement": "bubblewrap", "seed": 1127,
            "failing_checks": failing or {}}


def every_step(status: Status, **changes: Status) -> dict[int, Status]:
    statuses = {step.number: status for step in MANIFEST.steps}
    statuses.update({MANIFEST.by_slug(slug.replace("_", "-")).number: value for slug, value in changes.items()})
    return statuses


def a_class() -> list[dict]:
    """Twelve learners: most pass, some have the stream's view type wrong, one loops, one could not be graded,
    two carry markup in their names."""
    view_type = {number: [(VIEW_TYPE_CHECK, VIEW_TYPE_REASON)] for number in (2, 3, 4)}
    rows = [row(name, every_step(Status.PASSED)) for name in ("ada", "bo", "chen", "dara", "eli")]
    rows += [row(name, every_step(Status.PASSED, enable_streams=Status.FAILED, process_event=Status.FAILED,
                                  simulate_event=Status.FAILED, audit_trail=Status.NOT_STARTED), view_type,
                 scores={1: 1.0, 2: 0.8, 3: 0.86, 4: 0.86, 5: 0.0})
             for name in (SCRIPT_NAME, "fay", "gus", "hal", "ivy")]
    rows.append(row("jo", every_step(Status.PASSED, process_event=Status.TIMEOUT),
                    {3: [(class_report.FILE_PROBLEM, TIMEOUT_REASON + " <b>far more</b>.")]}))
    rows.append(classroom.failed_row(IMAGE_NAME, messages.class_worker_crashed(9) + " <i>(9)</i>"))
    return rows


def without_bonus():
    return dataclasses.replace(MANIFEST, steps=tuple(CORE))


def page(rows, manifest=MANIFEST, **options) -> str:
    return class_report.render(rows, manifest, **options)


# --- what the page says ---------------------------------------------------------------------------------------

def text_of(html_text: str) -> str:
    """The page's visible words, as a browser would show them (tags dropped, entities resolved)."""

    class Words(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.words, self.skipping = [], 0

        def handle_starttag(self, tag, attrs):
            self.skipping += tag in ("style", "svg", "script")

        def handle_endtag(self, tag):
            self.skipping -= tag in ("style", "svg", "script")

        def handle_data(self, data):
            if not self.skipping:
                self.words.append(data)

    parser = Words()
    parser.feed(html_text)
    return " ".join(" ".join(parser.words).split())


class Dom(HTMLParser):
    """A page's DOM: each svg's section and how many shapes it holds, scripts, the cells' text, every tag and
    attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.section, self.svgs, self.scripts, self.cells, self._svg, self._cell = None, [], 0, [], None, None
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs
        if tag == "section":
            self.section = dict(attrs).get("id")
        elif tag == "svg":
            self._svg = [self.section, dict(attrs).get("id"), 0]
            self.svgs.append(self._svg)
        elif tag in ("path", "use") and self._svg is not None:
            self._svg[2] += 1
        elif tag == "script":
            self.scripts += 1
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._svg = None
        elif tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_the_page_shows_scores_steps_failing_checks_and_problems():
    html_text = page(a_class(), date="2026-11-27")
    words = text_of(html_text)
    assert messages.report_summary(12, 11) in words
    assert "Graded on 2026-11-27." in words and "seed 1127" in words
    assert messages.report_core_summary("3.52", "3.69", "4", 5, 11) in words, "5 of 11 with every core point"
    assert messages.report_bonus_summary(6, 0, 11) in words
    # each step's counts, in its row of the table: step 2 passed by 6 and failed by 5 of the 11 graded
    assert f"{ENABLE_STREAMS.number}. {ENABLE_STREAMS.title} 6 5 0 0 0 0" in words
    assert f"{PROCESS_EVENT.number}. {PROCESS_EVENT.title} 5 5 0 1 0 0" in words
    # the failing check, counted once per learner however many files it failed on, with examples
    assert f"5 {VIEW_TYPE_CHECK} 2, 3, 4 {VIEW_TYPE_REASON} {SCRIPT_NAME}, fay, gus {messages.report_more_learners(2)}" in words
    assert f"jo {PROCESS_EVENT.number} timeout {TIMEOUT_REASON}" in words
    assert f"{IMAGE_NAME} {messages.REPORT_WHOLE_SUBMISSION} error {messages.class_worker_crashed(9)}" in words
    assert [section for section in re.findall(r'<section id="([^"]+)">', html_text)] == [
        "scores", "steps", "checks", "problems"]
    assert len(re.findall(r"<svg ", html_text)) == 3, "core scores, bonus scores, steps"


def test_learner_text_stays_text():
    html_text = page(a_class())
    for raw in (SCRIPT_NAME, IMAGE_NAME, "<b>far more</b>", "<i>(9)</i>"):
        assert raw not in html_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_text
    assert "<script" not in html_text.lower() and "<img" not in html_text.lower()
    words = text_of(html_text)
    assert SCRIPT_NAME in words and IMAGE_NAME in words, "shown as the names they are"


def test_control_characters_in_learner_text_are_dropped():
    html_text = page([row("eve\x1b[2J\x07", every_step(Status.PASSED, process_event=Status.ERROR),
                          {3: [(class_report.FILE_PROBLEM, "it raised\x1b]0;title\x07 ValueError")]})])
    assert "\x1b" not in html_text and "\x07" not in html_text
    assert "eve 3 error it raised ValueError" in text_of(html_text)


def test_nothing_is_fetched_and_ids_are_unique():
    html_text = page(a_class())
    assert "Content-Security-Policy" in html_text and "default-src 'none'" in html_text
    dom = Dom()
    dom.feed(html_text)
    assert not {"script", "link", "img", "iframe", "object", "embed", "base"} & dom.tags
    assert not {"src", "srcset", "action", "formaction", "background", "poster"} & {name for name, _ in dom.attributes}
    assert "@import" not in html_text
    references = [value for name, value in dom.attributes if name.endswith("href")]
    references += re.findall(r"url\(([^)]*)\)", html_text)
    assert references and all(reference.startswith("#") for reference in references), "only the page's own ids"
    urls = set(re.findall(r"https?://[^\s\"'<>]+", html_text))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}, "XML namespaces, never fetched"
    ids = re.findall(r'\bid="([^"]+)"', html_text)
    assert len(ids) == len(set(ids)), "three charts in one page: each one's ids its own"
    for reference in references:
        assert reference[1:] in ids


def test_the_same_rows_give_the_same_bytes_in_any_process(tmp_path):
    rows = a_class()
    first = tmp_path / "first.html"
    class_report.write(first, rows, MANIFEST)
    assert page(rows).encode("utf-8") == first.read_bytes()
    (tmp_path / "rows.pickle").write_bytes(pickle.dumps(rows))
    for hash_seed in ("1", "2"):  # set and dict orders that depend on string hashing would show here
        other = tmp_path / f"other{hash_seed}.html"
        code = ("import pickle, sys; from pathlib import Path; from grader import class_report, options; "
                "class_report.write(Path(sys.argv[2]), pickle.loads(Path(sys.argv[1]).read_bytes()), options.manifest())")
        subprocess.run([sys.executable, "-c", code, str(tmp_path / "rows.pickle"), str(other)], cwd=KIT, check=True,
                       env={**os.environ, "PYTHONHASHSEED": hash_seed}, timeout=120)
        assert other.read_bytes() == first.read_bytes()
    assert b"Graded on" not in first.read_bytes(), "no date unless the caller gives one"


def test_a_class_of_one_that_could_not_be_graded_and_no_bonus_step():
    html_text = page([classroom.failed_row("solo", messages.class_submission_timed_out(70))], without_bonus())
    words = text_of(html_text)
    assert messages.report_summary(1, 0) in words
    assert words.count(messages.REPORT_NOTHING_GRADED) == 2, "no scores, no steps to chart"
    assert messages.REPORT_NO_FAILING_CHECKS in words
    assert f"solo {messages.REPORT_WHOLE_SUBMISSION} error {messages.class_submission_timed_out(70)}" in words
    assert "<svg" not in html_text and "Bonus" not in words


def test_a_class_of_one_whose_every_step_could_not_run():
    rows = [row("solo", {step.number: Status.ERROR for step in CORE},
                {step.number: [(class_report.FILE_PROBLEM, "steps/x.py raised ValueError")] for step in CORE})]
    html_text = page(rows, without_bonus())
    words = text_of(html_text)
    assert messages.report_core_summary("0", "0", "4", 0, 1) in words
    assert len(re.findall(r"<svg ", html_text)) == 2, "core scores and steps, no bonus chart"
    assert words.count("steps/x.py raised ValueError") == len(CORE)


def test_rows_read_back_from_json_give_the_same_page():
    """Rows that went through a JSON log (keys as text, pairs as lists) are read as they were."""
    import json

    rows = a_class()
    assert page(json.loads(json.dumps(rows))) == page(rows)


# --- matplotlib: the instructor's, never the learner's -------------------------------------------------------------

def test_matplotlib_is_an_instructors_dependency_only():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib

    pyproject = tomllib.loads((KIT / "pyproject.toml").read_text(encoding="utf-8"))
    assert not any(requirement.startswith("matplotlib") for requirement in pyproject["project"]["dependencies"])
    assert any(requirement.startswith("matplotlib") for requirement in pyproject["dependency-groups"]["report"])
    # What the learner runs, and what a grade-class worker imports to grade, never imports it.
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "grader", "--target", str(KIT / "solutions"),
                           "--step", "1"], cwd=KIT, capture_output=True, text=True, timeout=300,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grader.grading" in done.stderr, "the import log is there"
    assert "matplotlib" not in done.stderr
    code = "import sys, grader.classroom, grader.class_report; print('matplotlib' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=KIT, capture_output=True, text=True, timeout=120,
                          check=True).stdout.strip() == "False"


def test_without_matplotlib_the_page_has_its_tables_and_says_why_no_charts(tmp_path):
    (tmp_path / "rows.pickle").write_bytes(pickle.dumps(a_class()))
    out = tmp_path / REPORT
    code = ("import pickle, sys; sys.modules['matplotlib'] = None; from pathlib import Path; "
            "from grader import class_report, options; "
            "class_report.write(Path(sys.argv[2]), pickle.loads(Path(sys.argv[1]).read_bytes()), options.manifest())")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "rows.pickle"), str(out)], cwd=KIT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == messages.REPORT_NO_CHARTS
    html_text = out.read_text(encoding="utf-8")
    assert "<svg" not in html_text and messages.REPORT_NO_CHARTS in text_of(html_text)
    assert f"5 {VIEW_TYPE_CHECK}" in text_of(html_text)


# --- a real class, really graded ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    """ada right, ben with the wrong view type, cy whose step 3 loops, and a folder that is a link: graded by
    grade_class, as the command does. (rows, grades folder)"""
    submissions = tmp_path_factory.mktemp("class") / "submissions"
    for learner in ("ada", "ben", "cy"):
        shutil.copytree(KIT / "solutions", submissions / learner)
    for step in CORE[ENABLE_STREAMS.number - 1:]:
        path = submissions / "ben" / step.file
        path.write_text(path.read_text(encoding="utf-8").replace(*WRONG_VIEW_TYPE), encoding="utf-8")
    with (submissions / "cy" / PROCESS_EVENT.file).open("a", encoding="utf-8") as file:
        file.write("\nwhile True:\n    pass\n")
    (submissions / "zed").symlink_to(submissions / "ada", target_is_directory=True)
    out = submissions.parent / "grades"
    rows = classroom.grade_class(submissions, out, MANIFEST, workers=2, time_limit=1.5, show_progress=False)
    return rows, out


def test_grading_a_class_writes_the_report_beside_grades_csv(graded_class):
    rows, out = graded_class
    assert {"grades.csv", REPORT} <= {path.name for path in out.iterdir()}
    assert (out / REPORT).read_bytes() == page(rows).encode("utf-8")
    words = text_of((out / REPORT).read_text(encoding="utf-8"))
    assert f"1 {VIEW_TYPE_CHECK} {', '.join(str(n) for n in range(ENABLE_STREAMS.number, len(CORE) + 1))}" in words
    assert re.search(rf"cy {PROCESS_EVENT.number} timeout The grader stopped your file \S*{PROCESS_EVENT.file}", words)
    assert f"zed {messages.REPORT_WHOLE_SUBMISSION} error {messages.class_linked_folder('zed')}" in words


def test_each_row_names_its_failing_checks_as_plain_one_line_strings(graded_class):
    rows, _ = graded_class
    by_learner = {row["learner"]: row for row in rows}
    assert by_learner["ada"]["failing_checks"] == {}
    ben = by_learner["ben"]["failing_checks"]
    assert sorted(ben) == list(range(ENABLE_STREAMS.number, len(CORE) + 1))
    assert ben[ENABLE_STREAMS.number] == [(VIEW_TYPE_CHECK, ben[ENABLE_STREAMS.number][0][1])]
    assert ben[ENABLE_STREAMS.number][0][1].startswith(VIEW_TYPE_REASON)
    cy = by_learner["cy"]["failing_checks"][PROCESS_EVENT.number]
    assert len(cy) == 1 and cy[0][0] == class_report.FILE_PROBLEM, "its checks that could not run are not listed"
    for learner_row in rows:
        for entries in learner_row.get("failing_checks", {}).values():
            for check, reason in entries:
                assert type(check) is str and type(reason) is str
                assert "\n" not in reason and 0 < len(reason) <= class_report.REASON_LENGTH
    assert pickle.loads(pickle.dumps(rows)) == rows


# --- in a real browser ----------------------------------------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium here to render report.html in (Debian: "
                                    "apt-get install chromium); .ci/run installs it")
WINDOW = (1200, 2000)


def chromium(page_file: Path, profile: Path, *action: str) -> subprocess.CompletedProcess:
    """Headless Chromium on the page, with nothing that would reach the network on its own."""
    done = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         "--force-device-scale-factor=1", f"--user-data-dir={profile}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
         *action, page_file.as_uri()],
        capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr[-2000:]
    return done


def screenshot(html_text: str, folder: Path, name: str) -> Path:
    page_file, picture = folder / f"{name}.html", folder / f"{name}.png"
    page_file.write_text(html_text, encoding="utf-8")
    chromium(page_file, folder / f"profile-{name}", f"--screenshot={picture}")
    return picture


def colour_box(pixels, colour: str) -> tuple[int, int, int, int, int]:
    """(how many pixels, top, bottom, left, right) of the pixels of ``colour`` in the screenshot."""
    import numpy

    wanted = numpy.array([int(colour[index:index + 2], 16) for index in (1, 3, 5)])
    rows, columns = numpy.nonzero((numpy.abs(pixels[:, :, :3].astype(int) - wanted) <= 2).all(axis=2))
    if not len(rows):
        return 0, 0, 0, 0, 0
    return len(rows), int(rows.min()), int(rows.max()), int(columns.min()), int(columns.max())


def chart_problems(picture: Path) -> list[str]:
    """What is wrong with the charts in the screenshot: each chart's colour must fill a bar-sized area, the
    charts in the page's order (core scores, bonus, steps). Empty when the charts are all there."""
    import numpy
    from PIL import Image

    with Image.open(picture) as image:
        pixels = numpy.asarray(image.convert("RGB"))
    problems = []
    boxes = {}
    for chart, colour in (("core scores", class_report.SCORE_COLOUR), ("bonus", class_report.BONUS_COLOUR),
                          ("steps passed", class_report.STATUS_COLOURS[Status.PASSED]),
                          ("steps failed", class_report.STATUS_COLOURS[Status.FAILED])):
        count, top, bottom, left, right = boxes[chart] = colour_box(pixels, colour)
        if count < 1500 or right - left < 40 or bottom - top < 20:
            problems.append(f"{chart}: {count} pixels of {colour} in {right - left + 1} x {bottom - top + 1}")
    if not problems:
        order = [boxes[chart][1] for chart in ("core scores", "bonus", "steps passed")]
        if order != sorted(order):
            problems.append(f"the charts are out of order: tops at {order}")
    return problems


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """The report of a_class() in the browser: (its HTML, the screenshot, the DOM after rendering)."""
    if CHROMIUM is None:
        pytest.skip("no Chromium")
    folder = tmp_path_factory.mktemp("browser")
    html_text = page(a_class())
    picture = screenshot(html_text, folder, "report")
    dom = chromium(folder / "report.html", folder / "profile-dom", "--dump-dom").stdout
    return html_text, picture, dom


@needs_chromium
def test_the_browser_draws_the_charts(rendered):
    _, picture, _ = rendered
    assert chart_problems(picture) == []
    if os.environ.get("REPORT_SCREENSHOT"):  # for the closing note: REPORT_SCREENSHOT=/path/report.png
        shutil.copyfile(picture, os.environ["REPORT_SCREENSHOT"])


@needs_chromium
@pytest.mark.parametrize("damage", ["svg removed", "svg shapes broken"])
def test_the_chart_check_fails_when_the_charts_are_missing_or_broken(rendered, tmp_path, damage):
    """The check above, tried on pages without their charts: it must find them missing."""
    html_text, _, _ = rendered
    if damage == "svg removed":
        damaged = re.sub(r"<svg .*?</svg>", "", html_text, flags=re.DOTALL)
    else:  # the elements are there, their shapes are not: only the picture shows it
        damaged = html_text.replace(' d="M ', ' d="X ')
    assert damaged != html_text
    assert chart_problems(screenshot(damaged, tmp_path, "damaged")) != []


@needs_chromium
def test_the_rendered_page_holds_the_charts_and_no_script(rendered):
    _, _, dom_text = rendered
    dom = Dom()
    dom.feed(dom_text)
    assert [(section, name) for section, name, _ in dom.svgs] == [
        ("scores", "core-scores"), ("scores", "bonus-scores"), ("steps", "step-statuses")]
    assert all(shapes > 20 for _, _, shapes in dom.svgs), dom.svgs
    assert dom.scripts == 0, "a learner's name never becomes a script"
    assert SCRIPT_NAME in " ".join(dom.cells) and IMAGE_NAME in dom.cells
