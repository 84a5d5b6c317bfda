"""Server time of the Inbox workspace on whatever data the bench database holds.

Two measures (medians of RUNS runs, caches cleared before each):

- open the Inbox: the first page of a tab (``workspace_list``) plus every tab's count
  (``workspace_counts``), for each tab;
- open a conversation (``workspace_open``: the last 30 messages and the client panel),
  for the conversation with the most messages and for a typical one, taken from the
  database.

Each is timed in-process (the server's own time, as an agent, record rules applied) and
over JSON-RPC (what the browser waits, as admin). Then the EXPLAIN ANALYZE of every SQL
query those calls ran, to check that the plans use indexes.

Environment: as bench/webhook_throughput.py, plus PGHOST/PGPORT/PGUSER, ODOO_SRC and
WAI_REPO (set by ``make bench``); BENCH_RUNS (default 10); BENCH_PLANS=0 skips the plans.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, os.environ.get("ODOO_SRC", "/opt/odoo"))
from conftest import Odoo  # noqa: E402

import odoo  # noqa: E402
from odoo import api  # noqa: E402
from odoo.modules.registry import Registry  # noqa: E402

MODEL = "whatsapp.inbox.conversation"
RUNS = int(os.environ.get("BENCH_RUNS", "10"))
TABS = ("waiting", "unread", "mine", "all", "open", "done")


def median_ms(call, runs=RUNS, before=None):
    durations = []
    for _run in range(runs):
        if before:
            before()
        started = time.perf_counter()
        call()
        durations.append(time.perf_counter() - started)
    return statistics.median(durations) * 1000


def load_registry():
    repo = os.environ.get("WAI_REPO", str(Path(__file__).resolve().parents[1]))
    args = [f"--addons-path={os.environ.get('ODOO_SRC', '/opt/odoo')}/odoo/addons,{repo}",
            f"--database={os.environ['ODOO_DB']}", "--log-level=warn"]
    for env_name, option in (("PGHOST", "db_host"), ("PGPORT", "db_port"),
                             ("PGUSER", "db_user")):
        if os.environ.get(env_name):
            args.append(f"--{option}={os.environ[env_name]}")
    odoo.tools.config.parse_config(args)
    return Registry(os.environ["ODOO_DB"])


@contextmanager
def recorded_queries(cr):
    """Collect the SQL run on ``cr`` during the block (statement, parameters)."""
    queries = []
    execute = cr.execute

    def recording(query, params=None, log_exceptions=True):
        queries.append((query, params))
        return execute(query, params, log_exceptions)

    cr.execute = recording
    try:
        yield queries
    finally:
        del cr.execute


def explain(cr, queries, seen):
    for query, params in queries:
        sql = query.code if hasattr(query, "code") else query
        params = query.params if hasattr(query, "params") else params
        if not sql.lstrip().upper().startswith("SELECT") or sql in seen:
            continue
        seen.add(sql)
        cr.execute(f"EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        print("   ", " ".join(sql.split())[:220])
        for (line,) in cr.fetchall():
            print("       ", line)


def pick_user(env):
    """An agent who is not a supervisor, so the agents' record rules apply; else admin."""
    agents = env.ref("whatsapp_inbox.group_agent").users - env.ref(
        "whatsapp_inbox.group_supervisor").users
    return (agents.filtered("active")[:1] or env.ref("base.user_admin")).id


def pick_conversations(cr, company_ids):
    """The conversation with the most thread lines, and one with the median count, among
    those the user may read."""
    cr.execute("""SELECT m.res_id, count(*) FROM mail_message m
                  JOIN whatsapp_inbox_conversation c ON c.id = m.res_id
                  WHERE m.model = %s AND c.company_id = ANY(%s)
                  GROUP BY m.res_id ORDER BY 2 DESC""", [MODEL, company_ids])
    rows = cr.fetchall()
    if not rows:
        return []
    return [("busiest", *rows[0]), ("typical", *rows[len(rows) // 2])]


def main():
    registry = load_registry()
    rpc = Odoo.from_env()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        uid = pick_user(env)
        cr.execute("SELECT count(*) FROM whatsapp_inbox_conversation")
        conversations = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM whatsapp_inbox_message")
        messages = cr.fetchone()[0]
        user_env = api.Environment(cr, uid, {})
        picked = pick_conversations(cr, user_env.user.company_ids.ids)
        Workspace = user_env[MODEL]
        print(f"{conversations} conversations, {messages} WhatsApp messages; in-process as "
              f"{user_env.user.login} (uid {uid}), JSON-RPC as admin; median of {RUNS} runs")

        counts_ms = median_ms(lambda: Workspace.workspace_counts({}),
                              before=user_env.invalidate_all)
        rpc_counts_ms = median_ms(lambda: rpc.call(MODEL, "workspace_counts", {}))
        print(f"{'all counts':<34} {counts_ms:7.1f} ms   rpc {rpc_counts_ms:7.1f} ms")
        for tab in TABS:
            page_ms = median_ms(lambda t=tab: Workspace.workspace_list(t),
                                before=user_env.invalidate_all)
            rpc_ms = median_ms(lambda t=tab: rpc.call(MODEL, "workspace_list", t))
            print(f"{'first page of ' + tab:<34} {page_ms:7.1f} ms   rpc {rpc_ms:7.1f} ms"
                  f"   => open the Inbox on {tab}: {page_ms + counts_ms:6.1f} ms"
                  f" (rpc {rpc_ms + rpc_counts_ms:6.1f} ms)")
        for label, conversation_id, lines in picked:
            open_ms = median_ms(lambda c=conversation_id: Workspace.workspace_open(c),
                                before=user_env.invalidate_all)
            rpc_ms = median_ms(lambda c=conversation_id: rpc.call(MODEL, "workspace_open", c))
            print(f"{'open ' + label + f' #{conversation_id} ({lines} lines)':<34} "
                  f"{open_ms:7.1f} ms   rpc {rpc_ms:7.1f} ms")
        if not picked:
            print("no conversation to open: fill the bench database first")

        if os.environ.get("BENCH_PLANS", "1") == "0":
            return
        print("\nEXPLAIN ANALYZE of every query the calls above ran (once each):")
        seen = set()
        calls = [("workspace_counts", lambda: Workspace.workspace_counts({}))]
        calls += [(f"workspace_list {tab}", lambda t=tab: Workspace.workspace_list(t))
                  for tab in TABS]
        calls += [(f"workspace_open {label}", lambda c=conversation_id:
                   Workspace.workspace_open(c)) for label, conversation_id, _n in picked]
        for name, call in calls:
            user_env.invalidate_all()
            with recorded_queries(cr) as queries:
                call()
            print(f"\n  {name}: {len(queries)} queries")
            explain(cr, queries, seen)
        cr.rollback()


if __name__ == "__main__":
    main()
