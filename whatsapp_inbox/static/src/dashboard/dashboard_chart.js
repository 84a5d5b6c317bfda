/** @odoo-module **/

import { Component, onWillStart, onWillUnmount, useEffect, useRef } from "@odoo/owl";
import { loadBundle } from "@web/core/assets";

/**
 * One Chart.js chart (Odoo's own bundle, as the graph view loads it), drawn again
 * whenever ``config`` changes.
 */
export class DashboardChart extends Component {
    static template = "whatsapp_inbox.DashboardChart";
    static props = { config: Object, title: String, name: String };

    setup() {
        this.canvasRef = useRef("canvas");
        this.chart = null;
        onWillStart(() => loadBundle("web.chartjs_lib"));
        useEffect(
            (config) => {
                this.chart?.destroy();
                this.chart = new Chart(this.canvasRef.el, config);
            },
            () => [this.props.config]
        );
        onWillUnmount(() => this.chart?.destroy());
    }
}
