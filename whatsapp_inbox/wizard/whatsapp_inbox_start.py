from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import email_normalize, plaintext2html

from ..tools import phone as phone_tools


class WhatsappInboxStart(models.TransientModel):
    """Start an attendance by hand on any channel; the channel decides what is required."""

    _name = "whatsapp.inbox.start"
    _description = "Start an Attendance"

    channel = fields.Selection(
        [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", "Email"), ("voip", "VoIP")],
        required=True, default="whatsapp")
    partner_id = fields.Many2one("res.partner", "Existing contact")
    name = fields.Char(compute="_compute_name", store=True, readonly=False)
    phone = fields.Char(compute="_compute_phone", store=True, readonly=False)
    email = fields.Char(compute="_compute_email", store=True, readonly=False)
    lead_status_id = fields.Many2one("whatsapp.inbox.lead.status")
    origin_id = fields.Many2one("whatsapp.inbox.lead.origin", "Lead Origin")
    attendance_type_id = fields.Many2one("whatsapp.inbox.attendance.type", "Type")
    tag_ids = fields.Many2many("whatsapp.inbox.tag", string="Tags")
    connection_id = fields.Many2one(
        "whatsapp.inbox.connection", "WhatsApp number",
        default=lambda self: self.env["whatsapp.inbox.connection"].search([], limit=1))
    sender = fields.Char(
        "Our number", default=lambda self: self.env.company.phone,
        help="Our number the SMS or the call comes from.")
    email_from = fields.Char(
        "Our address", default=lambda self: self.env.user.email_formatted,
        help="Our address the email comes from.")
    template_id = fields.Many2one(
        "whatsapp.inbox.template",
        domain="[('connection_id', '=', connection_id), ('status', '=', 'APPROVED')]")
    param_ids = fields.One2many("whatsapp.inbox.start.param", "start_id",
                                compute="_compute_param_ids", store=True, readonly=False)
    header_format = fields.Selection(related="template_id.header_format")
    header_file = fields.Binary(
        help="The image, video or document of the template's header (else the template's own "
             "header file).")
    header_filename = fields.Char()
    preview = fields.Text(compute="_compute_preview")
    body = fields.Text("Message / call notes")

    # a contact chosen fills in its name, number and address; what was typed stays otherwise
    @api.depends("partner_id")
    def _compute_name(self):
        for start in self:
            start.name = start.partner_id.name or start.name

    @api.depends("partner_id")
    def _compute_phone(self):
        for start in self:
            start.phone = start.partner_id.mobile or start.partner_id.phone or start.phone

    @api.depends("partner_id")
    def _compute_email(self):
        for start in self:
            start.email = start.partner_id.email or start.email

    @api.depends("template_id")
    def _compute_param_ids(self):
        """One line per variable, prefilled as the template's variables say (from the
        customer typed so far, the agent, the company)."""
        for start in self:
            values = start.template_id._default_values(start._prefill_conversation()) \
                if start.template_id else {}
            labels = dict(start.template_id._variables()) if start.template_id else {}
            start.param_ids = [fields.Command.clear()] + [
                fields.Command.create({"key": str(key), "name": labels[key], "value": value})
                for key, value in values.items()]

    @api.depends("template_id", "param_ids.value")
    def _compute_preview(self):
        for start in self:
            start.preview = start.template_id and start.template_id._preview(
                start.param_ids._values())

    def _prefill_conversation(self):
        """The conversation about to start, in memory, for the template's variables."""
        return self.env["whatsapp.inbox.conversation"].new({
            "channel": self.channel,
            "connection_id": self.connection_id.id,
            "partner_id": self.partner_id.id,
            "contact_name": self.name,
            "phone": self.phone,
            "user_id": self.env.uid,
        })

    def _check_inputs(self):
        """Field errors by channel; returns the normalised phone and email."""
        errors = []
        e164 = False
        if self.channel in ("whatsapp", "sms", "voip"):
            if not self.phone:
                errors.append(self.env._("Phone is required for %s.", self.channel.upper()))
            else:
                country = self.partner_id.country_id or self.env.company.country_id
                e164 = self.env["res.partner"]._phone_format(
                    number=self.phone, country=country, force_format="E164")
                if not e164 or not phone_tools.match_key(e164):
                    errors.append(self.env._("“%s” is not a valid phone number.", self.phone))
        email = False
        if self.channel == "email":
            email = email_normalize(self.email or "")
            if not email:
                errors.append(self.env._("A valid email address is required for Email."))
        if self.channel == "whatsapp":
            if not self.connection_id:
                errors.append(self.env._("Choose the WhatsApp number it is sent from."))
            if not self.template_id:
                errors.append(self.env._("A first WhatsApp message must be an approved "
                                         "template: choose one."))
        if errors:
            raise ValidationError("\n".join(errors))
        return e164, email

    def action_start(self):
        """Create the conversation, send its first message and assign it to me."""
        self.ensure_one()
        e164, email = self._check_inputs()
        Conversation = self.env["whatsapp.inbox.conversation"]
        vals = {
            "channel": self.channel,
            "contact_name": self.name,
            "partner_id": self.partner_id.id,
            "phone": e164,
            "email": email,
            "lead_status_id": self.lead_status_id.id,
            "origin_id": self.origin_id.id,
            "attendance_type_id": self.attendance_type_id.id,
            "tag_ids": [fields.Command.set(self.tag_ids.ids)],
            "originated_by": {"sms": self.sender, "voip": self.sender,
                              "email": self.email_from}.get(self.channel, False),
        }
        conversation = Conversation
        if self.channel == "whatsapp":
            wa_id = e164.lstrip("+")
            vals.update(connection_id=self.connection_id.id, wa_id=wa_id)
            # the customer may already have written with the other spelling of a
            # Brazilian mobile (with or without the ninth digit): WhatsApp's stays
            conversation = Conversation.search([
                ("connection_id", "=", self.connection_id.id),
                ("wa_id", "in", phone_tools.wa_id_variants(wa_id))], limit=1)
        if conversation:
            conversation.write({k: v for k, v in vals.items()
                                if v and k not in ("tag_ids", "wa_id", "phone")})
        else:
            conversation = Conversation.with_context(mail_create_nolog=True).create(
                vals).with_env(self.env)
            conversation._message_log(body=Markup("<p>%s</p>") % self.env._(
                "Attendance started on %(channel)s by %(agent)s.",
                channel=dict(self._fields["channel"]._description_selection(self.env))[
                    self.channel],
                agent=self.env.user.name))
        getattr(self, f"_start_{self.channel}")(conversation)
        return {
            "type": "ir.actions.act_window",
            "res_model": conversation._name,
            "res_id": conversation.id,
            "view_mode": "form",
        }

    def _start_whatsapp(self, conversation):
        # the send door records the reply, which assigns the conversation to me
        attachment = self.env["ir.attachment"]
        if self.header_file:
            attachment = attachment.create({
                "name": self.header_filename or "header", "datas": self.header_file,
                "res_model": conversation._name, "res_id": conversation.id})
        conversation._send_template(self.template_id, self.param_ids._values(),
                                    attachment=attachment)

    def _start_email(self, conversation):
        partner = conversation.partner_id or self.env["res.partner"].find_or_create(
            f'"{self.name or self.email}" <{conversation.email}>')
        conversation.partner_id = partner
        conversation.message_post(
            body=plaintext2html(self.body or ""), subject=self.env.company.name,
            partner_ids=partner.ids, email_from=self.email_from,
            message_type="comment", subtype_xmlid="mail.mt_comment")
        conversation._on_agent_reply()

    def _start_sms(self, conversation):
        # queued for Odoo's SMS cron, like our WhatsApp messages: never blocks the agent
        conversation._message_sms(self.body or "", partner_ids=conversation.partner_id.ids,
                                  sms_numbers=[conversation.phone], put_in_queue=True)
        conversation._on_agent_reply()

    def _start_voip(self, conversation):
        activity = conversation.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.env.user.id,
            summary=self.env._("Call %s", conversation.phone))
        activity.action_feedback(feedback=self.body or self.env._("Call made."))
        conversation._on_agent_reply()


class WhatsappInboxStartParam(models.TransientModel):
    _name = "whatsapp.inbox.start.param"
    _description = "Template Variable of a New Attendance"
    _order = "id"

    start_id = fields.Many2one("whatsapp.inbox.start", required=True, ondelete="cascade")
    key = fields.Char(readonly=True, help="See whatsapp.inbox.template._variables.")
    name = fields.Char("Variable", readonly=True)
    value = fields.Char()

    def _values(self):
        """``{key: value}`` as the template's send wants it."""
        return {int(p.key) if p.key.isdigit() else p.key: p.value or "" for p in self}
