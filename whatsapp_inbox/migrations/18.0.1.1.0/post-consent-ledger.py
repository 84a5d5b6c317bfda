"""From 18.0.1.1.0 a conversation's ``opted_out`` is computed from the consent ledger.

Before, it was a stored flag that an agent could clear over RPC: restore the
ledger's last word everywhere. Flags set without any ledger entry get one (source
"Before the ledger") so no opt-out is lost. Entries get the keyed hash of their
number, and stop-keyword entries name no user (the customer asked, not the webhook's
public user).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

LATEST_IS_OPT_OUT = SQL("""COALESCE((
    SELECT entry.status = 'opt_out' FROM whatsapp_inbox_consent entry
     WHERE entry.conversation_id = conversation.id
     ORDER BY entry.id DESC LIMIT 1), false)""")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Consent = env["whatsapp.inbox.consent"]
    cr.execute("SELECT id, wa_id FROM whatsapp_inbox_consent WHERE customer_hash IS NULL")
    for entry_id, wa_id in cr.fetchall():
        cr.execute("UPDATE whatsapp_inbox_consent SET customer_hash = %s WHERE id = %s",
                   [Consent._customer_hash(wa_id), entry_id])
    cr.execute("UPDATE whatsapp_inbox_consent SET user_id = NULL WHERE source = 'keyword'")

    cr.execute(SQL("""SELECT id FROM whatsapp_inbox_conversation conversation
                       WHERE opted_out AND channel = 'whatsapp' AND NOT %s""", LATEST_IS_OPT_OUT))
    unrecorded = env["whatsapp.inbox.conversation"].browse([row[0] for row in cr.fetchall()])
    if unrecorded:
        Consent._record(unrecorded, "opt_out", "legacy",
                        note="Opted out before the ledger recorded who and why")
        env.flush_all()
    cr.execute(SQL("""UPDATE whatsapp_inbox_conversation conversation
                         SET opted_out = %s
                       WHERE COALESCE(opted_out, false) IS DISTINCT FROM %s""",
                   LATEST_IS_OPT_OUT, LATEST_IS_OPT_OUT))
    restored = cr.rowcount
    env.invalidate_all()
    _logger.info("whatsapp_inbox: %s opt-out(s) recorded in the ledger, %s conversation(s) "
                 "given back the ledger's last word", len(unrecorded), restored)
