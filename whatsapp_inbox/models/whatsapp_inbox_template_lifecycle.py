from odoo import api, fields, models

CATEGORIES = ("MARKETING", "UTILITY", "AUTHENTICATION")


class WhatsappInboxTemplate(models.Model):
    """What Meta says about a template after its approval: status, quality score and
    category changes, each kept in the template's history."""

    _inherit = "whatsapp.inbox.template"

    quality_score = fields.Selection(
        [("GREEN", "High"), ("YELLOW", "Medium"), ("RED", "Low"), ("UNKNOWN", "Pending")],
        readonly=True, help="Meta's quality rating: a low one leads to the template being "
                            "paused, then disabled.")
    category_scheduled = fields.Char(
        "Recategorised as", readonly=True,
        help="The category Meta announced it will give the template.")
    category_scheduled_at = fields.Datetime("Recategorised on", readonly=True)
    history_ids = fields.One2many("whatsapp.inbox.template.history", "template_id",
                                  readonly=True)

    @api.model
    def _apply_lifecycle_updates(self, items):
        """``message_template_quality_update`` and ``template_category_update``.

        :param list items: ``[(connection, webhook.TemplateUpdate)]``
        :return: the templates updated
        """
        updated = self.browse()
        for (_connection, update), template in self._templates_of(items).items():
            if update.kind == "quality":
                template.quality_score = update.new if update.new in dict(
                    self._fields["quality_score"].selection) else False
            elif update.scheduled_at:
                template.write({"category_scheduled": update.new,
                                "category_scheduled_at": update.scheduled_at})
            elif update.new in CATEGORIES:
                template.write({"category": update.new, "category_scheduled": False,
                                "category_scheduled_at": False})
            template._log_history(update.kind, update.previous, update.new, self.env._(
                "on %s", fields.Datetime.to_string(update.scheduled_at))
                if update.scheduled_at else "")
            updated |= template
        return updated

    def _log_history(self, kind, previous, new, note=""):
        self.ensure_one()
        self.env["whatsapp.inbox.template.history"].create({
            "template_id": self.id, "kind": kind, "previous": previous or False,
            "new": new or False, "note": note or False})


class WhatsappInboxTemplateHistory(models.Model):
    """One change Meta reported about a template."""

    _name = "whatsapp.inbox.template.history"
    _description = "WhatsApp Template History"
    _order = "create_date desc, id desc"

    template_id = fields.Many2one("whatsapp.inbox.template", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="template_id.company_id", store=True)
    kind = fields.Selection([("status", "Status"), ("quality", "Quality"),
                             ("category", "Category")], required=True)
    previous = fields.Char()
    new = fields.Char()
    note = fields.Char()
