from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import plaintext2html

from ..tools import phone as phone_tools
from ..tools.mail import normalize_typed_email


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
    subject = fields.Char(default=lambda self: self.env.company.name)
    body = fields.Text(help="The SMS, the email's body or the notes of the call.")
    # one conversation per customer and WhatsApp number: the attendance starts in the one
    # that exists, which the form shows as soon as the number is typed
    existing_conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", "Existing conversation",
        compute="_compute_existing_conversation_id")
    existing_state = fields.Selection(related="existing_conversation_id.state",
                                      string="Its state")
    existing_user_id = fields.Many2one(related="existing_conversation_id.user_id",
                                       string="Its agent")
    existing_contact_name = fields.Char(related="existing_conversation_id.contact_name",
                                        string="Its contact name")
    rename_existing = fields.Boolean(
        "Use the name typed as its contact name",
        help="The existing conversation keeps its contact name unless this is ticked.")

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

    @api.depends("channel", "connection_id", "phone", "partner_id")
    def _compute_existing_conversation_id(self):
        for start in self:
            start.existing_conversation_id = start._existing_conversation(start._e164())

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

    def _e164(self):
        """The number typed, in E.164, or False when it is not a valid number."""
        if not self.phone:
            return False
        country = self.partner_id.country_id or self.env.company.country_id
        e164 = self.env["res.partner"]._phone_format(
            number=self.phone, country=country, force_format="E164")
        return e164 if e164 and phone_tools.match_key(e164) else False

    def _existing_conversation(self, e164):
        """The conversation of this customer on this WhatsApp number, if any. The customer
        may already have written with the other spelling of a Brazilian mobile (with or
        without the ninth digit): WhatsApp's stays."""
        Conversation = self.env["whatsapp.inbox.conversation"]
        if self.channel != "whatsapp" or not e164 or not self.connection_id:
            return Conversation
        return Conversation.search([
            ("connection_id", "=", self.connection_id.id),
            ("wa_id", "in", phone_tools.wa_id_variants(e164.lstrip("+")))], limit=1)

    def _check_inputs(self):
        """Field errors by channel, all at once; returns the normalised phone and email.

        WhatsApp: a number and an approved template (the first message of a conversation);
        SMS: a number and a text; Email: an address, a subject and a body; VoIP: a number and
        the call's notes. Nothing is started without outbound content: an attendance
        counts as answered from its first reply."""
        errors = []
        e164 = False
        if self.channel in ("whatsapp", "sms", "voip"):
            if not self.phone:
                errors.append(self.env._("Phone is required for %s.", self.channel.upper()))
            else:
                e164 = self._e164()
                if not e164:
                    errors.append(self.env._("“%s” is not a valid phone number.", self.phone))
        email = False
        if self.channel == "email":
            email = normalize_typed_email(self.email)
            if not email:
                errors.append(self.env._("A valid email address is required for Email."))
            if not (self.subject or "").strip():
                errors.append(self.env._("An email needs a subject."))
        if not (self.body or "").strip():
            if self.channel in ("sms", "email"):
                errors.append(self.env._("Write the message to send."))
            elif self.channel == "voip":
                errors.append(self.env._("Write the notes or outcome of the call."))
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
        if self.channel == "whatsapp":
            vals.update(connection_id=self.connection_id.id, wa_id=e164.lstrip("+"))
        conversation = self._existing_conversation(e164)
        if conversation:
            self._update_existing(conversation)
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

    def _update_existing(self, conversation):
        """Start in the customer's existing conversation without overwriting it: what the
        wizard sets fills only what it lacks, tags are added, and its contact name changes
        only when the agent ticked ``rename_existing``, with a line in the chatter."""
        vals = {"tag_ids": [fields.Command.link(tag.id) for tag in self.tag_ids]}
        for field in ("partner_id", "lead_status_id", "origin_id", "attendance_type_id"):
            if self[field] and not conversation[field]:
                vals[field] = self[field].id
        old_name = conversation.contact_name
        renamed = self.rename_existing and self.name and self.name != old_name
        if renamed or (self.name and not old_name):
            vals["contact_name"] = self.name
        conversation.write(vals)
        note = self.env._("Attendance started by %s in this conversation.", self.env.user.name)
        if renamed and old_name:
            note += " " + self.env._("Contact name changed from %(old)s to %(new)s.",
                                     old=old_name, new=self.name)
        conversation._message_log(body=Markup("<p>%s</p>") % note)

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
            body=plaintext2html(self.body), subject=self.subject,
            partner_ids=partner.ids, email_from=self.email_from,
            message_type="comment", subtype_xmlid="mail.mt_comment")
        self._on_first_content(conversation)

    def _start_sms(self, conversation):
        # queued for Odoo's SMS cron, like our WhatsApp messages: never blocks the agent
        conversation._message_sms(self.body, partner_ids=conversation.partner_id.ids,
                                  sms_numbers=[conversation.phone], put_in_queue=True)
        self._on_first_content(conversation)

    def _start_voip(self, conversation):
        activity = conversation.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.env.user.id,
            summary=self.env._("Call %s", conversation.phone))
        activity.action_feedback(feedback=self.body)
        self._on_first_content(conversation)

    def _on_first_content(self, conversation):
        """What was sent (or the call's notes) answers the customer: Open, assigned to me,
        and the queues' line shows it as its last message."""
        conversation._on_agent_reply()
        conversation.last_message_preview = " ".join(self.body.split())[:120]


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
