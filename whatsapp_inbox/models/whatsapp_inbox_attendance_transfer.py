from odoo import fields, models


class WhatsappInboxAttendanceTransfer(models.Model):
    """One hand-over of an attendance (the Transfer wizard): from whom, to whom, when, why."""

    _name = "whatsapp.inbox.attendance.transfer"
    _description = "WhatsApp Attendance Transfer"
    _order = "create_date, id"

    attendance_id = fields.Many2one("whatsapp.inbox.attendance", required=True, index=True,
                                    ondelete="cascade")
    company_id = fields.Many2one(related="attendance_id.company_id", store=True)
    from_user_id = fields.Many2one("res.users", "From agent")
    from_department_id = fields.Many2one("whatsapp.inbox.department", "From department",
                                         ondelete="set null")
    to_user_id = fields.Many2one("res.users", "To agent")
    to_department_id = fields.Many2one("whatsapp.inbox.department", "To department",
                                       ondelete="set null")
    user_id = fields.Many2one("res.users", "Transferred by")
    note = fields.Text()
