/** @odoo-module **/

import { reactive } from "@odoo/owl";
import { browser } from "@web/core/browser/browser";
import { checkFileSize } from "@web/core/utils/files";

const MODEL = "whatsapp.inbox.conversation";
export const PAGE = 40;
const REFRESH = "whatsapp_inbox/refresh";
// Statuses that can still move: their ticks are re-read when the server says
// something changed but does not say which message (older servers).
const MOVING = new Set(["queued", "sent", "delivered"]);

/**
 * The state of the Inbox workspace and every read it does, shared by its three
 * columns. All data come from the server methods of whatsapp_inbox_workspace.py
 * through the ORM, as the user.
 */
export class WorkspaceModel {
    constructor(services) {
        this.orm = services.orm;
        this.bus = services.bus_service;
        this.http = services.http;
        this.notification = services.notification;
        this.toast = services.toast; // told which conversation is shown: no toast for it
        this.state = reactive({
            ready: false,
            live: false,
            setup: null,
            tab: "waiting",
            filters: {},
            search: "",
            rows: [],
            more: false,
            listLoading: false,
            counts: {},
            current: null, // { conversation, messages, panel, hasOlder, loadingOlder }
            opening: false,
        });
        this._pending = this._emptyBatch();
        this._flushing = null;
        this._timer = null;
        this._listRequest = 0;
        this._countsRequest = 0;
        this._refreshing = 0; // the request id of a refresh in place (keep) under way
        this._moreLoading = null; // the page being added, while it loads
        this._openRequest = 0;
        this._syncing = Promise.resolve(); // the reads of the open conversation, in turn
        this.onRefresh = this.onRefresh.bind(this);
        this.onConnection = this.onConnection.bind(this);
        this.onReconnect = this.onReconnect.bind(this);
    }

    async start() {
        this.bus.subscribe(REFRESH, this.onRefresh);
        this.bus.addEventListener("worker_state_updated", this.onConnection);
        this.bus.addEventListener("reconnect", this.onReconnect);
        this.bus.start();
        this.state.live = this.bus.workerState === "CONNECTED";
        const setup = await this.orm.call(MODEL, "workspace_setup", []);
        this.state.setup = setup;
        this.state.filters = setup.filters || {};
        await Promise.all([this.loadList(), this.loadCounts()]);
        this.state.ready = true;
    }

    stop() {
        this.bus.unsubscribe(REFRESH, this.onRefresh);
        this.bus.removeEventListener("worker_state_updated", this.onConnection);
        this.bus.removeEventListener("reconnect", this.onReconnect);
        browser.clearTimeout(this._timer);
        this.toast.shown = null;
    }

    onConnection({ detail }) {
        this.state.live = detail === "CONNECTED";
    }

    onReconnect() {
        // notifications may have been missed while offline: re-read everything shown
        this._queue({ reconnect: true });
    }

    // ------------------------------------------------------------------
    // Left column
    // ------------------------------------------------------------------

    async loadList({ keep = false } = {}) {
        if (keep && this._moreLoading) {
            // the page being added is refreshed with the others
            await this._moreLoading.catch(() => {});
        }
        const request = ++this._listRequest;
        const limit = keep ? Math.max(PAGE, this.state.rows.length) : PAGE;
        if (!keep) {
            this.state.listLoading = true;
            this._moreWanted = false; // another tab, filter or search: from its top
        } else {
            this._refreshing = request;
        }
        const { rows, more } = await this.orm.call(MODEL, "workspace_list", [
            this.state.tab,
            this.state.filters,
            this.state.search,
            0,
            limit,
        ]);
        if (this._refreshing === request) {
            this._refreshing = 0;
        }
        if (request !== this._listRequest) {
            return; // a newer tab, filter, search or refresh won (it serves what waits)
        }
        const open = this.state.current?.conversation;
        const seen = rows.find((row) => row.id === open?.id && !open.unread);
        if (seen) {
            seen.unread = false; // read before this list was, maybe: it is on screen
        }
        this.state.rows = rows;
        this.state.more = more;
        this.state.listLoading = false;
        this._loadWanted();
    }

    async loadMore() {
        if (this.state.listLoading || this._refreshing) {
            // a scroll to the bottom during a load or a refresh is not lost: served once
            // it ends
            this._moreWanted = true;
            return;
        }
        if (!this.state.more) {
            return;
        }
        const request = this._listRequest;
        this.state.listLoading = true;
        this._moreLoading = this.orm.call(MODEL, "workspace_list", [
            this.state.tab,
            this.state.filters,
            this.state.search,
            this.state.rows.length,
            PAGE,
        ]);
        let page;
        try {
            page = await this._moreLoading;
        } finally {
            this._moreLoading = null;
            this.state.listLoading = false;
        }
        const { rows, more } = page;
        if (request !== this._listRequest) {
            return;
        }
        const known = new Set(this.state.rows.map((row) => row.id));
        this.state.rows.push(...rows.filter((row) => !known.has(row.id)));
        this.state.more = more;
        this._loadWanted();
    }

    _loadWanted() {
        if (this._moreWanted) {
            this._moreWanted = false;
            this.loadMore();
        }
    }

    /** The tab badges count what the lists show: with the filters and the search. */
    async loadCounts() {
        const request = ++this._countsRequest;
        const counts = await this.orm.call(MODEL, "workspace_counts", [
            this.state.filters,
            this.state.search,
        ]);
        if (request === this._countsRequest) {
            this.state.counts = counts; // else a newer filter, search or refresh won
        }
    }

    setTab(tab) {
        this.state.tab = tab;
        return this.loadList();
    }

    setSearch(search) {
        this.state.search = search;
        return Promise.all([this.loadList(), this.loadCounts()]);
    }

    async setFilter(key, value) {
        const filters = { ...this.state.filters };
        if (value === undefined || value === null || value === false || value?.length === 0) {
            delete filters[key];
        } else {
            filters[key] = value;
        }
        await this._applyFilters(filters);
    }

    /** Back to the whole inbox: no filter, no search. */
    async clearFilters() {
        this.state.search = "";
        await this._applyFilters({});
    }

    async _applyFilters(filters) {
        this.state.filters = filters;
        await Promise.all([
            this.loadList(),
            this.loadCounts(),
            this.orm.call(MODEL, "workspace_save_filters", [filters]),
        ]);
    }

    // ------------------------------------------------------------------
    // Middle and right columns
    // ------------------------------------------------------------------

    async open(conversationId) {
        const request = ++this._openRequest;
        this.state.opening = true;
        this.toast.shown = conversationId;
        const data = await this.orm.call(MODEL, "workspace_open", [conversationId]);
        if (request !== this._openRequest) {
            return; // the user opened another one meanwhile
        }
        this.state.current = {
            conversation: data.conversation,
            messages: data.messages,
            panel: data.panel,
            hasOlder: data.messages.length >= 30,
            loadingOlder: false,
            pending: [],
        };
        this.state.opening = false;
        await this.markSeen({ opened: true });
    }

    close() {
        this._openRequest++;
        this.state.current = null;
        this.toast.shown = null;
    }

    /**
     * The agent looks at it: clear unread (and send Meta's read receipt). Only the
     * assigned agent, or anyone while nobody is: a supervisor glancing at a colleague's
     * conversation leaves it unread for them. A message arriving in the open thread
     * counts as seen only while the page is visible.
     */
    async markSeen({ opened = false } = {}) {
        const conversation = this.state.current?.conversation;
        const agent = conversation?.agent;
        const uid = this.state.setup.uid;
        if (
            !conversation?.unread ||
            (agent && agent.id !== uid) ||
            (!opened && document.visibilityState !== "visible")
        ) {
            return;
        }
        conversation.unread = false;
        const row = this.state.rows.find((r) => r.id === conversation.id);
        if (row) {
            row.unread = false;
        }
        await this.orm.call(MODEL, "action_mark_seen", [[conversation.id]]);
    }

    async loadOlder() {
        const current = this.state.current;
        if (!current || !current.hasOlder || current.loadingOlder || !current.messages.length) {
            return;
        }
        current.loadingOlder = true;
        const older = await this.orm.call(MODEL, "workspace_thread", [
            current.conversation.id,
            current.messages[0].id,
        ]);
        if (this.state.current !== current) {
            return;
        }
        current.messages.unshift(...older);
        current.hasOlder = older.length >= 30;
        current.loadingOlder = false;
    }

    /**
     * Re-read the open conversation: header, panel, new messages, changed ones. One read
     * at a time (after an action and at a refresh, both can be asked at once): each is
     * sent once the previous one is shown, so an older answer never overwrites a newer
     * one (a Read tick going back to Queued, a state going back to Waiting).
     */
    sync(messageIds = null) {
        const read = () => this._sync(messageIds);
        this._syncing = this._syncing.then(read, read);
        return this._syncing;
    }

    async _sync(messageIds) {
        const current = this.state.current;
        if (!current) {
            return;
        }
        const waIds = current.messages
            .filter((m) => m.kind === "whatsapp")
            .filter((m) =>
                messageIds
                    ? messageIds.has(m.wa_id)
                    : MOVING.has(m.status) || m.media_state === "to_download"
            )
            .map((m) => m.wa_id);
        const lastId = current.messages.length ? current.messages.at(-1).id : 0;
        const data = await this.orm.call(MODEL, "workspace_sync", [
            current.conversation.id,
            lastId,
            waIds,
        ]);
        if (this.state.current !== current) {
            return;
        }
        current.conversation = data.conversation;
        current.panel = data.panel;
        const updated = new Map(data.updated.map((m) => [m.id, m]));
        current.messages = current.messages.map((m) => updated.get(m.id) || m);
        const known = new Set(current.messages.map((m) => m.id));
        current.messages.push(...data.messages.filter((m) => !known.has(m.id)));
        await this.markSeen();
    }

    /** Upload files to the open conversation; they wait in the composer until sent. */
    async upload(files) {
        const current = this.state.current;
        if (!current) {
            return;
        }
        await Promise.all(
            files.map(async (file) => {
                if (!checkFileSize(file.size, this.notification)) {
                    return;
                }
                const key = `${file.name}-${Math.random()}`;
                current.pending.push({ key, name: file.name, uploading: true });
                const answer = await this.http.post(
                    "/web/binary/upload_attachment",
                    {
                        csrf_token: odoo.csrf_token,
                        ufile: [file],
                        model: MODEL,
                        id: current.conversation.id,
                    },
                    "text"
                );
                const index = current.pending.findIndex((p) => p.key === key);
                const [result] = JSON.parse(answer);
                if (!result || result.error) {
                    current.pending.splice(index, 1);
                    this.notification.add(result?.error || file.name, { type: "danger" });
                    return;
                }
                current.pending.splice(index, 1, {
                    key,
                    id: result.id,
                    name: result.filename,
                    mimetype: result.mimetype,
                    uploading: false,
                });
            })
        );
    }

    dropPending(ids) {
        const current = this.state.current;
        if (current) {
            current.pending = current.pending.filter((file) => !ids.includes(file.id));
        }
    }

    /** After the user acted on the open conversation: everything it shows may change. */
    async afterAction() {
        await Promise.all([this.sync(), this.loadList({ keep: true }), this.loadCounts()]);
    }

    // ------------------------------------------------------------------
    // Live: one re-read per batch of bus notifications
    // ------------------------------------------------------------------

    onRefresh(payload) {
        this._queue({ ids: payload?.ids || [], messageIds: payload?.message_ids });
    }

    _emptyBatch() {
        return { ids: new Set(), messageIds: new Set(), anyMessage: false, reconnect: false };
    }

    _queue({ ids = [], messageIds, reconnect = false }) {
        const batch = this._pending;
        ids.forEach((id) => batch.ids.add(id));
        if (messageIds) {
            messageIds.forEach((id) => batch.messageIds.add(id));
        } else {
            batch.anyMessage = true; // which messages changed is not said: re-read moving ones
        }
        batch.reconnect ||= reconnect;
        if (!this._timer && !this._flushing) {
            this._timer = browser.setTimeout(() => this._flush(), 100);
        }
    }

    async _flush() {
        this._timer = null;
        const batch = this._pending;
        this._pending = this._emptyBatch();
        const current = this.state.current;
        const work = [this.loadList({ keep: true }), this.loadCounts()];
        const shown = current?.messages.some((m) => batch.messageIds.has(m.wa_id));
        if (current && (batch.reconnect || shown || batch.ids.has(current.conversation.id))) {
            const guess = batch.reconnect || batch.anyMessage;
            work.push(this.sync(guess ? null : batch.messageIds));
        }
        this._flushing = Promise.all(work);
        try {
            await this._flushing;
        } finally {
            this._flushing = null;
            if (this._pending.ids.size || this._pending.reconnect) {
                this._timer = browser.setTimeout(() => this._flush(), 100);
            }
        }
    }
}
