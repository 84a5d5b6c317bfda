from odoo import api, fields, models
from odoo.exceptions import UserError


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
    mode = fields.Selection([("text", "Message"), ("template", "Template")],
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
            composer.param_ids = [fields.Command.clear()] + [
                fields.Command.create({"number": number, "value": value})
                for number, value in values.items()
            ]

    @api.depends("template_id", "param_ids.value")
    def _compute_preview(self):
        for composer in self:
            composer.preview = composer.template_id and composer.template_id._render(
                {p.number: p.value for p in composer.param_ids})

    def action_send(self):
        self.ensure_one()
        conversation = self.conversation_id
        if self.mode == "template":
            if not self.template_id:
                raise UserError(self.env._("Choose an approved template."))
            conversation._send_template(
                self.template_id, {p.number: p.value for p in self.param_ids})
        else:
            if not self.body and not self.attachment_ids:
                raise UserError(self.env._("Write a message or attach a file."))
            for index, attachment in enumerate(self.attachment_ids):
                conversation._send_attachment(attachment, self.body if index == 0 else "")
            if self.body and not self.attachment_ids:
                conversation._send_text(self.body)
        return {"type": "ir.actions.act_window_close"}


class WhatsappInboxComposerParam(models.TransientModel):
    _name = "whatsapp.inbox.composer.param"
    _description = "WhatsApp Composer Variable"
    _order = "number"

    composer_id = fields.Many2one("whatsapp.inbox.composer", required=True, ondelete="cascade")
    number = fields.Integer(readonly=True)
    name = fields.Char("Variable", compute="_compute_name")
    value = fields.Char()

    @api.depends("number")
    def _compute_name(self):
        for param in self:
            param.name = f"{{{{{param.number}}}}}"
