"""Bonus step 5: audit_table and handle_batch(event, context), end to end in moto.

The grader makes stock changes on the learner's own Products table, reads the real stream, and hands
the records to handle_batch in Lambda's shape and in batches, one batch twice. The handler writes to
the learner's InventoryAudit table in its own process's moto; the grader reads the table back.
"""

from decimal import Decimal

import pytest

from grader import aws
from grader.failures import CheckFailed
from grader.steps import words as shared_words
from grader.steps.answers import (audit_delivery, function, index_attributes, list_of_dicts, request_dict, signature,
                                  table_key)
from grader.steps.audit_trail import words
from grader.values import MISSING, show

pytestmark = pytest.mark.step("audit-trail")

KEY_SCHEMA = [{"AttributeName": "ProductID", "KeyType": "HASH"},
              {"AttributeName": "SequenceNumber", "KeyType": "RANGE"}]
NO_IMAGE = {("OldStock", "INSERT"), ("NewStock", "REMOVE")}
ATTRIBUTE_DEFINITIONS = [{"AttributeName": "ProductID", "AttributeType": "S"},
                         {"AttributeName": "SequenceNumber", "AttributeType": "S"}]


def test_audit_table_is_a_dict(run):
    """audit_table is a CreateTable request like products_table: a dict with TableName, KeySchema and
    AttributeDefinitions (and a BillingMode)."""
    request_dict(run, "audit_table")


def test_audit_table_name_is_inventory_audit(run):
    """The audit table is named exactly "InventoryAudit"."""
    name = table_key(run, "TableName", str, '"InventoryAudit"', "audit_table")
    if name != "InventoryAudit":
        raise CheckFailed(run.where('audit_table["TableName"]'), shared_words.wrong_text(name, "InventoryAudit"),
                          expected=show("InventoryAudit"), found=show(name))


def test_audit_key_is_product_id_and_sequence_number(run):
    """Two key attributes: ProductID as the partition key (HASH) and SequenceNumber as the sort key (RANGE), both
    declared as strings ("S") in AttributeDefinitions. Sequence numbers can be longer than DynamoDB numbers
    allow, so they are stored as strings."""
    key_schema = list_of_dicts(run, "KeySchema", str(KEY_SCHEMA), "audit_table")
    if key_schema != KEY_SCHEMA:
        raise CheckFailed(run.where('audit_table["KeySchema"]'), words.AUDIT_KEY_SCHEMA,
                          expected=show(KEY_SCHEMA, 200), found=show(key_schema, 200))
    definitions = list_of_dicts(run, "AttributeDefinitions", str(ATTRIBUTE_DEFINITIONS), "audit_table")
    indexed = index_attributes(request_dict(run, "audit_table")) - {"ProductID", "SequenceNumber"}
    own = [entry for entry in definitions if not (isinstance(entry.get("AttributeName"), str)
                                                 and entry["AttributeName"] in indexed)]
    if sorted(own, key=repr) != sorted(ATTRIBUTE_DEFINITIONS, key=repr):
        raise CheckFailed(run.where('audit_table["AttributeDefinitions"]'), words.AUDIT_ATTRIBUTES,
                          expected=show(ATTRIBUTE_DEFINITIONS, 200), found=show(definitions, 200))


POSITIONAL = ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")


def _takes_two_arguments(params: list[dict]) -> bool:
    """Lambda passes the event and the context by position: any names do (event, _context), as long as the
    function takes exactly those two."""
    positional = [p for p in params if p["kind"] in POSITIONAL]
    required = [p for p in positional if not p["has_default"]]
    keyword_only = [p for p in params if p["kind"] == "KEYWORD_ONLY" and not p["has_default"]]
    takes_two = len(positional) >= 2 or any(p["kind"] == "VAR_POSITIONAL" for p in params)
    return takes_two and len(required) <= 2 and not keyword_only


def test_handle_batch_takes_event_and_context(run):
    """AWS Lambda calls a handler with two arguments: def handle_batch(event, context):. The records are in
    event["Records"]."""
    handler = function(run, "handle_batch", "event, context")
    if not _takes_two_arguments(handler.params):
        found = signature(handler)
        raise CheckFailed(run.where("handle_batch"), words.EVENT_AND_CONTEXT,
                          expected="def handle_batch(event, context):", found=found)


@pytest.mark.dynamodb
def test_dynamodb_accepts_the_audit_table(run):
    """Read DynamoDB's message above: it names the parameter it does not like. Compare audit_table with
    products_table, which DynamoDB accepts."""
    for path, value, allowed in aws.disallowed_values(request_dict(run, "audit_table")):
        raise CheckFailed(run.where("audit_table" + path), shared_words.value_not_allowed(value, allowed),
                          expected=" or ".join(show(a) for a in allowed), found=show(value))
    simulation = aws.simulate(request_dict(run, "audit_table"), ())
    if not simulation.accepted:
        raise CheckFailed(run.where("audit_table"), shared_words.create_table_rejected(simulation.error))
    if simulation.billing_supplied:
        run.tip(shared_words.TIP_BILLING)


@pytest.mark.dynamodb
def test_handler_runs_on_every_batch(run):
    """Go through event["Records"] one record at a time. An INSERT has no OldImage and a REMOVE has no NewImage, so
    read them with record["dynamodb"].get("OldImage") and treat a missing image as stock 0."""
    delivery = audit_delivery(run)
    batches = delivery.batches + [delivery.batches[1]]
    for number, (batch, answer) in enumerate(zip(batches, delivery.answers), start=1):
        if "exception" in answer:
            raise CheckFailed(run.where("handle_batch"),
                              words.handler_raised(number, len(delivery.batches), batch, answer["text"]))


def _items_by_key(items: list[dict]) -> dict:
    found = {}
    for item in items:
        key = (item.get("ProductID", {}).get("S"), item.get("SequenceNumber", {}).get("S"))
        found.setdefault(key, []).append(item)
    return found


def _written(run, delivery) -> dict:
    """The items of the first delivery by key, for a check that judges what was written: with nothing written
    (a handler that crashes on every batch, say) there is nothing to judge, and such a check earns nothing."""
    found = _items_by_key(delivery.first_items)
    if not found:
        raise CheckFailed(run.where("handle_batch"), words.AUDIT_NOTHING_WRITTEN)
    return found


@pytest.mark.dynamodb
def test_one_item_per_stock_change(run):
    """Write exactly one item per record whose stock changed, keyed by the record's ProductID
    (record["dynamodb"]["Keys"]["ProductID"]["S"]) and SequenceNumber (record["dynamodb"]["SequenceNumber"]),
    into the table named in audit_table."""
    delivery = audit_delivery(run)
    found = _items_by_key(delivery.first_items)
    expected_keys = {row.key for row in delivery.rows} | {delivery.skipped.key}
    strangers = [key for key in found if key not in expected_keys]
    if strangers:
        raise CheckFailed(run.where("handle_batch"), words.audit_rows_unexpected(strangers),
                          found=show([dict(zip(("ProductID", "SequenceNumber"), key)) for key in strangers], 300))
    for row in delivery.rows:
        if row.key not in found and row.event_name != "REMOVE":  # a missing REMOVE has a check of its own
            raise CheckFailed(run.where("handle_batch"), words.audit_row_missing(row, len(delivery.first_items)),
                              expected=f"an item with ProductID {show(row.product_id)} and SequenceNumber "
                                       f"{show(row.sequence_number)}", found="no such item")


@pytest.mark.dynamodb
def test_unchanged_stock_is_skipped(run):
    """Compare the stock in OldImage with the stock in NewImage; when a MODIFY leaves it the same (say, only the
    product's name changed), write nothing."""
    delivery = audit_delivery(run)
    if delivery.skipped.key in _written(run, delivery):
        raise CheckFailed(run.where("handle_batch"), words.audit_unchanged_written(delivery.skipped))


@pytest.mark.dynamodb
def test_remove_is_recorded(run):
    """A REMOVE record has an OldImage but no NewImage: write it with NewStock 0 and Delta = -OldStock, and
    EventName "REMOVE"."""
    delivery = audit_delivery(run)
    row = next(row for row in delivery.rows if row.event_name == "REMOVE")
    items = _items_by_key(delivery.first_items).get(row.key)
    if not items:
        raise CheckFailed(run.where("handle_batch"), words.audit_remove_missing(row))
    _check_item(run, row, items[0])


def _number(attribute) -> Decimal | None:
    if isinstance(attribute, dict) and isinstance(attribute.get("N"), str):
        return Decimal(attribute["N"])
    return None


def _check_item(run, row, item: dict) -> None:
    wanted = {"OldStock": row.old_stock, "NewStock": row.new_stock, "Delta": row.new_stock - row.old_stock,
              "ApproximateCreationDateTime": row.time}
    for name, value in wanted.items():
        if name not in item and (name, row.event_name) in NO_IMAGE:
            continue  # the side with no image is 0, written or left out: an INSERT's OldStock, a REMOVE's NewStock
        if _number(item.get(name)) != value:
            raise CheckFailed(run.where("handle_batch"), words.audit_value_wrong(row, name),
                              expected=show({"N": str(value)}), found=show(item.get(name, MISSING)))
    if item.get("EventName") != {"S": row.event_name}:
        raise CheckFailed(run.where("handle_batch"), words.audit_value_wrong(row, "EventName"),
                          expected=show({"S": row.event_name}), found=show(item.get("EventName", MISSING)))


@pytest.mark.dynamodb
def test_items_hold_old_new_delta_event_and_time(run):
    """Each item holds OldStock, NewStock and Delta (numbers: Delta = NewStock - OldStock), EventName (the record's
    eventName) and ApproximateCreationDateTime (record["dynamodb"]["ApproximateCreationDateTime"], a number)."""
    delivery = audit_delivery(run)
    found = _written(run, delivery)
    for row in delivery.rows:
        if row.key in found:
            _check_item(run, row, found[row.key][0])


@pytest.mark.dynamodb
def test_a_batch_delivered_twice_leaves_no_duplicates(run):
    """Streams deliver every batch at least once, so the same records can come again. put_item under the key
    ProductID + SequenceNumber overwrites the item it wrote the first time; a key made up on the spot (a
    counter, a uuid, the time now) makes a duplicate."""
    delivery = audit_delivery(run)
    _written(run, delivery)
    if len(delivery.again_items) != len(delivery.first_items):
        raise CheckFailed(run.where("handle_batch"), words.AUDIT_DUPLICATES,
                          expected=f"{len(delivery.first_items)} items, as after the first delivery",
                          found=f"{len(delivery.again_items)} items")
    # Counting is not enough: a handler that adds to an item (update_item with ADD) keeps the count and
    # doubles the values. Every item must still say what it said after the first delivery.
    again = _items_by_key(delivery.again_items)
    for row in delivery.rows:
        if row.key in again:
            try:
                _check_item(run, row, again[row.key][0])
            except CheckFailed as failure:
                raise CheckFailed(failure.where, words.AUDIT_CHANGED_BY_REDELIVERY + " " + failure.explanation,
                                  expected=failure.expected, found=failure.found) from None
