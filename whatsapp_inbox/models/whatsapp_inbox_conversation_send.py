import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html

from ..tools import interactive as interactive_tools
from ..tools.graph_api import TEXT_MAX_LENGTH, GraphApiError, media_type

TYPING_INTERVAL = timedelta(seconds=20)

_logger = logging.getLogger(__name__)


class WhatsappInboxConversation(models.Model):
    """Writing to the customer: the send door, the 24-hour window, templates, typing and
    read receipts (the Errors tab's actions: ``whatsapp_inbox_conversation_error.py``)."""

    _inherit = "whatsapp.inbox.conversation"

    typing_sent_at = fields.Datetime(
        readonly=True, copy=False, help="When the customer was last shown that we are typing.")

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _queue_outbound(self, vals, chatter_body, automated=False):
        """The send door: every outbound path (composer, chatter, workspace, automations,
        bot, API) ends here. Record the message as ``queued`` with its chatter line, and
        wake the sending cron.

        The API is called after this transaction commits, by the cron: a slow or
        failing Meta never blocks or rolls back the agent's work. ``automated``
        messages (bot, automations) come from OdooBot and leave the state alone.
        """
        self.ensure_one()
        length = len(vals.get("body") or "")
        if vals.get("message_type") == "text" and length > TEXT_MAX_LENGTH:
            raise UserError(self.env._(
                "WhatsApp refuses texts longer than %(max)s characters and this one has "
                "%(length)s: shorten it or send it in several messages.",
                max=TEXT_MAX_LENGTH, length=length))
        if self.connection_id.token_state == "expired":
            raise UserError(self.env._("The access token of %s expired: an administrator must "
                              "renew it before messages can be sent.", self.connection_id.name))
        now = fields.Datetime.now()
        chatter = self.env["mail.message"].create({
            "model": self._name,
            "res_id": self.id,
            "message_type": "comment",
            "subtype_id": self.env.ref("mail.mt_comment").id,
            "body": chatter_body,
            "author_id": (self.env.ref("base.partner_root") if automated
                          else self.env.user.partner_id).id,
            "attachment_ids": [fields.Command.set(vals.get("attachment_ids", []))],
            "reply_to": False,
        })
        self.check_access("write")
        # sudo: whatsapp.inbox.message - messages are written only by these checked helpers
        message = self.env["whatsapp.inbox.message"].sudo().create({
            "conversation_id": self.id,
            "direction": "out",
            "status": "queued",
            "timestamp": now,
            "author_id": False if automated else self.env.user.id,
            "mail_message_id": chatter.id,
            **{k: v for k, v in vals.items() if k != "attachment_ids"},
            "attachment_ids": [fields.Command.set(vals.get("attachment_ids", []))],
        })
        if automated:
            self.write({"last_outbound_at": now, "last_message_at": now,
                        **self._prepare_answered_vals(now)})
        else:
            self._on_agent_reply(now)
        self.last_message_preview = message._preview()
        message = message.with_env(self.env)
        self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_send")._trigger()
        self._notify_refresh(message)
        return message

    def _check_window(self):
        if not self.window_open:
            raise UserError(self.env._(
                "The 24-hour window of %s is closed (or the customer never wrote): "
                "only an approved template can be sent.", self.display_name))

    def _send_text(self, body, reply_to=None, automated=False):
        """Queue free text; allowed only while the 24-hour window is open."""
        self.ensure_one()
        if not (body or "").strip():
            raise UserError(self.env._("Write a message first."))
        self._check_window()
        return self._queue_outbound(
            {"message_type": "text", "body": body, "reply_to_wamid": reply_to},
            plaintext2html(body), automated=automated)

    def _send_attachment(self, attachment, caption=""):
        """Queue a file (uploaded to Meta when sent); window rule as for text."""
        self.ensure_one()
        self._check_window()
        message_type = media_type(attachment.mimetype)
        body = Markup("<p><em>%s</em></p>") % attachment.name
        if caption:
            body += plaintext2html(caption)
        return self._queue_outbound({"message_type": message_type, "body": caption,
                                     "attachment_ids": attachment.ids}, body)

    def _send_reaction(self, message, emoji):
        """React to a customer's message (empty ``emoji`` removes the reaction)."""
        self.ensure_one()
        self._check_window()
        return self._queue_outbound(
            {"message_type": "reaction", "body": emoji, "reply_to_wamid": message.wamid},
            Markup("<p>%s</p>") % (emoji or self.env._("(reaction removed)")))

    def _send_template(self, template, values, automated=False, attachment=None):
        """Queue an approved template; ``values`` is ``{key: text}`` (body numbers,
        ``"header"``, ``"button_<index>"``: see ``template._variables``). A media header sends
        ``attachment``, else the template's header file, else ``values["header_link"]``."""
        self.ensure_one()
        if template.status != "APPROVED" or template.connection_id != self.connection_id:
            raise UserError(self.env._("Template %s is not approved for this number.",
                              template.display_name))
        attachment = attachment or self.env["ir.attachment"]
        template._check_values(values, bool(attachment or template.header_attachment_id
                                            or values.get("header_link")))
        params = json.dumps({str(k): v for k, v in values.items()})
        # the body as read, and the links the customer will open
        body = "\n".join([template._render(values)] + [
            button._render_url(values) for button in template.button_ids
            if button._needs_value() and button.button_type == "URL"])
        return self._queue_outbound(
            {"message_type": "template", "template_id": template.id, "template_params": params,
             "body": body, "attachment_ids": attachment.ids},
            Markup("<p><em>%s</em></p>") % template.display_name + plaintext2html(body),
            automated=automated)

    def _send_interactive(self, interactive, automated=False, reply_to=None):
        """Queue an interactive message (reply buttons, list, call-to-action URL): Meta's
        ``interactive`` object, built with ``tools/interactive.py``; window rule as for text."""
        self.ensure_one()
        try:
            interactive_tools.check(interactive)
        except interactive_tools.InteractiveError as error:
            raise UserError(str(error)) from error
        self._check_window()
        body = interactive_tools.summary(interactive)
        return self._queue_outbound(
            {"message_type": "interactive", "body": body, "reply_to_wamid": reply_to,
             "interactive_payload": json.dumps(interactive)},
            plaintext2html(body), automated=automated)

    def _send_typing(self):
        """Show the customer that an agent is typing (and mark their last message read).

        At most once per ``TYPING_INTERVAL`` per conversation, whatever the browsers
        ask; Meta hides the indicator after 25 s or when we reply. Returns whether it
        was sent."""
        self.ensure_one()
        now = fields.Datetime.now()
        if not self.window_open or (self.typing_sent_at
                                    and now - self.typing_sent_at < TYPING_INTERVAL):
            return False
        last_inbound = self.wa_message_ids.filtered(
            lambda m: m.direction == "in" and m.wamid)[-1:]
        if not last_inbound:
            return False
        self.check_access("write")
        # sudo: whatsapp.inbox.conversation - a technical timestamp, not the agent's data
        self.sudo().typing_sent_at = now
        try:
            self.connection_id._api().send_typing(last_inbound.wamid)
        except GraphApiError as error:
            _logger.info("WhatsApp: typing indicator of conversation %s refused: %s",
                         self.id, error)
            return False
        # the typing request marks it read too: no separate read receipt to send
        # sudo: whatsapp.inbox.message - agents only flag the receipt as sent
        last_inbound.sudo().read_receipt = "sent"
        return True

    def api_send_text(self, body):
        """JSON-RPC entry point: queue ``body`` to each conversation (window rule
        applies); return the ids of the queued ``whatsapp.inbox.message``."""
        return [conversation._send_text(body).id for conversation in self]

    def api_send_template(self, template_id, values):
        """JSON-RPC entry point: queue template ``template_id`` with ``values``
        (``{"1": "Ana", ...}``) to each conversation; return the message ids."""
        template = self.env["whatsapp.inbox.template"].browse(template_id)
        values = {int(number): text for number, text in (values or {}).items()}
        return [conversation._send_template(template, values).id for conversation in self]

    def api_send_interactive(self, interactive):
        """JSON-RPC entry point: queue Meta's ``interactive`` object (reply buttons, list,
        call-to-action URL; checked against Meta's limits) to each conversation; return the
        message ids."""
        return [conversation._send_interactive(interactive).id for conversation in self]

    def action_mark_seen(self):
        """The agent looked at the conversation: clear unread and send read receipts."""
        for conversation in self:
            last_inbound = conversation.wa_message_ids.filtered(
                lambda m: m.direction == "in" and m.wamid)[-1:]
            if last_inbound and not last_inbound.read_receipt:
                # sudo: whatsapp.inbox.message - agents only flag the receipt to send
                last_inbound.sudo().read_receipt = "to_send"
                self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_read_receipts")._trigger()
        seen = self.filtered("unread")
        seen.write({"unread": False})
        seen._notify_refresh()  # the other agents' unread dots and counts follow
        return True
