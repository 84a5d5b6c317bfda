from odoo import api, fields, models
from odoo.exceptions import AccessError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    whatsapp_inbox_conversation_id = fields.Many2one(
        "whatsapp.inbox.conversation", index="btree_not_null", ondelete="set null",
        readonly=True,
        help="Messages the assigned agent posts here are sent to this WhatsApp customer.")

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(v.get("whatsapp_inbox_conversation_id") for v in vals_list):
            raise AccessError(self.env._("Only the inbox links a channel to a conversation."))
        return super().create(vals_list)

    def write(self, vals):
        if "whatsapp_inbox_conversation_id" in vals and not self.env.su:
            raise AccessError(self.env._("Only the inbox links a channel to a conversation."))
        return super().write(vals)

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        conversation = self.whatsapp_inbox_conversation_id
        user = self.env.user
        if (len(self) == 1 and conversation
                and kwargs.get("message_type") == "comment"
                and not self.env.context.get("whatsapp_inbox_no_send")
                and message.author_id == user.partner_id
                and conversation.user_id == user):
            # Discuss posts as sudo: send as the agent, with the agent's rights
            conversation.with_user(user).with_context(
                whatsapp_inbox_no_send=True)._send_from_html(
                kwargs.get("body") or "", kwargs.get("attachment_ids") or [])
        return message
