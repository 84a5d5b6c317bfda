import re

from odoo import api, fields, models
from odoo.tools import create_index

# Shortest run of digits searched as a phone number: fewer would match most numbers.
MIN_PHONE_DIGITS = 3
# The kanban view's default_order, as index columns
KANBAN_ORDER = ["waiting_since", "last_message_at DESC", "id DESC"]


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
