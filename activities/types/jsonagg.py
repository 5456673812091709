"""Aggregates over a JSON object or list inside answers, in one GROUP BY on either database.

``KT("response_data__ratings__<id>")`` is not usable for ids that read as numbers (SQLite's JSON
path takes them as array indexes), and one query per key would grow with the config. The JSON
table functions do it in one pass: ``jsonb_each_text``/``jsonb_array_elements_text`` on PostgreSQL,
``json_each`` on SQLite. Keys are fixed identifiers of our schema, never user input."""

# ruff: noqa: S608  (the SQL interpolates only our table name and a key checked by _check)
from __future__ import annotations

from typing import Any

from django.db import connection

from activities.models import Response

_KEY_OK = frozenset("abcdefghijklmnopqrstuvwxyz_")


def _db_activity_id(activity_id: Any) -> Any:
    return Response._meta.get_field("activity").get_db_prep_value(activity_id, connection)


def _check(key: str) -> None:
    if not key or not set(key) <= _KEY_OK:  # interpolated into SQL: our own constant names only
        raise ValueError(f"bad JSON key {key!r}")


def object_value_counts(activity_id: Any, key: str) -> list[tuple[str, str, int]]:
    """``(member key, value as text, answers)`` for ``response_data[key]``, an object."""
    _check(key)
    table = Response._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT j.key, j.value, COUNT(*) FROM {table} r, jsonb_each_text(r.response_data -> '{key}') j "
            "WHERE r.activity_id = %s GROUP BY 1, 2"
        )
    else:
        sql = (
            f"SELECT j.key, j.value, COUNT(*) FROM {table} r, json_each(r.response_data, '$.{key}') j "
            "WHERE r.activity_id = %s GROUP BY 1, 2"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_db_activity_id(activity_id)])
        return [(str(k), str(v), int(n)) for k, v, n in cursor.fetchall()]


def array_position_counts(activity_id: Any, key: str) -> list[tuple[str, int, int]]:
    """``(element as text, 0-based position, answers)`` for ``response_data[key]``, a list."""
    _check(key)
    table = Response._meta.db_table
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT j.item, j.pos - 1, COUNT(*) FROM {table} r, "
            f"jsonb_array_elements_text(r.response_data -> '{key}') WITH ORDINALITY j(item, pos) "
            "WHERE r.activity_id = %s GROUP BY 1, 2"
        )
    else:
        sql = (
            f"SELECT j.value, j.key, COUNT(*) FROM {table} r, json_each(r.response_data, '$.{key}') j "
            "WHERE r.activity_id = %s GROUP BY 1, 2"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_db_activity_id(activity_id)])
        return [(str(item), int(pos), int(n)) for item, pos, n in cursor.fetchall()]
