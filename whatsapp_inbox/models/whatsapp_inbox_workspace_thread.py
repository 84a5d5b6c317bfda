"""Server side of the Inbox workspace, middle and right columns (static/src/workspace/):
the conversation's header, its thread page by page, and the client panel. Read through the
ORM as the user; message bodies go out as plain text, never as HTML. A thread is the last
messages of one ``(model, res_id)``, whatever the conversation's length."""

import json
import re

from odoo import api, models
from odoo.tools import html2plaintext

from ..tools.graph_api import failure_message

THREAD_PAGE = 30
COORDINATES = re.compile(r"\((-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\)\s*$")


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    # ------------------------------------------------------------
    # Middle column: the conversation
    # ------------------------------------------------------------

    @api.model
    def workspace_open(self, conversation_id):
        """Everything to show a conversation: header, last messages, client panel."""
        conversation = self.browse(conversation_id)
        conversation.check_access("read")
        return {
            "conversation": conversation._workspace_header(),
            "messages": conversation._workspace_messages(),
            "panel": conversation._workspace_panel(),
        }

    @api.model
    def workspace_sync(self, conversation_id, after_id=0, message_ids=()):
        """What changed in an open conversation: the header, the client panel, messages
        newer than ``after_id`` and the current state of WhatsApp messages
        ``message_ids`` (ticks, failures, downloaded media)."""
        conversation = self.browse(conversation_id)
        conversation.check_access("read")
        wa_messages = self.env["whatsapp.inbox.message"].search([
            ("id", "in", list(message_ids)), ("conversation_id", "=", conversation.id),
            ("mail_message_id", "!=", False)])
        return {
            "conversation": conversation._workspace_header(),
            "messages": conversation._workspace_messages(after_id=after_id, limit=200),
            "updated": conversation._workspace_bubbles(wa_messages.mail_message_id),
            "panel": conversation._workspace_panel(),
        }

    @api.model
    def workspace_thread(self, conversation_id, before_id):
        """The page of messages older than ``before_id`` (scrolling up)."""
        conversation = self.browse(conversation_id)
        conversation.check_access("read")
        return conversation._workspace_messages(before_id=before_id)

    def _workspace_header(self):
        self.ensure_one()
        failed = self.last_failed_message_id
        return {
            "id": self.id,
            "name": self.name or "",
            "number": self.phone or self.wa_id or "",
            "username": self.username or "",
            "channel": self.channel,
            "email": self.email or "",
            "connection": self.connection_id.name or "",
            "state": self.state,
            "awaiting_answer": self.awaiting_answer,
            "agent": self._workspace_named(self.user_id),
            "department": self.department_id.name or "",
            "unread": self.unread,
            "window_expires_at": self.window_expires_at,
            "window_open": self.window_open,
            "opted_out": self.opted_out,
            "handled_by": self.handled_by,
            "username_only": self.username_only,
            "error": self.state == "error" and {
                "type": self.error_type or "unknown",
                "message": self.error_message,
                "reason": self.error_reason or "",
                "message_id": failed.mail_message_id.id,
            },
        }

    def _workspace_messages(self, before_id=None, after_id=None, limit=THREAD_PAGE):
        """The newest ``limit`` lines of the thread (older than ``before_id``, newer than
        ``after_id``), oldest first; indexed by ``mail_message (model, res_id, id)``."""
        self.ensure_one()
        domain = [("model", "=", self._name), ("res_id", "=", self.id),
                  ("message_type", "!=", "user_notification")]
        if before_id:
            domain.append(("id", "<", before_id))
        if after_id:
            domain.append(("id", ">", after_id))
        lines = self.env["mail.message"].search(domain, order="id desc", limit=limit)
        return self._workspace_bubbles(lines)

    def _workspace_bubbles(self, lines):
        """Chat bubbles of mail.message ``lines`` (oldest first): WhatsApp messages with
        their ticks, failure, quote and media; SMS, e-mails and calls; internal notes;
        system lines."""
        self.ensure_one()
        if not lines:
            return []
        WaMessage = self.env["whatsapp.inbox.message"]
        wa_by_line = {wa.mail_message_id.id: wa for wa in WaMessage.search(
            [("mail_message_id", "in", lines.ids)])}
        quoted_wamids = {wa.reply_to_wamid for wa in wa_by_line.values()
                         if wa.reply_to_wamid and wa.message_type != "reaction"}
        quoted = {wa.wamid: wa for wa in WaMessage.search(
            [("wamid", "in", list(quoted_wamids)), ("conversation_id", "=", self.id)])
        } if quoted_wamids else {}
        note = self.env.ref("mail.mt_note")
        bubbles = []
        for line in lines.sorted("id"):
            wa = wa_by_line.get(line.id)
            if wa:
                bubbles.append(self._workspace_wa_bubble(line, wa, quoted))
                continue
            body = html2plaintext(line.body or "").strip()
            attachments = _attachments(line.attachment_ids)
            if not body and not attachments:
                continue  # tracking-only lines: the header shows the current values
            is_note = line.message_type == "comment" and line.subtype_id == note
            bubble = {
                "id": line.id,
                "kind": "note" if is_note else "system",
                "date": line.date,
                "author": line.author_id.name or "",
                "body": body,
                "attachments": attachments,
            }
            channel = self._workspace_line_channel(line)
            if channel:
                bubble.update(kind="channel", channel=channel[0], direction=channel[1],
                              subject=line.subject or "")
            bubbles.append(bubble)
        return bubbles

    def _workspace_line_channel(self, line):
        """``(channel, direction)`` of a chatter line that is content exchanged on another
        channel than WhatsApp, else False (a system line or a note): an SMS sent, an
        e-mail sent (a comment in an e-mail conversation) or received, a call logged."""
        if line.message_type == "sms":
            return "sms", "out"
        if line.message_type == "email":
            return "email", "in"
        if (self.channel == "email" and line.message_type in ("comment", "email_outgoing")
                and line.subtype_id == self.env.ref("mail.mt_comment")):
            return "email", "out"
        if line.mail_activity_type_id == self.env.ref("mail.mail_activity_data_call"):
            return "voip", "out"
        return False

    def _workspace_wa_bubble(self, line, wa, quoted):
        bubble = {
            "id": line.id,
            "kind": "whatsapp",
            "date": line.date,
            "wa_id": wa.id,
            "direction": wa.direction,
            "type": wa.message_type,
            "body": wa.body or "",
            "status": wa.status,
            "wamid": wa.wamid or "",
            "author": self._workspace_sender(wa) if wa.direction == "out" else "",
            "attachments": _attachments(wa.attachment_ids),
            "media_state": wa.media_state or "",
            "filename": wa.media_filename or "",
            "template": wa.template_id.display_name or "",
            "failure": wa.status == "failed" and {
                "type": wa.failure_type or "unknown",
                "message": failure_message(self.env, wa.failure_type),
                "reason": wa.failure_reason or "",
            },
        }
        if wa.message_type == "reaction":
            bubble["reacts_to"] = wa.reply_to_wamid or ""
        elif wa.reply_to_wamid:
            target = quoted.get(wa.reply_to_wamid)
            body = target._preview() if target else self.env._("Original message")
            if target and (target.interactive_payload or target.request_contact_info):
                # a choice answers the question: quote it, not the whole menu
                body = (_interactive_bubble(target) or {}).get("body") or body
            bubble["quote"] = {
                "wamid": wa.reply_to_wamid,
                "direction": target.direction if target else "",
                "body": body,
            }
        if wa.interactive_payload or wa.request_contact_info:
            bubble["interactive"] = _interactive_bubble(wa)
        if wa.choice_id or wa.choice_title:
            bubble["choice"] = {"id": wa.choice_id or "", "title": wa.choice_title or ""}
        if wa.message_type == "location":
            match = COORDINATES.search(wa.body or "")
            if match:
                bubble["location"] = {"lat": match.group(1), "lng": match.group(2)}
        return bubble

    # ------------------------------------------------------------
    # Right column: the client panel
    # ------------------------------------------------------------

    def _workspace_panel(self):
        self.ensure_one()
        partner = self.partner_id
        panel = {
            "profile_name": self.contact_name or "",
            "number": self.phone or ("" if self.username_only else self.wa_id) or "",
            "username": self.username or "",
            "bsuid": self.bsuid or "",
            "parent_bsuid": self.parent_bsuid or "",
            "lead_status_id": self.lead_status_id.id,
            "origin": self.origin_id.name or "",
            "tags": [{"id": tag.id, "name": tag.name, "color": tag.color}
                     for tag in self.tag_ids],
            "partner": False,
            "earlier": [],
        }
        if not partner:
            return panel
        panel["partner"] = {
            "id": partner.id,
            "name": partner.name or "",
            "vat": partner.vat or "",
            "email": partner.email or "",
            "phone": partner.phone or "",
            "mobile": partner.mobile or "",
            "address": partner._display_address(without_company=True).strip(),
            "company": partner.parent_id.name or partner.company_name or "",
            "origin": partner.whatsapp_inbox_origin_id.name or "",
        }
        # the model's order: the latest message first
        earlier = self.search([("partner_id", "=", partner.id), ("id", "!=", self.id)],
                              limit=10)
        panel["earlier"] = [{
            "id": conversation.id,
            "connection": conversation.connection_id.name or conversation.channel,
            "state": conversation.state,
            "last_message_at": conversation.last_message_at,
            "preview": conversation.last_message_preview or "",
        } for conversation in earlier]
        return panel

    @api.model
    def _workspace_sender(self, wa):
        """Who wrote an outbound message: the agent, else where it was written (the
        Business app, Meta's agent, the history import), else an automation."""
        if wa.author_id:
            return wa.author_id.name
        if wa.origin != "messages":
            return dict(wa._fields["origin"]._description_selection(self.env))[wa.origin]
        return self.env._("Bot")


def _interactive_bubble(wa):
    """The interactive message ``wa`` as the thread draws it, WhatsApp's way: the texts,
    then its reply buttons, list (button label and rows by section) or link button."""
    if wa.request_contact_info:
        return {"type": "request_contact_info", "body": wa.body or "", "header": "",
                "footer": ""}
    try:
        payload = json.loads(wa.interactive_payload)
    except ValueError:
        return False
    if not isinstance(payload, dict):
        return False
    action = payload.get("action") or {}
    result = {
        "type": payload.get("type") or "",
        "header": (payload.get("header") or {}).get("text") or "",
        "body": (payload.get("body") or {}).get("text") or "",
        "footer": (payload.get("footer") or {}).get("text") or "",
    }
    if result["type"] == "button":
        result["buttons"] = [(button.get("reply") or {}).get("title") or ""
                             for button in action.get("buttons") or []]
    elif result["type"] == "list":
        result["button"] = action.get("button") or ""
        result["sections"] = [{
            "title": section.get("title") or "",
            "rows": [{"id": row.get("id") or "", "title": row.get("title") or "",
                      "description": row.get("description") or ""}
                     for row in section.get("rows") or []],
        } for section in action.get("sections") or []]
    elif result["type"] == "cta_url":
        parameters = action.get("parameters") or {}
        result["display_text"] = parameters.get("display_text") or ""
        result["url"] = parameters.get("url") or ""
    return result


def _attachments(attachments):
    return [{"id": attachment.id, "name": attachment.name or "",
             "mimetype": attachment.mimetype or "", "size": attachment.file_size or 0}
            for attachment in attachments]
