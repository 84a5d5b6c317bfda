"""Server side of the Inbox workspace (static/src/workspace/): what its three columns read,
page by page (its actions: whatsapp_inbox_workspace_actions.py).

Everything is read through the ORM as the user, so record rules apply; message bodies go
out as plain text, never as HTML. Designed for 100,000 conversations and 1,000,000
messages: pages come from indexed orders (see ``init``), the tab counts from four indexed
queries and a thread from the last messages of one ``(model, res_id)``.
"""

import json
import re

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext
from odoo.tools.sql import create_index

from .whatsapp_inbox_message import FAILURE_MESSAGES

PAGE = 40
THREAD_PAGE = 30
CHOICES = 500  # at most this many agents, departments, numbers, tags in the filters
ORDER_RECENT = "last_message_at desc, id desc"
ORDER_WAITING = "waiting_since asc, id asc"
# The queues of the left column: the documents' four, then one per state.
TABS = ("waiting", "unread", "mine", "all", "new", "open", "bot", "done", "error")
STATES = ("new", "waiting", "open", "bot", "done", "error")
ACTIVE = ("new", "waiting", "open", "bot", "error")  # all but Finalized
COUNT_CAP = 10000
COORDINATES = re.compile(r"\((-?\d+(?:\.\d+)?),\s*(-?\d+(?:\.\d+)?)\)\s*$")


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    def init(self):
        result = super().init()
        # One index per order of the workspace's tabs, so the first page of any tab is
        # an index range scan whatever the number of conversations (bench/workspace.py).
        table = self._table
        create_index(self._cr, "whatsapp_inbox_conversation_recent_idx", table,
                     ["last_message_at", "id"])
        create_index(self._cr, "whatsapp_inbox_conversation_state_recent_idx", table,
                     ["state", "last_message_at", "id"])
        create_index(self._cr, "whatsapp_inbox_conversation_waiting_idx", table,
                     ["waiting_since", "id"], where="state = 'waiting'")
        create_index(self._cr, "whatsapp_inbox_conversation_unread_idx", table,
                     ["last_message_at", "id"], where="unread")
        # Mine: an agent's conversations still to attend, however many they finalized
        create_index(self._cr, "whatsapp_inbox_conversation_user_state_idx", table,
                     ["user_id", "state", "last_message_at"], where="user_id IS NOT NULL")
        return result

    # ------------------------------------------------------------
    # Left column: the queues
    # ------------------------------------------------------------

    @api.model
    def workspace_setup(self):
        """What the workspace needs once: filter choices, thresholds, saved filters."""
        agent_group = self.env.ref("whatsapp_inbox.group_agent")
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.env.user)
        return {
            "uid": self.env.uid,
            "thresholds": self.new({}).wait_thresholds,
            "filters": settings.with_user(self.env.user).whatsapp_inbox_filters or {},
            "agents": self.env["res.users"].search_read(
                [("groups_id", "in", agent_group.ids), ("share", "=", False)], ["name"],
                limit=CHOICES),
            "departments": self.env["whatsapp.inbox.department"].search_read(
                [], ["name"], limit=CHOICES),
            "connections": self.env["whatsapp.inbox.connection"].search_read(
                [], ["name"], limit=CHOICES),
            "tags": self.env["whatsapp.inbox.tag"].search_read(
                [], ["name", "color"], limit=CHOICES),
            "lead_statuses": self.env["whatsapp.inbox.lead.status"].search_read(
                [], ["name", "color"], limit=CHOICES),
        }

    @api.model
    def workspace_save_filters(self, filters):
        """Keep the user's filters (agent, department, connection, tags) for next time."""
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.env.user)
        settings.with_user(self.env.user).whatsapp_inbox_filters = self._workspace_clean_filters(
            filters)
        return True

    @api.model
    def _workspace_clean_filters(self, filters):
        filters = filters if isinstance(filters, dict) else {}
        clean = {}
        for key in ("user_id", "department_id", "connection_id"):
            value = filters.get(key)
            if isinstance(value, int) or (key == "user_id" and value == "none"):
                clean[key] = value
        tags = filters.get("tag_ids")
        if isinstance(tags, list) and all(isinstance(tag, int) for tag in tags):
            clean["tag_ids"] = tags
        return clean

    @api.model
    def _workspace_filter_domain(self, filters):
        """Domain of the filters bar: ``{"user_id": id or "none", "department_id",
        "connection_id", "tag_ids": [ids]}`` (tags: any of them)."""
        filters = self._workspace_clean_filters(filters)
        domain = []
        if "user_id" in filters:
            domain.append(("user_id", "=", False if filters["user_id"] == "none"
                           else filters["user_id"]))
        for key in ("department_id", "connection_id"):
            if key in filters:
                domain.append((key, "=", filters[key]))
        if filters.get("tag_ids"):
            domain.append(("tag_ids", "in", filters["tag_ids"]))
        return domain

    @api.model
    def _workspace_tab_domain(self, tab):
        if tab == "unread":
            return [("unread", "=", True)]
        if tab == "mine":
            return [("user_id", "=", self.env.uid), ("state", "in", ACTIVE)]
        if tab == "all":
            return []
        if tab in STATES:
            return [("state", "=", tab)]
        raise UserError(self.env._("Unknown inbox tab: %s", tab))

    @api.model
    def _workspace_search_domain(self, search):
        """Name, number (typed with or without spaces) or text of the last message."""
        search = (search or "").strip()
        if not search:
            return []
        # both fields have trigram indexes (see whatsapp_inbox_conversation_search.py)
        return ["|", ("customer_search", "ilike", search),
                ("last_message_preview", "ilike", search)]

    @api.model
    def workspace_list(self, tab, filters=None, search="", offset=0, limit=PAGE):
        """One page of a tab: ``offset``/``limit`` over an indexed order (Waiting
        oldest first, the others by last message).

        :return: ``{"rows": [row dicts, see _workspace_rows], "more": bool}``
        """
        limit = max(1, min(int(limit), 200))
        domain = (self._workspace_tab_domain(tab) + self._workspace_filter_domain(filters)
                  + self._workspace_search_domain(search))
        order = ORDER_WAITING if tab == "waiting" else ORDER_RECENT
        conversations = self.search_fetch(domain, self._workspace_row_fields(),
                                          offset=int(offset), limit=limit + 1, order=order)
        return {"rows": conversations[:limit]._workspace_rows(),
                "more": len(conversations) > limit}

    @api.model
    def _workspace_row_fields(self):
        return ["name", "phone", "wa_id", "username", "partner_id", "lead_status_id",
                "connection_id", "last_message_preview", "last_message_at", "unread", "state",
                "waiting_since", "user_id", "department_id", "channel", "handled_by"]

    def _workspace_rows(self):
        """One line per conversation; related names come in one query per model."""
        return [{
            "id": conversation.id,
            "name": conversation.name or "",
            "number": conversation.phone or conversation.username or conversation.wa_id or "",
            "partner_id": conversation.partner_id.id,
            "lead_status": _named(conversation.lead_status_id, "color"),
            "connection": conversation.connection_id.name or "",
            "preview": conversation.last_message_preview or "",
            "last_message_at": conversation.last_message_at,
            "unread": conversation.unread,
            "state": conversation.state,
            "waiting_since": conversation.waiting_since,
            "agent": _named(conversation.user_id),
            "department": conversation.department_id.name or "",
            "meta_agent": conversation.handled_by == "meta_agent",
        } for conversation in self]

    @api.model
    def workspace_counts(self, filters=None):
        """The badge of every tab, with the filters applied.

        Four indexed queries whatever the size of the inbox: the states still to attend,
        grouped; Unread and Mine; and Finalized, which only grows, counted up to
        ``COUNT_CAP`` (its tab and All then read "10000+": ``capped`` lists them).
        """
        domain = self._workspace_filter_domain(filters)
        counts = dict.fromkeys(TABS, 0)
        for state, count in self._read_group(domain + [("state", "in", ACTIVE)], ["state"],
                                             ["__count"]):
            counts[state] = count
        counts["unread"] = self.search_count(domain + self._workspace_tab_domain("unread"))
        counts["mine"] = self.search_count(domain + self._workspace_tab_domain("mine"))
        counts["done"] = self.search_count(domain + [("state", "=", "done")], limit=COUNT_CAP)
        counts["all"] = sum(counts[state] for state in STATES)
        counts["capped"] = ["done", "all"] if counts["done"] >= COUNT_CAP else []
        return counts

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
            "connection": self.connection_id.name or "",
            "state": self.state,
            "agent": _named(self.user_id),
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
        their ticks, failure, quote and media; internal notes; system lines."""
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
            bubbles.append({
                "id": line.id,
                "kind": "note" if is_note else "system",
                "date": line.date,
                "author": line.author_id.name or "",
                "body": body,
                "attachments": attachments,
            })
        return bubbles

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
                "message": str(FAILURE_MESSAGES[wa.failure_type or "unknown"]),
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
        earlier = self.search([("partner_id", "=", partner.id), ("id", "!=", self.id)],
                              order=ORDER_RECENT, limit=10)
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


def _named(record, *extra):
    """``{"id", "name", *extra}`` of a many2one value, or False when empty."""
    if not record:
        return False
    return {"id": record.id, "name": record.name or "", **{f: record[f] for f in extra}}


def _attachments(attachments):
    return [{"id": attachment.id, "name": attachment.name or "",
             "mimetype": attachment.mimetype or "", "size": attachment.file_size or 0}
            for attachment in attachments]
