/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { standardFieldProps } from "@web/views/fields/standard_field_props";
import { formatMinutes } from "@whatsapp_inbox/dashboard/dashboard";

/**
 * ``widget="whatsapp_inbox_minutes"`` on a duration stored in minutes: read as the
 * dashboard reads it ("6 min", "25 h 40") rather than "1,540.00", in lists and forms
 * (the field) and in list totals, pivots and graphs (the formatter). The stored unit
 * stays minutes: exports and the data contract are unchanged.
 */
export function formatInboxMinutes(value) {
    return value === false || value === null || value === undefined ? "" : formatMinutes(value);
}
registry.category("formatters").add("whatsapp_inbox_minutes", formatInboxMinutes);

export class MinutesField extends Component {
    static template = "whatsapp_inbox.MinutesField";
    static props = { ...standardFieldProps };

    get label() {
        return formatInboxMinutes(this.props.record.data[this.props.name]);
    }
}

registry.category("fields").add("whatsapp_inbox_minutes", {
    component: MinutesField,
    supportedTypes: ["float", "integer"],
});
