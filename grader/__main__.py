"""`python -m grader`: grade a folder of step files and say what is right and what is not."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .manifest import KIT_DIR, ManifestError, load_manifest

EXIT_ALL_PASSED, EXIT_NOT_ALL_PASSED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage dump
        self.exit(EXIT_USAGE, f"grader: error: {message} (see python -m grader --help)\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m grader", description="Grade the steps of the DynamoDB Streams exercise.")
    parser.add_argument("--target", type=Path, default=None,
                        help="folder of step files to grade (default: steps/ next to the grader)")
    parser.add_argument("--step", type=int, action="append", dest="steps", metavar="N",
                        help="grade only step N (may be repeated)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format")
    parser.add_argument("--time-limit", type=float, default=None, metavar="SECONDS",
                        help="seconds each step's code may run (default: from the manifest)")
    parser.add_argument("--grade-untouched", action="store_true",
                        help="grade files that are still the starter instead of calling them 'not started' "
                             "(for maintainers)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        manifest = load_manifest()
    except ManifestError as error:
        print(f"grader: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    target = args.target if args.target is not None else KIT_DIR / "steps"
    if not target.is_dir():
        print(f"grader: error: {target} is not a folder of step files", file=sys.stderr)
        return EXIT_USAGE
    steps = args.steps or manifest.numbers
    unknown = [n for n in steps if n not in manifest.numbers]
    if unknown:
        print(f"grader: error: there is no step {unknown[0]}; the steps are "
              f"{manifest.numbers[0]} to {manifest.numbers[-1]}", file=sys.stderr)
        return EXIT_USAGE
    if args.time_limit is not None and args.time_limit <= 0:
        print("grader: error: --time-limit must be a positive number of seconds", file=sys.stderr)
        return EXIT_USAGE

    from . import report
    from .grading import grade

    results = grade(manifest, target.resolve(), sorted(set(steps)), time_limit=args.time_limit,
                    grade_untouched=args.grade_untouched)
    if args.format == "json":
        print(report.as_json(results))
    else:
        sys.stdout.write(report.as_text(results, sys.stdout.encoding))
    return EXIT_ALL_PASSED if all(r.passed for r in results) else EXIT_NOT_ALL_PASSED


if __name__ == "__main__":
    sys.exit(main())
