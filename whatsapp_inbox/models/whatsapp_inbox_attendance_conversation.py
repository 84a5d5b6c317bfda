"""What the inbox's arrows do to attendances: the conversation side."""

from odoo import fields, models

from ..tools.attendance import CLOSE_METHODS

PROTOCOL_PLACEHOLDER = "{protocol}"


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    current_attendance_id = fields.Many2one(
        "whatsapp.inbox.attendance", "Current attendance", readonly=True, copy=False,
        index="btree_not_null", ondelete="set null",
        help="The attendance going on, or the last one once finalized.")
    attendance_ids = fields.One2many("whatsapp.inbox.attendance", "conversation_id",
                                     string="Attendances")
    attendance_protocol = fields.Char(related="current_attendance_id.protocol",
                                      string="Protocol")
    close_method = fields.Selection(CLOSE_METHODS, "Closed how", copy=False)

    # ------------------------------------------------------------
    # The arrows
    # ------------------------------------------------------------

    def _after_transition(self, event, before):
        """Open, answer, close and reopen attendances as the conversations move."""
        Attendance = self.env["whatsapp.inbox.attendance"]
        now = fields.Datetime.now()
        if event == "customer_message":
            Attendance._open_for(self, "customer")
        elif event in ("agent_reply", "reach_out"):
            # an agent writing first (Start attendance, or a template to a finalized
            # conversation) starts an attendance by hand
            Attendance._open_for(self, "agent", opened_at=now)
            user = self.env.user
            person = user if user._is_internal() and not user._is_superuser() else None
            for conversation in self:
                attendance = conversation.current_attendance_id
                attendance._leave_bot(now)
                attendance._record_response(person, conversation.last_outbound_at or now)
        elif event == "start_bot":
            self.current_attendance_id._enter_bot(now)
        elif event == "meta_agent":
            # a customer Meta's agent answers is attended, by a machine
            Attendance._open_for(self.filtered(lambda c: before[c.id] in ("new", "done")),
                                 "customer")
            self.current_attendance_id._enter_bot(now)
        elif event == "release_bot":
            self.current_attendance_id._leave_bot(now)
        elif event == "finalize":
            for conversation in self:
                attendance = conversation.current_attendance_id
                if attendance.state == "open":
                    attendance._close(conversation.close_method or "agent",
                                      conversation.closed_by_id, conversation.closed_at or now)
            self._after_finalize()
        elif event == "reopen":
            self.current_attendance_id.filtered(lambda a: a.state == "closed")._reopen()
        return super()._after_transition(event, before)

    def _after_finalize(self):
        """Hook after finalized conversations closed their attendance (CSAT)."""

    def _transfer(self, user=None, department=None, note=None):
        """Record each hand-over on the attendance's transfer trail."""
        previous = {c.id: (c.user_id, c.department_id) for c in self}
        result = super()._transfer(user, department, note)
        # sudo: whatsapp.inbox.attendance.transfer - the trail is written by the inbox only
        Transfer = self.env["whatsapp.inbox.attendance.transfer"].sudo()
        for conversation in self:
            attendance = conversation.current_attendance_id
            if attendance.state != "open":
                continue
            from_user, from_department = previous[conversation.id]
            Transfer.create({
                "attendance_id": attendance.id,
                "from_user_id": from_user.id,
                "from_department_id": from_department.id,
                "to_user_id": conversation.user_id.id,
                "to_department_id": conversation.department_id.id,
                "user_id": self.env.uid,
                "note": note or False,
            })
            attendance.sudo().write({"transfer_count": attendance.transfer_count + 1,
                                     "user_id": conversation.user_id.id,
                                     "department_id": conversation.department_id.id})
        return result

    def _queue_outbound(self, vals, chatter_body, automated=False):
        """Our message belongs to the attendance it was sent in (the one it opened, or the
        last one for what follows a Finalize, such as the satisfaction question): its
        cost is added there when Meta's pricing arrives."""
        message = super()._queue_outbound(vals, chatter_body, automated=automated)
        if self.current_attendance_id:
            # sudo: whatsapp.inbox.message - written only by the inbox's helpers
            message.sudo().attendance_id = self.current_attendance_id
        return message

    # ------------------------------------------------------------
    # The protocol in what we send
    # ------------------------------------------------------------

    def _send_text(self, body, reply_to=None, automated=False):
        """The text with its placeholders filled (``_fill_placeholders``)."""
        return super()._send_text(self._fill_placeholders(body), reply_to=reply_to,
                                  automated=automated)

    def _fill_placeholders(self, text):
        """``text`` as the customer gets it: ``{protocol}`` in any text (typed, quick reply,
        away or greeting message) is the current attendance's protocol number. The
        composer shows quick replies filled by this too."""
        if text and PROTOCOL_PLACEHOLDER in text:
            self.ensure_one()
            text = text.replace(PROTOCOL_PLACEHOLDER, self.attendance_protocol or "")
        return text

    # ------------------------------------------------------------
    # The Inbox workspace: protocol in the thread header, attendances in the client panel
    # ------------------------------------------------------------

    def _workspace_header(self):
        header = super()._workspace_header()
        header["protocol"] = self.attendance_protocol or ""
        return header

    def _workspace_panel(self):
        panel = super()._workspace_panel()
        panel["attendances"] = [{
            "id": attendance.id,
            "protocol": attendance.protocol,
            "state": attendance.state,
            "opened_at": attendance.opened_at,
            "agent": attendance.user_id.name or "",
            "csat_score": attendance.csat_score,
        } for attendance in self.attendance_ids[:10]]
        return panel

    def action_view_attendances(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "whatsapp_inbox.whatsapp_inbox_attendance_action")
        action["domain"] = [("conversation_id", "=", self.id)]
        action["context"] = {}
        return action
