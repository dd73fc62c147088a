# step: process-event
# why: a decorator made with functools.wraps
# right answer for step 3
products_table = {
    "TableName": "Products",
    "KeySchema": [{"AttributeName": "ProductID", "KeyType": "HASH"}],
    "AttributeDefinitions": [{"AttributeName": "ProductID", "AttributeType": "S"}],
    "BillingMode": "PAY_PER_REQUEST",
    "StreamSpecification": {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
}

stream_arn = "arn:aws:dynamodb:region:account-id:table/Products/stream/2024-06-01T00:00:00.000"

import functools
import logging

logging.basicConfig(level=logging.INFO)
log = logging.getLogger(__name__)


def logged(func):
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        log.info("calling %s", func.__name__)
        value = func(*args, **kwargs)
        log.info("%s returned %r", func.__name__, value)
        return value
    return wrapper


@logged
def process_event(record):
    new_image = record["dynamodb"]["NewImage"]
    return new_image["ProductID"]["S"], int(new_image["Stock"]["N"])
