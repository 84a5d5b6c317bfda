/** @odoo-module **/

import { _t } from "@web/core/l10n/translation";
import { deserializeDateTime, formatDate, formatDateTime } from "@web/core/l10n/dates";
import { humanNumber } from "@web/core/utils/numbers";

/** The colour of each state's badge, as on the kanban cards (o_whatsapp_inbox_state). */
export const STATE_COLORS = {
    new: "info",
    waiting: "warning",
    open: "success",
    bot: "secondary",
    done: "light",
    error: "danger",
};

/** How each channel shows: its icon and name. */
export const CHANNELS = {
    whatsapp: { icon: "fa-whatsapp", label: _t("WhatsApp") },
    sms: { icon: "fa-mobile", label: _t("SMS") },
    email: { icon: "fa-envelope-o", label: _t("Email") },
    voip: { icon: "fa-phone", label: _t("Phone call") },
};

/** A server datetime ("2026-12-01 10:00:00", UTC) as a local luxon DateTime (one already
 * read by a view, such as a field's value, is kept). */
export function toDateTime(value) {
    if (!value) {
        return null;
    }
    return value instanceof luxon.DateTime ? value : deserializeDateTime(value);
}

/** WhatsApp's way of telling when: "10:32" today, "Yesterday", a weekday, a date
 * (``value``: a server datetime or a luxon DateTime). */
export function shortWhen(value, now = luxon.DateTime.now()) {
    const date = toDateTime(value);
    if (!date) {
        return "";
    }
    const days = Math.floor(now.startOf("day").diff(date.startOf("day"), "days").days);
    if (days <= 0) {
        return date.toLocaleString(luxon.DateTime.TIME_SIMPLE);
    }
    if (days === 1) {
        return _t("Yesterday");
    }
    if (days < 7) {
        return date.toFormat("cccc");
    }
    return formatDate(date);
}

/** The label of a day separator in the thread. */
export function dayLabel(date, now = luxon.DateTime.now()) {
    const days = Math.floor(now.startOf("day").diff(date.startOf("day"), "days").days);
    if (days <= 0) {
        return _t("Today");
    }
    if (days === 1) {
        return _t("Yesterday");
    }
    return date.toLocaleString(luxon.DateTime.DATE_HUGE);
}

export function timeOf(value) {
    const date = toDateTime(value);
    return date ? date.toLocaleString(luxon.DateTime.TIME_SIMPLE) : "";
}

export function fullDateTime(value) {
    const date = toDateTime(value);
    return date ? formatDateTime(date) : "";
}

/** "Maria Costa" -> "MC"; a number -> its last two digits. */
export function initials(name) {
    const words = (name || "").replace(/[^\p{L}\p{N} ]/gu, " ").trim().split(/\s+/);
    if (!words[0]) {
        return "?";
    }
    if (/^\d+$/.test(words.join(""))) {
        return words.join("").slice(-2);
    }
    return (words[0][0] + (words.length > 1 ? words.at(-1)[0] : "")).toUpperCase();
}

/** A stable colour index (1-11, Odoo's o_colorlist) for an avatar without picture. */
export function colorIndex(seed) {
    let hash = 0;
    for (const char of String(seed)) {
        hash = (hash * 31 + char.charCodeAt(0)) % 9973;
    }
    return (hash % 11) + 1;
}

export function fileSize(bytes) {
    return bytes ? `${humanNumber(bytes, { decimals: 1 })}B` : "";
}

/** Minutes a customer has waited, and its colour at the settings' thresholds. */
export function waitInfo(since, thresholds, now = luxon.DateTime.now()) {
    const start = toDateTime(since);
    if (!start) {
        return null;
    }
    const minutes = Math.max(0, Math.floor(now.diff(start, "minutes").minutes));
    const label =
        minutes < 60
            ? _t("%s min", minutes)
            : _t("%(hours)s h %(minutes)s min", {
                  hours: Math.floor(minutes / 60),
                  minutes: minutes % 60,
              });
    let level = "ok";
    if (minutes >= thresholds.red) {
        level = "red";
    } else if (minutes >= thresholds.amber) {
        level = "amber";
    }
    return { minutes, label, level };
}

/** "23:59:59" until ``end`` (a luxon DateTime), or null once passed. */
export function countdown(end, now = luxon.DateTime.now()) {
    if (!end) {
        return null;
    }
    const seconds = Math.floor((end.toMillis() - now.toMillis()) / 1000);
    if (seconds <= 0) {
        return null;
    }
    const pad = (n) => String(n).padStart(2, "0");
    return `${Math.floor(seconds / 3600)}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(
        seconds % 60
    )}`;
}
