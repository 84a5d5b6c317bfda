import logging
from collections import defaultdict

from odoo import api, models

from ..tools.webhook import STATUS_REPLACES

_logger = logging.getLogger(__name__)


class WhatsappInboxMessage(models.Model):
    """What Meta tells us: customer messages, and what became of ours (statuses)."""

    _inherit = "whatsapp.inbox.message"

    @api.model
    def _ingest_inbound(self, items, profiles=None):
        """Record customer messages, in bulk, with their chatter lines.

        Idempotent: a wamid already recorded is skipped, so Meta's redeliveries change
        nothing. Messages are applied in the order of their timestamps.

        :param list items: ``[(connection, webhook.Message)]``
        :param dict profiles: ``{(connection id, WhatsApp id or BSUID): webhook.Profile}``
            of the senders
        :return: the new ``whatsapp.inbox.message`` records, in time order
        """
        messages, by_conversation = self._create_from_records(
            items, profiles,
            lambda conversation, record, body: self._prepare_chatter_vals(
                conversation, record.kind, body, record.timestamp),
            self._prepare_inbound_vals)
        for conversation, batch in by_conversation.items():
            conversation._receive_messages(batch)
        messages.conversation_id._run_automations(messages)
        self.env["whatsapp.inbox.consent"]._record_stop_keywords(messages)
        if any(message.media_state for message in messages):
            self.env.ref("whatsapp_inbox.ir_cron_whatsapp_inbox_media")._trigger()
        return messages

    @api.model
    def _create_from_records(self, items, profiles, prepare_chatter, prepare_vals):
        """What recording any webhook message takes: skip the wamids already recorded, order
        by time, find or create the customers' conversations, create the chatter lines and
        the rows (``prepare_chatter(conversation, record, body)`` and
        ``prepare_vals(conversation, record, body, mail_message)`` give their values).

        :return: ``(messages, {conversation: its messages})``, in time order
        """
        new = {}
        for connection, record in items:
            new.setdefault(record.wamid, (connection, record))
        if new:
            for message in self.search_fetch([("wamid", "in", list(new))], ["wamid"]):
                del new[message.wamid]
        if not new:
            return self.browse(), {}
        ordered = sorted(new.values(), key=lambda item: (item[1].timestamp, item[1].wamid))
        profiles = profiles or {}
        customers = {}
        for connection, record in ordered:
            profile = profiles.get((connection.id, record.customer))
            customers.setdefault((connection, record.customer), {
                "bsuid": (profile and profile.bsuid) or record.bsuid,
                "contact_name": profile and profile.name,
                "username": profile and profile.username,
                "parent_bsuid": (profile and profile.parent_bsuid) or record.parent_bsuid,
            })
        conversations = self.env["whatsapp.inbox.conversation"]._find_or_create_for_customers(
            customers)
        targets = [conversations[(connection, record.customer)] for connection, record in ordered]
        records = [record for _connection, record in ordered]
        bodies = [self._inbound_body(record) for record in records]
        chatter = self.env["mail.message"].create([
            prepare_chatter(conversation, record, body)
            for conversation, record, body in zip(targets, records, bodies, strict=True)
        ])
        messages = self.create([
            prepare_vals(conversation, record, body, mail_message)
            for conversation, record, body, mail_message in zip(targets, records, bodies,
                                                                chatter, strict=True)
        ])
        by_conversation = defaultdict(self.browse)
        for message in messages:
            by_conversation[message.conversation_id] |= message
        return messages, by_conversation

    @api.model
    def _inbound_body(self, record):
        """The text stored for a customer message (``webhook.Message``)."""
        if record.kind == "order":
            return "\n".join(filter(None, [
                self.env._("Order of %s item(s)", record.order_items), record.body]))
        if record.kind == "unsupported":
            return record.body or self.env._("Unsupported message")
        return record.body

    @api.model
    def _prepare_inbound_vals(self, conversation, record, body, mail_message):
        media = record.media
        return {
            "conversation_id": conversation.id,
            # given, so that the stored related field is not computed again with an UPDATE
            "company_id": conversation.company_id.id,
            "direction": "in",
            "status": "received",
            "message_type": record.kind,
            "body": body,
            "wamid": record.wamid,
            "timestamp": record.timestamp,
            "reply_to_wamid": record.reply_to or False,
            "choice_id": record.choice_id or False,
            "choice_title": (record.choice_id and record.body) or False,
            "mail_message_id": mail_message.id,
            "media_id": media.id if media else False,
            "media_mime_type": (media and media.mime_type) or False,
            "media_sha256": (media and media.sha256) or False,
            "media_filename": (media and media.filename) or False,
            "media_state": "to_download" if media else False,
        }

    @api.model
    def _apply_statuses(self, items):
        """Apply Meta's statuses to our outbound messages.

        Statuses only move forward (see ``webhook.STATUS_REPLACES``); a ``failed`` one moves
        the conversation to the Errors tab. A status of a wamid not recorded (yet) is held
        until it is (``whatsapp.inbox.message.status``): Meta may report a message sent
        before the sending transaction stored its wamid.

        :param list items: ``[(connection, webhook.Status)]``, the connection whose
            signature the status came with: it only touches that connection's messages
        :return: the messages whose status changed
        """
        if not items:
            return self.browse()
        items = sorted(items, key=lambda item: item[1].timestamp)
        by_wamid = {message.wamid: message for message in self.search(
            [("wamid", "in", list({status.wamid for _connection, status in items}))])}
        changed, unknown = self.browse(), []
        for connection, status in items:
            new = status.status
            if new not in STATUS_REPLACES:
                _logger.info("WhatsApp: ignored status %r of %s", new, status.wamid)
                continue
            message = by_wamid.get(status.wamid)
            if not message or message.connection_id != connection:
                unknown.append((connection, status))
                continue
            if message.status not in STATUS_REPLACES[new]:
                continue
            if new == "failed":
                message._fail(status.error_code or "unknown", status.error_reason
                              or self.env._("Meta reported the message as failed."))
            else:
                message.status = new
            changed |= message
        if unknown:
            self.env["whatsapp.inbox.message.status"]._hold(unknown)
        return changed
