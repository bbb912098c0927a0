"""Model fields of the memory engine."""

import json

from django.db import models
from psycopg.types.json import Json

from memory.ledger.canonical import canonical_text


class CanonicalJSONField(models.JSONField):
    """JSON kept as the ledger's canonical text, in a ``json`` column.

    PostgreSQL keeps a ``json`` value's text as written (``jsonb`` rewrites it),
    so the canonical text (sorted keys, no spaces: ``ledger.canonical``) comes
    back byte for byte: it can go into a ledger event, and be compared, without
    being decoded and encoded again. A value for lookups into it, not a document
    to search: ``json`` has no containment or key operators.
    """

    def db_type(self, connection):
        return "json"

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        if value is None or hasattr(value, "as_sql"):
            return value
        return Json(value, dumps=canonical_text)

    def from_db_value(self, value, expression, connection):
        # psycopg decodes ``json`` itself (Django has it leave ``jsonb`` as text).
        if isinstance(value, str):
            return json.loads(value)
        return value


class TransactionIdField(models.BigIntegerField):
    """The id of the transaction that wrote the row: PostgreSQL's ``xid8``.

    Filled by the database (``pg_current_xact_id()``, the top-level transaction
    even inside a savepoint), so writers, COPY included, never name it. Read
    back as an int. What the changes feed orders and cuts by: a transaction's
    rows are served only once every transaction before it has ended.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_default", models.Func(function="pg_current_xact_id"))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("db_default", None)
        if kwargs.get("null") is True:
            kwargs.pop("null")
        if kwargs.get("editable") is False:
            kwargs.pop("editable")
        return name, path, args, kwargs

    def db_type(self, connection):
        return "xid8"

    def rel_db_type(self, connection):
        return "xid8"

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None or hasattr(value, "as_sql"):
            return value
        return str(int(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else int(str(value))
