"""Automations of the inbox: the triage bot, away messages outside business hours,
round-robin assignment and auto-finalize. None of them ever answers while a human
does: they act only on conversations in the Automated tab, or before anyone replied."""

import logging
import re
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools import interactive as interactive_tools

_logger = logging.getLogger(__name__)

HUMAN_WORDS = {"0", "humano", "human", "atendente", "agente", "agent", "pessoa", "persona"}
AWAY_EVERY = timedelta(hours=12)


def _shorten(text, limit):
    """``text`` cut to WhatsApp's ``limit`` of characters."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    bot_failures = fields.Integer(copy=False, help="Answers the triage bot did not understand.")
    away_sent_at = fields.Datetime(copy=False)

    def _run_automations(self, messages):
        """Bot, away message and assignment after customer ``messages``.

        Each conversation's automations run in a savepoint: whatever refuses there
        (an expired token, a closed window...) is logged and never costs the
        customer messages already recorded.
        """
        for conversation in self.filtered(lambda c: c._has_automations()):
            if conversation.connection_id.token_state == "expired":
                conversation._auto_assign()
                continue
            try:
                with self.env.cr.savepoint():
                    conversation._run_bot(messages)
                    conversation._send_away_messages(messages)
                    conversation._auto_assign()
            except (UserError, ValidationError) as error:
                _logger.warning("WhatsApp: automations of conversation %s skipped: %s",
                                conversation.id, error)

    def _has_automations(self):
        """Whether an automation may act on the conversation (cheap: most have none)."""
        self.ensure_one()
        connection = self.connection_id
        return bool(connection.bot_enabled or (connection.away_message
                                               and connection.resource_calendar_id)
                    or (self.state == "waiting" and not self.user_id
                        and self.department_id.auto_assign))

    # ------------------------------------------------------------
    # Triage bot
    # ------------------------------------------------------------

    def _send_bot_menu(self, body=None):
        """The menu of departments as WhatsApp buttons (up to 3 choices) or a list (up to
        10), whose ids are the numbers the customer could also type; as text beyond."""
        self.ensure_one()
        departments = self.connection_id.bot_department_ids
        choices = [(str(index), department.name) for index, department in
                   enumerate(departments, 1)] + [("0", self.env._("Talk to a person"))]
        body = body or self.connection_id.bot_greeting or self.env._("Hello! How can we help?")
        if len(choices) > interactive_tools.MAX_ROWS:
            return self._send_text(body + "\n" + "\n".join(
                f"{number}. {name}" for number, name in choices), automated=True)
        if len(choices) <= interactive_tools.MAX_BUTTONS:
            menu = interactive_tools.reply_buttons(
                body, [(number, _shorten(name, 20)) for number, name in choices])
        else:
            menu = interactive_tools.list_menu(body, self.env._("Choose"), [(
                self.env._("Departments"),
                [(number, _shorten(name, 24), None) for number, name in choices])])
        return self._send_interactive(menu, automated=True)

    def _run_bot(self, messages):
        """The triage bot's turn after customer ``messages`` (new ones are greeted)."""
        for conversation in self.filtered(lambda c: c.connection_id.bot_enabled):
            batch = messages.filtered(lambda m, c=conversation: m.conversation_id == c)
            # a tapped button or row answers with its id: the number of the choice
            texts = [m.choice_id or m.body for m in batch
                     if m.message_type in ("text", "interactive", "button")]
            if conversation.state == "waiting" and not conversation.first_response_at \
                    and not conversation.user_id and conversation.state != "bot" \
                    and len(conversation.wa_message_ids) == len(batch):
                conversation.action_start_bot()
                conversation._send_bot_menu()
            elif conversation.state == "bot" and texts:
                conversation._bot_route(texts[-1])

    def _bot_route(self, text):
        """Route the customer by their menu choice, or hand over to a human."""
        self.ensure_one()
        answer = re.sub(r"[^\w]", "", (text or "").strip().lower())
        departments = self.connection_id.bot_department_ids
        if answer.isdigit() and 1 <= int(answer) <= len(departments):
            department = departments[int(answer) - 1]
            self.write({"department_id": department.id})
            self.action_release_bot()
            self._send_text(self.env._("Thank you! %s will answer you shortly.",
                                       department.name), automated=True)
        elif answer in HUMAN_WORDS:
            self.action_release_bot()
            self._send_text(self.env._("Thank you! A person will answer you shortly."),
                            automated=True)
        elif self.bot_failures + 1 >= 2:
            self.bot_failures = 0
            self.action_release_bot()
            self._send_text(self.env._("Sorry, I did not understand. A person will answer "
                                       "you shortly."), automated=True)
        else:
            self.bot_failures += 1
            self._send_bot_menu(self.env._("Sorry, I did not understand. Choose one:"))
        self._auto_assign()

    # ------------------------------------------------------------
    # Business hours
    # ------------------------------------------------------------

    def _send_away_messages(self, messages):
        """Outside the connection's business hours, tell customers when we are back
        (at most every 12 hours per conversation, inside the 24-hour window)."""
        now = fields.Datetime.now()
        for conversation in self:
            connection = conversation.connection_id
            if not (connection.away_message and connection.resource_calendar_id) \
                    or conversation.state == "bot" or connection._is_open_at(now) \
                    or (conversation.away_sent_at and conversation.away_sent_at > now - AWAY_EVERY):
                continue
            if not messages.filtered(lambda m, c=conversation: m.conversation_id == c
                                     and m.message_type != "reaction"):
                continue
            conversation._send_text(connection.away_message, automated=True)
            conversation.away_sent_at = now

    # ------------------------------------------------------------
    # Assignment and closing
    # ------------------------------------------------------------

    def _auto_assign(self):
        """Give unassigned Waiting conversations of auto-assigning departments to the
        next member (round-robin) who has fewer open conversations than the cap."""
        for conversation in self.filtered(
                lambda c: c.state == "waiting" and not c.user_id
                and c.department_id.auto_assign):
            agent = conversation.department_id._next_agent(conversation.company_id)
            if agent:
                conversation.user_id = agent
                conversation._message_log(
                    body=self.env._("Assigned to %s (round-robin).", agent.name))
                conversation._toast(agent, self.env._("New conversation for you: %s",
                                                      conversation.display_name))

    @api.model
    def _cron_auto_finalize(self):
        """Finalize Open and Automated conversations idle for the configured hours
        (setting ``whatsapp_inbox.auto_finalize_hours``; 0 or empty: never)."""
        hours = int(self.env["ir.config_parameter"].sudo().get_param(
            "whatsapp_inbox.auto_finalize_hours") or 0)
        if hours <= 0:
            return
        idle = self.search([
            ("state", "in", ("open", "bot")),
            ("last_message_at", "<", fields.Datetime.now() - timedelta(hours=hours)),
        ], limit=1000)
        for conversation in idle:
            conversation._message_log(body=self.env._(
                "Finalized automatically after %s hours without messages.", hours))
        idle._finalize("auto_finalize")
