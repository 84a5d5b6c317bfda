from odoo import fields, models


class WhatsappInboxDepartment(models.Model):
    _name = "whatsapp.inbox.department"
    _description = "WhatsApp Inbox Department"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", index=True, default=lambda self: self.env.company)
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
    last_assigned_user_id = fields.Many2one("res.users", readonly=True, copy=False)

    def _next_agent(self):
        """The member after the last one served who is under the cap, or nothing."""
        self.ensure_one()
        members = self.member_ids.sorted("id")
        if not members:
            return members
        loads = dict(self.env["whatsapp.inbox.conversation"]._read_group(
            [("user_id", "in", members.ids), ("state", "in", ("waiting", "open"))],
            ["user_id"], ["__count"]))
        start = (list(members).index(self.last_assigned_user_id) + 1
                 if self.last_assigned_user_id in members else 0)
        for offset in range(len(members)):
            member = members[(start + offset) % len(members)]
            if loads.get(member, 0) < self.max_open_per_agent:
                self.last_assigned_user_id = member
                return member
        return members.browse()
