"""grader/aws.py takes a shortcut through moto's start-up (issue 6): _lend_loader_to_moto, fenced there, the one
private use of moto kept for speed. It may not change what moto does, and these tests fail, loudly, the day moto
changes so that the shortcut is lost or would change what moto reads."""

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

# In a fresh grader: moto's own loader class is watched from the start, moto is started, and every call moto
# makes to create_loader is counted during the first simulation.
WATCHED_SIMULATION = f"""
import moto.core.loaders, moto.core.utils
made = []
original_init = moto.core.loaders.Loader.__init__
def counting_init(self, *args, **kwargs):
    made.append(type(self))
    original_init(self, *args, **kwargs)
moto.core.loaders.Loader.__init__ = counting_init

from grader import aws
aws.clients()  # moto started, the grader's loader lent
lent = moto.core.utils.create_loader
asked = []
moto.core.utils.create_loader = lambda *args, **kwargs: asked.append(1) or lent(*args, **kwargs)
simulation = aws.simulate({STREAM_TABLE!r})
assert simulation.accepted and simulation.records, simulation
moto.core.utils.create_loader = lent
"""


def in_a_fresh_grader(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", WATCHED_SIMULATION + code], cwd=KIT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_moto_reads_its_models_through_the_graders_loader_and_makes_none_of_its_own():
    out = in_a_fresh_grader("import botocore.loaders\n"
                            "loader = moto.core.utils.create_loader()\n"
                            "print(len(asked) > 0, len(made),\n"
                            "      type(loader) is botocore.loaders.Loader, loader is moto.core.utils.create_loader())")
    # moto asked for a loader (else it reads its models some other way: the shortcut is lost), made none of its
    # own, and got the grader's: a plain botocore Loader, the same one every time.
    assert out.split() == ["True", "0", "True", "True"], \
        f"moto asked create_loader, moto loaders made, a plain botocore Loader, the same one: {out.split()}"


def test_moto_would_read_the_same_models_with_its_own_loader():
    """moto's own loader adds "moto-extras" to some services' models; none for DynamoDB or its Streams, or
    lending moto a plain botocore loader would change what moto does."""
    out = in_a_fresh_grader(
        "own = moto.core.loaders.create_loader()\n"
        "for service in ('dynamodb', 'dynamodbstreams'):\n"
        "    for kind in ('service-2', 'paginators-1'):\n"
        "        print(own.load_service_model(service, kind) == lent().load_service_model(service, kind))")
    assert out.split() == ["True"] * 4, f"DynamoDB, Streams: same model, same paginators? {out.split()}"
