"""Firm query-plan tests on PostgreSQL.

Test tables are tiny, so PostgreSQL's planner may price almost any plan as cheap: reading a whole
index once and sorting, hashing or materialising the few rows found. A plan test that leaves those
choices open passes in its own file and fails in the whole suite, where other tests' statistics
differ. `refuse_other_plans` turns every such step off for the current transaction, so that the only
cheap plan left is the one under test: index scans, joined by nested loops, in the index's order.
"""

from typing import Any

from django.db import connection

#: The plan steps a test on a few rows must not fall back to (each `enable_<step>`).
OTHER_STEPS = ("seqscan", "bitmapscan", "sort", "hashagg", "material", "hashjoin", "mergejoin")


def refuse_other_plans(*analyze: str, keep: tuple[str, ...] = ()) -> None:
    """ANALYZE the named tables, then refuse every step in `OTHER_STEPS` but those in `keep`,
    until the end of the current transaction. PostgreSQL only; a no-op elsewhere."""
    if connection.vendor != "postgresql":
        return
    unknown = set(keep) - set(OTHER_STEPS)
    assert not unknown, unknown
    with connection.cursor() as cursor:
        for table in analyze:
            cursor.execute(f"ANALYZE {table}")
        for step in OTHER_STEPS:
            if step not in keep:
                cursor.execute(f"SET LOCAL enable_{step} = off")


def explain(sql: str, params: Any = ()) -> str:
    """The plan of `sql` as text: EXPLAIN QUERY PLAN's details on SQLite, EXPLAIN on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[3]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
