import re

from odoo import models
from odoo.exceptions import UserError

from ..tools.graph_api import GraphApiError
from .whatsapp_inbox_template import VARIABLE

NAME = re.compile(r"[a-z0-9_]{1,512}")


class WhatsappInboxTemplate(models.Model):
    """Creating a template in Odoo and submitting it to Meta for review."""

    _inherit = "whatsapp.inbox.template"

    def _prepare_meta_template(self):
        """The body of ``POST /{waba_id}/message_templates`` (see
        ``WhatsAppCloudApi.create_template``), examples included."""
        self.ensure_one()
        components = []
        if self.header_format == "TEXT" and self.header:
            header = {"type": "HEADER", "format": "TEXT", "text": self.header}
            if VARIABLE.search(self.header):
                header["example"] = {"header_text": [self.header_example or ""]}
            components.append(header)
        elif self.header_format:
            # a media example is a handle of Meta's resumable upload: not supported yet
            raise UserError(self.env._(
                "Submit templates with a text header (or none) from Odoo; create templates "
                "with an image, video or document header in WhatsApp Manager."))
        body = {"type": "BODY", "text": self.body or ""}
        if self.variable_count:
            examples = [line.strip() for line in (self.body_examples or "").splitlines()
                        if line.strip()]
            body["example"] = {"body_text": [examples]}
        components.append(body)
        if self.footer:
            components.append({"type": "FOOTER", "text": self.footer})
        if self.button_ids:
            components.append({"type": "BUTTONS", "buttons": [
                button._prepare_meta_component() for button in self.button_ids]})
        return {"name": self.name, "language": self.language, "category": self.category,
                "components": components}

    def _check_submittable(self):
        self.ensure_one()
        if not NAME.fullmatch(self.name or ""):
            raise UserError(self.env._("A template name has only lowercase letters, digits and "
                                       "underscores: %s", self.name))
        if not (self.body or "").strip():
            raise UserError(self.env._("Write the template's body."))
        examples = [line for line in (self.body_examples or "").splitlines() if line.strip()]
        if len(examples) < self.variable_count:
            raise UserError(self.env._(
                "Meta reviews templates with examples: give %(count)s example(s), one a line, "
                "for the variables of the body.", count=self.variable_count))
        if self.header_format == "TEXT" and VARIABLE.search(self.header or "") \
                and not self.header_example:
            raise UserError(self.env._("Give an example of the header's variable."))

    def action_submit(self):
        """Send draft templates to Meta for review: they become Pending, and Meta's
        ``message_template_status_update`` webhook (or a sync) brings the verdict."""
        for template in self:
            if template.status != "DRAFT":
                raise UserError(self.env._("%s was already submitted.", template.display_name))
            template._check_submittable()
            payload = template._prepare_meta_template()
            try:
                result = template.connection_id._api().create_template(payload)
            except GraphApiError as error:
                raise UserError(self.env._(
                    "Meta refused template %(template)s: %(error)s",
                    template=template.display_name,
                    error=" — ".join(filter(None, [error.message, error.details])))) from error
            template.write({"meta_id": result["id"], "status": result.get("status") or "PENDING",
                            "rejected_reason": False})
        return True
