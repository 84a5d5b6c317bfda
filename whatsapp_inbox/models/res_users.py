from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    whatsapp_inbox_max_open = fields.Integer(
        "Most conversations at once",
        help="WhatsApp Inbox: the most Waiting and Open conversations this agent holds; "
             "round-robin gives no more beyond it. 0: no cap of their own (the department's "
             "applies).")
