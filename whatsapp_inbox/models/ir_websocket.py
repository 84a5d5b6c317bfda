from odoo import models


class IrWebsocket(models.AbstractModel):
    _inherit = "ir.websocket"

    def _build_bus_channel_list(self, channels):
        """Agents listen to the inbox refreshes of their companies (one channel per company,
        see ``whatsapp.inbox.conversation._notify_refresh``)."""
        channels = list(channels)
        user = self.env.user
        if user.has_group("whatsapp_inbox.group_agent"):
            channels += [(company, "whatsapp_inbox") for company in user.company_ids]
        return super()._build_bus_channel_list(channels)
