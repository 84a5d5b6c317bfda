import json
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

VARIABLE = re.compile(r"{{\s*(\d+)\s*}}")


class WhatsappInboxTemplate(models.Model):
    """A message template approved (or not) by Meta, synchronised from the WABA."""

    _name = "whatsapp.inbox.template"
    _description = "WhatsApp Template"
    _order = "connection_id, name, language"

    name = fields.Char(required=True, readonly=True)
    language = fields.Char(required=True, readonly=True)
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="connection_id.company_id", store=True)
    meta_id = fields.Char("Meta ID", readonly=True, index="btree_not_null")
    category = fields.Selection(
        [("MARKETING", "Marketing"), ("UTILITY", "Utility"),
         ("AUTHENTICATION", "Authentication")], readonly=True,
    )
    status = fields.Selection(
        [("APPROVED", "Approved"), ("PENDING", "Pending"), ("REJECTED", "Rejected"),
         ("PAUSED", "Paused"), ("DISABLED", "Disabled"), ("IN_APPEAL", "In appeal"),
         ("DELETED", "Deleted")],
        readonly=True, index=True,
    )
    rejected_reason = fields.Char(readonly=True)
    header = fields.Char(readonly=True)
    body = fields.Text(readonly=True)
    footer = fields.Char(readonly=True)
    buttons = fields.Char(readonly=True)
    variable_count = fields.Integer(compute="_compute_variable_count", store=True)
    variable_ids = fields.One2many("whatsapp.inbox.template.variable", "template_id",
                                   string="Variables")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("name_language_uniq", "unique(connection_id, name, language)",
         "A template exists only once per language on a connection."),
    ]

    @api.depends("body")
    def _compute_variable_count(self):
        for template in self:
            numbers = [int(n) for n in VARIABLE.findall(template.body or "")]
            template.variable_count = max(numbers, default=0)

    @api.depends("name", "language")
    def _compute_display_name(self):
        for template in self:
            template.display_name = f"{template.name} ({template.language})"

    # ------------------------------------------------------------
    # Synchronisation
    # ------------------------------------------------------------

    @api.model
    def _prepare_vals_from_meta(self, data):
        """Values of a template as the Graph API describes it (see
        ``WhatsAppCloudApi.list_templates``)."""
        components = {c.get("type"): c for c in data.get("components") or []}
        buttons = (components.get("BUTTONS") or {}).get("buttons") or []
        return {
            "meta_id": data.get("id"),
            "name": data["name"],
            "language": data["language"],
            "category": data.get("category") if data.get("category") in (
                "MARKETING", "UTILITY", "AUTHENTICATION") else False,
            "status": data.get("status"),
            "rejected_reason": data.get("rejected_reason") or False,
            "header": (components.get("HEADER") or {}).get("text") or False,
            "body": (components.get("BODY") or {}).get("text") or "",
            "footer": (components.get("FOOTER") or {}).get("text") or False,
            "buttons": " | ".join(b.get("text", "") for b in buttons) or False,
        }

    @api.model
    def _sync_connection(self, connection, remote_templates):
        """Create or update the templates of ``connection``; archive the vanished ones."""
        existing = self.with_context(active_test=False).search(
            [("connection_id", "=", connection.id)])
        by_key = {(t.name, t.language): t for t in existing}
        seen = self.browse()
        for data in remote_templates:
            if not data.get("name") or not data.get("language"):
                continue
            vals = self._prepare_vals_from_meta(data)
            template = by_key.get((vals["name"], vals["language"]))
            if template:
                template.write({**vals, "active": True})
            else:
                template = self.create({**vals, "connection_id": connection.id})
            seen |= template
        (existing - seen).write({"active": False})
        return seen

    @api.model
    def _apply_status_updates(self, items):
        """Apply ``message_template_status_update`` webhooks.

        :param list items: ``[(connection, webhook.TemplateUpdate)]``
        :return: the templates updated
        """
        updated = self.browse()
        statuses = dict(self._fields["status"].selection)
        for connection, update in items:
            if update.event not in statuses:
                continue
            domain = ["&", ("name", "=", update.name), ("language", "=", update.language)]
            if update.template_id:
                domain = ["|", ("meta_id", "=", update.template_id), *domain]
            template = self.with_context(active_test=False).search(
                [("connection_id", "=", connection.id), *domain], limit=1)
            if template:
                reason = update.reason
                template.write({
                    "status": update.event,
                    "rejected_reason": reason if reason and reason != "NONE" else False,
                })
                updated |= template
        return updated

    # ------------------------------------------------------------
    # Sending
    # ------------------------------------------------------------

    def _default_values(self, conversation):
        """Variable values prefilled for ``conversation``: ``{number: value}``."""
        self.ensure_one()
        mapping = {v.number: v for v in self.variable_ids}
        return {
            number: mapping[number]._value_for(conversation) if number in mapping else ""
            for number in range(1, self.variable_count + 1)
        }

    def _render(self, values):
        """The body as the customer will read it, ``values`` being ``{number: text}``."""
        self.ensure_one()
        return VARIABLE.sub(lambda m: values.get(int(m.group(1))) or m.group(0), self.body or "")

    def _prepare_api_content(self, values):
        """The ``template`` object of a send request."""
        self.ensure_one()
        missing = [n for n in range(1, self.variable_count + 1) if not values.get(n)]
        if missing:
            raise UserError(self.env._("Fill the variables %(variables)s of template %(template)s.",
                              variables=", ".join(f"{{{{{n}}}}}" for n in missing),
                              template=self.display_name))
        content = {"name": self.name, "language": {"code": self.language}}
        if self.variable_count:
            content["components"] = [{
                "type": "body",
                "parameters": [{"type": "text", "text": values[n]}
                               for n in range(1, self.variable_count + 1)],
            }]
        return content

    @api.model
    def _params_from_json(self, text):
        return {int(k): v for k, v in json.loads(text or "{}").items()}


class WhatsappInboxTemplateVariable(models.Model):
    """Where the value of a template variable comes from, for prefilling."""

    _name = "whatsapp.inbox.template.variable"
    _description = "WhatsApp Template Variable"
    _order = "number"

    template_id = fields.Many2one("whatsapp.inbox.template", required=True, ondelete="cascade")
    number = fields.Integer(required=True, help="n of {{n}} in the template body.")
    field_path = fields.Char(
        "Conversation field",
        help="Dotted path from the conversation, e.g. partner_id.name, contact_name, "
             "user_id.name, company_id.name.",
    )
    default_value = fields.Char(help="Used when the field is empty.")

    _sql_constraints = [
        ("number_uniq", "unique(template_id, number)", "Each variable is mapped once."),
    ]

    def _value_for(self, conversation):
        self.ensure_one()
        value = conversation
        for name in (self.field_path or "").split("."):
            field = value._fields.get(name) if name and hasattr(value, "_fields") else None
            # never a field restricted to some groups (the connection's token...)
            if field is None or field.groups:
                value = False
                break
            value = value[name]
            if hasattr(value, "_name"):
                value = value[:1]
        if hasattr(value, "_name"):
            value = value.display_name
        return str(value) if value else (self.default_value or "")
