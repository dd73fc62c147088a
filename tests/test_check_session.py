"""One pytest session serves many gradings (a grade-class worker keeps one for all its submissions): each grading
gets exactly what a session of its own would give it, whatever the gradings before it were, and a session that
cannot run fails every grading handed to it with the reason, never hangs one."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import KIT, MANIFEST
from grader import grading
from grader.grading import CheckService, Grading, grade

CORPUS = KIT / "tests" / "corpus"


def _submission(folder, replacements: dict) -> object:
    """A copy of the solutions with some step files replaced: by text, or removed (None)."""
    shutil.copytree(KIT / "solutions", folder)
    for number, text in replacements.items():
        path = folder / MANIFEST.step(number).file
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
    return folder


def _wrong(name: str) -> str:
    return (CORPUS / "wrong" / name).read_text(encoding="utf-8")


def _class(tmp_path) -> dict:
    """Submissions that leave different things behind in a session: failures, crashes, missing and untouched files."""
    return {
        "right": _submission(tmp_path / "right", {}),
        "wrong step 1": _submission(tmp_path / "wrong1", {1: _wrong("step1_key_type_range.py")}),
        "wrong step 2": _submission(tmp_path / "wrong2", {2: _wrong("step2_no_view_type.py")}),
        "crash and missing": _submission(tmp_path / "crash", {3: "raise ValueError('no')\n", 4: None}),
        "bonus not started": _submission(tmp_path / "starter", {5: MANIFEST.step(5).starter_text()}),
        "bonus duplicates": _submission(tmp_path / "bonus", {5: _wrong("step5_conditional_put_fails_on_redelivery.py")}),
        "bonus crashes": _submission(tmp_path / "bonus2", {5: _wrong("step5_crashes_on_remove_new_image.py")}),
    }


def _facts(results) -> list:
    """What a learner and an instructor see of a grading (times left out: they are the machine's)."""
    return [(r.step.number, r.status, r.score, r.message, r.hint, r.more_hint, r.tips,
             [(c.step, c.check, c.first_step, c.text) for c in r.checks]) for r in results]


def test_one_session_grades_each_submission_as_a_session_of_its_own_would(tmp_path):
    submissions = _class(tmp_path)
    alone = {name: _facts(grade(MANIFEST, folder, MANIFEST.numbers)) for name, folder in submissions.items()}
    assert len({repr(facts) for facts in alone.values()}) == len(submissions), "each submission is graded differently"

    service = CheckService(MANIFEST)
    service.start()
    try:
        order = [*submissions, *random.Random(8).sample(list(submissions), len(submissions))]  # twice, shuffled
        for name in order:
            shared = _facts(grade(MANIFEST, submissions[name], MANIFEST.numbers, service=service))
            assert shared == alone[name], name
        (step3,) = grade(MANIFEST, submissions["right"], [3], service=service)  # some steps only
        assert step3.passed and [c.step for c in step3.checks] == [3] * len(step3.checks)
    finally:
        service.close()


def test_a_session_that_cannot_start_fails_each_grading_with_its_reason(monkeypatch):
    arguments = grading._pytest_arguments
    monkeypatch.setattr(grading, "_pytest_arguments", lambda manifest: [*arguments(manifest), "no-such-checks.py"])
    service = CheckService(MANIFEST)
    service.start()
    for _ in range(2):  # every grading, at once
        with pytest.raises(RuntimeError, match="the grader's checks could not run"):
            grading.run_checks(Grading({}), MANIFEST, service)
    service.close()


def test_a_broken_checks_module_makes_every_row_of_a_class_a_grader_error(tmp_path):
    kit = tmp_path / "kit"
    for folder in ("grader", "steps", "solutions"):
        shutil.copytree(KIT / folder, kit / folder, ignore=shutil.ignore_patterns("__pycache__"))
    step = MANIFEST.by_slug("process-event")
    checks = kit / "grader" / "steps" / step.identifier / "checks.py"
    checks.write_text(checks.read_text(encoding="utf-8") + "\nraise ImportError('a broken check')\n", encoding="utf-8")
    for learner in ("ada", "ben", "cy"):
        shutil.copytree(KIT / "solutions", tmp_path / "class" / learner)
    done = subprocess.run([sys.executable, "-m", "grader.classroom", str(tmp_path / "class"), "--out",
                           str(tmp_path / "grades"), "--workers", "1"], cwd=kit, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    assert done.returncode == 1, done.stderr
    rows = (tmp_path / "grades" / "grades.csv").read_text(encoding="utf-8").splitlines()[1:]
    assert len(rows) == 3 and all(",error," in row and "a broken check" in row for row in rows), rows
    assert "Traceback" not in done.stderr


def test_a_grading_leaves_the_import_path_of_its_process_in_its_order(tmp_path, monkeypatch):
    """A worker's tasks import modules after its gradings (a test's module, its conftest): the kit's folder put
    first on sys.path would make them find the kit's modules of the same name."""
    monkeypatch.setattr(sys, "path", [entry for entry in sys.path if Path(entry or ".").resolve() != KIT])
    before = list(sys.path)
    (result,) = grade(MANIFEST, _submission(tmp_path / "ada", {}), [1])
    assert result.passed, result.message
    assert sys.path[:len(before)] == before


@pytest.mark.filterwarnings("ignore::pluggy.PluggyTeardownRaisedWarning")  # what pluggy says of that fault
def test_a_grading_that_breaks_off_mid_check_leaves_the_next_one_a_session_that_works(tmp_path, monkeypatch):
    """Something that escapes pytest's protocol in the middle of a check (here, a fault in the hook that records
    outcomes) may leave pytest's state half set up: the next grading gets a new session, and its true result."""
    right = _submission(tmp_path / "right", {})
    alone = _facts(grade(MANIFEST, right, MANIFEST.numbers))
    service = CheckService(MANIFEST)
    service.start()
    try:
        hint = grading.check_hint
        calls = []

        def hint_that_fails_once(function):
            calls.append(function)
            if len(calls) == 3:
                raise OSError("a fault in the grader's own hook")
            return hint(function)

        monkeypatch.setattr(grading, "check_hint", hint_that_fails_once)
        with pytest.raises(RuntimeError, match="a fault in the grader's own hook"):
            grade(MANIFEST, right, MANIFEST.numbers, service=service)
        for _ in range(2):
            assert _facts(grade(MANIFEST, right, MANIFEST.numbers, service=service)) == alone
    finally:
        service.close()


# A bonus-step file that leaves a backlog of DynamoDB requests on its channel when its grading ends: slow scans
# first (a long filter over a table of many items), then its audit table again with an item of its own. Served
# after the run's account was given back, they would land in the next grading's account, which takes its number.
BACKLOG_LEFT_BEHIND = '\n\nimport base64 as _b64, json as _json, sys as _sys, threading as _threading\n\n_channel = _sys.modules["__main__"].grader_channel.outgoing\n_calls = []\n\n\ndef _line(target, body):\n    return (_json.dumps({"event": "aws_request", "method": "POST", "url": "https://dynamodb.us-east-1.amazonaws.com/",\n                         "headers": {"X-Amz-Target": "DynamoDB_20120810." + target,\n                                     "Content-Type": "application/x-amz-json-1.0"},\n                         "body": _b64.b64encode(_json.dumps(body).encode()).decode()}) + "\\n").encode()\n\n\n_SCAN = _line("Scan", {"TableName": "Big", "FilterExpression": " OR ".join(["k = :a"] * 400),\n                       "ExpressionAttributeValues": {":a": {"S": "none"}}})\n_CREATE = _line("CreateTable", {**audit_table})\n_JUNK = _line("PutItem", {"TableName": "InventoryAudit", "Item": {"ProductID": {"S": "P-FROM-A"},\n                                                                  "SequenceNumber": {"S": "999"}}})\n\n\ndef _flood():\n    for _ in range(20):\n        _channel.write(_SCAN * 5 + _CREATE + _JUNK)\n        _channel.flush()\n\n\n_original_handle_batch = handle_batch\n\n\ndef handle_batch(event, context):\n    _calls.append(len(event["Records"]))\n    if _calls == [3]:  # the first process\'s first batch: a big table to make later requests slow\n        big = boto3.resource("dynamodb")\n        table = big.create_table(TableName="Big", KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],\n                                 AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],\n                                 BillingMode="PAY_PER_REQUEST")\n        for i in range(400):\n            table.put_item(Item={"k": str(i)})\n    result = _original_handle_batch(event, context)\n    if _calls == [2]:  # the cold start\'s redelivery: the grader\'s last call\n        _threading.Thread(target=_flood, daemon=True).start()\n    return result\n'


def test_requests_a_learner_left_on_the_channel_do_not_reach_the_next_gradings_tables(tmp_path):
    attacker = _submission(tmp_path / "ada", {})
    step5 = attacker / MANIFEST.step(5).file
    step5.write_text(step5.read_text(encoding="utf-8") + BACKLOG_LEFT_BEHIND, encoding="utf-8")
    victim = _submission(tmp_path / "ben", {})
    alone = _facts(grade(MANIFEST, victim, MANIFEST.numbers))
    service = CheckService(MANIFEST)
    service.start()
    try:
        (*_, ada_step5) = grade(MANIFEST, attacker, MANIFEST.numbers, service=service)
        # Its own item in its own table (the solution's step 5 passes otherwise): the requests reached moto.
        assert not ada_step5.passed, "the backlog never reached moto: the test proves nothing"
        assert _facts(grade(MANIFEST, victim, MANIFEST.numbers, service=service)) == alone
    finally:
        service.close()
