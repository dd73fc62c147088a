"""The same submission gets the same grade and the same words: data from a seed, limits on processor time
(not the clock, and not Python's own start-up), output that costs no points, credit that adds up."""

from __future__ import annotations

import json

from conftest import MANIFEST, run_cli
from grader import aws

CREATE_TABLE, ENABLE_STREAMS, PROCESS_EVENT, SIMULATE_EVENT, AUDIT_TRAIL = (MANIFEST.by_slug(slug) for slug in (
    "create-table", "enable-streams", "process-event", "simulate-event", "audit-trail"))


def graded(folder, *options: str) -> dict:
    done = run_cli("--target", str(folder), "--format", "json", *options)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def test_the_same_submission_graded_twice_gives_the_same_document(solutions_copy):
    path = solutions_copy / PROCESS_EVENT.file
    # A wrong answer whose message quotes the grader's data: the words must not change between runs either.
    path.write_text(path.read_text(encoding="utf-8").replace("return (product_id, stock)",
                                                             "return (product_id, stock + 1)"), encoding="utf-8")
    first, second = graded(solutions_copy), graded(solutions_copy)
    assert [entry["status"] for entry in first["steps"] if entry["step"] == PROCESS_EVENT.number] == ["failed"]
    assert first == second
    assert first["seed"] == aws.DEFAULT_SEED


def test_a_seed_reproduces_the_data_and_another_seed_changes_it():
    aws.use_seed(7)
    seven = (aws.STOCK_CHANGES, aws.AUDIT_CHANGES)
    aws.use_seed(8)
    eight = (aws.STOCK_CHANGES, aws.AUDIT_CHANGES)
    aws.use_seed(7)
    assert (aws.STOCK_CHANGES, aws.AUDIT_CHANGES) == seven != eight
    aws.use_seed(aws.DEFAULT_SEED)


def test_every_seed_makes_data_that_catches_answers_tuned_to_it():
    for seed in range(50):
        aws.use_seed(seed)
        stocks = [change.stock for change in aws.STOCK_CHANGES]
        assert 0 in stocks and any(stock > 256 for stock in stocks) and any(stock < 0 for stock in stocks)
        assert max(stocks) > 2 ** 53, "a float cannot hold it"
        assert len({change.product_id for change in aws.STOCK_CHANGES}) >= 4
        assert any(change.stock < 0 for change in aws.AUDIT_CHANGES)
    aws.use_seed(aws.DEFAULT_SEED)


def test_the_seed_is_in_the_report_and_reproduces_the_words(solutions_copy):
    path = solutions_copy / PROCESS_EVENT.file
    path.write_text(path.read_text(encoding="utf-8").replace("return (product_id, stock)",
                                                             "return (product_id, stock + 1)"), encoding="utf-8")
    seeded = graded(solutions_copy, "--seed", "12345", "--step", str(PROCESS_EVENT.number))
    assert seeded["seed"] == 12345
    assert seeded == graded(solutions_copy, "--seed", "12345", "--step", str(PROCESS_EVENT.number))


def test_python_start_up_does_not_count_against_a_tiny_processor_limit(solutions_copy):
    # 0.01 s is far less than Python needs to start: only the learner's own code is measured.
    document = graded(solutions_copy, "--step", str(CREATE_TABLE.number), "--step", str(ENABLE_STREAMS.number),
                      "--time-limit", "0.01")
    assert [step["status"] for step in document["steps"]] == ["passed", "passed"]


def test_correct_code_that_prints_a_megabyte_keeps_its_points(solutions_copy):
    path = solutions_copy / PROCESS_EVENT.file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("def process_event(record):\n",
                                 "def process_event(record):\n    print('debug', record, '.' * 100_000)\n", 1),
                    encoding="utf-8")
    (entry,) = graded(solutions_copy, "--step", str(PROCESS_EVENT.number))["steps"]
    assert entry["status"] == "passed" and entry["score"] == PROCESS_EVENT.points
    assert "output truncated" in entry["message"]


def test_a_step_that_does_not_pass_never_shows_all_its_points(solutions_copy):
    path = solutions_copy / SIMULATE_EVENT.file
    # The step's own part is right, create-table's part in the same file is broken.
    path.write_text(path.read_text(encoding="utf-8").replace('"TableName": "Products"', '"TableName": "Product"'),
                    encoding="utf-8")
    (entry,) = graded(solutions_copy, "--step", str(SIMULATE_EVENT.number))["steps"]
    assert entry["status"] == "failed"
    assert 0 < entry["score"] < SIMULATE_EVENT.points


def test_a_handler_that_crashes_on_every_batch_earns_nothing_for_what_it_did_not_write(solutions_copy):
    path = solutions_copy / AUDIT_TRAIL.file
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("def handle_batch(event, context):\n",
                                 "def handle_batch(event, context):\n    raise RuntimeError('broken')\n", 1),
                    encoding="utf-8")
    (entry,) = graded(solutions_copy, "--step", str(AUDIT_TRAIL.number))["steps"]
    assert entry["status"] == "failed"
    # Only the checks of the table's shape and the handler's signature can pass: what it writes cannot.
    assert entry["score"] <= 0.5, entry


def test_an_instructor_can_make_a_flood_of_output_cost_the_step(solutions_copy, tmp_path):
    from grader.grading import grade
    from grader.manifest import MANIFEST_PATH, load_manifest

    text = MANIFEST_PATH.read_text(encoding="utf-8").replace("penalize_output_flood = false",
                                                             "penalize_output_flood = true")
    (tmp_path / "manifest.toml").write_text(text, encoding="utf-8")
    strict = load_manifest(tmp_path / "manifest.toml")
    path = solutions_copy / ENABLE_STREAMS.file
    path.write_text(path.read_text(encoding="utf-8") + "\nprint('x' * 200_000)\n", encoding="utf-8")
    (result,) = grade(strict, solutions_copy, [ENABLE_STREAMS.number])
    assert result.status == "error" and result.score == 0
    assert "costs the step its points" in result.message and "output truncated" in result.message
    (lenient,) = grade(MANIFEST, solutions_copy, [ENABLE_STREAMS.number])
    assert lenient.passed and any("output truncated" in tip for tip in lenient.tips)
