"""From 18.0.1.2.0 every cycle of a conversation is an attendance with a protocol number.

Conversations being attended when the upgrade runs (every state but Not started and
Finalized) get their current attendance, in one statement per company: opened when the
customer started waiting (else at their first message, else at creation), answered at the
conversation's first response, numbered by the company's protocol sequence (with the
default format, the date part is that of the opening).
"""

import logging

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Attendance = env["whatsapp.inbox.attendance"]
    cr.execute("""
        SELECT DISTINCT company_id FROM whatsapp_inbox_conversation
         WHERE state NOT IN ('new', 'done') AND current_attendance_id IS NULL
    """)
    total = 0
    for (company_id,) in cr.fetchall():
        sequence = Attendance._protocol_sequence(env["res.company"].browse(company_id))
        pg_sequence = f"ir_sequence_{sequence.id:03d}"
        if sequence.prefix == Attendance._default_protocol_prefix:
            prefix = SQL("to_char(conversation.opened_at, 'YYYYMMDD') || '-'")
        else:
            prefix = SQL("%s", sequence._get_prefix_suffix()[0])
        cr.execute(SQL("""
            WITH conversation AS (
                SELECT conversation.*,
                       COALESCE(conversation.waiting_since, conversation.last_inbound_at,
                                conversation.create_date) AS opened_at
                  FROM whatsapp_inbox_conversation conversation
                 WHERE conversation.company_id = %(company)s
                   AND conversation.state NOT IN ('new', 'done')
                   AND conversation.current_attendance_id IS NULL
              ORDER BY opened_at, conversation.id
            ), inserted AS (
                INSERT INTO whatsapp_inbox_attendance (
                    conversation_id, company_id, protocol, state, channel, connection_id,
                    user_id, department_id, origin_id, opened_by, opened_at, opened_hour,
                    first_response_at, first_response_minutes, bot_since,
                    create_uid, create_date, write_uid, write_date)
                SELECT conversation.id, conversation.company_id,
                       %(prefix)s || lpad(nextval(%(sequence)s)::text, %(padding)s, '0'),
                       'open', conversation.channel, conversation.connection_id,
                       conversation.user_id, conversation.department_id,
                       conversation.origin_id,
                       CASE WHEN conversation.last_inbound_at IS NULL THEN 'agent'
                            ELSE 'customer' END,
                       conversation.opened_at,
                       extract(hour FROM conversation.opened_at AT TIME ZONE 'UTC'
                               AT TIME ZONE COALESCE(partner.tz, 'UTC')),
                       CASE WHEN conversation.first_response_at >= conversation.opened_at
                            THEN conversation.first_response_at END,
                       CASE WHEN conversation.first_response_at >= conversation.opened_at
                            THEN round(extract(epoch FROM conversation.first_response_at
                                                      - conversation.opened_at) / 60, 2)
                       END,
                       CASE WHEN conversation.state = 'bot' THEN now() AT TIME ZONE 'UTC' END,
                       %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
                  FROM conversation
                  JOIN res_company company ON company.id = conversation.company_id
                  JOIN res_partner partner ON partner.id = company.partner_id
             RETURNING id, conversation_id
            )
            UPDATE whatsapp_inbox_conversation conversation
               SET current_attendance_id = inserted.id
              FROM inserted
             WHERE conversation.id = inserted.conversation_id
        """, company=company_id, prefix=prefix, sequence=pg_sequence,
            padding=sequence.padding, uid=SUPERUSER_ID))
        total += cr.rowcount
    _logger.info("whatsapp_inbox: %s conversation(s) being attended got their attendance",
                 total)
