"""Fixtures for the checks: every check gets ``run``, the learner's file for one step, already started."""

import pytest

from grader.grading import GradingContext
from grader.steprun import STARTED


def _context(config) -> GradingContext:
    for plugin in config.pluginmanager.get_plugins():
        if isinstance(plugin, GradingContext):
            return plugin
    raise pytest.UsageError("the checks in grader/checks/ run only through `python -m grader`")


def pytest_generate_tests(metafunc):
    if "step" in metafunc.fixturenames:
        steps = [n for n in _context(metafunc.config).selected if n >= metafunc.module.FIRST_STEP]
        metafunc.parametrize("step", steps, ids=[f"step{n}" for n in steps])


def pytest_collection_modifyitems(items):
    # First every check of the answer's shape, for all steps; then what DynamoDB itself makes of it.
    # So a step-2 file with StreamEnabled "True" hears about StreamEnabled, not a botocore type error.
    items.sort(key=lambda item: item.get_closest_marker("dynamodb") is not None)


@pytest.fixture
def grading(pytestconfig) -> GradingContext:
    return _context(pytestconfig)


@pytest.fixture
def run(grading, step):
    step_run = grading.run(step)
    if step_run.state != STARTED:
        pytest.skip(step_run.state)
    return step_run
