"""bench/generate.py fills a database as the addon stores its data (at a tiny size), once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
import devctl  # noqa: E402

CONVERSATIONS, MESSAGES = 200, 2000


@pytest.fixture(scope="module")
def filled():
    """A throwaway database with the addon (no demo data), filled by the generator; yields
    ``(psql, output of the first run, output of a second run)``."""
    pg = devctl.setup()
    db = f"wai_ci_generate_{os.getpid()}"
    subprocess.run(devctl.odoo(pg, db, "-i", devctl.ADDON, "--stop-after-init",
                               "--without-demo=all", "--log-level=warn"), check=True)
    env = dict(os.environ, **pg.env(), ODOO_DB=db, ODOO_SRC=str(devctl.odoo_src()),
               WAI_REPO=str(REPO))

    def generate():
        return subprocess.run([devctl.PY, REPO / "bench" / "generate.py", "--conversations",
                               str(CONVERSATIONS)], env=env, cwd=REPO, check=True,
                              capture_output=True, text=True).stdout

    try:
        first, second = generate(), generate()
        yield (lambda sql: pg.psql(sql, db=db, check=True)), first, second
    finally:
        devctl.drop(pg, db)


def test_fills_the_requested_size_once(filled):
    psql, first, second = filled
    assert f"filling wai_ci_generate_{os.getpid()}: {CONVERSATIONS} conversations" in first
    assert "already filled" in second
    assert psql("SELECT count(*) FROM whatsapp_inbox_conversation") == str(CONVERSATIONS)
    assert psql("SELECT count(*) FROM whatsapp_inbox_message") == str(MESSAGES)
    assert psql("SELECT count(*) FROM res_partner WHERE whatsapp_inbox_mobile_key IS NOT NULL"
                ) == str(CONVERSATIONS)


def test_every_message_has_its_line_in_the_conversation_thread(filled):
    psql = filled[0]
    assert psql("""SELECT count(*) FROM whatsapp_inbox_message m
                     JOIN mail_message l ON l.id = m.mail_message_id
                    WHERE l.model = 'whatsapp.inbox.conversation'
                      AND l.res_id = m.conversation_id AND l.date = m.timestamp""") == str(MESSAGES)


def test_attended_conversations_have_their_attendance(filled):
    psql = filled[0]
    assert psql("""SELECT count(*) FROM whatsapp_inbox_conversation c
                     LEFT JOIN whatsapp_inbox_attendance a ON a.id = c.current_attendance_id
                    WHERE (c.state = 'new') <> (a.id IS NULL)
                       OR (c.state = 'done') <> (a.state = 'closed')""") == "0"
    # finalized conversations say so in their thread, once per closed attendance
    assert psql("SELECT count(*) FROM whatsapp_inbox_attendance WHERE state = 'closed'") == psql(
        "SELECT count(*) FROM mail_message WHERE body LIKE '<p>Conversation finalized by %'")


def test_every_tab_is_filled_and_a_few_agents_take_a_third(filled):
    psql = filled[0]
    assert set(psql("SELECT DISTINCT state FROM whatsapp_inbox_conversation").split()) == {
        "new", "waiting", "open", "bot", "done", "error"}
    heavy, attended = map(int, psql("""
        SELECT count(*) FILTER (WHERE u.login IN ('scale_agent_01', 'scale_agent_02',
                                                  'scale_agent_03')), count(*)
          FROM whatsapp_inbox_conversation c JOIN res_users u ON u.id = c.user_id""").split("|"))
    assert 0.25 < heavy / attended < 0.4


def test_conversations_find_their_contact_by_the_inbox_match_key(filled):
    psql = filled[0]
    # the contact's key is the conversation's number without Brazil's ninth digit
    assert psql("""SELECT count(*) FROM whatsapp_inbox_conversation c
                     JOIN res_partner p ON p.id = c.partner_id
                    WHERE p.whatsapp_inbox_mobile_key <> CASE
                          WHEN length(c.wa_id) = 13 AND c.wa_id LIKE '55%'
                          THEN substr(c.wa_id, 1, 4) || substr(c.wa_id, 6) ELSE c.wa_id END
                """) == "0"
    assert int(psql("SELECT count(*) FROM whatsapp_inbox_conversation WHERE partner_id IS NOT NULL"
                    )) == CONVERSATIONS * 4 // 5
