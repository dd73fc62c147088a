"""Every check takes ``run``: the learner's file for one step, its process already started.

A check module's checks run on the file of its own step (FIRST_STEP) and of every later step, since the
steps are cumulative. Files that are missing or still the starter get no checks at all: their status
says so without them.
"""

import pytest

from grader.checks import answers
from grader.grading import GradingContext
from grader.steprun import STARTED, StepRun


def _context(config) -> GradingContext:
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, GradingContext):
            return plugin
    raise pytest.UsageError("the checks in grader/checks/ run only through `python -m grader`")


def pytest_generate_tests(metafunc):
    if "run" in metafunc.fixturenames:
        runs = [run for number, run in _context(metafunc.config).runs.items()
                if number >= metafunc.module.FIRST_STEP and run.state == STARTED]
        metafunc.parametrize("run", runs, ids=[f"step{run.step.number}" for run in runs])


def _order(item) -> tuple[bool, bool]:
    run = item.callspec.params.get("run") if hasattr(item, "callspec") else None
    # A step whose learner process starts a moto of its own is ready last: check it last, so the grader
    # works on the other steps meanwhile instead of waiting for it.
    slow = isinstance(run, StepRun) and run.step.simulated_aws
    # For each step, every check of the answer's shape first, then what DynamoDB makes of it: a step-2
    # file with StreamEnabled "True" hears about StreamEnabled, not a botocore type error.
    return slow, item.get_closest_marker("dynamodb") is not None


def pytest_collection_modifyitems(items):
    items.sort(key=_order)


def pytest_runtest_setup(item):
    # The bonus step's learner process has the most to do: as soon as its file has run, send it all of
    # it, so that it works while the grader checks the other steps.
    for run in _context(item.config).runs.values():
        if run.step.simulated_aws and "prefetched" not in run.memo and run.module_has_run():
            run.memo["prefetched"] = True
            answers.prefetch(run)
