import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DYNAMIC_URL = re.compile(r"{{\s*1\s*}}\s*$")


class WhatsappInboxTemplateButton(models.Model):
    """A button of a template: quick reply, URL (static or with a dynamic suffix), copy code
    or phone number, as Meta's ``BUTTONS`` component lists them."""

    _name = "whatsapp.inbox.template.button"
    _description = "WhatsApp Template Button"
    _order = "template_id, sequence, id"

    template_id = fields.Many2one("whatsapp.inbox.template", required=True, ondelete="cascade",
                                  index=True)
    sequence = fields.Integer(default=10)
    button_type = fields.Selection(
        [("QUICK_REPLY", "Quick reply"), ("URL", "Visit website"),
         ("COPY_CODE", "Copy code"), ("PHONE_NUMBER", "Call phone number")],
        "Type", required=True, default="QUICK_REPLY",
    )
    text = fields.Char(help="The button's label (25 characters); Meta sets it for copy code.")
    url = fields.Char("URL", help="https://... ending with {{1}} for a suffix given per message.")
    phone_number = fields.Char()
    example = fields.Char(
        help="For Meta's review: a full URL of a dynamic URL button, or a sample code.")

    @api.constrains("button_type", "url", "text")
    def _check_button(self):
        for button in self:
            if button.button_type == "URL" and not (button.url or "").startswith("https://"):
                raise ValidationError(self.env._("A URL button needs an https:// URL."))
            if button.button_type != "COPY_CODE" and not button.text:
                raise ValidationError(self.env._("A button needs its text."))
            if len(button.text or "") > 25:
                raise ValidationError(self.env._("Button texts have at most 25 characters."))

    @api.model
    def _prepare_vals_from_meta(self, index, data):
        """One button of a ``BUTTONS`` component, as the Graph API lists it."""
        examples = data.get("example")
        if isinstance(examples, list):
            examples = examples[0] if examples else False
        kind = data.get("type")
        return {
            "sequence": index,
            "button_type": kind if kind in dict(self._fields["button_type"].selection)
            else "QUICK_REPLY",
            "text": data.get("text") or False,
            "url": data.get("url") or False,
            "phone_number": data.get("phone_number") or False,
            "example": examples if isinstance(examples, str) else False,
        }

    def _index(self):
        """The button's position among its template's buttons (Meta's ``index``)."""
        self.ensure_one()
        return self.template_id.button_ids.ids.index(self.id)

    def _key(self):
        return f"button_{self._index()}"

    def _needs_value(self):
        """A dynamic URL needs its suffix, a copy-code button its code."""
        self.ensure_one()
        return self.button_type == "COPY_CODE" or (
            self.button_type == "URL" and bool(DYNAMIC_URL.search(self.url or "")))

    def _variable_label(self):
        self.ensure_one()
        if self.button_type == "COPY_CODE":
            return self.env._("Code to copy")
        return self.env._("Link of “%s”: end of the URL", self.text)

    def _render_url(self, values):
        """The URL the customer opens."""
        self.ensure_one()
        return DYNAMIC_URL.sub(lambda _m: values.get(self._key()) or "{{1}}", self.url or "")

    def _prepare_api_component(self, values):
        """The ``button`` component of a send request, or None when the button takes none."""
        self.ensure_one()
        index = str(self._index())
        if self.button_type == "QUICK_REPLY":
            # the payload comes back in the customer's reply (``button.payload``)
            return {"type": "button", "sub_type": "quick_reply", "index": index,
                    "parameters": [{"type": "payload", "payload": self.text}]}
        if not self._needs_value():
            return None
        if self.button_type == "COPY_CODE":
            return {"type": "button", "sub_type": "copy_code", "index": index, "parameters": [
                {"type": "coupon_code", "coupon_code": values[self._key()]}]}
        return {"type": "button", "sub_type": "url", "index": index,
                "parameters": [{"type": "text", "text": values[self._key()]}]}

    def _prepare_meta_component(self):
        """The button as template creation (``POST /{waba_id}/message_templates``) wants it."""
        self.ensure_one()
        button = {"type": self.button_type}
        if self.button_type != "COPY_CODE":
            button["text"] = self.text
        if self.button_type == "URL":
            button["url"] = self.url
            if self._needs_value():
                button["example"] = [self.example or self.url.replace("{{1}}", "example")]
        elif self.button_type == "PHONE_NUMBER":
            button["phone_number"] = self.phone_number
        elif self.button_type == "COPY_CODE":
            button["example"] = self.example or "CODE10"
        return button
