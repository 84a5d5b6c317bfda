from odoo import api, models

# The inbox's tab menus that hold the conversations of one state.
STATE_TABS = {
    "new": "whatsapp_inbox.whatsapp_inbox_conversation_menu_new",
    "waiting": "whatsapp_inbox.whatsapp_inbox_conversation_menu_waiting",
    "open": "whatsapp_inbox.whatsapp_inbox_conversation_menu_open",
    "bot": "whatsapp_inbox.whatsapp_inbox_conversation_menu_bot",
    "done": "whatsapp_inbox.whatsapp_inbox_conversation_menu_done",
    "error": "whatsapp_inbox.whatsapp_inbox_conversation_menu_error",
}


class IrUiMenu(models.Model):
    _inherit = "ir.ui.menu"

    @api.model
    def whatsapp_inbox_tab_counts(self):
        """How many conversations each tab of the inbox holds, as the current user
        sees them (record rules apply): ``{menu xmlid: count}``.

        Three queries whatever the volume: one grouped count by state (its index),
        one for Unread and one for Mine (theirs, not finalized: as the Inbox's Mine)."""
        Conversation = self.env["whatsapp.inbox.conversation"]
        by_state = dict(Conversation._read_group([], ["state"], ["__count"]))
        counts = {menu: by_state.get(state, 0) for state, menu in STATE_TABS.items()}
        counts["whatsapp_inbox.whatsapp_inbox_conversation_menu"] = sum(by_state.values())
        counts["whatsapp_inbox.whatsapp_inbox_conversation_menu_unread"] = \
            Conversation.search_count([("unread", "=", True)])
        counts["whatsapp_inbox.whatsapp_inbox_conversation_menu_mine"] = \
            Conversation.search_count([("user_id", "=", self.env.uid), ("state", "!=", "done")])
        return counts
