from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import interactive


class WhatsappInboxComposer(models.TransientModel):
    """Write to a customer: free text inside the 24-hour window, else a template."""

    _name = "whatsapp.inbox.composer"
    _description = "WhatsApp Composer"

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True,
                                      ondelete="cascade")
    connection_id = fields.Many2one(related="conversation_id.connection_id")
    window_expires_at = fields.Datetime(related="conversation_id.window_expires_at")
    can_send_text = fields.Boolean(compute="_compute_can_send_text")
    opted_out = fields.Boolean(related="conversation_id.opted_out")
    mode = fields.Selection([("text", "Message"), ("template", "Template"),
                             ("buttons", "Reply buttons"), ("list", "List"),
                             ("cta_url", "Link button")],
                            compute="_compute_mode", store=True, readonly=False)
    body = fields.Text()
    canned_response_id = fields.Many2one(
        "mail.canned.response", "Quick reply", store=False,
        help="Odoo's canned responses (also available as ::shortcut in the chatter and "
             "Discuss): its text is added to the message.")
    attachment_ids = fields.Many2many("ir.attachment", string="Attachments")
    template_id = fields.Many2one(
        "whatsapp.inbox.template",
        domain="[('connection_id', '=', connection_id), ('status', '=', 'APPROVED')]")
    param_ids = fields.One2many("whatsapp.inbox.composer.param", "composer_id",
                                compute="_compute_param_ids", store=True, readonly=False)
    button_1 = fields.Char(help="Reply button titles: 20 characters each.")
    button_2 = fields.Char()
    button_3 = fields.Char()
    list_button = fields.Char("List button", help="The label that opens the list (20 "
                                                  "characters).")
    list_rows = fields.Text(
        "Choices", help="One choice a line (24 characters), optionally followed by | and its "
                        "description (72 characters); a line starting with # begins a section "
                        "with that title. Up to 10 choices.")
    cta_text = fields.Char("Button text", help="20 characters.")
    cta_url = fields.Char("Link")
    header_format = fields.Selection(related="template_id.header_format")
    header_file = fields.Binary(
        help="The image, video or document of the template's header (else the template's own "
             "header file).")
    header_filename = fields.Char()
    preview = fields.Text(compute="_compute_preview")

    @api.depends("conversation_id.window_expires_at")
    def _compute_can_send_text(self):
        for composer in self:
            composer.can_send_text = composer.conversation_id.window_open

    @api.depends("can_send_text")
    def _compute_mode(self):
        for composer in self:
            composer.mode = "text" if composer.can_send_text else "template"

    @api.onchange("canned_response_id")
    def _onchange_canned_response_id(self):
        if self.canned_response_id:
            text = self.canned_response_id.substitution or ""
            self.body = f"{self.body}\n{text}" if self.body else text
            self.canned_response_id = False

    @api.depends("template_id")
    def _compute_param_ids(self):
        for composer in self:
            values = composer.template_id._default_values(composer.conversation_id) \
                if composer.template_id else {}
            labels = dict(composer.template_id._variables()) if composer.template_id else {}
            composer.param_ids = [fields.Command.clear()] + [
                fields.Command.create({"key": str(key), "name": labels[key], "value": value})
                for key, value in values.items()
            ]

    @api.depends("template_id", "param_ids.value")
    def _compute_preview(self):
        for composer in self:
            composer.preview = composer.template_id and composer.template_id._preview(
                composer.param_ids._values())

    def action_send(self):
        self.ensure_one()
        conversation = self.conversation_id
        if self.mode == "template":
            if not self.template_id:
                raise UserError(self.env._("Choose an approved template."))
            conversation._send_template(
                self.template_id, self.param_ids._values(),
                attachment=self._header_attachment(conversation))
        elif self.mode in ("buttons", "list", "cta_url"):
            conversation._send_interactive(interactive.build(
                "button" if self.mode == "buttons" else self.mode, self.body or "", {
                    "buttons": [self.button_1, self.button_2, self.button_3],
                    "button": self.list_button, "sections": self._list_sections(),
                    "display_text": self.cta_text, "url": self.cta_url}))
        else:
            if not self.body and not self.attachment_ids:
                raise UserError(self.env._("Write a message or attach a file."))
            for index, attachment in enumerate(self.attachment_ids):
                conversation._send_attachment(attachment, self.body if index == 0 else "")
            if self.body and not self.attachment_ids:
                conversation._send_text(self.body)
        return {"type": "ir.actions.act_window_close"}

    def _list_sections(self):
        """``list_rows`` as ``interactive.build`` wants them: a line per row, ``title |
        description``; a line starting with # begins a section with that title."""
        sections = []
        for line in (self.list_rows or "").splitlines():
            line = line.strip()
            if line.startswith("#"):
                sections.append({"title": line.lstrip("# ").strip(), "rows": []})
            elif line:
                if not sections:
                    sections.append({"title": "", "rows": []})
                title, _bar, description = line.partition("|")
                sections[-1]["rows"].append({"title": title.strip(),
                                             "description": description.strip()})
        return sections

    def _header_attachment(self, conversation):
        """The uploaded header file as an attachment of the conversation (or none)."""
        self.ensure_one()
        if not self.header_file:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].create({
            "name": self.header_filename or "header", "datas": self.header_file,
            "res_model": conversation._name, "res_id": conversation.id})


class WhatsappInboxComposerParam(models.TransientModel):
    _name = "whatsapp.inbox.composer.param"
    _description = "WhatsApp Composer Variable"
    _order = "id"

    composer_id = fields.Many2one("whatsapp.inbox.composer", required=True, ondelete="cascade")
    key = fields.Char(readonly=True, help="See whatsapp.inbox.template._variables.")
    name = fields.Char("Variable", readonly=True)
    value = fields.Char()

    def _values(self):
        """``{key: value}`` as the template's send wants it."""
        return {int(p.key) if p.key.isdigit() else p.key: p.value or "" for p in self}
