/** @odoo-module **/

import { onWillDestroy, useState } from "@odoo/owl";

/**
 * A reactive clock for live fields: ``state.now`` (a luxon DateTime) is
 * refreshed every ``intervalMs`` milliseconds while the component lives.
 */
export function useNow(intervalMs) {
    const state = useState({ now: luxon.DateTime.now() });
    const interval = setInterval(() => (state.now = luxon.DateTime.now()), intervalMs);
    onWillDestroy(() => clearInterval(interval));
    return state;
}
