from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import plaintext2html

from ..tools import graph_api
from ..tools.webhook import MESSAGE_TYPES

TYPE_ICONS = {
    "image": "📷", "audio": "🎤", "video": "🎬", "document": "📄", "sticker": "💟",
    "location": "📍", "contacts": "👤", "order": "🛒", "reaction": "↩",
}
# How the thread shows each status: WhatsApp's ticks
STATUS_TICKS = {"received": "", "queued": "🕓", "sent": "✓", "delivered": "✓✓",
                "read": "✓✓", "failed": "⚠"}


class WhatsappInboxMessage(models.Model):
    _name = "whatsapp.inbox.message"
    _description = "WhatsApp Message"
    _order = "timestamp, id"
    _rec_name = "body"

    conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", required=True, index=True, ondelete="cascade"
    )
    connection_id = fields.Many2one(related="conversation_id.connection_id")
    company_id = fields.Many2one(related="conversation_id.company_id", store=True)
    direction = fields.Selection([("in", "Inbound"), ("out", "Outbound")], required=True)
    message_type = fields.Selection(MESSAGE_TYPES, "Type", required=True, default="text")
    body = fields.Text(index="trigram")
    wamid = fields.Char("WhatsApp Message ID", copy=False, readonly=True)
    reply_to_wamid = fields.Char("Replies To", index="btree_not_null")
    status = fields.Selection(
        [
            ("received", "Received"),
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
        ],
        required=True, default="queued", index=True,
    )
    failure_code = fields.Char()
    failure_reason = fields.Text()
    timestamp = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    media_id = fields.Char("Media ID", help="Meta's id of the media, to download it.")
    media_mime_type = fields.Char("Media Type")
    media_sha256 = fields.Char("Media SHA-256")
    media_filename = fields.Char()
    mail_message_id = fields.Many2one(
        "mail.message", "Chatter Message", index="btree_not_null", ondelete="set null"
    )
    author_id = fields.Many2one("res.users", "Sent by", help="The agent who wrote it.")
    template_id = fields.Many2one("whatsapp.inbox.template", ondelete="restrict")
    template_params = fields.Text(help="Values of the template variables, as JSON.")
    interactive_payload = fields.Text(
        help="Meta's interactive object sent (reply buttons, list, call-to-action URL), as JSON.")
    choice_id = fields.Char(
        "Choice ID", index="btree_not_null",
        help="The id of the button or list row the customer chose (or a template quick "
             "reply's payload): automations can filter on it.")
    choice_title = fields.Char(help="The title of the button or list row the customer chose.")
    failure_type = fields.Selection(
        [("window_closed", "24-hour window closed"), ("undeliverable", "Undeliverable"),
         ("opted_out", "Opted out"), ("rate_limited", "Rate limited"), ("token", "Access token"),
         ("template", "Template"), ("media", "Media"), ("invalid", "Invalid message"),
         ("server", "Meta unavailable"), ("network", "Network"), ("unknown", "Unknown")],
        copy=False,
    )
    failure_message = fields.Char(compute="_compute_failure_message")
    ticks = fields.Char(compute="_compute_ticks", help="WhatsApp's delivery ticks.")
    type_icon = fields.Char(compute="_compute_type_icon")
    attempts = fields.Integer(copy=False, help="Sending or downloading attempts made.")
    next_attempt_at = fields.Datetime(copy=False, index="btree_not_null")
    media_state = fields.Selection(
        [("to_download", "To download"), ("done", "Downloaded"), ("failed", "Failed"),
         ("refused", "Refused")], copy=False, index="btree_not_null",
    )
    read_receipt = fields.Selection(
        [("to_send", "To send"), ("sent", "Sent")], copy=False, index="btree_not_null",
        help="Whether the customer was told that we read this inbound message.",
    )

    _sql_constraints = [
        ("wamid_uniq", "unique(wamid)", "This WhatsApp message is already recorded."),
    ]

    @api.depends("status")
    def _compute_ticks(self):
        for message in self:
            message.ticks = STATUS_TICKS[message.status]

    @api.depends("message_type")
    def _compute_type_icon(self):
        for message in self:
            message.type_icon = TYPE_ICONS.get(message.message_type, "")

    @api.depends("failure_type")
    def _compute_failure_message(self):
        for message in self:
            message.failure_message = message.failure_type and graph_api.failure_message(
                self.env, message.failure_type)

    def _preview(self):
        """One line for the kanban card: the text, or the kind of message."""
        self.ensure_one()
        icon = TYPE_ICONS.get(self.message_type, "")
        text = (self.body or "").strip().replace("\n", " ") or dict(
            self._fields["message_type"]._description_selection(self.env))[self.message_type]
        return f"{icon} {text}".strip()[:120]

    @api.model
    def _prepare_chatter_vals(self, conversation, message_type, body, date):
        """A customer message as a line of the conversation's chatter (no notification)."""
        html = plaintext2html(body) if body else Markup()
        if message_type not in ("text", "interactive", "button", "system"):
            label = dict(self._fields["message_type"]._description_selection(self.env))
            html = Markup("<p><em>%s %s</em></p>%s") % (
                TYPE_ICONS.get(message_type, ""), label[message_type], html)
        return {
            "model": conversation._name,
            "res_id": conversation.id,
            "message_type": "comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            "body": html,
            "date": date,
            "author_id": conversation.partner_id.id,
            "email_from": conversation.partner_id.email_formatted or conversation.name,
            # no email notification is ever sent for these lines: skip the reply-to
            # computation, which costs queries per message
            "reply_to": False,
            "record_name": conversation.name,
        }
