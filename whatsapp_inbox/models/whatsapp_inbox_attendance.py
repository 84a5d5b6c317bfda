"""One attendance (*atendimento*): a cycle of a conversation, from the customer's (or the
agent's) first message to Finalize, with its protocol number and service times."""

from datetime import timedelta

import pytz

from odoo import api, fields, models

from ..tools.attendance import CLOSE_METHODS, DEFAULT_PROTOCOL_PREFIX


class WhatsappInboxAttendance(models.Model):
    _name = "whatsapp.inbox.attendance"
    _description = "WhatsApp Attendance"
    _order = "opened_at desc, id desc"
    _rec_name = "protocol"
    _check_company_auto = True
    _default_protocol_prefix = DEFAULT_PROTOCOL_PREFIX

    conversation_id = fields.Many2one("whatsapp.inbox.conversation", required=True,
                                      index=True, ondelete="cascade", check_company=True)
    protocol = fields.Char(required=True, readonly=True, copy=False, index=True,
                           help="Given to the customer at the start of the service.")
    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    # not the conversation's Open/Finalized: an attendance is in progress or closed
    state = fields.Selection([("open", "In progress"), ("closed", "Closed")], default="open",
                             required=True, index=True)
    channel = fields.Selection(
        [("whatsapp", "WhatsApp"), ("sms", "SMS"), ("email", "Email"), ("voip", "VoIP")],
        required=True, default="whatsapp")
    connection_id = fields.Many2one("whatsapp.inbox.connection", index="btree_not_null",
                                    ondelete="set null")
    partner_id = fields.Many2one(related="conversation_id.partner_id")
    user_id = fields.Many2one("res.users", "Agent", index="btree_not_null",
                              help="The conversation's agent (at closing, once closed).")
    agent_ids = fields.Many2many("res.users", string="Agents who answered")
    department_id = fields.Many2one("whatsapp.inbox.department", index="btree_not_null",
                                    ondelete="set null")
    origin_id = fields.Many2one("whatsapp.inbox.lead.origin", "Lead Origin", ondelete="set null")
    opened_by = fields.Selection([("customer", "Customer"), ("agent", "Agent")],
                                 required=True, default="customer")
    lead_status_id = fields.Many2one("whatsapp.inbox.lead.status", "Lead status at close",
                                     ondelete="set null")
    tag_ids = fields.Many2many("whatsapp.inbox.tag", string="Tags")
    opened_at = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    first_response_at = fields.Datetime()
    closed_at = fields.Datetime(index="btree_not_null")
    closed_by_id = fields.Many2one("res.users", "Closed by")
    close_method = fields.Selection(CLOSE_METHODS, "Closed how")
    transfer_ids = fields.One2many("whatsapp.inbox.attendance.transfer", "attendance_id",
                                   string="Transfer trail")
    transfer_count = fields.Integer("Transfers", aggregator="sum")
    message_in_count = fields.Integer("Messages in", aggregator="sum")
    message_out_count = fields.Integer("Messages out", aggregator="sum")
    bot_since = fields.Datetime(help="Since when the Automated tab holds it (while it does).")
    # durations in minutes; averaged in reports
    first_response_minutes = fields.Float("Wait to first response (min)", aggregator="avg",
                                          help="From opening to the first human answer.")
    resolution_minutes = fields.Float("Resolution (min)", aggregator="avg")
    bot_minutes = fields.Float("Time in Automated (min)", aggregator="avg")
    first_response_business_minutes = fields.Float(
        "Wait to first response, business hours (min)", aggregator="avg",
        help="Counted only within the connection's business hours.")
    resolution_business_minutes = fields.Float("Resolution, business hours (min)",
                                               aggregator="avg")
    # 100 or 0 (empty while not measured): their average is a percentage
    first_response_in_target = fields.Integer(
        "Answered within target (%)", aggregator="avg",
        help="Answered within Settings' first response target.")
    resolved_in_target = fields.Integer("Resolved within target (%)", aggregator="avg")

    opened_hour = fields.Integer("Hour of day", compute="_compute_opened_hour", store=True,
                                 aggregator=False,
                                 help="Hour of opening, in the company's time zone.")
    csat_state = fields.Selection([("asked", "Asked"), ("answered", "Answered")],
                                  "Satisfaction survey", copy=False)
    csat_asked_at = fields.Datetime(copy=False)
    csat_score = fields.Integer("Satisfaction", aggregator="avg", copy=False,
                                help="The customer's rating (1 to the connection's scale).")
    csat_comment = fields.Text("Customer's comment", copy=False)
    # 100 when the customer answered the survey, 0 when asked only: the response rate
    csat_responded = fields.Integer("Survey response rate (%)", aggregator="avg", copy=False)

    _sql_constraints = [
        ("protocol_company_uniq", "unique(company_id, protocol)",
         "A protocol number is given once per company."),
    ]

    @api.depends("protocol", "conversation_id.name")
    def _compute_display_name(self):
        for attendance in self:
            attendance.display_name = (f"{attendance.protocol} · {attendance.conversation_id.name}"
                                       if attendance.conversation_id.name else attendance.protocol)

    @api.depends("opened_at", "company_id")
    def _compute_opened_hour(self):
        for attendance in self:
            tz = pytz.timezone(attendance.company_id.partner_id.tz or self.env.user.tz or "UTC")
            attendance.opened_hour = attendance.opened_at and pytz.utc.localize(
                attendance.opened_at).astimezone(tz).hour

    # ------------------------------------------------------------
    # Opening and closing (called by the conversation's transitions)
    # ------------------------------------------------------------

    @api.model
    def _open_for(self, conversations, opened_by, opened_at=None):
        """Open an attendance for each conversation that has none open."""
        conversations = conversations.filtered(lambda c: c.current_attendance_id.state != "open")
        if not conversations:
            return self.browse()
        now = fields.Datetime.now()
        # sudo: whatsapp.inbox.attendance - opened by the inbox's transitions, for anyone
        attendances = self.sudo().create([{
            "conversation_id": conversation.id,
            "company_id": conversation.company_id.id,
            "protocol": self._next_protocol(conversation.company_id),
            "channel": conversation.channel,
            "connection_id": conversation.connection_id.id,
            "user_id": conversation.user_id.id,
            "department_id": conversation.department_id.id,
            "origin_id": conversation.origin_id.id,
            "opened_by": opened_by,
            "opened_at": opened_at or (conversation.waiting_since if opened_by == "customer"
                                       else None) or now,
        } for conversation in conversations])
        for conversation, attendance in zip(conversations, attendances, strict=True):
            conversation.sudo().current_attendance_id = attendance
        return attendances.with_env(self.env)

    def _record_response(self, user, at):
        """A person answered the customer at ``at``."""
        for attendance in self.sudo():
            vals = {}
            if user and user not in attendance.agent_ids:
                vals["agent_ids"] = [fields.Command.link(user.id)]
            if not attendance.first_response_at:
                vals["first_response_at"] = at
                vals.update(attendance._response_durations(at))
            if vals:
                attendance.write(vals)

    def _response_durations(self, at):
        self.ensure_one()
        target = int(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.first_response_target_minutes", 5))
        minutes = _minutes(self.opened_at, at)
        return {
            "first_response_minutes": minutes,
            "first_response_business_minutes": self._business_minutes(self.opened_at, at),
            "first_response_in_target": 100 if minutes <= target else 0,
        }

    def _enter_bot(self, at):
        self.sudo().filtered(lambda a: not a.bot_since).bot_since = at

    def _leave_bot(self, at):
        for attendance in self.sudo().filtered("bot_since"):
            attendance.write({
                "bot_minutes": attendance.bot_minutes + _minutes(attendance.bot_since, at),
                "bot_since": False,
            })

    def _close(self, how, user, at=None):
        """Finalize: record when, who and how, and what the attendance was at its end."""
        at = at or fields.Datetime.now()
        self._leave_bot(at)
        target_hours = float(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.resolution_target_hours", 24))
        counts = self._message_counts(at)
        for attendance in self.sudo():
            conversation = attendance.conversation_id
            minutes = _minutes(attendance.opened_at, at)
            attendance.write({
                "state": "closed",
                "closed_at": at,
                "closed_by_id": user.id,
                "close_method": how,
                "user_id": conversation.user_id.id,
                "department_id": conversation.department_id.id,
                "origin_id": conversation.origin_id.id,
                "lead_status_id": conversation.lead_status_id.id,
                "tag_ids": [fields.Command.set(conversation.tag_ids.ids)],
                "resolution_minutes": minutes,
                "resolution_business_minutes": attendance._business_minutes(
                    attendance.opened_at, at),
                "resolved_in_target": 100 if minutes <= target_hours * 60 else 0,
                "message_in_count": counts.get((attendance.id, "in"), 0),
                "message_out_count": counts.get((attendance.id, "out"), 0),
            })

    def _reopen(self):
        """Reopen (the conversation's Reopen): the same attendance goes on."""
        self.sudo().write({"state": "open", "closed_at": False, "closed_by_id": False,
                           "close_method": False})

    def _message_counts(self, until):
        """``{(attendance id, direction): count}`` of the WhatsApp messages of each
        attendance's time span (one query)."""
        if not self:
            return {}
        self.env["whatsapp.inbox.message"].flush_model(["conversation_id", "direction",
                                                        "timestamp"])
        self.env.cr.execute("""
            SELECT attendance.id, message.direction, count(*)
              FROM whatsapp_inbox_attendance attendance
              JOIN whatsapp_inbox_message message
                ON message.conversation_id = attendance.conversation_id
               AND message.timestamp >= attendance.opened_at AND message.timestamp <= %s
             WHERE attendance.id IN %s
          GROUP BY attendance.id, message.direction
        """, [until, tuple(self.ids)])
        return {(row[0], row[1]): row[2] for row in self.env.cr.fetchall()}

    def _business_minutes(self, start, end):
        """Minutes between ``start`` and ``end`` (naive UTC) within the connection's business
        hours; the plain difference when it has none."""
        self.ensure_one()
        calendar = self.connection_id.resource_calendar_id
        if not (start and end):
            return 0.0
        if not calendar:
            return _minutes(start, end)
        hours = calendar.get_work_hours_count(pytz.utc.localize(start), pytz.utc.localize(end),
                                              compute_leaves=True)
        return round(hours * 60, 2)


def _minutes(start, end):
    return round(max((end - start) / timedelta(minutes=1), 0.0), 2) if start and end else 0.0
