"""What the process-event step's checks say."""

from __future__ import annotations

import decimal

from grader.values import kind_of, show

ONE_RECORD_PARAMETER = ("process_event must take exactly one parameter, named record: the stream record it "
                        "processes.")


def record_situation(change, record: dict) -> str:
    image = record.get("dynamodb", {}).get("NewImage")
    shape = " shaped as AWS Lambda delivers it" if "eventSourceARN" in record else ""
    article = "an" if change.event_name[0] in "AEIOU" else "a"
    return (f"The grader called process_event(record) with {article} {change.event_name} record{shape} from your "
            f"table's stream, whose record[\"dynamodb\"][\"NewImage\"] is {show(image, 200)}.")


def not_a_tuple(situation: str, returned, stock) -> str:
    text = f"{situation}\nIt must return a tuple (product_id, stock), but it returned {kind_of(returned)}."
    if returned is None and stock == 0:
        text += (" The stock in this record is 0: a test like `if stock:` or a default like `stock or ...` treats 0 "
                 "as missing, but 0 is a real stock level. Return (product_id, 0).")
    elif returned is None:
        text += " Did you forget the return statement?"
    elif isinstance(returned, (list, dict)):
        text += " Write return (product_id, stock), with round brackets."
    return text


def tuple_length(situation: str, returned: tuple) -> str:
    count = len(returned)
    text = (f"{situation}\nIt must return a tuple of two items, (product_id, stock), but it returned a tuple of "
            f"{count} item{'' if count == 1 else 's'}: {show(returned)}.")
    if count == 1:
        text += " Put both values in it: return (product_id, stock)."
    return text


def product_id_type(situation: str, value, stock=None) -> str:
    text = f"{situation}\nThe product id must be a str, but it is {kind_of(value)}."
    if isinstance(value, int) and isinstance(stock, str):
        return text + " The two items are swapped: return (product_id, stock), the id first."
    if isinstance(value, dict):
        text += ' Take the string out of {"S": ...}: record["dynamodb"]["NewImage"]["ProductID"]["S"].'
    return text


def stock_type(situation: str, value, expected=None) -> str:
    text = f"{situation}\nThe stock must be an int, but it is {kind_of(value)}."
    if value is None and expected == 0:
        text += (" The stock in this record is 0: a test like `if stock:` or a default like `stock or ...` treats 0 "
                 "as missing, but 0 is a real stock level.")
    elif isinstance(value, str):
        text += ' DynamoDB sends numbers as strings, like {"N": "50"}: convert with int(...).'
    elif isinstance(value, decimal.Decimal):
        text += " A Decimal equals an int in comparisons but is not one: convert with int(...)."
    elif isinstance(value, bool):
        text += " True and False are not stock levels."
    elif isinstance(value, float):
        text += ' Convert the "N" string with int(...), not float(...): stock is a whole number.'
    elif isinstance(value, dict):
        text += ' Take the string out of {"N": ...} and convert it: int(...["Stock"]["N"]).'
    return text


OLD_IMAGE_READ = ("That is the stock before the change (OldImage), or a value kept from an earlier call. "
                  "process_event must read NewImage of the record it is given, the item after the change, each time.")


PRECISION_LOST = ("The number changed on its way: converting through float loses digits of large numbers. Use "
                  "int(...) on the string directly.")


NEGATIVE_STOCK = ("This product is on back-order: its stock is negative, and DynamoDB sends it like any number, "
                  "{\"N\": \"-12\"}. int(...) reads a minus sign; a test like .isdigit() is False for it.")
HARD_CODED_RETURN = ("It looks like process_event returns fixed values. It must read them from the record it is "
                     "given, whatever the product.")


def wrong_values(situation: str, hint: str | None) -> str:
    text = f"{situation}\nIt must return that item's ProductID and Stock."
    return f"{text}\n{hint}" if hint else text
