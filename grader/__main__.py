"""`python -m grader`: grade a folder of step files and say what is right and what is not."""

from __future__ import annotations

import os
from pathlib import Path

from . import messages, options
from .manifest import KIT_DIR


def _parser() -> options.Parser:
    parser = options.Parser(prog="python -m grader", description="Grade the steps of the DynamoDB Streams exercise.")
    options.add_target(parser)
    parser.add_argument("--step", action="append", dest="steps", metavar="N",
                        help="grade only step N, given by its number or its name, such as process-event (may be "
                             "repeated)")
    parser.add_argument("--format", choices=("text", "json", "junit", "exercism"), default="text",
                        help="text for people; json, junit (JUnit XML) or exercism (results.json v3) for programs")
    parser.add_argument("--exit-zero", action="store_true",
                        help="exit 0 whenever the grading ran, whether the steps pass or not, as Exercism's test "
                             "runners must (bin/run.sh uses it); 2 still means bad options")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="seconds each step's code may run (default: from the manifest)")
    parser.add_argument("--state", type=Path, default=None, metavar="FILE",
                        help="remember which check failed last in FILE, so repeated failures get a more specific "
                             "hint (nox -s grade uses .nox/grader-state.json)")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="make the grader's test data from seed N (default: a fixed seed, so the same work "
                             "gets the same words everywhere; the reports say which seed was used)")
    parser.add_argument("--grade-untouched", action="store_true",
                        help="grade files that are still the starter instead of calling them 'not started' "
                             "(for maintainers)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    manifest = options.manifest()
    target = options.target(args.target)
    steps = sorted({options.step(manifest, n).number for n in args.steps or manifest.numbers})
    if args.time_limit is not None and args.time_limit <= 0:
        raise options.UsageError("--time-limit must be a positive number of seconds")

    if relative_to_target(args.format, target):
        os.chdir(target)  # every path the results name (files, messages) is then relative to the step files' folder

    # The learner processes (or the warm sandbox they are forked from) start first, so they start while the
    # heavy imports below happen.
    from .sandbox import confinement
    from .steprun import start_runs

    try:
        sandbox = confinement.current()
        if sandbox.kind == confinement.SEPARATE_USER:
            confinement.must_be_closed([KIT_DIR, target])
    except confinement.SandboxUnavailable as error:
        raise options.UsageError(str(error)) from None

    # Exercism's learners run no local command: the time-limit advice says whom to ask instead.
    more_time = messages.MORE_TIME_ELSEWHERE if args.format == "exercism" else messages.MORE_TIME_LOCAL

    def start():
        return start_runs(manifest, target, steps, time_limit=args.time_limit, grade_untouched=args.grade_untouched,
                          more_time=more_time)

    forked = confinement.warm_up()  # forks wait for the warm sandboxes, which start meanwhile
    runs = None if forked else start()

    from . import aws, integrity, report, screen
    from .grading import grade

    if runs is None:
        runs = start()

    aws.use_seed(aws.DEFAULT_SEED if args.seed is None else args.seed)
    from .hints import remember_failures, tips_seen_before

    results = grade(manifest, target, steps, runs=runs)
    modified = integrity.is_modified()
    if args.format in report.FORMATS:
        print(report.FORMATS[args.format](results, grader_modified=modified, seed=aws.SEED,
                                          confinement=sandbox.kind))
    else:
        grown = remember_failures(results, args.state)
        screen.render(results, screen.make_console(), grown=grown, all_steps=len(manifest.steps),
                      grader_modified=modified, said_before=tips_seen_before(results, args.state))
    return options.EXIT_OK if args.exit_zero or all(r.passed for r in results) else options.EXIT_NOT_OK


def relative_to_target(format: str, target: Path) -> bool:
    """Whether to name files relative to the step files' folder: always for Exercism (its spec: paths relative
    to the solution), and for JUnit when that folder is not below the current one (where paths would otherwise
    be absolute; below it they stay as before, e.g. steps/step3_process_event.py, which a CI job can find)."""
    if format == "exercism":
        return True
    return format == "junit" and not target.is_relative_to(Path.cwd().resolve())


if __name__ == "__main__":
    options.leave(options.run(main, "grader"))
