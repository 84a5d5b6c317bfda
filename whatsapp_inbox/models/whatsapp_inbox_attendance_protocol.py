"""Protocol numbers of attendances: one ``ir.sequence`` per company, and the opening, in
one statement, of the attendances that data which did not come through the state door
needs (an upgrade, the demo)."""

import logging

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.base.models.ir_sequence import _select_nextval

from ..tools.attendance import DEFAULT_PROTOCOL_PREFIX, PROTOCOL_CODE

_logger = logging.getLogger(__name__)
# what a prefix or suffix that does not interpolate raises in ir.sequence (KeyError: an
# unknown variable; the others come out of it as a UserError)
FORMAT_ERRORS = (KeyError, ValueError, TypeError, UserError)


class WhatsappInboxAttendance(models.Model):
    _inherit = "whatsapp.inbox.attendance"

    # ------------------------------------------------------------
    # Protocol numbers
    # ------------------------------------------------------------

    @api.model
    def _open_for_attended_conversations(self):
        """Give every conversation being attended (every state but Not started and
        Finalized) that has no current attendance one, in one statement per company: opened
        when the customer started waiting (else at their first message, else at creation),
        answered at the conversation's first response, numbered by the company's protocol
        sequence (with the default format, the date part is that of the opening); our
        messages sent since its opening are its own, with their cost. For data that did not
        come through the state door: an upgrade, the demo.

        :return: how many attendances were opened
        """
        cr = self.env.cr
        self.env["whatsapp.inbox.conversation"].flush_model()
        cr.execute("""
            SELECT DISTINCT company_id FROM whatsapp_inbox_conversation
             WHERE state NOT IN ('new', 'done') AND current_attendance_id IS NULL
        """)
        total = 0
        for (company_id,) in cr.fetchall():
            sequence = self._protocol_sequence(self.env["res.company"].browse(company_id))
            pg_sequence = f"ir_sequence_{sequence.id:03d}"
            if (sequence.prefix == self._default_protocol_prefix
                    or not self._protocol_format_works(sequence)):
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
             RETURNING inserted.id
            """, company=company_id, prefix=prefix, sequence=pg_sequence,
                padding=sequence.padding, uid=self.env.uid))
            opened = [row[0] for row in cr.fetchall()]
            total += len(opened)
            self._claim_sent_messages(opened)
        # written in SQL: what the ORM has cached of these conversations is stale
        self.env["whatsapp.inbox.conversation"].invalidate_model(["current_attendance_id"])
        return total

    @api.model
    def _protocol_sequence(self, company):
        """The company's protocol sequence, created on first use (and when a connection is
        created, so that concurrent first openings find it). Numbers come from a
        PostgreSQL sequence (``nextval``): concurrent openings never get the same one."""
        # sudo: ir.sequence - agents and the webhook open attendances, not sequences
        Sequence = self.env["ir.sequence"].sudo()
        sequence = Sequence.search([("code", "=", PROTOCOL_CODE),
                                    ("company_id", "=", company.id)], limit=1)
        if not sequence:
            params = self.env["ir.config_parameter"].sudo()
            sequence = Sequence.create({
                "name": self.env._("WhatsApp attendance protocol (%s)", company.name),
                "code": PROTOCOL_CODE,
                "company_id": company.id,
                "implementation": "standard",
                "prefix": params.get_param("whatsapp_inbox.protocol_prefix",
                                           DEFAULT_PROTOCOL_PREFIX),
                "padding": int(params.get_param("whatsapp_inbox.protocol_padding", 6)),
            })
        return sequence

    @api.model
    def _next_protocol(self, company):
        """The next protocol number of ``company``. A prefix or suffix that no longer
        interpolates (set in the database by hand) never stops an attendance from opening:
        it is logged and the number gets the default prefix."""
        # the date parts of the prefix follow the company's time zone, as customers read them
        tz = self.env.user.tz or company.partner_id.tz or "UTC"
        sequence = self._protocol_sequence(company).with_context(tz=tz)
        if self._protocol_format_works(sequence):
            return sequence.next_by_id()
        _logger.error("WhatsApp: the protocol sequence %s has a prefix (%r) or suffix (%r) "
                      "that does not interpolate; numbering with the default prefix.",
                      sequence.id, sequence.prefix, sequence.suffix)
        # the same PostgreSQL sequence as next_by_id (ours are "standard"): no number twice
        number = _select_nextval(self.env.cr, f"ir_sequence_{sequence.id:03d}")
        return sequence.new({"prefix": DEFAULT_PROTOCOL_PREFIX, "suffix": False,
                             "padding": sequence.padding}).get_next_char(number)

    @api.model
    def _protocol_format_works(self, sequence):
        try:
            sequence._get_prefix_suffix()
        except FORMAT_ERRORS:
            return False
        return True

    @api.model
    def _check_protocol_format(self, prefix, suffix=False):
        """Raise a ValidationError when ``prefix`` or ``suffix`` does not interpolate with
        ir.sequence's own variables (``%(year)s``, ``%(month)s``...): every attendance
        opening would fail."""
        sequence = self.env["ir.sequence"].new({"name": "protocol", "prefix": prefix,
                                                "suffix": suffix})
        try:
            sequence._get_prefix_suffix()
        except KeyError as error:
            raise ValidationError(self.env._(
                "The protocol prefix “%(format)s” uses %%(%(variable)s)s, which Odoo's "
                "sequences do not know: use the date variables such as %%(year)s, "
                "%%(month)s and %%(day)s, as in %(default)s.",
                format=prefix or suffix, variable=error.args[0],
                default=DEFAULT_PROTOCOL_PREFIX)) from None
        except FORMAT_ERRORS:
            raise ValidationError(self.env._(
                "The protocol prefix “%(format)s” is not valid: a %% starts a variable such "
                "as %%(year)s (write %%%% for the sign itself), as in %(default)s.",
                format=prefix or suffix, default=DEFAULT_PROTOCOL_PREFIX)) from None
