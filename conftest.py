"""`pytest` typed in the kit's folder. The tests here are the kit's own and need its environment (nox -s tests);
a learner who meant to grade their steps, with a pytest that lacks the kit's packages, is told how in one line."""

import importlib.util

import pytest

NEEDED = ("boto3", "moto", "rich", "hypothesis")


def pytest_configure(config):
    if any(importlib.util.find_spec(name) is None for name in NEEDED):
        pytest.exit("To grade your steps, run: nox -s grade   (the tests in this folder are the kit's own: "
                    "nox -s tests)", returncode=pytest.ExitCode.USAGE_ERROR)
