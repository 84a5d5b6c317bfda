from odoo import fields, models


class WhatsappInboxTransfer(models.TransientModel):
    """Hand conversations to another agent and/or department."""

    _name = "whatsapp.inbox.transfer"
    _description = "Transfer WhatsApp Conversations"

    conversation_ids = fields.Many2many("whatsapp.inbox.conversation", required=True)
    user_id = fields.Many2one(
        "res.users", "Agent",
        domain=lambda self: [("share", "=", False),
                             ("groups_id", "in", self.env.ref("whatsapp_inbox.group_agent").id)])
    department_id = fields.Many2one("whatsapp.inbox.department")
    note = fields.Text()

    def action_transfer(self):
        self.ensure_one()
        self.conversation_ids._transfer(self.user_id, self.department_id, self.note)
        return {"type": "ir.actions.act_window_close"}
