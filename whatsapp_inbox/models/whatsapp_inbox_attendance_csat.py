"""The satisfaction survey of one attendance: asked after Finalize, answered by the customer's
tap (and an optional comment), dropped when they write something else instead."""

from datetime import timedelta

from odoo import fields, models

from ..tools.csat import parse_choice_id

# after the rating, how long the customer's next text is taken as their comment
COMMENT_WINDOW = timedelta(minutes=10)


class WhatsappInboxAttendance(models.Model):
    _inherit = "whatsapp.inbox.attendance"

    csat_state = fields.Selection(
        selection_add=[("expired", "Dropped"), ("failed", "Not sent")],
        help="Asked: the question was sent after Finalize. Answered: the customer rated. "
             "Dropped: they wrote something else instead, which started a new attendance. "
             "Not sent: it could not be sent (see why).")
    csat_answered_at = fields.Datetime("Rated at", copy=False)
    csat_error = fields.Char("Survey not sent because", copy=False)

    # ------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------

    def _csat_asked(self, message):
        """The survey ``message`` (an outbound whatsapp.inbox.message) was queued."""
        self.ensure_one()
        # sudo: whatsapp.inbox.message, attendance - the inbox asks for whoever finalized
        message.sudo().csat_attendance_id = self
        self.sudo().write({"csat_state": "asked", "csat_asked_at": message.timestamp,
                           "csat_responded": 0, "csat_error": False})

    def _csat_not_sent(self, reason):
        """The survey could not be sent (no template outside the window, Meta refused it...):
        said on the attendance and the conversation's chatter, never in the Errors tab."""
        self.ensure_one()
        if self.csat_state in ("answered", "expired"):
            return
        # sudo: whatsapp.inbox.attendance - written by the inbox only
        self.sudo().write({"csat_state": "failed", "csat_error": reason})
        # never reached the customer: not counted in the response rate (an average that
        # skips NULL; the ORM writes an empty integer as 0)
        self.flush_recordset(["csat_responded"])
        self.env.cr.execute("UPDATE whatsapp_inbox_attendance SET csat_responded = NULL "
                            "WHERE id = %s", [self.id])
        self.invalidate_recordset(["csat_responded"])
        self.conversation_id._message_log(body=self.env._(
            "Satisfaction survey of %(protocol)s not sent: %(reason)s",
            protocol=self.protocol, reason=reason))

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    def _csat_receive(self, message):
        """Take the customer ``message`` as this attendance's rating or comment when it is
        one; return ``"score"``, ``"comment"`` or None (any other message)."""
        self.ensure_one()
        if self.csat_state == "asked":
            score = self._csat_score_of(message)
            if score is None:
                return None
            # sudo: whatsapp.inbox.attendance - the customer's answer, written by the inbox
            self.sudo().write({"csat_state": "answered", "csat_score": score,
                               "csat_responded": 100, "csat_answered_at": message.timestamp})
            what = "score"
        elif (self.csat_state == "answered" and message.message_type == "text"
              and self.connection_id.csat_ask_comment and not self.csat_comment
              and self.csat_answered_at
              and message.timestamp - self.csat_answered_at <= COMMENT_WINDOW):
            # sudo: whatsapp.inbox.attendance - the customer's comment, written by the inbox
            self.sudo().csat_comment = message.body
            what = "comment"
        else:
            return None
        # sudo: whatsapp.inbox.message - the inbox files the customer's answer under its survey
        message.sudo().csat_attendance_id = self
        return what

    def _csat_score_of(self, message):
        """The score ``message`` answers to this attendance's survey, else None: a tap on a
        button or row of its question, a quick reply of its template, or a text that is
        nothing but one of its answers (``4``, or its label: customers often type it)."""
        if message.message_type == "text":
            typed = " ".join((message.body or "").split()).casefold()
            lang = self.conversation_id._customer_lang()
            options = self.connection_id.with_context(lang=lang)._csat_options()
            return next((value for value, label in options
                         if typed in (str(value), " ".join(label.split()).casefold())), None)
        if message.message_type == "interactive":
            parsed = parse_choice_id(message.choice_id)
            if parsed and parsed[0] == self.id:
                return parsed[1]
            return None
        if message.message_type != "button" or not message.choice_id:
            return None
        # sudo: whatsapp.inbox.message - read to match the answer, whoever runs the webhook
        sent = self.env["whatsapp.inbox.message"].sudo().search([
            ("csat_attendance_id", "=", self.id), ("direction", "=", "out"),
            ("message_type", "=", "template")], order="id desc")
        if message.reply_to_wamid:
            sent = sent.filtered(lambda m: m.wamid == message.reply_to_wamid)
        replies = sent[:1].template_id.button_ids.filtered(
            lambda b: b.button_type == "QUICK_REPLY").mapped("text")
        if message.choice_id not in replies:
            return None
        options = self.connection_id._csat_options()
        index = replies.index(message.choice_id)
        return options[index][0] if index < len(options) else None
