"""`nox -s run -- N`: the learner's playground runs a step's file as the grader does and shows what it did."""

from __future__ import annotations

import shutil

from conftest import KIT, MANIFEST, run_cli

PROCESS_EVENT, AUDIT_TRAIL = MANIFEST.by_slug("process-event"), MANIFEST.by_slug("audit-trail")


def playground(*args: str):
    return run_cli(*args, module="grader.playground")


def test_process_event_sees_every_record_of_the_learners_own_stream(tmp_path):
    shutil.copytree(KIT / "solutions", tmp_path / "answers")
    source = (tmp_path / "answers" / PROCESS_EVENT.file).read_text()
    (tmp_path / "answers" / PROCESS_EVENT.file).write_text(source + "\nprint('hello from my file')\n")
    done = playground(str(PROCESS_EVENT.number), "--target", str(tmp_path / "answers"))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "nothing is graded here" in text
    assert "The table DynamoDB created from products_table" in text and "LatestStreamArn" in text
    assert "through your process_event(record)" in text
    for event in ("INSERT", "MODIFY", "(as Lambda delivers it)"):
        assert event in text
    assert "('P123', 50)" in text and "('P123', 49)" in text
    assert "What your code printed" in text and "hello from my file" in text


def test_a_wrong_process_event_is_shown_with_what_it_returned(tmp_path):
    shutil.copytree(KIT / "solutions", tmp_path / "answers")
    file = tmp_path / "answers" / PROCESS_EVENT.file
    file.write_text(file.read_text().replace('new_image = record["dynamodb"]["NewImage"]',
                                             'new_image = record["dynamodb"].get("OldImage") or record["dynamodb"]["NewImage"]'))
    done = playground("process-event", "--target", str(tmp_path / "answers"))
    assert done.returncode == 0
    rows = [line for line in done.stdout.splitlines() if "MODIFY" in line and "P123" in line]
    assert rows and all("('P123', 50)" in row and "('P123', 49)" in row for row in rows), rows


def test_the_audit_trail_shows_the_batches_and_what_the_handler_wrote(tmp_path):
    shutil.copytree(KIT / "solutions", tmp_path / "answers")
    done = playground(str(AUDIT_TRAIL.number), "--target", str(tmp_path / "answers"))
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "The batches handed to your handle_batch(event, context)" in text
    assert "2 again" in text and "finished" in text
    assert "What your handler wrote into the audit table, every batch once (5 items)" in text
    assert "... and after batch 2 came a second time (5 items)" in text
    assert "REMOVE" in text and "INSERT" in text


def test_an_untouched_starter_says_what_is_not_there_yet():
    done = playground("1")
    assert done.returncode == 0
    assert "The file does not define products_table" in done.stdout


def test_a_crash_is_shown_as_the_grader_shows_it(tmp_path):
    (tmp_path / MANIFEST.step(1).file).write_text("products_table = {}\nraise ValueError('boom')\n")
    done = playground("1", "--target", str(tmp_path))
    assert "raised ValueError while running your file" in done.stdout and "boom" in done.stdout
