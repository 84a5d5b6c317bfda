import re

from odoo import models
from odoo.exceptions import UserError

from ..tools.graph_api import GraphApiError
from ..tools.templates import MEDIA_HEADERS, VARIABLE

NAME = re.compile(r"[a-z0-9_]{1,512}")
# the file types Meta's Resumable Upload API takes, per header format
EXAMPLE_MIMETYPES = {"IMAGE": ("image/jpeg", "image/png"), "VIDEO": ("video/mp4",),
                     "DOCUMENT": ("application/pdf",)}


class WhatsappInboxTemplate(models.Model):
    """Creating a template in Odoo and submitting it to Meta for review."""

    _inherit = "whatsapp.inbox.template"

    def _prepare_meta_template(self, header_handle=None):
        """The body of ``POST /{waba_id}/message_templates`` (see
        ``WhatsAppCloudApi.create_template``), examples included; ``header_handle``: the
        example of an image, video or document header (see ``_upload_header_example``)."""
        self.ensure_one()
        components = []
        if self.header_format == "TEXT" and self.header:
            header = {"type": "HEADER", "format": "TEXT", "text": self.header}
            if VARIABLE.search(self.header):
                header["example"] = {"header_text": [self.header_example or ""]}
            components.append(header)
        elif self.header_format in MEDIA_HEADERS:
            components.append({"type": "HEADER", "format": self.header_format,
                               "example": {"header_handle": [header_handle]}})
        elif self.header_format:
            raise UserError(self.env._(
                "Create templates with a location header in WhatsApp Manager."))
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
        if self.header_format in MEDIA_HEADERS:
            self._check_header_example()

    def _check_header_example(self):
        """A media header's example: the template's header file, uploaded to the Meta app."""
        kind = self.header_format.lower()
        attachment = self.header_attachment_id
        if not attachment:
            raise UserError(self.env._(
                "Meta reviews a template with a %(kind)s header with an example: choose the "
                "header file of %(template)s.", kind=kind, template=self.display_name))
        allowed = EXAMPLE_MIMETYPES[self.header_format]
        if attachment.mimetype not in allowed:
            raise UserError(self.env._(
                "The header file of a %(kind)s header must be %(types)s, not %(type)s.",
                kind=kind, types=", ".join(allowed), type=attachment.mimetype))
        # sudo: whatsapp.inbox.connection - the app id is an administrator's setting
        if not self.connection_id.sudo().app_id:
            raise UserError(self.env._(
                "The example file of a %(kind)s header is uploaded to the Meta app: an "
                "administrator must give the Meta App ID of connection %(connection)s.",
                kind=kind, connection=self.connection_id.display_name))

    def _upload_header_example(self):
        """Upload the header file with the Resumable Upload API; return its handle
        (None without a media header)."""
        self.ensure_one()
        if self.header_format not in MEDIA_HEADERS:
            return None
        attachment = self.header_attachment_id
        # sudo: whatsapp.inbox.connection - the app id is an administrator's setting
        return self.connection_id._api().upload_resumable(
            self.connection_id.sudo().app_id, attachment.name, attachment.mimetype,
            attachment.raw)

    def action_submit(self):
        """Send draft templates to Meta for review: they become Pending, and Meta's
        ``message_template_status_update`` webhook (or a sync) brings the verdict."""
        for template in self:
            if template.status != "DRAFT":
                raise UserError(self.env._("%s was already submitted.", template.display_name))
            template._check_submittable()
            try:
                payload = template._prepare_meta_template(template._upload_header_example())
                result = template.connection_id._api().create_template(payload)
            except GraphApiError as error:
                raise UserError(self.env._(
                    "Meta refused template %(template)s: %(error)s",
                    template=template.display_name,
                    error=" — ".join(filter(None, [error.message, error.details])))) from error
            template.write({"meta_id": result["id"], "status": result.get("status") or "PENDING",
                            "rejected_reason": False})
        return True
