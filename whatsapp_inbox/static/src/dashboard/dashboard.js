/** @odoo-module **/

import { Component, onWillStart, onWillUnmount, useState } from "@odoo/owl";
import { cookie } from "@web/core/browser/cookie";
import { getColor } from "@web/core/colors/colors";
import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";
import { useBus, useService } from "@web/core/utils/hooks";
import { useDebounced } from "@web/core/utils/timing";
import { useInboxRefresh } from "../core/refresh_service";
import { useNow } from "../core/use_now";
import { DashboardChart } from "./dashboard_chart";

const MODEL = "whatsapp.inbox.attendance";
const ACTION = "whatsapp_inbox.whatsapp_inbox_";
const RELOAD_MS = 60000; // new day, other companies' numbers: at least once a minute
/** Colours of Odoo's charts (6-colour palette): blue, red, orange. */
const color = (index) => getColor(index, cookie.get("color_scheme") || "light", 6);
const [BLUE, RED, ORANGE] = [0, 1, 3].map(color);

/** Minutes as people read a wait, whole units as on a clock: "45 s", "36 min", "2 h 05". */
export function formatMinutes(minutes) {
    if (minutes === null || minutes === undefined) {
        return "—";
    }
    if (minutes < 1) {
        return _t("%s s", Math.floor(minutes * 60));
    }
    if (minutes < 60) {
        return _t("%s min", Math.floor(minutes));
    }
    const hours = Math.floor(minutes / 60);
    return _t("%(hours)s h %(minutes)s", {
        hours,
        minutes: String(Math.floor(minutes % 60)).padStart(2, "0"),
    });
}

// steps of an axis of minutes that read whole: minutes, then hours, then days
const MINUTE_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440];
const MAX_TICKS = 8;

/** The step of an axis of minutes up to ``longest``: at most MAX_TICKS ticks. */
function minuteStep(longest) {
    const step = MINUTE_STEPS.find((minutes) => longest / minutes <= MAX_TICKS);
    return step || Math.ceil(longest / MAX_TICKS / 1440) * 1440;
}

/**
 * The supervisor dashboard: who waits now and since when, each agent's load against
 * their cap, today against yesterday, the last 14 days. One RPC
 * (``whatsapp.inbox.attendance.dashboard_data``), read again on the inbox's bus
 * refreshes (at most once a second) and every minute. Each card opens its report.
 */
export class InboxDashboard extends Component {
    static template = "whatsapp_inbox.Dashboard";
    static components = { DashboardChart };
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        const bus = useService("bus_service");
        this.state = useState({ data: null, live: bus.workerState === "CONNECTED" });
        this.clock = useNow(10000);
        this.formatMinutes = formatMinutes;
        this.reloadSoon = useDebounced(() => this.load(), 1000);
        useInboxRefresh(() => this.reloadSoon());
        // offline, notifications are missed: read again on reconnection
        useBus(bus, "worker_state_updated", ({ detail }) => {
            this.state.live = detail === "CONNECTED";
        });
        useBus(bus, "reconnect", () => this.reloadSoon());
        bus.start();
        const interval = setInterval(() => this.load(), RELOAD_MS);
        onWillUnmount(() => clearInterval(interval));
        onWillStart(() => this.load());
    }

    async load() {
        const request = (this.request = (this.request || 0) + 1);
        const data = await this.orm.call(MODEL, "dashboard_data", []);
        if (request !== this.request) {
            return; // a newer read is under way
        }
        this.charts = this.makeCharts(data);
        this.state.data = data;
    }

    get oldestWait() {
        const since = this.state.data.waiting.oldest_since;
        if (!since) {
            return null;
        }
        return Math.max(this.clock.now.diff(deserializeDateTime(since), "minutes").minutes, 0);
    }

    /** ``{value, delta, better}`` of a KPI against yesterday; ``better`` when the change
     * is good news (fewer minutes waited, more satisfaction). */
    compare(key, lowerIsBetter = false) {
        const today = this.state.data.today[key];
        const yesterday = this.state.data.yesterday[key];
        if (today === null || yesterday === null) {
            return { value: today, delta: null, better: null };
        }
        const delta = Math.round((today - yesterday) * 100) / 100;
        return { value: today, delta, better: delta === 0 ? null : lowerIsBetter === delta < 0 };
    }

    /** The change against yesterday: "+3 vs yesterday"; for durations, in words
     * ("1 h 05 shorter than yesterday"), as a signed duration reads like a clock time. */
    formatDelta(delta, minutes = false) {
        if (delta === null) {
            return "";
        }
        if (minutes) {
            const value = formatMinutes(Math.abs(delta));
            if (delta === 0 || value === formatMinutes(0)) {
                return _t("same as yesterday");
            }
            return delta < 0
                ? _t("%s shorter than yesterday", value)
                : _t("%s longer than yesterday", value);
        }
        const sign = delta > 0 ? "+" : delta < 0 ? "−" : "±";
        return _t("%(sign)s%(value)s vs yesterday", { sign, value: String(Math.abs(delta)) });
    }

    makeCharts(data) {
        const days = data.trend.map((row) => luxon.DateTime.fromISO(row.day).toFormat("dd/MM"));
        const agents = data.agents;
        return {
            agents: {
                type: "bar",
                data: {
                    labels: agents.map((agent) => agent.name),
                    datasets: [
                        {
                            label: _t("Open"),
                            data: agents.map((agent) => agent.open),
                            backgroundColor: BLUE,
                            stack: "load",
                        },
                        {
                            label: _t("Waiting"),
                            data: agents.map((agent) => agent.waiting),
                            backgroundColor: ORANGE,
                            stack: "load",
                        },
                        {
                            type: "line",
                            label: _t("Cap"),
                            data: agents.map((agent) => agent.cap || null),
                            borderColor: RED,
                            backgroundColor: RED,
                            showLine: false,
                            pointStyle: "line",
                            pointRadius: 14,
                            pointBorderWidth: 3,
                            stack: "cap",
                        },
                    ],
                },
                options: this.chartOptions((index) => this.openAgent(agents[index]), true),
            },
            attendances: {
                type: "bar",
                data: {
                    labels: days,
                    datasets: [
                        {
                            label: _t("Attendances"),
                            data: data.trend.map((row) => row.attendances),
                            backgroundColor: BLUE,
                        },
                    ],
                },
                options: this.chartOptions(() => this.openReport({}, "graph")),
            },
            firstResponse: {
                type: "line",
                data: {
                    labels: days,
                    datasets: [
                        {
                            label: _t("Average"),
                            data: data.trend.map((row) => row.first_response),
                            borderColor: BLUE,
                            backgroundColor: BLUE,
                            spanGaps: true,
                            order: 1,
                        },
                        {
                            // dashed and hollow, over the average: a day of one attendance
                            // has both at the same point, and both show
                            label: _t("90th percentile"),
                            data: data.trend.map((row) => row.first_response_p90),
                            borderColor: ORANGE,
                            backgroundColor: ORANGE,
                            borderDash: [6, 4],
                            pointStyle: "rectRot",
                            pointRadius: 6,
                            pointBorderWidth: 2,
                            pointBackgroundColor: "transparent",
                            spanGaps: true,
                            order: 0,
                        },
                    ],
                },
                options: this.minutesOptions(
                    this.chartOptions(() => this.openReport({}, "graph")),
                    data.trend.flatMap((row) => [row.first_response, row.first_response_p90])
                ),
            },
        };
    }

    /** ``options`` of a chart of durations: axis and tooltips read as the cards do
     * ("1 h 05"), on whole steps up to the longest of ``values``. */
    minutesOptions(options, values) {
        const longest = Math.max(0, ...values.filter((value) => value !== null));
        options.scales.y.ticks = {
            stepSize: minuteStep(longest),
            callback: (value) => (value ? formatMinutes(value) : "0"),
        };
        options.plugins.tooltip = {
            callbacks: {
                label: (item) => `${item.dataset.label}: ${formatMinutes(item.parsed.y)}`,
            },
        };
        // the legend in the order of the datasets, whatever order they are drawn in
        options.plugins.legend.labels = { sort: (a, b) => a.datasetIndex - b.datasetIndex };
        return options;
    }

    chartOptions(onClick, stacked = false) {
        return {
            maintainAspectRatio: false,
            animation: false,
            scales: {
                x: { stacked },
                y: { stacked, beginAtZero: true, grace: "5%", ticks: { precision: 0 } },
            },
            plugins: { legend: { position: "bottom" } },
            onClick: (event, elements) => elements.length && onClick(elements[0].index),
        };
    }

    openWaiting() {
        return this.action.doAction(`${ACTION}conversation_action_waiting`);
    }

    /** The conversations of the agent of a bar; of nobody for the Unassigned one. */
    openAgent(agent) {
        return this.action.doAction(`${ACTION}conversation_action`, {
            additionalContext: agent.id
                ? { search_default_user_id: agent.id }
                : { search_default_filter_unassigned: 1 },
        });
    }

    openToday() {
        return this.action.doAction(`${ACTION}attendance_action`, {
            additionalContext: { search_default_today: 1 },
        });
    }

    /** The attendance analysis (pivot), today's, by agent. */
    openReport(context = { search_default_today: 1, search_default_group_agent: 1 }, viewType) {
        return this.action.doAction(`${ACTION}attendance_action_report`, {
            additionalContext: context,
            viewType,
        });
    }

    openCsat() {
        return this.openReport({
            search_default_today: 1,
            search_default_rated: 1,
            search_default_group_agent: 1,
        });
    }
}

registry.category("actions").add("whatsapp_inbox.dashboard", InboxDashboard);
