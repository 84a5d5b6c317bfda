/** @odoo-module **/

import { registry } from "@web/core/registry";

// tests/test_dashboard.py: a supervisor opens the dashboard from the menu, reads the
// numbers seeded there, then the attendance analysis with its 90th percentile.

const menu = (xmlid) => `[data-menu-xmlid='whatsapp_inbox.${xmlid}']`;
const openReporting = (xmlid) => [
    {
        content: "open the Reporting menu",
        trigger: `.o_main_navbar .o_menu_sections button${menu("whatsapp_inbox_menu_reporting")}`,
        run: "click",
    },
    { trigger: `.o-dropdown--menu .dropdown-item${menu(xmlid)}`, run: "click" },
];
const kpi = (name, value) => ({
    content: `the ${name} card shows ${value}`,
    trigger: `.o_wai_kpi_${name} .o_wai_kpi_value:contains(${value})`,
});

registry.category("web_tour.tours").add("whatsapp_inbox_dashboard_tour", {
    steps: () => [
        {
            // leaving the Inbox while it still loads makes it call the server unmounted
            content: "the Inbox is up and live",
            trigger: ".o_wai_workspace.o_wai_live .o_wai_tab[data-tab=waiting].active",
        },
        ...openReporting("whatsapp_inbox_dashboard_menu"),
        kpi("waiting", "1"),
        { trigger: ".o_wai_kpi_waiting .o_wai_oldest_wait" },
        kpi("attendances", "4"),
        kpi("first_response", "6 min"),
        kpi("csat", "4"),
        { content: "the charts are drawn", trigger: ".o_wai_chart_agents canvas" },
        { trigger: ".o_wai_chart_first_response canvas" },
        {
            content: "the outside world: another customer writes",
            // live updates need the bus connected
            trigger: ".o_wai_dashboard.o_wai_live",
            run() {
                console.log("wai-tour: arrive");
            },
        },
        { content: "live: one more waiting", ...kpi("waiting", "2") },
        kpi("attendances", "5"),
        {
            content: "a card opens its list: today's attendances",
            trigger: ".o_wai_kpi_attendances",
            run: "click",
        },
        { trigger: ".o_list_view .o_searchview_facet:contains(Today)" },
        { trigger: ".o_list_view .o_data_row:nth-child(5)" },
        { trigger: ".o_breadcrumb a:contains(Dashboard)", run: "click" },
        kpi("attendances", "5"),
        ...openReporting("whatsapp_inbox_attendance_report_menu"),
        { trigger: ".o_pivot_view .o_pivot" },
        { trigger: ".o_pivot_buttons button:contains(Measures)", run: "click" },
        {
            content: "switch to the 90th percentile of the first response",
            trigger: ".o-dropdown--menu .o_menu_item:contains(first response p90):not(:contains(business))",
            run: "click",
        },
        { trigger: ".o_pivot .o_pivot_measure_row:contains(first response p90)" },
        {
            content: "p90 of 2, 4 and 12 minutes (10.4; the customers waiting are not answered yet)",
            trigger: ".o_pivot .o_pivot_cell_value:contains(10 min)",
        },
    ],
});

// tests/test_dashboard.py: durations read in whole units, the change in words; the bar of
// the conversations nobody holds opens them.
registry.category("web_tour.tours").add("whatsapp_inbox_dashboard_durations_tour", {
    steps: () => [
        {
            content: "the oldest wait in hours and minutes, no decimals",
            trigger: ".o_wai_kpi_waiting .o_wai_oldest_wait:contains(1 h 3):not(:contains(.))",
        },
        kpi("first_response", "6 min"),
        {
            content: "the change of a duration in words, not a negative clock time",
            trigger: ".o_wai_kpi_first_response .o_wai_kpi_note:contains(1 h 34 shorter than yesterday)",
        },
        {
            trigger: ".o_wai_kpi_attendances .o_wai_kpi_note:contains(+2 vs yesterday)",
        },
        {
            content: "nobody rated: the count alone, with no gap before it",
            trigger: ".o_wai_kpi_csat .o_wai_kpi_note",
            run() {
                const count = this.anchor.querySelector(".o_wai_csat_count");
                if (this.anchor.textContent !== "(0 rated)" || getComputedStyle(count).marginLeft !== "0px") {
                    throw new Error(`"${this.anchor.textContent}", margin ${getComputedStyle(count).marginLeft}`);
                }
            },
        },
        {
            content: "first response: the axis and the tooltips read durations; the p90 shows",
            trigger: ".o_wai_chart_first_response canvas",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const labels = chart.scales.y.ticks.map((tick) => tick.label);
                const whole = /^(0|\d+ min|\d+ h \d\d)$/;
                if (labels.length < 3 || labels.some((label) => !whole.test(label))) {
                    throw new Error(`y axis: ${labels.join(", ")}`);
                }
                if (!labels.includes("1 h 30")) {
                    throw new Error(`y axis: ${labels.join(", ")}, for up to 100 minutes`);
                }
                const p90 = chart.data.datasets[1];
                if (!chart.isDatasetVisible(1) || !p90.borderDash.length || p90.order >= chart.data.datasets[0].order) {
                    throw new Error("the 90th percentile hides under the average");
                }
                const label = chart.options.plugins.tooltip.callbacks.label({
                    dataset: p90,
                    parsed: { y: 100 },
                });
                if (label !== "90th percentile: 1 h 40") {
                    throw new Error(`tooltip: ${label}`);
                }
            },
        },
        {
            content: "the first bar holds the customers nobody holds: it opens them",
            trigger: ".o_wai_chart_agents canvas",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                if (chart.data.labels[0] !== "Unassigned") {
                    throw new Error(`first bar: ${chart.data.labels[0]}`);
                }
                chart.options.onClick(null, [{ index: 0 }]);
            },
        },
        {
            trigger: ".o_searchview_facet:contains(Unassigned)",
        },
        {
            trigger: ".o_kanban_record:contains(Wait Long), .o_data_row:contains(Wait Long)",
        },
    ],
});

// tests/test_dashboard.py: the attendance analysis reads durations as the dashboard does,
// fits the screen, and counts in whole numbers.
registry.category("web_tour.tours").add("whatsapp_inbox_attendance_report_tour", {
    steps: () => [
        { trigger: ".o_pivot_view .o_pivot .o_pivot_cell_value" },
        {
            content: "a wait of 1,540 minutes reads in hours and minutes",
            trigger: ".o_pivot .o_pivot_cell_value:contains(25 h 40)",
        },
        {
            trigger: ".o_pivot:not(:has(.o_pivot_cell_value:contains(1,540)))",
        },
        {
            content: "the default pivot fits the screen: channels are one click away",
            trigger: ".o_pivot table",
            run() {
                const content = this.anchor.closest(".o_content");
                if (content.scrollWidth > content.clientWidth) {
                    throw new Error(`pivot ${content.scrollWidth}px in ${content.clientWidth}px`);
                }
            },
        },
        { trigger: ".o_pivot_header_cell_closed:contains(Total)", run: "click" },
        { trigger: ".o-dropdown--menu .dropdown-item:contains(Channel)", run: "click" },
        { trigger: ".o_pivot thead th:contains(WhatsApp)" },
        { trigger: ".o_switch_view.o_graph", run: "click" },
        {
            content: "the count axis counts in whole numbers",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const labels = chart.scales.y.ticks.map((tick) => tick.label);
                if (!labels.length || labels.some((label) => !/^\d+$/.test(label))) {
                    throw new Error(`count ticks: ${labels.join(" ")}`);
                }
            },
        },
    ],
});

// tests/test_dashboard.py: the attendances list and form read durations as the reports do,
// and leave empty what was not measured yet (no answer, still running).
registry.category("web_tour.tours").add("whatsapp_inbox_attendance_list_durations_tour", {
    steps: () => [
        {
            content: "1,540 minutes to the first answer read in hours and minutes",
            trigger: ".o_data_row:contains(T-LIST-1) .o_field_whatsapp_inbox_minutes:contains(25 h 40)",
        },
        { trigger: ".o_data_row:contains(T-LIST-1) .o_field_whatsapp_inbox_minutes:contains(48 h 00)" },
        {
            trigger: ".o_list_view:not(:has(.o_data_row .o_data_cell:contains(1,540)))",
        },
        {
            content: "the running attendance: no answer and no resolution yet, not \"0 s\"",
            trigger: ".o_data_row:contains(T-LIST-2):not(:has(.o_field_whatsapp_inbox_minutes))",
        },
        { trigger: ".o_data_row:contains(T-LIST-1) .o_data_cell[name=protocol]", run: "click" },
        {
            content: "the form reads them the same way",
            trigger: ".o_form_view .o_field_widget[name=first_response_minutes]:contains(25 h 40)",
        },
        { trigger: ".o_form_view .o_field_widget[name=resolution_minutes]:contains(48 h 00)" },
        {
            content: "no time in Automated: the line is hidden",
            trigger: ".o_form_view:not(:has(.o_field_widget[name=bot_minutes]))",
        },
    ],
});

// tests/test_dashboard.py: the leads by origin and status draw each status in its colour.
registry.category("web_tour.tours").add("whatsapp_inbox_lead_status_colors_tour", {
    steps: () => [
        {
            content: "the Hot status is drawn in its own red",
            trigger: ".o_graph_view .o_graph_canvas_container canvas",
            run() {
                const chart = window.Chart.getChart(this.anchor);
                const hot = chart.data.datasets.find((dataset) => dataset.label === "Hot");
                if (!hot || hot.backgroundColor.toLowerCase() !== "#dc2626") {
                    throw new Error(`Hot drawn in ${hot && hot.backgroundColor}`);
                }
            },
        },
    ],
});
