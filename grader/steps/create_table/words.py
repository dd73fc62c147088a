"""What the create-table step's checks say."""

from __future__ import annotations

from grader.values import show

KEYS_MUST_BE_STRINGS = "Every key of products_table must be a string, like \"TableName\"."


def unknown_table_key(key: str, guess: str | None) -> str:
    text = f'DynamoDB\'s CreateTable does not know a key "{key}", and would reject the table.'
    return text + (f' Did you mean "{guess}"?' if guess else " Remove it.")


def unknown_entry_field(field, fields) -> str:
    return f"{show(field)} is not a field here; each entry has exactly {' and '.join(fields)}."


def missing_entry_field(field: str) -> str:
    return f'This entry has no "{field}".'


def product_id_missing(key: str, near) -> str:
    if near:
        return (f'{key} names {show(near)}, but the attribute is "ProductID" (capital I and D); names are '
                "case-sensitive.")
    return f"{key} must name the primary key attribute, ProductID."


def only_product_id(key: str, extra: list) -> str:
    if key == "AttributeDefinitions" and extra:
        return (f"Declare only key attributes in AttributeDefinitions: {show(extra)} is not part of the key, nor of "
                "an index's key (DynamoDB rejects definitions it does not use). Items can still hold any other "
                "attributes, like Stock, without declaring them.")
    if key == "AttributeDefinitions":
        return "AttributeDefinitions must declare ProductID once."
    return f"{key} must hold exactly one entry, for ProductID: the table's key is ProductID alone."


def wrong_key_type(key_type) -> str:
    if isinstance(key_type, str) and key_type.upper() == "HASH":
        return 'Key types are written in capitals: "HASH".'
    if key_type == "RANGE":
        return ('"RANGE" makes a sort key, but a table needs a partition key first: ProductID is the '
                'partition key, KeyType "HASH".')
    return 'A primary key of one attribute is a partition key, which DynamoDB calls "HASH".'


def wrong_attribute_type(attribute_type) -> str:
    if attribute_type == "N":
        return 'ProductID is declared as a number ("N"), but product ids like "P123" are strings: use "S".'
    if isinstance(attribute_type, str) and attribute_type.lower() in ("string", "str", "s"):
        return 'Attribute types are one capital letter: "S" for string, "N" for number, "B" for binary.'
    return 'Product ids like "P123" are strings, and DynamoDB\'s code for string is "S".'
