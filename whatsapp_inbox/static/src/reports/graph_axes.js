/** @odoo-module **/

import { patch } from "@web/core/utils/patch";
import { formatInteger } from "@web/views/fields/formatters";
import { GraphRenderer } from "@web/views/graph/graph_renderer";

/** Odoo's graph labels every axis with two decimals ("16.00"): a count of our records
 * has integer ticks only. */
patch(GraphRenderer.prototype, {
    getScaleOptions() {
        const scales = super.getScaleOptions(...arguments);
        const { measure, resModel } = this.model.metaData;
        if (measure === "__count" && resModel.startsWith("whatsapp.inbox.") && scales.y) {
            scales.y.ticks = { ...scales.y.ticks, precision: 0, callback: (v) => formatInteger(v) };
        }
        return scales;
    },
});
