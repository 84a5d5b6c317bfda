"""Server side of the Inbox workspace (static/src/workspace/): its left column, the queues,
page by page (the conversation and the client panel: whatsapp_inbox_workspace_thread.py;
its actions: whatsapp_inbox_workspace_actions.py).

Everything is read through the ORM as the user, so record rules apply; message bodies go
out as plain text, never as HTML. Designed for 100,000 conversations and 1,000,000
messages: pages come from indexed orders (see ``init``), the tab counts from four indexed
queries and a thread from the last messages of one ``(model, res_id)``.
"""

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

PAGE = 40
CHOICES = 500  # at most this many agents, departments, numbers, tags in the filters
ORDER_RECENT = "last_message_at desc, id desc"
ORDER_WAITING = "waiting_since asc, id asc"
# The queues of the left column: the documents' four, then one per state.
TABS = ("waiting", "unread", "mine", "all", "new", "open", "bot", "done", "error")
STATES = ("new", "waiting", "open", "bot", "done", "error")
ACTIVE = ("new", "waiting", "open", "bot", "error")  # all but Finalized
COUNT_CAP = 10000


class WhatsappInboxConversation(models.Model):
    _inherit = "whatsapp.inbox.conversation"

    def init(self):
        result = super().init()
        # One index per order of the workspace's tabs, so the first page of any tab is
        # an index range scan whatever the number of conversations (bench/workspace.py).
        table = self._table
        create_index(self._cr, "whatsapp_inbox_conversation_recent_idx", table,
                     ["last_message_at", "id"])
        create_index(self._cr, "whatsapp_inbox_conversation_state_recent_idx", table,
                     ["state", "last_message_at", "id"])
        create_index(self._cr, "whatsapp_inbox_conversation_waiting_idx", table,
                     ["waiting_since", "id"], where="state = 'waiting'")
        create_index(self._cr, "whatsapp_inbox_conversation_unread_idx", table,
                     ["last_message_at", "id"], where="unread")
        # Mine: an agent's conversations still to attend, however many they finalized
        create_index(self._cr, "whatsapp_inbox_conversation_user_state_idx", table,
                     ["user_id", "state", "last_message_at"], where="user_id IS NOT NULL")
        return result

    # ------------------------------------------------------------
    # Left column: the queues
    # ------------------------------------------------------------

    @api.model
    def workspace_setup(self):
        """What the workspace needs once: filter choices, thresholds, saved filters."""
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.env.user)
        return {
            "uid": self.env.uid,
            "thresholds": self.new({}).wait_thresholds,
            "filters": settings.with_user(self.env.user).whatsapp_inbox_filters or {},
            "agents": [{"id": agent.id, "name": agent.name}
                       for agent in self._workspace_agents()],
            "departments": self.env["whatsapp.inbox.department"].search_read(
                [], ["name"], limit=CHOICES),
            "connections": self.env["whatsapp.inbox.connection"].search_read(
                [], ["name"], limit=CHOICES),
            "tags": self.env["whatsapp.inbox.tag"].search_read(
                [], ["name", "color"], limit=CHOICES),
            "lead_statuses": self.env["whatsapp.inbox.lead.status"].search_read(
                [], ["name", "color"], limit=CHOICES),
            "labels": self._workspace_labels(),
        }

    @api.model
    def _workspace_agents(self, domain=()):
        """The agents (internal users of the agent group) matching ``domain``, with their
        names read, at most ``CHOICES``."""
        agent_group = self.env.ref("whatsapp_inbox.group_agent")
        return self.env["res.users"].search_fetch(
            [("groups_id", "in", agent_group.ids), ("share", "=", False), *domain], ["name"],
            limit=CHOICES)

    @api.model
    def _workspace_labels(self):
        """The names of the tabs and states, translated here: in the web client a short
        word such as "All" or "Open" takes the translation of whichever module's terms
        load last ("Tudo", "Aberto" in Portuguese), not the inbox's own."""
        states = dict(self._fields["state"]._description_selection(self.env))
        return {
            "states": states,
            "tabs": {**states, "waiting": self.env._("Waiting"), "unread": self.env._("Unread"),
                     "mine": self.env._("Mine"), "all": self.env._("All"),
                     "error": self.env._("Errors")},
        }

    @api.model
    def workspace_save_filters(self, filters):
        """Keep the user's filters (agent, department, connection, tags) for next time."""
        settings = self.env["res.users.settings"]._find_or_create_for_user(self.env.user)
        settings.with_user(self.env.user).whatsapp_inbox_filters = self._workspace_clean_filters(
            filters)
        return True

    @api.model
    def _workspace_clean_filters(self, filters):
        filters = filters if isinstance(filters, dict) else {}
        clean = {}
        for key in ("user_id", "department_id", "connection_id"):
            value = filters.get(key)
            if isinstance(value, int) or (key == "user_id" and value == "none"):
                clean[key] = value
        tags = filters.get("tag_ids")
        if isinstance(tags, list) and all(isinstance(tag, int) for tag in tags):
            clean["tag_ids"] = tags
        return clean

    @api.model
    def _workspace_filter_domain(self, filters):
        """Domain of the filters bar: ``{"user_id": id or "none", "department_id",
        "connection_id", "tag_ids": [ids]}`` (tags: any of them)."""
        filters = self._workspace_clean_filters(filters)
        domain = []
        if "user_id" in filters:
            domain.append(("user_id", "=", False if filters["user_id"] == "none"
                           else filters["user_id"]))
        for key in ("department_id", "connection_id"):
            if key in filters:
                domain.append((key, "=", filters[key]))
        if filters.get("tag_ids"):
            domain.append(("tag_ids", "in", filters["tag_ids"]))
        return domain

    @api.model
    def _workspace_tab_domain(self, tab):
        if tab == "unread":
            return [("unread", "=", True)]
        if tab == "mine":
            return [("user_id", "=", self.env.uid), ("state", "in", ACTIVE)]
        if tab == "all":
            return []
        if tab in STATES:
            return [("state", "=", tab)]
        raise UserError(self.env._("Unknown inbox tab: %s", tab))

    @api.model
    def _workspace_search_domain(self, search):
        """Name, number (typed with or without spaces), text of the last message or of
        any of the newest messages (see ``_search_message_search``)."""
        search = (search or "").strip()
        if not search:
            return []
        # trigram indexes serve every term (see whatsapp_inbox_conversation_search.py)
        return ["|", "|", ("customer_search", "ilike", search),
                ("last_message_preview", "ilike", search),
                ("message_search", "ilike", search)]

    @api.model
    def workspace_list(self, tab, filters=None, search="", offset=0, limit=PAGE):
        """One page of a tab: ``offset``/``limit`` over an indexed order (Waiting
        oldest first, the others by last message).

        :return: ``{"rows": [row dicts, see _workspace_rows], "more": bool}``
        """
        limit = max(1, min(int(limit), 200))
        domain = (self._workspace_tab_domain(tab) + self._workspace_filter_domain(filters)
                  + self._workspace_search_domain(search))
        order = ORDER_WAITING if tab == "waiting" else ORDER_RECENT
        conversations = self.search_fetch(domain, self._workspace_row_fields(),
                                          offset=int(offset), limit=limit + 1, order=order)
        return {"rows": conversations[:limit]._workspace_rows(),
                "more": len(conversations) > limit}

    @api.model
    def _workspace_row_fields(self):
        return ["name", "phone", "wa_id", "username", "partner_id", "lead_status_id",
                "connection_id", "last_message_preview", "last_message_at", "unread", "state",
                "waiting_since", "user_id", "department_id", "channel", "handled_by",
                "last_inbound_at", "last_outbound_at", "unanswered_since"]

    def _workspace_rows(self):
        """One line per conversation; related names come in one query per model.

        ``unanswered_since``: in an Open conversation, when the customer wrote after our
        last reply, the time of their first message since (False otherwise): the line
        shows how long they have been waiting, as Waiting lines do from ``waiting_since``.
        ``awaiting_customer``: we spoke last (a reply, a template sent to a new contact) in
        a conversation Not started or Open: nothing to do until the customer answers, and
        the line says so quietly. Both come from fields the page already read.
        Times are whole seconds (Meta's timestamps are): a customer message in the same
        second as our reply counts as unanswered, never hidden as settled
        (see whatsapp_inbox_conversation_unanswered.py).
        """
        return [{
            "id": conversation.id,
            "name": conversation.name or "",
            "number": conversation.phone or conversation.username or conversation.wa_id or "",
            "partner_id": conversation.partner_id.id,
            "lead_status": self._workspace_named(conversation.lead_status_id, "color"),
            "connection": conversation.connection_id.name or "",
            "preview": conversation.last_message_preview or "",
            "last_message_at": conversation.last_message_at,
            "unread": conversation.unread,
            "state": conversation.state,
            "waiting_since": conversation.waiting_since,
            "agent": self._workspace_named(conversation.user_id),
            "department": conversation.department_id.name or "",
            "meta_agent": conversation.handled_by == "meta_agent",
            "channel": conversation.channel,
            "unanswered_since": conversation._workspace_unanswered_since(),
            "awaiting_customer": conversation._workspace_awaiting_customer(),
        } for conversation in self]

    def _workspace_unanswered_since(self):
        self.ensure_one()
        return self.state == "open" and self.unanswered_since or False

    def _workspace_awaiting_customer(self):
        self.ensure_one()
        inbound, outbound = self.last_inbound_at, self.last_outbound_at
        return bool(self.state in ("new", "open") and outbound
                    and (not inbound or outbound > inbound))

    @api.model
    def workspace_counts(self, filters=None, search=""):
        """The badge of every tab, with the filters and the search applied: what each
        tab's list would show.

        Four indexed queries whatever the size of the inbox: the states still to attend,
        grouped; Unread and Mine; and Finalized, which only grows, counted up to
        ``COUNT_CAP`` (its tab and All then read "10000+": ``capped`` lists them). With a
        search, one query (see ``_workspace_search_counts``).
        """
        domain = self._workspace_filter_domain(filters)
        searched = self._workspace_search_domain(search)
        if searched:
            return self._workspace_search_counts(domain + searched)
        counts = dict.fromkeys(TABS, 0)
        for state, count in self._read_group(domain + [("state", "in", ACTIVE)], ["state"],
                                             ["__count"]):
            counts[state] = count
        counts["unread"] = self.search_count(domain + self._workspace_tab_domain("unread"))
        counts["mine"] = self.search_count(domain + self._workspace_tab_domain("mine"))
        counts["done"] = self.search_count(domain + [("state", "=", "done")], limit=COUNT_CAP)
        counts["all"] = sum(counts[state] for state in STATES)
        counts["capped"] = ["done", "all"] if counts["done"] >= COUNT_CAP else []
        return counts

    @api.model
    def _workspace_search_counts(self, domain):
        """The counts of :meth:`workspace_counts` for a searched ``domain``, in one
        grouped query (at most a group per state, unread and agent): what costs is the
        search, the list's own terms (each served by an index, see
        ``_search_message_search``), so it runs once rather than once per count.
        Finalized reads "10000+" from ``COUNT_CAP`` on, as without a search."""
        counts = dict.fromkeys(TABS, 0)
        for state, unread, user, count in self._read_group(
                domain, ["state", "unread", "user_id"], ["__count"], order="state"):
            counts[state] += count
            counts["unread"] += count if unread else 0
            counts["mine"] += count if user.id == self.env.uid and state in ACTIVE else 0
        counts["done"] = min(counts["done"], COUNT_CAP)
        counts["all"] = sum(counts[state] for state in STATES)
        counts["capped"] = ["done", "all"] if counts["done"] >= COUNT_CAP else []
        return counts

    @api.model
    def _workspace_named(self, record, *extra):
        """``{"id", "name", *extra}`` of a many2one value, or False when empty."""
        if not record:
            return False
        return {"id": record.id, "name": record.name or "",
                **{f: record[f] for f in extra}}
