/** @odoo-module **/

import { registry } from "@web/core/registry";
import { patch } from "@web/core/utils/patch";
import { formatInteger } from "@web/views/fields/formatters";
import { GraphRenderer } from "@web/views/graph/graph_renderer";
import { formatMinutes } from "../dashboard/dashboard";

/**
 * ``widget="whatsapp_inbox_minutes"`` on a pivot or graph measure stored in minutes: read
 * as the dashboard reads it ("6 min", "25 h 40") rather than "1,540.00". The stored unit
 * stays minutes (exports and the data contract are unchanged).
 */
export function formatInboxMinutes(value) {
    return value === false || value === null || value === undefined ? "" : formatMinutes(value);
}
registry.category("formatters").add("whatsapp_inbox_minutes", formatInboxMinutes);

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
