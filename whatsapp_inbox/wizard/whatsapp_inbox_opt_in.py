from odoo import fields, models


class WhatsappInboxOptIn(models.TransientModel):
    """An agent records that the customer agreed again to receive templates, and how."""

    _name = "whatsapp.inbox.opt.in"
    _description = "Record a WhatsApp Opt-in"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True,
                                      ondelete="cascade")
    note = fields.Char(
        "How did the customer agree?", required=True,
        help="Kept in the consent ledger, e.g. “asked by phone on 3 March to receive our "
             "offers again”.")

    def action_record(self):
        self.ensure_one()
        self.env["whatsapp.inbox.consent"]._record(
            self.conversation_id, "opt_in", "agent", note=self.note)
        return {"type": "ir.actions.act_window_close"}
