"""The satisfaction survey (CSAT) on the conversation's side.

After Finalize the customer is asked to rate the attendance that just closed: inside the
24-hour window as reply buttons or a list, outside it with the connection's template. The
survey is OdooBot's (``automated``): it leaves the conversation Finalized, and what refuses to
send it is recorded on the attendance, never in the Errors tab.

While the question is pending, the customer's tap is stored on that attendance without
reopening anything (so is their comment, when one was requested, within
``COMMENT_WINDOW``). Anything else they write is a normal message: a new attendance starts,
Waiting, and the question is dropped (``csat_state`` ``expired``), as by any other arrow out
of Finalized (an agent writing, Reopen, Meta's agent).
"""

import logging

from odoo import models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    # ------------------------------------------------------------
    # Asking
    # ------------------------------------------------------------

    def _after_finalize(self):
        """Ask each customer to rate the attendance this Finalize closed (once an
        attendance), when their connection's survey is on and a person answered them in it
        (nobody rates a service they did not get: not after the bot alone, nor unanswered)."""
        result = super()._after_finalize()
        for conversation in self:
            attendance = conversation.current_attendance_id
            if (conversation.channel == "whatsapp" and conversation.connection_id.csat_enabled
                    and attendance.state == "closed" and not attendance.csat_state
                    and attendance.closed_at == conversation.closed_at
                    and attendance.agent_ids):
                conversation._csat_ask(attendance)
        return result

    def _csat_ask(self, attendance):
        """Queue ``attendance``'s survey through the send door: the question inside the
        24-hour window, the connection's template outside it (none: not sent)."""
        self.ensure_one()
        lang = self._customer_lang()
        conversation = self.with_context(lang=lang)
        connection = conversation.connection_id
        template = connection._csat_template(lang)
        if not conversation.window_open and not template:
            attendance._csat_not_sent(self.env._(
                "the 24-hour window is closed and the connection has no survey template."))
            return
        try:
            with self.env.cr.savepoint():
                if conversation.window_open:
                    message = conversation._send_interactive(
                        connection._csat_interactive(attendance), automated=True)
                else:
                    message = conversation._send_template(
                        template, template._default_values(conversation), automated=True)
        except UserError as error:
            attendance._csat_not_sent(str(error))
            return
        attendance._csat_asked(message)

    def _on_send_failure(self, reason, message=None):
        """A survey message that fails is the survey's failure, not the conversation's."""
        attendance = message.csat_attendance_id if message else None
        if not attendance:
            return super()._on_send_failure(reason, message)
        if attendance.csat_state == "asked":
            attendance._csat_not_sent(reason)
        else:
            self._message_log(body=self.env._(
                "A message of the satisfaction survey of %(protocol)s was not sent: "
                "%(reason)s", protocol=attendance.protocol, reason=reason))
        return True

    # ------------------------------------------------------------
    # Answers
    # ------------------------------------------------------------

    def _csat_listening(self):
        """The closed attendance whose survey is waiting for the customer's rating or
        comment, if any."""
        self.ensure_one()
        attendance = self.current_attendance_id
        if (self.state == "done" and attendance.state == "closed"
                and attendance.csat_state in ("asked", "answered")):
            return attendance
        return attendance.browse()

    def _receive_messages(self, messages):
        """The rating (and comment) leading ``messages`` go to the survey's attendance and
        leave the conversation as it is; the messages from the first other one on are
        received as usual."""
        self.ensure_one()
        attendance = self._csat_listening()
        if not attendance:
            return super()._receive_messages(messages)
        taken, what = messages.browse(), None
        for message in messages.filtered(lambda m: m.message_type != "reaction"):
            answered = attendance._csat_receive(message)
            if not answered:
                break
            taken, what = taken | message, answered
        if not taken:
            return super()._receive_messages(messages)
        last = taken[-1]
        vals = {"last_inbound_at": max(last.timestamp, self.last_inbound_at or last.timestamp),
                "last_message_at": max(last.timestamp, self.last_message_at or last.timestamp)}
        if last.timestamp >= (self.last_message_at or last.timestamp):
            vals["last_message_preview"] = last._preview()
        self.write(vals)
        self._csat_acknowledge(attendance, what)
        rest = messages - taken
        return super()._receive_messages(rest) if rest else True

    def _csat_acknowledge(self, attendance, what):
        """Thank the customer for their ``what`` (``score`` or ``comment``), inviting the
        comment when the connection asks for one."""
        self.ensure_one()
        conversation = self.with_context(lang=self._customer_lang())
        if what == "comment":
            body = conversation.env._("Thank you for your comment!")
        elif self.connection_id.csat_ask_comment:
            body = conversation.env._("Thank you for your rating! If you like, write us a "
                                      "comment about the service.")
        else:
            body = conversation.env._("Thank you for your rating!")
        try:
            with self.env.cr.savepoint():
                message = conversation._send_text(body, automated=True)
        except UserError as error:
            _logger.info("WhatsApp: survey thanks of conversation %s not sent: %s",
                         self.id, error)
            return
        # sudo: whatsapp.inbox.message - the inbox files its own message under the survey
        message.sudo().csat_attendance_id = attendance

    def _after_transition(self, event, before):
        """Out of Finalized, by whatever arrow, the pending question is dropped (before the
        attendances move)."""
        left = self.filtered(lambda c: before[c.id] == "done" and c.state != "done")
        # sudo: whatsapp.inbox.attendance - the survey's state follows the conversation
        left.current_attendance_id.filtered(
            lambda a: a.csat_state == "asked").sudo().csat_state = "expired"
        return super()._after_transition(event, before)

    def _run_automations(self, messages):
        """Answers to the survey are for it alone: no bot, away message or assignment."""
        return super()._run_automations(messages.filtered(lambda m: not m.csat_attendance_id))
