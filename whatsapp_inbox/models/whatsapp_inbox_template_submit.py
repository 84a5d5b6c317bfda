import re

from odoo import api, fields, models
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

    submit_problems = fields.Text(
        compute="_compute_submit_problems",
        help="What must be fixed before the draft can be submitted to Meta, all at once.")

    @api.depends("status", "name", "body", "body_examples", "header_format", "header",
                 "header_example", "header_attachment_id", "connection_id")
    def _compute_submit_problems(self):
        for template in self:
            problems = template._submit_problems() if template.status == "DRAFT" else []
            template.submit_problems = "\n".join(problems) or False

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
        """Refuse to submit, listing every problem at once (see ``_submit_problems``)."""
        self.ensure_one()
        problems = self._submit_problems()
        if problems:
            raise UserError("\n".join(problems))

    def _submit_problems(self):
        """What Meta would refuse or cannot review, all of it: ``[message]``."""
        self.ensure_one()
        problems = []
        if not NAME.fullmatch(self.name or ""):
            problems.append(self.env._("A template name has only lowercase letters, digits "
                                       "and underscores: %s", self.name or "-"))
        if not (self.body or "").strip():
            problems.append(self.env._("Write the template's body."))
        examples = [line for line in (self.body_examples or "").splitlines() if line.strip()]
        if len(examples) < self.variable_count:
            problems.append(self.env._(
                "Meta reviews templates with examples: give %(count)s example(s), one a line, "
                "for the variables of the body.", count=self.variable_count))
        if self.header_format == "TEXT" and VARIABLE.search(self.header or "") \
                and not self.header_example:
            problems.append(self.env._("Give an example of the header's variable."))
        if self.header_format == "LOCATION":
            problems.append(self.env._(
                "Create templates with a location header in WhatsApp Manager."))
        if self.header_format in MEDIA_HEADERS:
            problems += self._header_example_problems()
        return problems

    def _header_example_problems(self):
        """A media header's example: the template's header file, uploaded to the Meta app."""
        problems = []
        kind = self._header_kind()
        attachment = self.header_attachment_id
        if not attachment:
            problems.append(self.env._(
                "Meta reviews a template with a header of type %(kind)s with an example: "
                "choose the header file of %(template)s.",
                kind=kind, template=self.display_name or self.env._("the template")))
        else:
            allowed = EXAMPLE_MIMETYPES[self.header_format]
            if attachment.mimetype not in allowed:
                problems.append(self.env._(
                    "The header file of a header of type %(kind)s must be %(types)s, not "
                    "%(type)s.", kind=kind, types=", ".join(allowed), type=attachment.mimetype))
        # sudo: whatsapp.inbox.connection - the app id is an administrator's setting
        if self.connection_id and not self.connection_id.sudo().app_id:
            problems.append(self.env._(
                "The example file of a header of type %(kind)s is uploaded to the Meta app: "
                "an administrator must give the Meta App ID of connection %(connection)s.",
                kind=kind, connection=self.connection_id.display_name))
        return problems

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
