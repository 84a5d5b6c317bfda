/** @odoo-module **/

import { Component } from "@odoo/owl";
import { registry } from "@web/core/registry";
import { useNow } from "@whatsapp_inbox/core/use_now";
import { standardFieldProps } from "@web/views/fields/standard_field_props";

/**
 * How long the customer has been waiting, live, amber then red past the
 * thresholds of the settings (record field ``wait_thresholds``, in minutes).
 */
export class WaitingField extends Component {
    static template = "whatsapp_inbox.WaitingField";
    static props = { ...standardFieldProps };

    setup() {
        this.state = useNow(15000);
    }

    get minutes() {
        const since = this.props.record.data[this.props.name];
        return since ? Math.max(0, Math.floor(this.state.now.diff(since, "minutes").minutes)) : 0;
    }

    get label() {
        const minutes = this.minutes;
        return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
    }

    get colorClass() {
        const thresholds = this.props.record.data.wait_thresholds || { amber: 5, red: 15 };
        if (this.minutes >= thresholds.red) {
            return "text-bg-danger";
        }
        return this.minutes >= thresholds.amber ? "text-bg-warning" : "text-bg-success";
    }
}

registry.category("fields").add("whatsapp_inbox_waiting", {
    component: WaitingField,
    supportedTypes: ["datetime"],
});
