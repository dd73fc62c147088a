"""grader/aws.py takes a shortcut through moto's start-up (issue 6). It may not change what moto does."""

from __future__ import annotations

import subprocess
import sys

from conftest import KIT

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


def test_moto_reads_models_with_the_graders_loader():
    out = in_a_fresh_grader("import moto.core.utils, botocore.loaders\n"
                            "loader = moto.core.utils.create_loader()\n"
                            "print(isinstance(loader, botocore.loaders.Loader), loader is moto.core.utils.create_loader())")
    assert out.split() == ["True", "True"]
