"""The supervisor dashboard's data (static/src/dashboard/): one call, a handful of grouped
queries, read as the user (record rules and the companies chosen apply)."""

from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models

TREND_DAYS = 14
AGENTS_SHOWN = 40  # the busiest ones: a bar each


class WhatsappInboxAttendance(models.Model):
    _inherit = "whatsapp.inbox.attendance"

    @api.model
    def dashboard_data(self):
        """What the supervisor dashboard shows, days counted in the user's time zone::

            {"waiting": {"count": 3, "oldest_since": "2026-12-01 11:58:00"},
             "agents": [{"id": False, "name": "Unassigned", "open": 0, "waiting": 2,
                         "cap": 0},
                        {"id": 7, "name": "Ana", "open": 4, "waiting": 1, "cap": 6}, ...],
             "today": {"day": "2026-12-01", "attendances": 12, "first_response": 3.5,
                       "csat": 4.5, "csat_count": 2},
             "yesterday": {...the same...},
             "trend": [{"day": "2026-11-18", "attendances": 30, "first_response": 4.2,
                        "first_response_p90": 9.0}, ...]}

        ``first_response`` is the average wait (minutes) of the day's attendances answered,
        ``csat`` the average rating of those rated; ``None`` when there is none. ``cap`` is
        the agent's own (0: none); the first row (``id`` False), when any, holds the Open
        and Waiting conversations nobody holds. ``trend`` holds the last 14 days, today
        last.
        """
        tz_name = self.env.context.get("tz") or self.env.user.tz or "UTC"
        tz = pytz.timezone(tz_name if tz_name in pytz.all_timezones else "UTC")
        # read_group cuts days in the context's time zone: the same as ours
        Attendance = self.with_context(tz=tz.zone)
        today = pytz.utc.localize(fields.Datetime.now()).astimezone(tz).date()
        days = [today - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]

        def start_of(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(
                tzinfo=None)

        per_day = {_day(day): (count, average, p90) for day, count, average, p90 in
                   Attendance._read_group(
                       [("opened_at", ">=", start_of(days[0]))], ["opened_at:day"],
                       ["__count", "first_response_minutes:avg", "first_response_p90:p90"])}
        csat = {_day(day): (average, count) for day, average, count in Attendance._read_group(
            [("opened_at", ">=", start_of(days[-2])), ("csat_score", ">", 0)],
            ["opened_at:day"], ["csat_score:avg", "__count"])}

        def kpis(day):
            count, average, _p90 = per_day.get(day, (0, None, None))
            csat_average, csat_count = csat.get(day, (None, 0))
            return {"day": day.isoformat(), "attendances": count,
                    "first_response": _number(average), "csat": _number(csat_average),
                    "csat_count": csat_count}

        return {
            "waiting": self._dashboard_waiting(),
            "agents": self._dashboard_agents(),
            "today": kpis(days[-1]),
            "yesterday": kpis(days[-2]),
            "trend": [{"day": day.isoformat(), "attendances": per_day.get(day, (0,))[0],
                       "first_response": _number(per_day.get(day, (0, None))[1]),
                       "first_response_p90": _number(per_day.get(day, (0, None, None))[2])}
                      for day in days],
        }

    @api.model
    def _dashboard_waiting(self):
        """How many customers wait now, and since when the first of them does."""
        [(count, oldest)] = self.env["whatsapp.inbox.conversation"]._read_group(
            [("state", "=", "waiting")], [], ["__count", "waiting_since:min"])
        return {"count": count, "oldest_since": oldest or None}

    @api.model
    def _dashboard_agents(self):
        """The agents of the user's companies with their Waiting and Open conversations
        and their own cap, the busiest first; before them, the conversations nobody holds
        (when there are any): customers who wait for whoever takes them."""
        loads = {}
        for user, state, count in self.env["whatsapp.inbox.conversation"]._read_group(
                [("state", "in", ("waiting", "open"))], ["user_id", "state"], ["__count"]):
            loads.setdefault(user.id, {"open": 0, "waiting": 0})[state] = count
        unassigned = loads.pop(False, None)
        agents = self.env["res.users"].search([
            ("groups_id", "in", self.env.ref("whatsapp_inbox.group_agent").id),
            ("share", "=", False), ("company_ids", "in", self.env.companies.ids)])
        agents |= self.env["res.users"].browse(loads)
        rows = [{"id": agent.id, "name": agent.name, "cap": agent.whatsapp_inbox_max_open,
                 **loads.get(agent.id, {"open": 0, "waiting": 0})} for agent in agents]
        rows.sort(key=lambda row: (-row["open"] - row["waiting"], row["name"]))
        if unassigned:
            rows.insert(0, {"id": False, "name": self.env._("Unassigned"), "cap": 0,
                            **unassigned})
        return rows[:AGENTS_SHOWN + bool(unassigned)]


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def _number(value):
    return round(value, 2) if value is not None and value is not False else None
