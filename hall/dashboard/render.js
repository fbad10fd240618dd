// Panels of the live tab, rendered from the server's overview. Pure DOM building, text only.
import {
  DEVICE_KIND, FOLLOW_KIND, FOLLOW_STATUS, HEALTH, L, RATING, TERMINAL_KIND, TICKET_STATUS, WINDOW_STATUS,
  bi, dur, el, hhmm, label, num, pct,
} from "./i18n.js";

const STATUS_CLASS = {ok: "ok", warn: "warn", predicted: "predicted", breach: "breach"};
const LEVEL_LABEL = {ok: L.ok, warn: L.warn, predicted: L.levelPredicted, breach: L.breach};

function th(pair, cls) { return el("th", {class: cls || null}, bi(pair)); }

/** A duration that keeps counting in the page between refreshes (see tickTimers). */
function ticking(seconds, cls) {
  return el("span", {class: `tick ${cls || ""}`, dataset: {base: String(seconds), at: String(Date.now())},
    text: dur(seconds)});
}

export function tickTimers(root = document) {
  const now = Date.now();
  for (const node of root.querySelectorAll(".tick")) {
    const s = Number(node.dataset.base) + (now - Number(node.dataset.at)) / 1000;
    node.textContent = dur(s);
  }
}

export function renderKpis(box, totals) {
  const items = [[L.kpiWaiting, totals.waiting, ""], [L.kpiServed, totals.served, ""],
    [L.kpiOpen, totals.open_windows, ""], [L.kpiBreach, totals.breaches, totals.breaches ? "bad" : ""]];
  box.replaceChildren(...items.map(([pair, value, cls]) =>
    el("div", {class: `kpi ${cls}`}, el("div", {class: "kpi-v", text: value}), bi(pair, "kpi-l"))));
}

export function renderQueues(table, sugBox, categories, stranded = new Set()) {
  const head = el("tr", {}, th(L.category), th(L.waiting, "n"), th(L.longest, "n"), th(L.predicted, "n"),
    th(L.target, "n"), th(L.openWin, "n"), th(L.state));
  const rows = categories.map((c) => {
    const level = STATUS_CLASS[c.level] || "ok";
    return el("tr", {class: `row-${level}`, dataset: {category: c.code}},
      el("td", {title: c.name_en}, el("span", {class: "code", text: c.code}), " ", el("span", {text: c.name_zh}),
        el("span", {class: "catname-en", text: c.name_en})),
      el("td", {class: "n big", dataset: {role: "waiting"}, text: c.waiting}),
      el("td", {class: "n"}, c.waiting ? ticking(c.longest_wait_s) : "—"),
      el("td", {class: `n ${c.predicted_breach ? "txt-bad" : ""}`, text: c.waiting ? dur(c.predicted_wait_s) : "—"}),
      el("td", {class: "n muted", text: `${c.sla_minutes}′`}),
      el("td", {class: "n", text: c.open_windows}),
      el("td", {}, el("span", {class: `badge b-${level}`}, bi(LEVEL_LABEL[level]))));
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  // A line listed as stranded (red, with the window to open) is not suggested again here.
  const sugg = categories.filter((c) => c.suggest_open > 0 && !(c.open_windows === 0 && stranded.has(c.code)));
  sugBox.replaceChildren(...sugg.map((c) => el("div", {class: "suggest", dataset: {category: c.code}},
    el("span", {class: "suggest-icon", "aria-hidden": "true", text: "＋"}),
    el("b", {text: `${c.code} ${c.name_zh}`}),
    el("span", {text: c.open_windows
      ? `预计等候 ${dur(c.predicted_wait_s)} 超过目标 ${c.sla_minutes} 分钟，建议加开 ${c.suggest_open} 个窗口`
      : `有人等候但${L.noWindow[0]}，建议开放 ${c.suggest_open} 个窗口`}),
    el("span", {class: "en", text: c.open_windows
      ? `predicted ${dur(c.predicted_wait_s)} > ${c.sla_minutes} min target: open ${c.suggest_open} more`
      : `${L.noWindow[1]}: open ${c.suggest_open}`}))));
  sugBox.hidden = sugg.length === 0;
}

/** Waiting tickets no open window can serve, in red: one row per line (or window) with its numbers, the
 *  longest wait and the window to open. Returns the lines listed, so the suggestions do not repeat them. */
export function renderUnserved(box, items) {
  const groups = new Map();
  for (const u of items || []) {
    const key = `${u.reason}|${u.reason === "window_closed" ? u.open_window : u.category}`;
    const g = groups.get(key) || {first: u, numbers: [], longest: 0};
    g.numbers.push(u.number);
    g.longest = Math.max(g.longest, u.waiting_s);
    groups.set(key, g);
  }
  box.replaceChildren(...[...groups.values()].map(({first: u, numbers, longest}) => {
    const shown = numbers.slice(0, 4).join(" ") + (numbers.length > 4 ? ` 等 ${numbers.length} 人` : "");
    return el("div", {class: "unserved-row", dataset: {category: u.category, reason: u.reason}},
      el("span", {"aria-hidden": "true", text: "⚠"}),
      el("b", {text: shown}),
      el("span", {text: u.reason_zh}),
      ticking(longest),
      el("span", {text: u.open_window ? `请开放 ${u.open_window} 号窗口` : "没有窗口办理此业务，请调整窗口"}),
      el("span", {class: "en", text: `${numbers.length} waiting: ${u.reason_en}; ${u.open_window
        ? `open window ${u.open_window}` : "no window serves it: change a window's lines"}`}));
  }));
  box.hidden = groups.size === 0;
  return new Set([...groups.values()].filter((g) => g.first.reason === "line_closed").map((g) => g.first.category));
}

export function renderDeadlines(box, countBox, items) {
  const list = items || [];
  countBox.textContent = list.length ? String(list.length) : "";
  if (!list.length) {
    box.replaceChildren(el("div", {class: "muted"}, bi(["没有超期或临期的办件", "Nothing overdue or due soon"])));
    return;
  }
  box.replaceChildren(...list.map((d) => {
    const over = d.state === "overdue";
    const left = over ? `已超期 ${-d.working_days_left} 个工作日` : (d.working_days_left === 0 ? "今日到期"
      : `剩 ${d.working_days_left} 个工作日`);
    const leftEn = over ? `${-d.working_days_left} working day(s) overdue` : (d.working_days_left === 0 ? "due today"
      : `${d.working_days_left} working day(s) left`);
    return el("div", {class: `deadline ${over ? "deadline-over" : "deadline-soon"}`, dataset: {code: d.code}},
      el("b", {text: d.code}), el("span", {text: d.item_name}),
      el("span", {class: "deadline-left", text: left}), el("span", {class: "en", text: leftEn}),
      el("span", {class: "muted", text: `承诺 ${d.promised_due || d.legal_due}`}));
  }));
}

/** No-shows that may still be reinstated (undo a wrong 过号), latest first, each with a button. */
export function renderNoShows(box, items, onReinstate) {
  if (!items || !items.length) {
    box.replaceChildren(el("div", {class: "empty"}, bi(L.noNoShows)));
    return;
  }
  box.replaceChildren(...items.map((n) => el("div", {class: "noshow", dataset: {ticket: String(n.id)}},
    el("span", {class: "ticket", text: n.number}),
    el("span", {class: "muted", text: n.window ? `${n.window} 号窗口` : ""}),
    el("span", {class: "sub", text: `${L.missedAt[0]} ${hhmm(n.no_show_at)} · ${hhmm(n.reinstate_until)} ${L.until[0]}`}),
    el("button", {class: "btn btn-sm", type: "button", dataset: {action: "reinstate"},
      onclick: (e) => { e.currentTarget.disabled = true; onReinstate(n); }}, bi(L.reinstate)))));
}

export function renderWindows(table, windows) {
  const head = el("tr", {}, th(L.window), th(L.state), th(L.clerk), th(L.current), th(L.served, "n"),
    th(L.avgHandling, "n"));
  const rows = windows.map((w) => {
    const cur = w.current;
    const curCell = cur
      ? el("td", {dataset: {role: "current"}}, el("span", {class: "ticket", text: cur.number}), " ",
        el("span", {class: "muted"}, bi(label(TICKET_STATUS, cur.status))),
        cur.called_at ? el("span", {class: "sub"}, " · ", ticking((Date.now() - Date.parse(cur.called_at)) / 1000)) : null)
      : el("td", {class: "muted", dataset: {role: "current"}, text: "—"});
    return el("tr", {class: `win-${w.status}`, dataset: {window: String(w.number)}},
      el("td", {}, el("span", {class: "winno", text: w.number}), el("span", {class: "winname", text: w.name})),
      el("td", {}, el("span", {class: `badge w-${w.status}`}, bi(label(WINDOW_STATUS, w.status))),
        w.status === "paused" && w.pause_reason ? el("div", {class: "sub", text: w.pause_reason}) : null),
      el("td", {dataset: {role: "clerk"}, text: w.clerk || "—"}),
      curCell,
      el("td", {class: "n", text: w.served_today}),
      el("td", {class: "n", text: dur(w.avg_handling_s)}));
  });
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
}

/** A window row changed by an event before the next overview arrives. */
export function patchWindowCurrent(table, windowNo, number, statusKey) {
  const row = table.querySelector(`tr[data-window="${CSS.escape(String(windowNo))}"]`);
  if (!row) return;
  const cell = row.querySelector('[data-role="current"]');
  cell.className = "";
  cell.replaceChildren(el("span", {class: "ticket", text: number}), " ",
    el("span", {class: "muted"}, bi(label(TICKET_STATUS, statusKey))));
  row.classList.add("flash");
  setTimeout(() => row.classList.remove("flash"), 1500);
}

function ratingLine(r) {
  if (!r) return null;
  const stars = "★".repeat(r.level) + "☆".repeat(5 - r.level);
  return el("div", {class: "rating"}, el("span", {class: "stars", text: stars}), " ",
    bi(label(RATING, r.level)),
    r.reason_texts && r.reason_texts.length
      ? el("div", {class: "sub"}, r.reason_texts.map(([zh, en], i) => [i ? "；" : "", zh, " ", el("span", {class: "en", text: en})]))
      : null,
    r.comment ? el("div", {class: "comment", text: `“${r.comment}”`}) : null);
}

export function renderFollowups(box, items, drafts, actions) {
  if (!items.length) {
    box.replaceChildren(el("div", {class: "empty"}, bi(L.noFollowups)));
    return;
  }
  box.replaceChildren(...items.map((f) => {
    const where = [f.window ? `${f.window} 号窗口 Window ${f.window}` : null,
      f.terminal_id ? `终端 ${f.terminal_id}` : null, f.ticket_number ? `票号 ${f.ticket_number}` : null]
      .filter(Boolean).join(" · ");
    const editing = Object.prototype.hasOwnProperty.call(drafts, f.id);
    const note = el("textarea", {class: "note-input", rows: 2, maxlength: 500, placeholder: L.notePlaceholder.join(" / "),
      "aria-label": L.notePlaceholder.join(" / "), oninput: (e) => { drafts[f.id] = e.target.value; }});
    note.value = drafts[f.id] || "";
    const buttons = el("div", {class: "fu-actions"},
      f.status === "open" ? el("button", {class: "btn btn-sm", type: "button", dataset: {action: "ack"},
        onclick: () => actions.ack(f.id)}, bi(L.acknowledge)) : null,
      editing
        ? [el("button", {class: "btn btn-sm btn-primary", type: "button", dataset: {action: "close-confirm"},
          onclick: () => actions.close(f.id, note.value)}, bi(L.close)),
        el("button", {class: "btn btn-sm btn-ghost", type: "button", onclick: () => actions.cancel(f.id)}, bi(L.cancel))]
        : el("button", {class: "btn btn-sm", type: "button", dataset: {action: "close"},
          onclick: () => actions.edit(f.id)}, bi(L.closeWithNote)));
    return el("article", {class: `fu fu-${f.kind} fu-${f.status}`, dataset: {followup: String(f.id), kind: f.kind}},
      el("div", {class: "fu-head"},
        el("span", {class: `badge k-${f.kind}`}, bi(label(FOLLOW_KIND, f.kind))),
        el("span", {class: "fu-where", text: where}),
        el("span", {class: "fu-time muted", text: hhmm(f.created_at)}),
        el("span", {class: `fu-status s-${f.status}`}, bi(label(FOLLOW_STATUS, f.status)))),
      f.message && !f.rating ? el("div", {class: "fu-msg", text: f.message}) : null,
      ratingLine(f.rating),
      f.note ? el("div", {class: "fu-note", text: f.note}) : null,
      editing ? note : null,
      buttons);
  }));
}

export function renderTerminals(box, terminals) {
  if (!terminals.length) {
    box.replaceChildren(el("div", {class: "empty"}, bi(L.noTerminals)));
    return;
  }
  box.replaceChildren(...terminals.map((t) => {
    const devs = t.devices.map((d) => el("span", {class: `dev h-${d.health || "ok"}`,
      title: [d.message_zh, d.message_en, d.code].filter(Boolean).join(" · ")},
    el("span", {class: "dot"}), label(DEVICE_KIND, d.kind || d.name || "?")[0],
    d.health && d.health !== "ok" ? el("span", {class: "dev-h", text: ` ${label(HEALTH, d.health)[0]}`}) : null));
    const stale = t.oldest_pending_s > 300;
    return el("div", {class: `term ${t.online ? "on" : "off"}`, dataset: {terminal: t.id}},
      el("div", {class: "term-head"},
        el("span", {class: `badge ${t.online ? "b-ok" : "b-breach"}`}, bi(t.online ? L.online : L.offline)),
        el("span", {class: "term-name", text: t.name || t.id}),
        el("span", {class: "muted sub"}, bi(label(TERMINAL_KIND, t.kind))),
        t.location ? el("span", {class: "muted sub", text: t.location}) : null),
      el("div", {class: "term-body"},
        el("span", {class: "devs"}, devs),
        el("span", {class: `backlog ${t.outbox_backlog ? "txt-warn" : "muted"}`},
          `${L.backlog[0]} ${t.outbox_backlog}`,
          t.outbox_backlog ? el("span", {class: stale ? "txt-bad" : ""}, ` · ${L.oldest[0]} ${dur(t.oldest_pending_s)}`) : null),
        el("span", {class: "muted sub"}, `${L.lastSeen[0]} `,
          t.heartbeat_age_s === null ? "—" : `${dur(t.heartbeat_age_s)} ${L.ago[0]}`)));
  }));
}

const FEED_MAX = 40;

export function feedLine(list, kind, text, extra) {
  const li = el("li", {class: `feed-${kind}`}, el("time", {text: hhmm(new Date().toISOString())}), " ",
    el("span", {text}), extra ? el("span", {class: "en", text: ` ${extra}`}) : null);
  list.prepend(li);
  while (list.children.length > FEED_MAX) list.lastElementChild.remove();
}

export function renderReport(table, data) {
  const cols = [["category_name", ["类别", "Category"]], ["tickets", ["取号", "Tickets"]], ["served", ["办结", "Served"]],
    ["no_show_rate", ["过号率", "No-show"]], ["wait_p50_s", ["等候P50", "Wait p50"]], ["wait_p90_s", ["等候P90", "Wait p90"]],
    ["handling_avg_s", ["平均办理", "Avg handling"]], ["ratings", ["评价数", "Ratings"]],
    ["rating_avg", ["平均分", "Avg rating"]], ["rating_good_rate", ["满意率", "Satisfied"]]];
  const fmt = (k, v) => (k.endsWith("_s") ? dur(v) : k.endsWith("_rate") ? pct(v) : k === "rating_avg" ? num(v, 2) : v ?? "—");
  const head = el("tr", {}, cols.map(([k, pair]) => th(pair, k === "category_name" ? "" : "n")));
  const rows = data.rows.map((r) => el("tr", {class: r.category === "ALL" ? "total" : "", dataset: {category: r.category}},
    cols.map(([k]) => el("td", {class: k === "category_name" ? "" : "n",
      text: k === "category_name" ? `${r.category === "ALL" ? "" : r.category + " "}${r.category_name}` : fmt(k, r[k])}))));
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
}
