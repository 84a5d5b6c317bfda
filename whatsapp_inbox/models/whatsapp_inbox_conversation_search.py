import re

from odoo import api, fields, models
from odoo.tools import create_index

# Shortest run of digits searched as a phone number: fewer would match most numbers.
MIN_PHONE_DIGITS = 3
# The kanban view's default_order, as index columns
KANBAN_ORDER = ["waiting_since", "last_message_at DESC", "id DESC"]
# A search in message text looks at this many of the newest matching messages: a word
# found in 1 message in 10 would otherwise make every page and count of the search read
# ~100,000 messages (seconds); a rarer text (an order number) is found whatever its age.
MESSAGE_SEARCH_LIMIT = 1000


def only_digits(text):
    return re.sub(r"\D", "", text or "")


class WhatsappInboxConversation(models.Model):
    """How conversations are found among hundreds of thousands: the indexes behind the
    tabs, their counts and the customer search."""

    _inherit = "whatsapp.inbox.conversation"

    phone_digits = fields.Char(
        compute="_compute_phone_digits", store=True, index="trigram",
        help="The customer's number as digits (and their WhatsApp id when it differs), "
             "so that a number typed in any format finds them.")
    customer_search = fields.Char(
        "Customer", compute="_compute_customer_search", search="_search_customer_search",
        help="Search by name, WhatsApp profile name, username, or number in any format.")
    message_search = fields.Char(
        "Message text", compute="_compute_message_search", search="_search_message_search",
        help="Conversations with one of the 1,000 most recent messages containing the text.")

    def _auto_init(self):
        result = super()._auto_init()  # pylint: disable=assignment-from-no-return
        # tabs and their counts filter on state under the company rule: one index serves both
        create_index(self.env.cr, "whatsapp_inbox_conversation_state_company_id_index",
                     self._table, ["state", "company_id"])
        # the kanban's order (Waiting first, then by last message) within a tab and in
        # Unread: its first cards come from an index, not from sorting all of Finalized
        create_index(self.env.cr, "whatsapp_inbox_conversation_state_kanban_index",
                     self._table, ["state", *KANBAN_ORDER])
        create_index(self.env.cr, "whatsapp_inbox_conversation_unread_kanban_index",
                     self._table, KANBAN_ORDER, where="unread")
        # and in All and Mine, which are not grouped by state
        create_index(self.env.cr, "whatsapp_inbox_conversation_kanban_index",
                     self._table, KANBAN_ORDER)
        return result

    @api.model
    def web_read_group(self, domain, fields, groupby, limit=None, offset=0, orderby=False,  # pylint: disable=redefined-outer-name
                       lazy=True):
        """Grouped by state, Finalized comes folded, as a won stage in CRM: it is history,
        and the column that would read the most rows."""
        result = super().web_read_group(domain, fields, groupby, limit=limit, offset=offset,
                                        orderby=orderby, lazy=lazy)
        if groupby and groupby[0] == "state":
            for group in result["groups"]:
                if group.get("state") == "done":
                    group["__fold"] = True
        return result

    @api.depends("phone", "wa_id")
    def _compute_phone_digits(self):
        for conversation in self:
            numbers = [only_digits(conversation.phone)]
            if conversation.wa_id and conversation.wa_id.isdigit():
                numbers.append(conversation.wa_id)
            conversation.phone_digits = " ".join(dict.fromkeys(filter(None, numbers))) or False

    def _compute_customer_search(self):
        self.customer_search = False

    def _compute_message_search(self):
        self.message_search = False

    def _search_customer_search(self, operator, value):
        """Each term is served by a trigram index; a value holding a phone number
        (``98765-4321``, ``+55 (11) 98765-4321``) is matched on its digits."""
        if operator not in ("ilike", "not ilike") or not isinstance(value, str):
            return NotImplemented
        domain = ["|", "|", ("name", "ilike", value), ("contact_name", "ilike", value),
                  ("username", "ilike", value)]
        digits = only_digits(value)
        if len(digits) >= MIN_PHONE_DIGITS:
            domain = ["|", ("phone_digits", "ilike", digits)] + domain
        return domain if operator == "ilike" else ["!"] + domain

    def _search_message_search(self, operator, value):
        """The conversations of the ``MESSAGE_SEARCH_LIMIT`` newest messages whose text
        contains ``value``: the newest first from the primary key when the text is common,
        from the trigram index when it is rare, and never more than that many rows for the
        pages and counts of the search. Other operators keep their exact meaning.

        The conversations are read first (one query, at most that many rows) and given
        as a list: OR-ed with the name and number terms, every branch is then an index
        (a sub-select there made PostgreSQL scan every conversation)."""
        if operator != "ilike" or not isinstance(value, str):
            return [("wa_message_ids.body", operator, value)]
        newest = self.env["whatsapp.inbox.message"]._search(
            [("body", "ilike", value)], order="id desc", limit=MESSAGE_SEARCH_LIMIT)
        self.env.cr.execute(newest.select("conversation_id"))
        return [("id", "in", list({row[0] for row in self.env.cr.fetchall()}))]
