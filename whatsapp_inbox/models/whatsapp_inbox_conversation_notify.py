import contextvars
from collections import defaultdict
from contextlib import contextmanager

from odoo import models

REFRESH = "whatsapp_inbox/refresh"
TOAST = "whatsapp_inbox/toast"
# The refreshes of a batch of deliveries, sent once at its end (see _refresh_once): savepoints
# flush precommit hooks, so a per-transaction hook would send one refresh per savepoint.
_BATCH = contextvars.ContextVar("whatsapp_inbox_refresh_batch", default=None)


class WhatsappInboxConversation(models.Model):
    """Live updates of the inbox: one refresh per transaction (or batch of deliveries) for the
    views of the agents of each company, and a toast per event for the agents concerned."""

    _inherit = "whatsapp.inbox.conversation"

    def _notify_refresh(self, messages=None):
        """Tell the inbox views that these conversations (and ``messages``, whose content or
        status changed) changed.

        Collected and sent once, when the transaction commits (or at the end of the batch of
        deliveries): one ``whatsapp_inbox/refresh`` notification per company,
        ``{"ids": [conversation ids], "message_ids": [message ids]}``, on the channel
        ``(company, "whatsapp_inbox")`` its agents listen to (see ``ir.websocket``). Only
        ids: clients read the records through RPC, with their access rights.
        """
        pending = _BATCH.get()
        if pending is None:
            cr = self.env.cr
            pending = cr.precommit.data.get("whatsapp_inbox.refresh")
            if pending is None:
                pending = cr.precommit.data["whatsapp_inbox.refresh"] = defaultdict(
                    lambda: (set(), set()))
                cr.precommit.add(self._send_refresh)
        for conversation in self:
            pending[conversation.company_id.id][0].add(conversation.id)
        for message in messages or ():
            ids, message_ids = pending[message.company_id.id]
            ids.add(message.conversation_id.id)
            message_ids.add(message.id)

    def _send_refresh(self, pending=None):
        if pending is None:
            pending = self.env.cr.precommit.data.pop("whatsapp_inbox.refresh", {})
        # sudo: bus.bus - notifications of the inbox, whoever triggers them
        Bus = self.env["bus.bus"].sudo()
        for company_id, (ids, message_ids) in pending.items():
            Bus._sendone((self.env["res.company"].browse(company_id), "whatsapp_inbox"), REFRESH,
                         {"ids": sorted(ids), "message_ids": sorted(message_ids)})

    @contextmanager
    def _refresh_once(self):
        """Collect the refreshes of the block and send them once, at its end (when it does
        not raise): a batch of deliveries makes one notification, however many it holds."""
        pending = defaultdict(lambda: (set(), set()))
        token = _BATCH.set(pending)
        try:
            yield
        finally:
            _BATCH.reset(token)
        self._send_refresh(pending)

    def _notify_inbound(self, messages):
        """Customer ``messages`` arrived: refresh the views, and toast whoever must answer."""
        self._notify_refresh(messages)
        last = {message.conversation_id: message for message in messages}
        for conversation in self.filtered(lambda c: c.state in ("waiting", "open", "error")):
            conversation._notify_agents(self.env._("%(name)s: %(text)s", name=conversation.name,
                                                   text=last[conversation]._preview()),
                                        new_message=True)

    def _notify_agents(self, message, new_message=False):
        """A toast for the assigned agent, or the department's members of the
        conversation's company when unassigned."""
        self.ensure_one()
        for user in self.user_id or self.department_id.member_ids.filtered(
                lambda u: self.company_id in u.company_ids):
            self._toast(user, message, new_message=new_message)

    def _toast(self, user, message, new_message=False):
        """A passing notification in ``user``'s web client, ``TOAST``
        ``{"conversation_id", "title", "message", "new_message"}``. The toast of a customer's
        new message (``new_message``) is not shown where the Inbox workspace already shows
        its conversation: the message appears there (static/src/core/toast_service.js)."""
        self.ensure_one()
        self.env["bus.bus"]._sendone(user.partner_id, TOAST, {
            "conversation_id": self.id, "title": self.env._("WhatsApp"), "message": message,
            "new_message": new_message})
