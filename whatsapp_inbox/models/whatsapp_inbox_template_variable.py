from odoo import fields, models

# Paths to the contact's name: on a conversation without a contact they take the name on
# the customer's WhatsApp profile, which is how the customer calls themselves
CONTACT_NAME_PATHS = ("partner_id", "partner_id.name", "partner_id.display_name")


class WhatsappInboxTemplateVariable(models.Model):
    """Where the value of a template variable comes from, for prefilling."""

    _name = "whatsapp.inbox.template.variable"
    _description = "WhatsApp Template Variable"
    _order = "number"

    template_id = fields.Many2one("whatsapp.inbox.template", required=True, ondelete="cascade")
    placement = fields.Selection(
        [("body", "Body"), ("header", "Header"), ("button", "Button")], default="body",
        required=True)
    number = fields.Integer(required=True,
                            help="n of {{n}} in the body; the button's position (0, 1, 2) "
                                 "for a button; 1 for the header.")
    field_path = fields.Char(
        "Conversation field",
        help="Dotted path from the conversation, e.g. partner_id.name (without a contact: "
             "the WhatsApp profile name), contact_name, user_id.name, company_id.name.",
    )
    default_value = fields.Char(help="Used when the field is empty.")

    _sql_constraints = [
        ("number_uniq", "unique(template_id, placement, number)",
         "Each variable is mapped once."),
    ]

    def _key(self):
        """The key of this variable in the values of ``_variables``."""
        self.ensure_one()
        return {"body": self.number, "header": "header"}.get(self.placement,
                                                             f"button_{self.number}")

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
        if not value and self.field_path in CONTACT_NAME_PATHS and not conversation.partner_id:
            value = conversation.contact_name
        return str(value) if value else (self.default_value or "")
