"""`python -m grader.playground N` (`nox -s run -- N`): run step N's file as the grader does, and show what it did.

Nothing is graded here. The learner sees their own pipeline at work, in the same sandbox the grader uses:
- the table DynamoDB (the grader's moto) created from their products_table;
- the real stream records of the grader's stock changes on that table, flowing through their process_event;
- their sample_record and result;
- for the audit trail, the batches handed to handle_batch and what it wrote into the audit table, after a
  batch came again;
- and everything their code printed.
Every text that comes from the learner's code is cleaned (grader.text.printable) and shown as plain text.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import messages, options, screen
from .failures import CheckFailed, RunProblem
from .manifest import KIT_DIR
from .text import printable
from .values import show

OUTPUT_LINES = 40


def _plain(value) -> Text:
    return Text(printable(value if isinstance(value, str) else show(value, 120)))


def _heading(console: Console, words: str) -> None:
    console.print()
    console.print(Text(words, "bold"))


def _value(run, name: str):
    try:
        return run.value(name)
    except CheckFailed:
        return None


def _table_created(console: Console, run) -> None:
    from . import aws

    request = _value(run, "products_table")
    if not isinstance(request, dict):
        return
    simulation = aws.simulate(request)
    _heading(console, "The table DynamoDB created from products_table")
    if not simulation.accepted:
        console.print(Text.assemble("DynamoDB refused it: ", _plain(simulation.error or "")))
        return
    table = Table(show_header=False, box=None, padding=(0, 2))
    description = simulation.description
    billing = (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")
    for label, value in (
        ("TableName", description.get("TableName")),
        ("KeySchema", description.get("KeySchema")),
        ("AttributeDefinitions", description.get("AttributeDefinitions")),
        ("BillingMode", billing + (" (supplied by the grader)" if simulation.billing_supplied else "")),
        ("StreamSpecification", description.get("StreamSpecification", "none: the table has no stream")),
        ("LatestStreamArn", description.get("LatestStreamArn", "none")),
    ):
        table.add_row(Text(label, "cyan"), _plain(value))
    console.print(table)


def _stock(record: dict, image: str):
    attribute = ((record.get("dynamodb") or {}).get(image) or {}).get("Stock") or {}
    return attribute.get("N", "")


def _answer(answer: dict) -> Text:
    if "exception" in answer:
        return Text(printable(f"raised {answer['exception'].get('type', 'an error')}"), "red")
    return _plain(answer["returned"])


def _records_through_process_event(console: Console, run) -> None:
    from .steps import answers

    try:
        cases = answers.stream_cases(run)
    except CheckFailed as failure:
        _heading(console, "Stream records through process_event")
        console.print(_plain(failure.explanation))
        return
    _heading(console, "The stream of your table, record by record, through your process_event(record)")
    table = Table("event", "ProductID", "old stock", "new stock", "process_event returned", "expected")
    for change, record, answer in cases:
        event = record.get("eventName", "") + (" (as Lambda delivers it)" if "eventSourceARN" in record else "")
        table.add_row(Text(event), Text(change.product_id), Text(_stock(record, "OldImage") or "-"),
                      Text(_stock(record, "NewImage")), _answer(answer), Text(show((change.product_id, change.stock))))
    console.print(table)


def _sample(console: Console, run) -> None:
    _heading(console, "Your sample_record and result")
    for name in ("sample_record", "result"):
        console.print(Text.assemble((f"{name} = ", "cyan"), _plain(_value(run, name))))


def _audit_trail(console: Console, run) -> None:
    from .steps import answers

    try:
        delivery = answers.audit_delivery(run)
    except CheckFailed as failure:
        _heading(console, "The audit trail")
        console.print(_plain(failure.explanation))
        return
    _heading(console, "The batches handed to your handle_batch(event, context), as AWS Lambda hands them over")
    batches = Table("batch", "records (event ProductID old -> new)", "handle_batch")
    for number, (batch, answer) in enumerate(zip(delivery.batches + [delivery.batches[1]], delivery.answers), 1):
        label = str(number) if number <= len(delivery.batches) else "2 again"
        lines = "\n".join(f"{r.get('eventName', '')} {(r.get('dynamodb') or {}).get('Keys', {}).get('ProductID', {}).get('S', '')} "
                          f"{_stock(r, 'OldImage') or '-'} -> {_stock(r, 'NewImage') or '-'}" for r in batch)
        outcome = _answer(answer) if "exception" in answer else Text("finished", "green")
        batches.add_row(Text(label), Text(printable(lines)), outcome)
    console.print(batches)
    for title, items in (("What your handler wrote into the audit table, every batch once", delivery.first_items),
                         ("... and after batch 2 came a second time", delivery.again_items)):
        _heading(console, f"{title} ({len(items)} items)")
        table = Table("ProductID", "SequenceNumber", "OldStock", "NewStock", "Delta", "EventName")
        for item in items:
            table.add_row(*[_plain(next(iter(item[name].values())) if isinstance(item.get(name), dict) and item[name]
                                   else "-") for name in ("ProductID", "SequenceNumber", "OldStock", "NewStock",
                                                          "Delta", "EventName")])
        console.print(table)


def _printed(console: Console, run) -> None:
    output = run.output
    _heading(console, "What your code printed")
    if output is None or not output.text.strip():
        console.print(Text("(nothing)", "dim"))
        return
    for line in output.text.rstrip().splitlines()[-OUTPUT_LINES:]:
        console.print(Text(printable(line)))
    if output.truncated:
        console.print(Text(messages.output_truncated(run.display, output), "dim"))


def show_run(console: Console, run) -> None:
    """Everything the learner's file did, section by section; a problem that stops it is shown where it happens."""
    for name in run.step.names:  # the file runs at the first
        try:
            run.value(name)
        except CheckFailed as failure:
            console.print(_plain(failure.explanation))
        except RunProblem as problem:
            console.print(Text(problem.text))
            return
    if run.crashed is not None:  # it stopped with an error after setting some names: the error is the news
        console.print(Text(run.crashed.text))
        return
    names = set(run.names)
    _table_created(console, run)
    if "process_event" in names and run.step.number >= 3:
        _records_through_process_event(console, run)
    if "sample_record" in names:
        _sample(console, run)
    if "handle_batch" in names:
        _audit_trail(console, run)


def main(argv: list[str] | None = None) -> int:
    _, manifest, step, target = options.step_command(
        "python -m grader.playground", "Run one step's file as the grader does and show what it did.", argv)
    from .sandbox import confinement
    from .steprun import LINKED, STARTED, start_runs

    try:
        if confinement.current().kind == confinement.SEPARATE_USER:
            confinement.must_be_closed([KIT_DIR, target])
    except confinement.SandboxUnavailable as error:
        raise options.UsageError(str(error)) from None
    runs = start_runs(manifest, target, [step.number], grade_untouched=True)
    from . import aws

    aws.use_seed(aws.DEFAULT_SEED)
    run = runs[step.number]
    console = screen.make_console()
    if not console.is_terminal:
        console.width = max(console.width, 160)  # piped: whole table rows, not cells wrapped to 80 columns
    console.print(Text(f"Step {step.number}: {step.title}: your {step.file} at work (nothing is graded here)", "bold"))
    if run.state == LINKED:
        console.print(Text(messages.linked_file(run.display)))
        return options.EXIT_NOT_OK
    if run.state != STARTED:
        console.print(Text(messages.missing_file(run.display, step)))
        return options.EXIT_NOT_OK
    try:
        try:
            show_run(console, run)
        except RunProblem as problem:
            console.print(Text(problem.text))
    finally:
        run.close()
    _printed(console, run)
    return options.EXIT_OK


if __name__ == "__main__":
    options.leave(options.run(main, "run"))
