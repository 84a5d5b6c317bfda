from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class IrActionsServer(models.Model):
    """Server actions an admin can hang on automations without code: send a WhatsApp
    template to the conversation, or notify agents about it."""

    _inherit = "ir.actions.server"

    state = fields.Selection(
        selection_add=[("whatsapp_inbox_template", "Send WhatsApp template"),
                       ("whatsapp_inbox_notify", "Notify WhatsApp agents")],
        ondelete={"whatsapp_inbox_template": "cascade", "whatsapp_inbox_notify": "cascade"})
    whatsapp_inbox_template_id = fields.Many2one(
        "whatsapp.inbox.template", "WhatsApp Template", ondelete="restrict",
        domain=[("status", "=", "APPROVED")],
        help="Sent to the conversation, its variables prefilled from the template's mapping.")
    whatsapp_inbox_user_ids = fields.Many2many("res.users", string="Notify Agents")
    whatsapp_inbox_department_id = fields.Many2one(
        "whatsapp.inbox.department", "Notify Department",
        help="Its members are notified; empty: only the agents above.")
    whatsapp_inbox_note = fields.Char(
        "Notification", translate=True,
        help="Empty: \"<conversation> is now <lead status>.\"")

    @api.constrains("state", "whatsapp_inbox_template_id", "whatsapp_inbox_user_ids",
                    "whatsapp_inbox_department_id")
    def _check_whatsapp_inbox_fields(self):
        for action in self:
            if action.state == "whatsapp_inbox_template" and not action.whatsapp_inbox_template_id:
                raise ValidationError(self.env._(
                    "Action %s: choose the WhatsApp template to send.", action.name))
            if action.state == "whatsapp_inbox_notify" and not (
                    action.whatsapp_inbox_user_ids or action.whatsapp_inbox_department_id):
                raise ValidationError(self.env._(
                    "Action %s: choose the agents or the department to notify.", action.name))

    def _whatsapp_inbox_conversations(self, eval_context):
        records = eval_context.get("records") or eval_context.get("record")
        if not records or records._name != "whatsapp.inbox.conversation":
            raise UserError(self.env._("This action runs on WhatsApp conversations only."))
        return records

    def _run_action_whatsapp_inbox_template_multi(self, eval_context=None):
        template = self.whatsapp_inbox_template_id
        for conversation in self._whatsapp_inbox_conversations(eval_context or {}):
            if conversation._refuses_templates():
                # an automation must not fail the change that triggered it: skip, say why
                conversation._message_log(body=self.env._(
                    "Template %s not sent: the customer asked not to receive templates.",
                    template.display_name))
                continue
            conversation._send_template(template, template._default_values(conversation),
                                        automated=True)
        return False

    def _run_action_whatsapp_inbox_notify_multi(self, eval_context=None):
        users = self.whatsapp_inbox_user_ids | self.whatsapp_inbox_department_id.member_ids
        for conversation in self._whatsapp_inbox_conversations(eval_context or {}):
            text = self.whatsapp_inbox_note or self.env._(
                "%(name)s is now %(status)s.", name=conversation.display_name,
                status=conversation.lead_status_id.name or "-")
            conversation.message_post(body=text, subtype_xmlid="mail.mt_note",
                                      partner_ids=users.partner_id.ids)
            for user in users:
                conversation._toast(user, text)
        return False
