"""Report measures of attendances beyond Odoo's sums and averages: the 90th percentile of
service times, as a ``p90`` aggregate that pivot and graph views use like any other."""

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

# each measure and the stored duration whose 90th percentile it reports
P90_MEASURES = {
    "first_response_p90": "first_response_minutes",
    "first_response_business_p90": "first_response_business_minutes",
    "resolution_p90": "resolution_minutes",
    "resolution_business_p90": "resolution_business_minutes",
}
NUMBERS = ("integer", "float", "monetary")


class WhatsappInboxAttendance(models.Model):
    _inherit = "whatsapp.inbox.attendance"

    first_response_p90 = fields.Float(
        "Wait to first response p90 (min)", compute="_compute_first_response_p90", aggregator="p90",
        help="90th percentile: in reports, nine attendances in ten were answered within it.")
    first_response_business_p90 = fields.Float(
        "Wait to first response p90, business hours (min)",
        compute="_compute_first_response_business_p90", aggregator="p90")
    resolution_p90 = fields.Float(
        "Resolution p90 (min)", compute="_compute_resolution_p90", aggregator="p90",
        help="90th percentile: in reports, nine attendances in ten were closed within it.")
    resolution_business_p90 = fields.Float(
        "Resolution p90, business hours (min)", compute="_compute_resolution_business_p90",
        aggregator="p90")

    @api.depends("first_response_minutes")
    def _compute_first_response_p90(self):
        """One attendance is its own percentile: each p90 measure of a record is its duration
        (groups get theirs from ``_read_group_select``)."""
        for attendance in self:
            attendance.first_response_p90 = attendance.first_response_minutes

    @api.depends("first_response_business_minutes")
    def _compute_first_response_business_p90(self):
        for attendance in self:
            attendance.first_response_business_p90 = attendance.first_response_business_minutes

    @api.depends("resolution_minutes")
    def _compute_resolution_p90(self):
        for attendance in self:
            attendance.resolution_p90 = attendance.resolution_minutes

    @api.depends("resolution_business_minutes")
    def _compute_resolution_business_p90(self):
        for attendance in self:
            attendance.resolution_business_p90 = attendance.resolution_business_minutes

    def _read_group_select(self, aggregate_spec, query):
        """``field:p90``: the 90th percentile of a stored number, interpolated like
        PostgreSQL's ``percentile_cont`` (empty values left out, as averages do); the
        measures of ``P90_MEASURES`` read their duration."""
        if aggregate_spec != "__count":
            fname, property_name, func = parse_read_group_spec(aggregate_spec)
            if func == "p90" and not property_name:
                column = P90_MEASURES.get(fname, fname)
                field = self._fields.get(column)
                if not (field and field.store and field.type in NUMBERS):
                    raise ValueError(f"Invalid {aggregate_spec!r}: p90 needs a stored number.")
                return SQL("percentile_cont(0.9) WITHIN GROUP (ORDER BY %s)",
                           self._field_to_sql(self._table, column, query))
        return super()._read_group_select(aggregate_spec, query)
