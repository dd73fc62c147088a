"""Step 1: products_table, a CreateTable request for a Products table keyed by ProductID."""

import difflib

import pytest

from grader import aws
from grader.failures import CheckFailed
from grader.steps import words as shared_words
from grader.steps.answers import index_attributes, list_of_dicts, products_table, table_key, table_simulation
from grader.steps.create_table import words
from grader.values import show

pytestmark = pytest.mark.step("create-table")

KEY_SCHEMA = [{"AttributeName": "ProductID", "KeyType": "HASH"}]
ATTRIBUTE_DEFINITIONS = [{"AttributeName": "ProductID", "AttributeType": "S"}]


def test_products_table_is_a_dict(run):
    """A dict is written with braces and key: value pairs: products_table = {"TableName": "Products", ...}. Make
    sure the variable is called exactly products_table."""
    products_table(run)


@pytest.mark.dynamodb
def test_only_keys_that_create_table_knows(run):
    """Every key of products_table is a parameter of DynamoDB's CreateTable call, spelled exactly as AWS spells it:
    TableName, KeySchema, AttributeDefinitions, BillingMode, ... Capital letters matter."""
    known = aws.create_table_parameters()
    for key in products_table(run):
        if not isinstance(key, str):
            raise CheckFailed(run.where("products_table"), words.KEYS_MUST_BE_STRINGS, found=show(key))
        if key not in known:
            guess = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            guess = guess or [k for k in known if k.lower() == key.lower()]
            raise CheckFailed(run.where("products_table"), words.unknown_table_key(key, guess[0] if guess else None),
                              found=f'a key "{key}"')


def test_table_name_is_products(run):
    """TableName is the table's name as a string: "Products", with a capital P and an s at the end."""
    name = table_key(run, "TableName", str, '"Products"')
    if name != "Products":
        raise CheckFailed(run.where('products_table["TableName"]'), shared_words.wrong_text(name, "Products"),
                          expected=show("Products"), found=show(name))


def _entry(run, key: str, entries: list[dict], fields: tuple[str, str], expected: list[dict]) -> dict:
    """Check a KeySchema or AttributeDefinitions list: it holds ProductID once, and (for AttributeDefinitions) only
    the attributes the table's indexes are keyed on besides. Returns ProductID's entry."""
    where = f'products_table["{key}"]'
    for index, entry in enumerate(entries):
        for field in entry:
            if field not in fields:
                raise CheckFailed(run.where(f"{where}[{index}]"), words.unknown_entry_field(field, fields),
                                  found=show(entry))
        for field in fields:
            if field not in entry:
                raise CheckFailed(run.where(f"{where}[{index}]"), words.missing_entry_field(field),
                                  expected=show(expected[0]), found=show(entry))
    names = [entry["AttributeName"] for entry in entries]
    if "ProductID" not in names:
        near = next((n for n in names if isinstance(n, str) and n.lower() == "productid"), None)
        raise CheckFailed(run.where(where), words.product_id_missing(key, near),
                          expected=show(expected), found=show(entries))
    allowed = {"ProductID"} | (index_attributes(products_table(run)) if key == "AttributeDefinitions" else set())
    extra = [n for n in names if n not in allowed]
    if extra or names.count("ProductID") != 1 or key == "KeySchema" and len(entries) != 1:
        raise CheckFailed(run.where(where), words.only_product_id(key, extra),
                          expected=show(expected), found=show(entries))
    return next(entry for entry in entries if entry["AttributeName"] == "ProductID")


def test_key_schema_is_product_id_as_hash_key(run):
    """KeySchema is a list of dicts, one per key attribute. This table has a single key, so the list has one dict:
    {"AttributeName": "ProductID", "KeyType": "HASH"}. HASH means partition key."""
    entries = list_of_dicts(run, "KeySchema", str(KEY_SCHEMA))
    key_type = _entry(run, "KeySchema", entries, ("AttributeName", "KeyType"), KEY_SCHEMA)["KeyType"]
    if key_type != "HASH":
        raise CheckFailed(run.where('products_table["KeySchema"][0]["KeyType"]'), words.wrong_key_type(key_type),
                          expected=show("HASH"), found=show(key_type))


def test_attribute_definitions_declare_product_id_as_a_string(run):
    """AttributeDefinitions declares the type of each key attribute, and only of key attributes: [{"AttributeName":
    "ProductID", "AttributeType": "S"}]. S is string, N is number."""
    entries = list_of_dicts(run, "AttributeDefinitions", str(ATTRIBUTE_DEFINITIONS))
    entry = _entry(run, "AttributeDefinitions", entries, ("AttributeName", "AttributeType"), ATTRIBUTE_DEFINITIONS)
    attribute_type = entry["AttributeType"]
    if attribute_type != "S":
        raise CheckFailed(run.where(f'products_table["AttributeDefinitions"][{entries.index(entry)}]["AttributeType"]'),
                          words.wrong_attribute_type(attribute_type), expected=show("S"), found=show(attribute_type))


@pytest.mark.dynamodb
def test_only_values_that_dynamodb_allows(run):
    """Some settings only take fixed words, in capitals: BillingMode is PAY_PER_REQUEST or PROVISIONED, KeyType is
    HASH or RANGE, AttributeType is S, N or B."""
    for path, value, allowed in aws.disallowed_values(products_table(run)):
        raise CheckFailed(run.where("products_table" + path), shared_words.value_not_allowed(value, allowed),
                          expected=" or ".join(show(a) for a in allowed), found=show(value))


@pytest.mark.dynamodb
def test_dynamodb_accepts_the_table(run):
    """Read the message from DynamoDB above: it names the parameter it does not like. Compare your dict with the
    example in the hint, key by key."""
    simulation = table_simulation(run)
    if not simulation.accepted:
        raise CheckFailed(run.where("products_table"), shared_words.create_table_rejected(simulation.error))
    if simulation.billing_supplied:
        run.tip(shared_words.TIP_BILLING)
