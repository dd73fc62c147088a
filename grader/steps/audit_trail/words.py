"""What the audit-trail step's checks say."""

from __future__ import annotations

from grader.values import show

AUDIT_KEY_SCHEMA = ("The audit table's key has two parts, in this order: ProductID as the partition key (HASH), then "
                    "SequenceNumber as the sort key (RANGE). One product has many changes, and the sequence number "
                    "tells them apart.")


AUDIT_ATTRIBUTES = ("Declare both key attributes as strings: ProductID and SequenceNumber, each with AttributeType "
                    "\"S\" (sequence numbers can have more digits than a DynamoDB number holds), and nothing else.")


EVENT_AND_CONTEXT = "AWS Lambda calls its handler with two arguments: def handle_batch(event, context):"


def _change(row) -> str:
    return (f"the {row.event_name} of product {show(row.product_id)} (stock {row.old_stock} -> {row.new_stock}, "
            f"SequenceNumber {show(row.sequence_number)})")


def handler_raised(number: int, batches: int, batch: list, text: str) -> str:
    kinds = ", ".join(record.get("eventName", "?") for record in batch)
    which = f"batch {number}" if number <= batches else (
        "batch 2 a second time (streams deliver at least once), to a new process of your file, as AWS Lambda may "
        "hand a batch it delivers again to a new container")
    return (f"The grader called handle_batch(event, context) with {which}, whose event[\"Records\"] holds "
            f"{len(batch)} records ({kinds}). It raised an error instead of finishing.\n{text}")


def audit_row_missing(row, count: int) -> str:
    if count == 0:
        return (f"After every batch was delivered, the audit table holds no items at all: handle_batch wrote none, "
                f"not even for {_change(row)}. If your code catches errors, let them show (or print them): its "
                "output is shown below.")
    return (f"After every batch was delivered, the audit table holds {count} items but none for {_change(row)}. "
            "Each stock change needs an item keyed by the record's ProductID and SequenceNumber.")


def audit_rows_unexpected(keys: list) -> str:
    return ("The audit table holds items whose key matches no stream record. Key each item by the record's own "
            "ProductID (from record[\"dynamodb\"][\"Keys\"]) and SequenceNumber (record[\"dynamodb\"][\"SequenceNumber\"]), "
            "not by values made up in the handler.")


def audit_unchanged_written(row) -> str:
    return (f"handle_batch wrote an item for {_change(row)}: that MODIFY only renamed the product and left its "
            "stock alone, so it is not a stock change. Skip records whose OldImage and NewImage hold the same stock.")


def audit_remove_missing(row) -> str:
    return (f"The audit table has no item for {_change(row)}. A REMOVE record has no NewImage: record it with "
            "NewStock 0, not skip it.")


WHERE_VALUES_COME_FROM = {
    "OldStock": ("OldStock is the stock in the record's OldImage (0 for an INSERT, which has none). Read it from "
                 "each record: the handler may start at any point of the stream and see a record twice, so a count "
                 "it keeps itself does not know the stock before."),
    "NewStock": "NewStock is the stock in the record's NewImage (0 for a REMOVE, which has none).",
    "Delta": "Delta is NewStock - OldStock: negative when stock went down.",
    "ApproximateCreationDateTime": ("ApproximateCreationDateTime is record[\"dynamodb\"][\"ApproximateCreationDateTime\"], "
                                    "stored as a number, as it comes."),
    "EventName": "EventName is the record's eventName: INSERT, MODIFY or REMOVE, as a string.",
}


def audit_value_wrong(row, name: str) -> str:
    return f"The item for {_change(row)} has a wrong {name}. {WHERE_VALUES_COME_FROM.get(name, '')}".rstrip()


AUDIT_DUPLICATES = ("After the grader delivered one batch a second time (streams deliver at least once), the audit "
                    "table holds more items than before: the handler is not idempotent. Write each item with "
                    "put_item under the key ProductID + SequenceNumber, so a second delivery overwrites it.")


AUDIT_NOTHING_WRITTEN = ("handle_batch wrote no audit items at all, so there is nothing here to check yet. Make it "
                         "write one item per stock change first (see the checks above).")


AUDIT_CHANGED_BY_REDELIVERY = ("After the same batch was delivered a second time, an item no longer holds what it "
                               "held after the first delivery: a redelivered record must leave its item as it was "
                               "(write the item whole with put_item, rather than adding to it).")
