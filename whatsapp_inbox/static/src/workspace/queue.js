/** @odoo-module **/

import { Component, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { SelectMenu } from "@web/core/select_menu/select_menu";
import { useDebounced } from "@web/core/utils/timing";
import { useNow } from "@whatsapp_inbox/core/use_now";
import {
    CHANNELS,
    colorIndex,
    initials,
    shortWhen,
    STATE_COLORS,
    waitInfo,
} from "./workspace_utils";

// the queues that mix states: their lines say which state each conversation is in
const MIXED_TABS = new Set(["unread", "mine", "all"]);

// the tabs, named by the server (workspace_setup's labels)
export const TABS = [
    "waiting", "unread", "mine", "all",
    // the states: those to act on first, so that a narrow column shows them before history
    "new", "open", "error", "bot", "done",
].map((key) => ({ key }));

/** The left column: tabs with live counts, search, filters and the paged list. */
export class InboxQueue extends Component {
    static template = "whatsapp_inbox.Queue";
    static components = { SelectMenu };
    static props = { model: Object, onOpen: Function };

    setup() {
        this.state = useState(this.props.model.state);
        this.ui = useState({ search: this.state.search, filtersOpen: false });
        this.clock = useNow(30000);
        this.mainTabs = TABS.slice(0, 4);
        this.stateTabs = TABS.slice(4);
        this.labels = this.state.setup.labels;
        this.stateColors = STATE_COLORS;
        this.channels = CHANNELS;
        this.placeholders = {
            user_id: _t("Any agent"),
            department_id: _t("Any department"),
            connection_id: _t("Any number"),
            tag_ids: _t("Any tag"),
        };
        this.waitTitles = {
            waiting: _t("Waiting"),
            unanswered: _t("Unanswered: time since the customer's first message after our last reply"),
        };
        this.searchLater = useDebounced((value) => this.props.model.setSearch(value), 300);
    }

    get setup_() {
        return this.state.setup;
    }

    get activeFilters() {
        return Object.keys(this.state.filters).length;
    }

    get agentChoices() {
        return [
            { value: "none", label: _t("Unassigned") },
            ...this.setup_.agents.map((a) => ({ value: a.id, label: a.name })),
        ];
    }

    choices(records) {
        return records.map((r) => ({ value: r.id, label: r.name }));
    }

    get showStates() {
        return MIXED_TABS.has(this.state.tab);
    }

    /** The label of the filter's current choice (its tooltip: long names are cut). */
    filterTitle(key, choices, placeholder) {
        const value = this.state.filters[key];
        const labels = choices
            .filter((choice) => (Array.isArray(value) ? value : [value]).includes(choice.value))
            .map((choice) => choice.label);
        return labels.join(", ") || placeholder;
    }

    countClass(key) {
        const value = this.state.counts[key];
        return {
            o_wai_count_zero: !value,
            o_wai_count_danger: key === "error" && value,
            o_wai_count_alert: (key === "waiting" || key === "unread") && value,
        };
    }

    setTab(key, ev) {
        // a tab half out of its line comes fully into view
        ev.currentTarget.scrollIntoView({ block: "nearest", inline: "nearest" });
        return this.props.model.setTab(key);
    }

    /** A wheel over a line of tabs scrolls it sideways. */
    onTabsWheel(ev) {
        const el = ev.currentTarget;
        if (el.scrollWidth > el.clientWidth && Math.abs(ev.deltaY) > Math.abs(ev.deltaX)) {
            el.scrollLeft += ev.deltaY;
            ev.preventDefault();
        }
    }

    count(tab) {
        const value = this.state.counts[tab] || 0;
        const label = value > 999 ? `${Math.floor(value / 1000)}k` : String(value);
        return this.state.counts.capped?.includes(tab) ? `${label}+` : label;
    }

    onSearchInput(ev) {
        this.ui.search = ev.target.value;
        this.searchLater(ev.target.value);
    }

    clearSearch() {
        this.ui.search = "";
        this.searchLater.cancel(); // a search typed just before is not applied after
        this.props.model.setSearch("");
    }

    /** Something narrows the list: a filter or a search (one control clears them all). */
    get narrowed() {
        return Boolean(this.activeFilters || this.ui.search);
    }

    clearAll() {
        this.ui.search = "";
        this.searchLater.cancel();
        this.props.model.clearFilters();
    }

    onScroll(ev) {
        const el = ev.target;
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 200) {
            this.props.model.loadMore();
        }
    }

    when(row) {
        return shortWhen(row.last_message_at, this.clock.now);
    }

    /** How long the customer has waited: in Waiting, and in Open for an answer. */
    waitOf(row) {
        if (row.state === "waiting") {
            return waitInfo(row.waiting_since, this.setup_.thresholds, this.clock.now);
        }
        if (row.state === "open" && row.unanswered_since) {
            return waitInfo(row.unanswered_since, this.setup_.thresholds, this.clock.now);
        }
        return null;
    }

    initials(name) {
        return initials(name);
    }

    avatarColor(row) {
        return `o_colorlist_item_color_${colorIndex(row.number || row.id)}`;
    }
}
