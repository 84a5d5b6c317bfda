import logging
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import plaintext2html
from odoo.tools.translate import LazyTranslate

_lt = LazyTranslate(__name__)

_logger = logging.getLogger(__name__)

MESSAGE_TYPES = [
    ("text", "Text"),
    ("image", "Image"),
    ("audio", "Audio"),
    ("video", "Video"),
    ("document", "Document"),
    ("sticker", "Sticker"),
    ("location", "Location"),
    ("contacts", "Contacts"),
    ("interactive", "Interactive reply"),
    ("button", "Button reply"),
    ("reaction", "Reaction"),
    ("order", "Order"),
    ("system", "System"),
    ("template", "Template"),
    ("unsupported", "Unsupported"),
]
MEDIA_TYPES = ("image", "audio", "video", "document", "sticker")
TYPE_ICONS = {
    "image": "📷", "audio": "🎤", "video": "🎬", "document": "📄", "sticker": "💟",
    "location": "📍", "contacts": "👤", "order": "🛒", "reaction": "↩",
}

# How the thread shows each status: WhatsApp's ticks
STATUS_TICKS = {"received": "", "queued": "🕓", "sent": "✓", "delivered": "✓✓",
                "read": "✓✓", "failed": "⚠"}

# A late callback must not move a message backwards: each status lists the
# statuses it may replace. "failed" is final so its reason is kept.
STATUS_REPLACES = {
    "sent": {"queued"},
    "delivered": {"queued", "sent"},
    "read": {"queued", "sent", "delivered"},
    "failed": {"queued", "sent", "delivered"},
}


# Meta error codes (and our transport codes) -> failure type. Anything else is
# "unknown", its code and Meta's text kept on the message.
FAILURE_TYPES = {
    "131047": "window_closed", "470": "window_closed",
    "131026": "undeliverable", "131049": "undeliverable",
    "131050": "opted_out",
    "130429": "rate_limited", "131056": "rate_limited", "131048": "rate_limited",
    "80007": "rate_limited", "4": "rate_limited",
    "190": "token", "10": "token", "200": "token",
    "132000": "template", "132001": "template", "132005": "template", "132007": "template",
    "132012": "template", "132015": "template", "132016": "template",
    "131052": "media", "131053": "media",
    "100": "invalid", "131008": "invalid", "131009": "invalid", "131051": "invalid",
    "1": "server", "2": "server", "131000": "server", "131016": "server",
    "timeout": "network", "connection": "network", "invalid_response": "server",
}
FAILURE_MESSAGES = {
    "window_closed": _lt("More than 24 hours passed since the customer last wrote: "
                         "only an approved template can reopen the conversation."),
    "undeliverable": _lt("WhatsApp could not deliver the message to this number: "
                         "reach the customer through another channel."),
    "opted_out": _lt("The customer stopped receiving marketing messages from us."),
    "rate_limited": _lt("Meta's sending limit was reached: the message will be resent "
                        "automatically."),
    "token": _lt("Meta refused the access token of the connection: an administrator "
                 "must paste a new one."),
    "template": _lt("The template does not match what Meta approved: synchronise the "
                    "templates and check its variables."),
    "media": _lt("Meta could not process the attached file."),
    "invalid": _lt("Meta refused the message as invalid."),
    "server": _lt("Meta's service failed: the message will be resent automatically."),
    "network": _lt("Meta could not be reached: the message will be resent automatically."),
    "window_rule": _lt("The 24-hour window is closed: send an approved template."),
    "unknown": _lt("Sending failed."),
}
TRANSIENT_FAILURES = {"rate_limited", "server", "network"}
MAX_SEND_ATTEMPTS = 5
RETRY_DELAY = timedelta(seconds=30)  # doubled at each attempt
MEDIA_MAX_BYTES = 25 * 1024 * 1024
MEDIA_MIMETYPE_PREFIXES = ("image/", "audio/", "video/", "text/plain", "application/pdf",
                           "application/msword", "application/vnd.ms-",
                           "application/vnd.openxmlformats-officedocument.")
# WhatsApp message type used to send an attachment of each mimetype family
SEND_MEDIA_TYPES = {"image": "image", "audio": "audio", "video": "video"}


def _timestamp(value):
    """Meta's timestamps are Unix seconds, as strings."""
    return datetime.fromtimestamp(int(value), UTC).replace(tzinfo=None)


def _dict(value):
    return value if isinstance(value, dict) else {}


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
    body = fields.Text()
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
    failure_type = fields.Selection(
        [("window_closed", "24-hour window closed"), ("undeliverable", "Undeliverable"),
         ("opted_out", "Opted out"), ("rate_limited", "Rate limited"), ("token", "Access token"),
         ("template", "Template"), ("media", "Media"), ("invalid", "Invalid message"),
         ("server", "Meta unavailable"), ("network", "Network"), ("unknown", "Unknown")],
        copy=False,
    )
    failure_message = fields.Char(compute="_compute_failure_message")
    ticks = fields.Char(compute="_compute_ticks", help="WhatsApp's delivery ticks.")
    type_icon = fields.Char(compute="_compute_ticks")
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

    @api.depends("status", "message_type")
    def _compute_ticks(self):
        for message in self:
            message.ticks = STATUS_TICKS[message.status]
            message.type_icon = TYPE_ICONS.get(message.message_type, "")

    @api.depends("failure_type")
    def _compute_failure_message(self):
        for message in self:
            message.failure_message = message.failure_type and str(
                FAILURE_MESSAGES[message.failure_type])

    # ------------------------------------------------------------
    # Inbound messages
    # ------------------------------------------------------------

    @api.model
    def _parse_inbound(self, message):
        """Values of one element of a webhook's ``messages`` array, or ``None``.

        Shape (Cloud API)::

            {"from": "5511987654321", "from_user_id": "BR.150...", "id": "wamid.X",
             "timestamp": "1700000000", "type": "text", "text": {"body": "Hi"},
             "context": {"id": "wamid.Y"}}

        ``from`` is missing for customers who hide their number behind a
        username; ``from_user_id`` (their business-scoped id) is then their identity.
        """
        message = _dict(message)
        customer = message.get("from") or message.get("from_user_id")
        wamid = message.get("id")
        try:
            timestamp = _timestamp(message["timestamp"])
        except (KeyError, TypeError, ValueError, OverflowError):
            timestamp = None
        if not (isinstance(customer, str) and isinstance(wamid, str) and timestamp):
            return None
        kind = message.get("type")
        content = _dict(message.get(kind)) if isinstance(kind, str) else {}
        vals = {
            "customer": customer,
            "bsuid": message.get("from_user_id") or False,
            "wamid": wamid,
            "timestamp": timestamp,
            "message_type": kind if kind in dict(MESSAGE_TYPES) else "unsupported",
            "reply_to_wamid": _dict(message.get("context")).get("id") or False,
            "body": "",
        }
        if kind == "text":
            vals["body"] = content.get("body") or ""
        elif kind in MEDIA_TYPES:
            vals.update(
                body=content.get("caption") or content.get("filename") or "",
                media_id=content.get("id") or False,
                media_mime_type=content.get("mime_type") or False,
                media_sha256=content.get("sha256") or False,
                media_filename=content.get("filename") or False,
            )
        elif kind == "location":
            place = ", ".join(filter(None, [content.get("name"), content.get("address")]))
            coords = f"{content.get('latitude')}, {content.get('longitude')}"
            vals["body"] = f"{place} ({coords})" if place else coords
        elif kind == "contacts":
            cards = message.get("contacts") if isinstance(message.get("contacts"), list) else []
            vals["body"] = "\n".join(
                " ".join(filter(None, [
                    _dict(card.get("name")).get("formatted_name"),
                    *(_dict(p).get("phone") for p in card.get("phones") or []),
                ]))
                for card in map(_dict, cards)
            )
        elif kind == "interactive":
            reply = _dict(content.get(content.get("type"))) if content.get("type") else {}
            vals["body"] = reply.get("title") or reply.get("body") or ""
        elif kind == "button":
            vals["body"] = content.get("text") or content.get("payload") or ""
        elif kind == "reaction":
            vals["body"] = content.get("emoji") or ""
            vals["reply_to_wamid"] = content.get("message_id") or vals["reply_to_wamid"]
        elif kind == "order":
            items = content.get("product_items") or []
            vals["body"] = self.env._("Order of %s item(s)", len(items))
        elif kind == "system":
            vals["body"] = content.get("body") or ""
        else:
            errors = message.get("errors") or [{}]
            vals["body"] = _dict(errors[0]).get("title") or self.env._("Unsupported message")
        return vals

    @api.model
    def _ingest_inbound(self, connection, contacts, raw_messages):
        """Record the customer messages of one webhook delivery, in bulk.

        Idempotent: a wamid already recorded is skipped, so Meta's redeliveries
        change nothing. Messages are applied in the order of their timestamps.

        :param connection: the ``whatsapp.inbox.connection`` they were sent to
        :param list contacts: the delivery's ``contacts`` (profiles of the senders)
        :param list raw_messages: the delivery's ``messages``
        :return: the new ``whatsapp.inbox.message`` records
        """
        parsed = {}
        for raw in raw_messages:
            vals = self._parse_inbound(raw)
            if vals is None:
                _logger.warning("WhatsApp: ignored a malformed inbound message: %.300r", raw)
            else:
                parsed.setdefault(vals["wamid"], vals)
        if parsed:
            known = self.search_fetch([("wamid", "in", list(parsed))], ["wamid"])
            for message in known:
                del parsed[message.wamid]
        if not parsed:
            return self.browse()

        profiles = {}
        for contact in map(_dict, contacts):
            profile = _dict(contact.get("profile"))
            profile = {
                "contact_name": profile.get("name"),
                "username": profile.get("username"),
                "bsuid": contact.get("user_id"),
            }
            for key in (contact.get("wa_id"), contact.get("user_id")):
                if key:
                    profiles[key] = profile
        customers = {}
        for vals in parsed.values():
            profile = dict(profiles.get(vals["customer"], {}))
            profile["bsuid"] = profile.get("bsuid") or vals["bsuid"]
            customers[vals["customer"]] = profile
        conversations = self.env["whatsapp.inbox.conversation"]._get_or_create_for_customers(
            connection, customers
        )

        ordered = sorted(parsed.values(), key=lambda v: (v["timestamp"], v["wamid"]))
        chatter = self.env["mail.message"].create([
            self._prepare_chatter_vals(conversations[vals["customer"]], vals)
            for vals in ordered
        ])
        messages = self.create([
            {
                "conversation_id": conversations[vals["customer"]].id,
                # given, so the stored related field is not recomputed with an UPDATE
                "company_id": conversations[vals["customer"]].company_id.id,
                "direction": "in",
                "status": "received",
                "mail_message_id": mail_message.id,
                "media_state": "to_download" if vals.get("media_id") else False,
                **{k: v for k, v in vals.items() if k not in ("customer", "bsuid")},
            }
            for vals, mail_message in zip(ordered, chatter, strict=True)
        ])

        by_conversation = defaultdict(list)
        for message in messages:
            by_conversation[message.conversation_id].append(message)
        for conversation, batch in by_conversation.items():
            waking = [m.timestamp for m in batch if m.message_type != "reaction"]
            conversation.write(conversation._prepare_inbound_vals(
                first_at=min(waking or [batch[0].timestamp]),
                last_at=batch[-1].timestamp,
                wakes=bool(waking),
                preview=batch[-1]._preview(),
            ))
        conversations = self.env["whatsapp.inbox.conversation"].browse(
            [c.id for c in by_conversation])
        conversations._run_automations(messages)
        conversations._notify_inbound(messages)
        self.env["whatsapp.inbox.consent"]._record_stop_keywords(messages)
        if any(message.media_state for message in messages):
            self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_media")._trigger()
        return messages

    def _preview(self):
        """One line for the kanban card: the text, or the kind of message."""
        self.ensure_one()
        icon = TYPE_ICONS.get(self.message_type, "")
        text = (self.body or "").strip().replace("\n", " ") or dict(
            self._fields["message_type"]._description_selection(self.env))[self.message_type]
        return f"{icon} {text}".strip()[:120]

    @api.model
    def _prepare_chatter_vals(self, conversation, vals):
        """A customer message as a line of the conversation's chatter (no notification)."""
        icon = TYPE_ICONS.get(vals["message_type"])
        label = dict(MESSAGE_TYPES)[vals["message_type"]]
        body = plaintext2html(vals["body"]) if vals["body"] else Markup()
        if vals["message_type"] not in ("text", "interactive", "button", "system"):
            body = Markup("<p><em>%s %s</em></p>%s") % (icon or "", label, body)
        return {
            "model": conversation._name,
            "res_id": conversation.id,
            "message_type": "comment",
            "subtype_id": self.env.ref("mail.mt_comment").id,
            "body": body,
            "date": vals["timestamp"],
            "author_id": conversation.partner_id.id,
            "email_from": conversation.partner_id.email_formatted or conversation.name,
            # no email notification is ever sent for these lines: skip the reply-to
            # computation, which costs queries per message
            "reply_to": False,
            "record_name": conversation.name,
        }

    # ------------------------------------------------------------
    # Delivery statuses
    # ------------------------------------------------------------

    @api.model
    def _apply_statuses(self, statuses):
        """Apply a webhook's ``statuses`` to our outbound messages.

        Shape::

            {"id": "wamid.X", "status": "sent|delivered|read|failed",
             "timestamp": "1700000000", "recipient_id": "5511987654321",
             "errors": [{"code": 131047, "title": "Re-engagement message"}]}

        Statuses only move forward (see ``STATUS_REPLACES``); a ``failed`` one
        moves the conversation to the Errors tab.
        :return: the messages whose status changed
        """
        statuses = [s for s in map(_dict, statuses) if s.get("id") and s.get("status")]
        for status in statuses:
            try:
                status["_at"] = _timestamp(status.get("timestamp"))
            except (TypeError, ValueError, OverflowError):
                status["_at"] = datetime.min
        messages = self.search([("wamid", "in", [s["id"] for s in statuses])])
        by_wamid = {message.wamid: message for message in messages}
        changed = self.browse()
        for status in sorted(statuses, key=lambda s: s["_at"]):
            message = by_wamid.get(status["id"])
            new = status["status"]
            if not message:
                _logger.info("WhatsApp: status %s for unknown message %s", new, status["id"])
                continue
            if new not in STATUS_REPLACES:
                _logger.info("WhatsApp: ignored status %r of %s", new, message.wamid)
                continue
            if message.status not in STATUS_REPLACES[new]:
                continue
            if new == "failed":
                error = _dict((status.get("errors") or [{}])[0])
                details = _dict(error.get("error_data")).get("details")
                message._fail(error.get("code") or "unknown", " — ".join(
                    filter(None, [error.get("title") or error.get("message"), details])
                ) or self.env._("Meta reported the message as failed."))
            else:
                message.status = new
            changed |= message
        if changed:
            changed.conversation_id._notify_refresh(changed)  # ticks move live
        return changed
