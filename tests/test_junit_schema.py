"""`python -m grader --format junit`, run for real and validated against Jenkins' junit-10.xsd (tests/schemas/,
copied from jenkinsci/xunit-plugin) with xmlschema: every kind of step result, and learner text that XML
cannot hold."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from pathlib import Path

import pytest
import xmlschema

from conftest import KIT, MANIFEST, run_cli

SCHEMA = xmlschema.XMLSchema(Path(__file__).parent / "schemas" / "junit-10.xsd")
CREATE_TABLE, ENABLE_STREAMS, PROCESS_EVENT, SIMULATE_EVENT, AUDIT_TRAIL = (
    MANIFEST.by_slug(slug) for slug in ("create-table", "enable-streams", "process-event", "simulate-event",
                                        "audit-trail"))
# Learner text with what XML 1.0 cannot hold at all (NUL, form feed, U+FFFE/U+FFFF), a terminal escape and bytes
# that are not UTF-8: in what the learner's code prints, and in the message of the exception it raises.
CONTROL = r"\x00\x07\x0c\x1b[31mred\x1b[0m\ufffe\uffff"
PRINTS_CONTROL = f"import sys\nprint('{CONTROL}')\nsys.stdout.flush()\nsys.stdout.buffer.write(b'bytes \\xff\\xfe\\n')\n"
TIMING = ("time", "timestamp", "hostname")


def junit(folder: Path, *args: str) -> tuple[str, ElementTree.Element]:
    done = run_cli("--target", str(folder), "--format", "junit", *args)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    SCHEMA.validate(done.stdout)  # raises, naming what is wrong, if the document is not valid
    return done.stdout, ElementTree.fromstring(done.stdout)


def suite_of(root: ElementTree.Element, step) -> ElementTree.Element:
    return root.findall("testsuite")[step.number - 1]


def has_timing(root: ElementTree.Element) -> None:
    assert float(root.get("time")) >= 0
    for suite in root.findall("testsuite"):
        assert float(suite.get("time")) >= 0 and suite.get("hostname")
        assert datetime.fromisoformat(suite.get("timestamp")).tzinfo is not None
        for case in suite.findall("testcase"):
            assert float(case.get("time")) >= 0
        assert float(suite.get("time")) == pytest.approx(sum(float(c.get("time")) for c in suite.findall("testcase")),
                                                         abs=0.002 * len(suite.findall("testcase")))


def test_all_passing_steps_are_valid_with_times(solutions_copy):
    text, root = junit(solutions_copy)
    has_timing(root)
    assert root.get("failures") == root.get("errors") == "0" and int(root.get("tests")) > len(MANIFEST.steps)
    assert not list(root.iter("skipped"))
    assert str(solutions_copy) not in text, "the step files' folder is not below the current one: paths relative to it"
    assert [suite.get("file") for suite in root.findall("testsuite")] == [step.file for step in MANIFEST.steps]


def test_every_kind_of_result_is_valid(tmp_path):
    """Not started, missing, failed (with control characters printed), timed out, crashed, broke a rule."""
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / CREATE_TABLE.file).write_text(CREATE_TABLE.starter_text())
    enable = (KIT / "solutions" / ENABLE_STREAMS.file).read_text()
    (folder / ENABLE_STREAMS.file).write_text(enable + "\nwhile True:\n    pass\n")
    process = (KIT / "solutions" / PROCESS_EVENT.file).read_text()
    (folder / PROCESS_EVENT.file).write_text(process.replace("    return (product_id, stock)",
                                                             "    return (product_id, str(stock))") + PRINTS_CONTROL)
    audit = (KIT / "solutions" / AUDIT_TRAIL.file).read_text()
    (folder / AUDIT_TRAIL.file).write_text(audit + f"\nraise ValueError('{CONTROL}')\n")
    # no SIMULATE_EVENT file: missing

    text, root = junit(folder, "--time-limit", "1.5")
    has_timing(root)
    skipped = {suite.get("name"): [node.get("message") for node in suite.iter("skipped")]
               for suite in root.findall("testsuite")}
    assert skipped[f"Step {CREATE_TABLE.number}: {CREATE_TABLE.title}"][0].startswith("Not started yet.")
    assert f"{SIMULATE_EVENT.file} is missing" in skipped[f"Step {SIMULATE_EVENT.number}: {SIMULATE_EVENT.title}"][0]
    for step in (CREATE_TABLE, SIMULATE_EVENT):
        suite = suite_of(root, step)
        assert (suite.get("tests"), suite.get("skipped"), suite.get("failures"), suite.get("errors")) == ("1", "1", "0", "0")

    timed_out = suite_of(root, ENABLE_STREAMS)
    assert {node.get("type") for node in timed_out.iter("error")} == {"timeout"}
    assert int(timed_out.get("errors")) == int(timed_out.get("tests"))
    assert all(node.get("message").startswith("The grader stopped your file") for node in timed_out.iter("error"))

    failed = suite_of(root, PROCESS_EVENT)
    messages = [node.get("message") for node in failed.iter("failure")]
    assert messages and all(message == "The stock must be an int, but it is a str. DynamoDB sends numbers as strings, "
                            'like {"N": "50"}: convert with int(...).' for message in messages)
    (printed,) = [node.text for node in failed.iter("system-out")]
    assert "red" in printed and "bytes" in printed

    crashed = suite_of(root, AUDIT_TRAIL)
    assert int(crashed.get("errors")) > 0
    assert any(node.get("message").startswith(f"{AUDIT_TRAIL.file} raised ValueError while running your file. ")
               for node in crashed.iter("error"))

    assert root.get("failures") == str(len(messages))
    assert str(folder) not in text
    for bad in ("\x00", "\x07", "\x0c", "\x1b", "\ufffe", "\uffff", "&#"):
        assert bad not in text, f"{bad!r} reached the document"


def test_a_rule_broken_with_every_check_passing_is_an_error_testcase(solutions_copy):
    path = solutions_copy / ENABLE_STREAMS.file
    path.write_text(path.read_text() + "\nimport socket\ntry:\n    socket.create_connection(('127.0.0.1', 9), "
                                       "timeout=1)\nexcept OSError:\n    pass\n")
    _, root = junit(solutions_copy, "--step", str(ENABLE_STREAMS.number))
    (suite,) = root.findall("testsuite")
    (error,) = suite.iter("error")
    assert "Your code tried to connect to the network" in error.get("message")
    assert suite.findall("testcase")[-1].get("name") == "error" and suite.get("errors") == "1"


def test_the_document_is_the_same_twice_but_for_its_times(solutions_copy):
    path = solutions_copy / ENABLE_STREAMS.file
    path.write_text(path.read_text().replace("NEW_AND_OLD_IMAGES", "NEW_IMAGE"))
    documents = []
    for _ in range(2):
        _, root = junit(solutions_copy)
        for node in root.iter():
            for name in TIMING:
                node.attrib.pop(name, None)
        documents.append(ElementTree.tostring(root, encoding="unicode"))
    assert documents[0] == documents[1]
    assert "NEW_IMAGE records carry only the item after the change." in documents[0]


def test_paths_below_the_current_folder_stay_as_they_were(tmp_path):
    kit = tmp_path / "kit"
    shutil.copytree(KIT / "grader", kit / "grader", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(KIT / "steps", kit / "steps")
    done = run_cli("--format", "junit", "--step", str(CREATE_TABLE.number), cwd=kit)
    SCHEMA.validate(done.stdout)
    (suite,) = ElementTree.fromstring(done.stdout).findall("testsuite")
    assert suite.get("file") == f"steps/{CREATE_TABLE.file}"
    assert f"Open steps/{CREATE_TABLE.file}," in next(suite.iter("skipped")).get("message")
