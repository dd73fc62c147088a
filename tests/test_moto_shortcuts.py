"""grader/aws.py takes two shortcuts through moto's start-up (issue 6). Neither may change what moto does."""

from __future__ import annotations

import subprocess
import sys

from conftest import KIT

from grader import aws

STREAM_TABLE = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}


def in_a_fresh_grader(code: str) -> str:
    prelude = f"from grader import aws\nsimulation = aws.simulate({STREAM_TABLE!r})\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], cwd=KIT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_stream_records_come_without_loading_moto_lambda():
    out = in_a_fresh_grader("import sys\nprint(len(simulation.records), 'moto.awslambda.models' in sys.modules)")
    assert out.split() == [str(len(aws.STOCK_CHANGES)), "False"]


def test_moto_lambda_loads_in_full_when_something_asks_for_it():
    out = in_a_fresh_grader("from moto.awslambda import lambda_backends\nimport moto.backends\n"
                            "print(type(lambda_backends).__name__, moto.backends.get_backend('lambda') is lambda_backends)")
    assert out.split() == ["BackendDict", "True"]


def test_moto_reads_models_with_the_graders_loader():
    out = in_a_fresh_grader("import moto.core.utils, botocore.loaders\n"
                            "loader = moto.core.utils.create_loader()\n"
                            "print(isinstance(loader, botocore.loaders.Loader), loader is moto.core.utils.create_loader())")
    assert out.split() == ["True", "True"]
