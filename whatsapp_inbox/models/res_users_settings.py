from odoo import fields, models


class ResUsersSettings(models.Model):
    _inherit = "res.users.settings"

    whatsapp_inbox_filters = fields.Json(
        "WhatsApp Inbox filters",
        help="Agent, department, connection and tags the user last filtered the Inbox by.")
