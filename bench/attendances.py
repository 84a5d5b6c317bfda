"""Attendance reports and the supervisor dashboard at scale.

Fills the bench database up to ``BENCH_ATTENDANCES`` attendances (default 1,000,000) by
SQL, 100,000 rows per ``INSERT ... SELECT generate_series`` (protocols ``BENCH-...``,
opened over the last 365 days in time order, as real ones are stored; spread over the
database's first 20,000 conversations and its agents, departments and origins; service
times, CSAT and cost drawn at random), then times what the web client asks, median of
``BENCH_RUNS`` runs (default 5), each in-process (the server's own time, as admin, record
rules applied) and over JSON-RPC:

- each pivot as the web client loads it: one ``read_group`` per combination of its row
  and column groupings (total, rows, columns, rows x columns), with count, averages and
  the 90th percentiles;
- the graph of attendances per day;
- the dashboard's one call (``dashboard_data``).

Environment: as bench/workspace.py (``make bench`` sets it); BENCH_PLANS=1 prints the
EXPLAIN ANALYZE of each report's largest query.
"""

import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
from conftest import Odoo  # noqa: E402
from workspace import load_registry, median_ms, recorded_queries  # noqa: E402

import odoo  # noqa: E402
from odoo import api  # noqa: E402

MODEL = "whatsapp.inbox.attendance"
TARGET = int(os.environ.get("BENCH_ATTENDANCES", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CHUNK = 100_000
AVERAGES = ["__count", "first_response_minutes:avg", "resolution_minutes:avg",
            "first_response_in_target:avg", "csat_score:avg"]
P90 = ["first_response_p90:p90", "resolution_p90:p90"]

INSERT = """
    INSERT INTO whatsapp_inbox_attendance (
        conversation_id, company_id, protocol, state, channel, connection_id, user_id,
        department_id, origin_id, opened_by, opened_at, opened_hour, first_response_at,
        first_response_minutes, first_response_business_minutes, first_response_in_target,
        closed_at, close_method, resolution_minutes, resolution_business_minutes,
        resolved_in_target, transfer_count, message_in_count, message_out_count, csat_state,
        csat_score, csat_responded, cost, create_uid, create_date, write_uid, write_date)
    SELECT c.id, c.company_id, 'BENCH-' || lpad(t.g::text, 8, '0'),
           CASE WHEN t.closed THEN 'closed' ELSE 'open' END, c.channel, c.connection_id,
           (%(agents)s::int[])[1 + t.g %% greatest(cardinality(%(agents)s::int[]), 1)],
           (%(departments)s::int[])[1 + t.g %% greatest(cardinality(%(departments)s::int[]), 1)],
           (%(origins)s::int[])[1 + t.g %% greatest(cardinality(%(origins)s::int[]), 1)],
           CASE WHEN t.r < 0.8 THEN 'customer' ELSE 'agent' END,
           t.opened_at, extract(hour FROM t.opened_at),
           CASE WHEN t.answered THEN t.opened_at + t.wait * interval '1 minute' END,
           CASE WHEN t.answered THEN round(t.wait::numeric, 2) END,
           CASE WHEN t.answered THEN round((t.wait * 0.7)::numeric, 2) END,
           CASE WHEN t.answered THEN CASE WHEN t.wait <= 5 THEN 100 ELSE 0 END END,
           CASE WHEN t.closed THEN t.opened_at + (t.wait + t.work) * interval '1 minute' END,
           CASE WHEN t.closed THEN 'agent' END,
           CASE WHEN t.closed THEN round((t.wait + t.work)::numeric, 2) END,
           CASE WHEN t.closed THEN round(((t.wait + t.work) * 0.6)::numeric, 2) END,
           CASE WHEN t.closed THEN CASE WHEN t.wait + t.work <= 1440 THEN 100 ELSE 0 END END,
           (t.r * 10)::int %% 3, 1 + (t.r * 100)::int %% 9, 1 + (t.r * 1000)::int %% 7,
           CASE WHEN t.closed AND t.r < 0.3 THEN 'answered'
                WHEN t.closed AND t.r < 0.6 THEN 'asked' END,
           CASE WHEN t.closed AND t.r < 0.3 THEN 1 + (t.r * 10000)::int %% 5 END,
           CASE WHEN t.closed AND t.r < 0.3 THEN 100 WHEN t.closed AND t.r < 0.6 THEN 0 END,
           CASE WHEN t.r < 0.4 THEN round((t.r * 0.2)::numeric, 4) ELSE 0 END,
           1, now() AT TIME ZONE 'UTC', 1, now() AT TIME ZONE 'UTC'
      FROM (SELECT g, random() AS r, random() < 0.95 AS answered, random() < 0.9 AS closed,
                   -ln(1 - random()) * 6 AS wait, -ln(1 - random()) * 180 AS work,
                   -- in time order, as attendances are created
                   date_trunc('second', %(origin)s::timestamp
                                        + (g + random()) * %(step)s * interval '1 second')
                       AS opened_at
              FROM generate_series(%(start)s, %(end)s) g) t
      JOIN bench_conversation c ON c.n = t.g %% %(conversations)s
"""


def fill(cr, env):
    """Insert the bench attendances still missing; return how many there are."""
    cr.execute("SELECT count(*) FROM whatsapp_inbox_attendance WHERE protocol LIKE 'BENCH-%'")
    have = cr.fetchone()[0]
    if have >= TARGET:
        return have
    cr.execute("""CREATE TEMP TABLE bench_conversation AS
                  SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, company_id,
                         connection_id, channel
                    FROM (SELECT * FROM whatsapp_inbox_conversation ORDER BY id LIMIT 20000) c""")
    conversations = cr.rowcount
    if not conversations:
        sys.exit("no conversation in the bench database to give attendances to")
    cr.execute("SELECT now() AT TIME ZONE 'UTC' - interval '365 days'")
    params = {
        "origin": cr.fetchone()[0],
        "step": 365 * 86400 / TARGET,
        "conversations": conversations,
        "agents": env.ref("whatsapp_inbox.group_agent").users.ids,
        "departments": env["whatsapp.inbox.department"].search([]).ids,
        "origins": env["whatsapp.inbox.lead.origin"].search([]).ids,
    }
    print(f"filling: {have} -> {TARGET} attendances over {conversations} conversations, "
          f"{len(params['agents'])} agents")
    for start in range(have + 1, TARGET + 1, CHUNK):
        end = min(start + CHUNK - 1, TARGET)
        started = time.perf_counter()
        cr.execute("SELECT setseed(%s)", [start / (TARGET + 1)])
        cr.execute(INSERT, dict(params, start=start, end=end))
        cr.commit()
        print(f"  {end:>9} inserted ({time.perf_counter() - started:.1f} s)", flush=True)
    cr.execute("DROP TABLE bench_conversation")
    cr.execute("ANALYZE whatsapp_inbox_attendance")
    cr.commit()
    return TARGET


def pivot_groupbys(rows, cols):
    """The groupings a pivot reads: total, rows, columns, rows x columns."""
    seen = []
    for groupby in ([], rows, cols, rows + cols):
        if groupby not in seen:
            seen.append(groupby)
    return seen


def main():
    registry = load_registry()
    rpc = Odoo.from_env()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        total = fill(cr, env)
        admin = env.ref("base.user_admin")
        user_env = api.Environment(cr, admin.id, {"tz": admin.tz or "UTC"})
        Attendance = user_env[MODEL]
        cr.execute("SELECT count(*) FROM whatsapp_inbox_attendance")
        print(f"{cr.fetchone()[0]} attendances ({total} generated); in-process and JSON-RPC "
              f"as {admin.login}; median of {RUNS} runs")
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        # the default filter (this month) at its largest: a month of openings
        month = [("opened_at", ">=", (now - timedelta(days=31)).strftime("%Y-%m-%d %H:%M:%S"))]
        quarter = [("opened_at", ">=", (now - timedelta(days=90)).strftime("%Y-%m-%d %H:%M:%S"))]
        reports = [
            ("pivot default: a month, day x channel", month, ["opened_at:day"],
             ["channel"], AVERAGES),
            ("  + p90 first response and resolution", month, ["opened_at:day"], ["channel"],
             AVERAGES + P90),
            ("pivot 90 days by agent, count/avg/p90", quarter, ["user_id"], [],
             AVERAGES + P90),
            ("pivot all time by agent, count/avg/p90", [], ["user_id"], [], AVERAGES + P90),
            ("pivot all time by connection x day", [], ["connection_id"], ["opened_at:day"],
             ["__count", "first_response_minutes:avg", "first_response_p90:p90"]),
            ("pivot all time by day, count/avg/p90", [], ["opened_at:day"], [],
             ["__count", "first_response_minutes:avg", "first_response_p90:p90"]),
            ("pivot all time cost by department", [], ["department_id"], [],
             ["__count", "cost:sum"]),
            ("graph: attendances per day, a month", month, ["opened_at:day"], [],
             ["__count"]),
        ]
        plans = os.environ.get("BENCH_PLANS") == "1"
        for label, domain, rows, cols, measures in reports:
            groupbys = pivot_groupbys(rows, cols)

            def local(domain=domain, groupbys=groupbys, measures=measures):
                for groupby in groupbys:
                    Attendance.read_group(domain, measures, groupby, lazy=False)

            def remote(domain=domain, groupbys=groupbys, measures=measures):
                for groupby in groupbys:
                    rpc.call(MODEL, "read_group", domain, measures, groupby, lazy=False)

            server_ms = median_ms(local, RUNS, before=user_env.invalidate_all)
            rpc_ms = median_ms(remote, RUNS)
            print(f"{label:<44} {server_ms:8.1f} ms   rpc {rpc_ms:8.1f} ms"
                  f"   ({len(groupbys)} read_group)", flush=True)
            if plans:
                with recorded_queries(cr) as queries:
                    Attendance.read_group(domain, measures, groupbys[-1], lazy=False)
                query = queries[-1][0]
                cr.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) {query.code}",
                           query.params)
                for (line,) in cr.fetchall():
                    print("       ", line)
        server_ms = median_ms(Attendance.dashboard_data, RUNS,
                              before=user_env.invalidate_all)
        rpc_ms = median_ms(lambda: rpc.call(MODEL, "dashboard_data"), RUNS)
        print(f"{'dashboard (dashboard_data, one call)':<44} {server_ms:8.1f} ms   "
              f"rpc {rpc_ms:8.1f} ms", flush=True)
        cr.rollback()


if __name__ == "__main__":
    main()
