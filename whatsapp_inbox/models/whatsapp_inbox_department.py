from odoo import fields, models


class WhatsappInboxDepartment(models.Model):
    _name = "whatsapp.inbox.department"
    _description = "WhatsApp Inbox Department"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company,
                                 help="Empty: shared by all companies.")
    member_ids = fields.Many2many(
        "res.users", string="Members", domain=[("share", "=", False)],
        help="Agents who answer this department's conversations.",
    )
    color = fields.Integer()
    auto_assign = fields.Boolean(
        help="Give Waiting conversations to members in turn (round-robin).")
    max_open_per_agent = fields.Integer(
        "Open conversations per agent", default=10,
        help="Round-robin skips members who already have this many Open or Waiting ones.")

    def _next_agent(self, company):
        """The member working for ``company`` with the fewest Waiting and Open
        conversations, under the department's cap and their own (ties: the lowest id);
        nobody when all are at their cap.

        Computed from the conversations themselves, so concurrent webhooks never
        fight over a shared "last assigned" row.
        """
        self.ensure_one()
        members = self.member_ids.filtered(lambda m: company in m.company_ids).sorted("id")
        loads = dict(self.env["whatsapp.inbox.conversation"]._read_group(
            [("user_id", "in", members.ids), ("state", "in", ("waiting", "open"))],
            ["user_id"], ["__count"]))
        available = members.filtered(lambda m: loads.get(m, 0) < min(
            self.max_open_per_agent, m.whatsapp_inbox_max_open or self.max_open_per_agent))
        return min(available, key=lambda m: (loads.get(m, 0), m.id), default=members.browse())
