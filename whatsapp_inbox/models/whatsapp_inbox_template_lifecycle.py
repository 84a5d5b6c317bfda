from odoo import api, fields, models


class WhatsappInboxTemplate(models.Model):
    """What Meta's webhooks say about a template after its submission: status, quality
    score and category changes, each kept in the template's history."""

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
    def _apply_status_updates(self, items):
        """Apply ``message_template_status_update`` webhooks.

        :param list items: ``[(connection, webhook.TemplateUpdate)]``
        :return: the templates updated
        """
        updated = self.browse()
        statuses = dict(self._fields["status"].selection)
        for (_connection, update), template in self._templates_of(items).items():
            if update.event not in statuses:
                continue
            previous, reason = template.status, update.reason
            reason = reason if reason and reason != "NONE" else False
            template.write({"status": update.event, "rejected_reason": reason})
            if previous != update.event:
                template._log_history("status", previous, update.event, reason)
            updated |= template
        return updated

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
            elif update.new in dict(self._fields["category"].selection):
                template.write({"category": update.new, "category_scheduled": False,
                                "category_scheduled_at": False})
            template._log_history(update.kind, update.previous, update.new, self.env._(
                "on %s", fields.Datetime.to_string(update.scheduled_at))
                if update.scheduled_at else "")
            updated |= template
        return updated

    @api.model
    def _templates_of(self, items):
        """``{(connection, update): template}`` of the updates whose template is known
        (by Meta's id, else by name and language on the update's connection)."""
        result = {}
        for connection, update in items:
            domain = ["&", ("name", "=", update.name), ("language", "=", update.language)]
            if update.template_id:
                domain = ["|", ("meta_id", "=", update.template_id), *domain]
            template = self.with_context(active_test=False).search(
                [("connection_id", "=", connection.id), *domain], limit=1)
            if template:
                result[(connection, update)] = template
        return result

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
