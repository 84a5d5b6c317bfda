/** @odoo-module **/

import { patch } from "@web/core/utils/patch";
import { GraphModel } from "@web/views/graph/graph_model";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

const STATUS = "whatsapp.inbox.lead.status";

/** A graph grouped by lead status draws each status in its own colour (the one of the
 * pipeline and the inbox) rather than in Odoo's palette order. */
patch(GraphModel.prototype, {
    async load() {
        await super.load(...arguments);
        const { fields, groupBy } = this.metaData;
        this.leadStatusColors = null;
        if (groupBy.some((gb) => fields[gb.fieldName]?.relation === STATUS)) {
            const statuses = await this.orm.searchRead(STATUS, [], ["display_name", "color"]);
            this.leadStatusColors = Object.fromEntries(
                statuses.map((status) => [status.display_name, status.color])
            );
        }
    },
});

patch(GraphRenderer.prototype, {
    getBarChartData() {
        const data = super.getBarChartData(...arguments);
        const colors = this.model.leadStatusColors;
        for (const dataset of colors ? data.datasets : []) {
            if (colors[dataset.label]) {
                dataset.backgroundColor = colors[dataset.label];
            }
        }
        return data;
    },
});
