// The dashboard controller: session, the live events socket, throttled overview refreshes, follow-up
// actions, the alarm banner and the reports tab. The server computes every figure; this file renders.
import {hourChart, waitChart} from "./charts.js";
import {FOLLOW_KIND, L, TICKET_STATUS, bi, el, hhmm, label, setTimeZone, today} from "./i18n.js";
import {
  feedLine, patchWindowCurrent, renderBookings, renderDeadlines, renderFollowups, renderKpis, renderNoShows,
  renderQueues, renderReport, renderTerminals, renderUnserved, renderWindows, tickTimers,
} from "./render.js";
import {Alarm} from "./alarm.js";
import {AdminTab} from "./admin.js";

const API = "/api/v1/dashboard";
const $ = (id) => document.getElementById(id);
// Wall mode (/dashboard?wall=1): the live picture only, sized to be read from 5 m on 1920×1080, no scrolling.
const WALL = new URLSearchParams(location.search).get("wall") === "1";
if (WALL) document.body.classList.add("wall");
const state = {csrf: "", overview: null, followKey: "", drafts: {}, ws: null, retry: 500, tab: "live",
  refreshTimer: null, refreshing: false, dirty: false, categories: {}, noShowKey: ""};
const alarm = new Alarm($("alarm"), $("alarm-list"), $("alarm-sound"), (id) => ack(id));

async function api(path, opts = {}) {
  const headers = {"Accept": "application/json"};
  if (opts.body !== undefined) headers["Content-Type"] = "application/json";
  if (opts.method && opts.method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  const resp = await fetch(API + path, {method: opts.method || "GET", headers, credentials: "same-origin",
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body), cache: "no-store"});
  const body = resp.status === 204 ? null : await resp.json().catch(() => null);
  if (resp.status === 401 && path !== "/login") { showLogin(); throw new Error("login"); }
  if (!resp.ok) throw Object.assign(new Error((body && body.error && body.error.code) || `http_${resp.status}`), {body});
  return body;
}

// ---- session -------------------------------------------------------------------------------
function showLogin(message) {
  if (state.ws) { state.ws.onclose = null; state.ws.close(); state.ws = null; }
  $("app").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  $("login-token").focus();
}

function showApp(session) {
  state.csrf = session.csrf;
  state.role = session.role;
  // The admin tab is offered to an admin session only (the server refuses its routes to anyone else).
  $("tab-admin-button").hidden = session.role !== "admin";
  if (session.role !== "admin" && state.tab === "admin") selectTab(document.querySelector('.tab[data-tab="live"]'));
  $("login").hidden = true;
  $("app").hidden = false;
  $("user").replaceChildren(el("b", {text: session.name}));
  $("user").title = `管理员 Manager: ${session.name}`;
  connect();
  refresh();
}

$("login-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  alarm.unlock();  // a click is the browser's permission to play the alarm sound later
  const token = $("login-token").value.trim();
  try {
    const session = await api("/login", {method: "POST", body: {token}});
    $("login-token").value = "";
    showApp(session);
  } catch (err) {
    const code = err.message;
    $("login-error").textContent = code === "dashboard.role" ? "该令牌不是管理员令牌 This is not a manager token"
      : code === "auth.rate_limited" ? "尝试次数过多，请一分钟后再试 Too many attempts, wait a minute"
        : "令牌无效或已吊销 Unknown or revoked token";
  }
});

$("logout").addEventListener("click", async () => {
  await api("/logout", {method: "POST"}).catch(() => null);
  alarm.clear();
  showLogin();
});

// ---- live data -----------------------------------------------------------------------------
function scheduleRefresh(delay = 300) {
  if (state.refreshing) { state.dirty = true; return; }
  if (state.refreshTimer) return;
  state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refresh(); }, delay);
}

async function refresh() {
  state.refreshing = true;
  try {
    render(await api("/overview"));
  } catch (err) {
    if (err.message !== "login") console.warn("overview failed", err.message);
  } finally {
    state.refreshing = false;
    if (state.dirty) { state.dirty = false; scheduleRefresh(150); }
  }
}

function render(o) {
  state.overview = o;
  for (const c of o.categories) state.categories[c.code] = c;
  setTimeZone(o.timezone);
  $("hall-name").textContent = o.hall.name_zh;
  $("hall-name-en").textContent = o.hall.name_en;
  renderKpis($("kpis"), o.totals);
  const stranded = renderUnserved($("unserved"), o.unserved);
  renderQueues($("queues"), $("suggestions"), o.categories, stranded);
  renderDeadlines($("deadlines"), $("deadline-count"), o.deadlines);
  renderBookings($("bookings"), $("booking-count"), o.bookings);
  const noShowKey = JSON.stringify(o.no_shows || []);
  if (noShowKey !== state.noShowKey) {
    state.noShowKey = noShowKey;
    renderNoShows($("noshows"), o.no_shows || [], reinstate);
  }
  renderWindows($("windows"), o.windows);
  const followKey = JSON.stringify(o.followups);
  if (followKey !== state.followKey) {
    state.followKey = followKey;
    renderFollowups($("followups"), o.followups, state.drafts, followActions);
  }
  const open = o.followups.filter((f) => f.status === "open").length;
  $("follow-count").textContent = open ? String(open) : "";
  renderTerminals($("terminals"), o.terminals);
  const off = o.terminals.filter((t) => !t.online).length;
  $("terminals-note").textContent = o.terminals.length ? ` ${o.terminals.length - off}/${o.terminals.length} 在线 online` : "";
  alarm.show(o.followups.filter((f) => f.kind === "alert" && f.status === "open"));
  if (!$("feed").children.length) {
    for (const t of [...o.recent].reverse()) feedLine($("feed"), t.status === "waiting" ? "issued" : "called",
      `${t.number} ${catName(t.category)} · ${label(TICKET_STATUS, t.status)[0]}`, label(TICKET_STATUS, t.status)[1]);
  }
}

function catName(code) {
  const c = state.categories[code];
  return c ? c.name_zh : code;
}

function onEvent(ev) {
  const d = ev.data || {};
  switch (ev.type) {
    case "hello": setConn(true); return;
    case "pong": return;
    case "ticket.issued": {
      feedLine($("feed"), "issued", `${d.number} 取号 · ${catName(d.category)}`, "issued");
      const cell = document.querySelector(`#queues tr[data-category="${CSS.escape(String(d.category))}"] [data-role="waiting"]`);
      if (cell) cell.textContent = String(Number(cell.textContent || 0) + 1);
      break;
    }
    case "ticket.called":
      feedLine($("feed"), "called", `${d.number} → ${d.window} 号窗口${d.recall ? "（重呼）" : ""}`,
        `to window ${d.window}${d.recall ? " (recall)" : ""}`);
      patchWindowCurrent($("windows"), d.window, d.number, "called");
      break;
    case "ticket.no_show":
      feedLine($("feed"), "noshow", `${d.number} 过号 · ${d.window} 号窗口`, "no-show");
      break;
    case "queue.snapshot": scheduleRefresh(1000); return;
    case "alert.raised":
      // The counter's emergency button: on screen before anything else, then confirmed by the overview.
      alarm.raise(d);
      feedLine($("feed"), "alert", `${label(FOLLOW_KIND, "alert")[0]} · ${d.window ? d.window + " 号窗口" : ""}`,
        `alert${d.window ? " · window " + d.window : ""}`);
      scheduleRefresh(0);
      return;
    case "limit.exceeded":
      // A token or terminal went over [server.limits]: name the terminal (docs/security.md).
      feedLine($("feed"), "help", `${label(FOLLOW_KIND, "rate_limit")[0]}${d.terminal_id ? " · 终端 " + d.terminal_id : ""}`,
        `${label(FOLLOW_KIND, "rate_limit")[1]}${d.terminal_id ? " · terminal " + d.terminal_id : ""}`);
      scheduleRefresh(0);
      return;
    case "help.requested":
      feedLine($("feed"), "help", `${label(FOLLOW_KIND, d.kind || "help")[0]}${d.terminal_id ? " · 终端 " + d.terminal_id : ""}`,
        label(FOLLOW_KIND, d.kind || "help")[1]);
      scheduleRefresh(0);
      return;
    case "alert.low_rating":
      feedLine($("feed"), "help", `${label(FOLLOW_KIND, "low_rating")[0]}${d.window ? " · " + d.window + " 号窗口" : ""}`,
        "low rating");
      scheduleRefresh(0);
      return;
    case "alert.followup_overdue":
      feedLine($("feed"), "alert", `差评整改已超期${d.window ? " · " + d.window + " 号窗口" : ""}`, "follow-up overdue");
      scheduleRefresh(0);
      return;
    case "item.changed":  // a service item saved (here or by another admin): the admin list follows
      if (state.tab === "admin" && state.role === "admin") adminTab.items.loadList();
      return;
    case "followup.changed":
      if (d.status && d.status !== "open") alarm.dismiss(d.id);
      scheduleRefresh(0);
      return;
    default:
      if (d.kind === "alert" && d.status === "open") { alarm.raise(d); scheduleRefresh(0); return; }
  }
  scheduleRefresh(300);
}

function setConn(live) {
  const c = $("conn");
  c.className = `conn ${live ? "conn-on" : "conn-off"}`;
  c.replaceChildren(bi(live ? L.live : L.reconnecting));
}

function connect() {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${proto}//${location.host}${API}/events`);
  state.ws = ws;
  ws.onopen = () => { state.retry = 500; };
  ws.onmessage = (m) => { try { onEvent(JSON.parse(m.data)); } catch (err) { console.warn("bad event", err); } };
  ws.onclose = (e) => {
    setConn(false);
    state.ws = null;
    if (e.code === 4401) { api("/session").then(() => setTimeout(connect, 1000)).catch(() => null); return; }
    setTimeout(() => { if (!$("app").hidden) { connect(); refresh(); } }, state.retry);
    state.retry = Math.min(state.retry * 2, 10000);
  };
}

// ---- follow-ups ----------------------------------------------------------------------------
async function ack(id) {
  try { await api(`/followups/${id}/acknowledge`, {method: "POST", body: {note: ""}}); } catch (err) { warn(err); }
  alarm.dismiss(id);
  scheduleRefresh(0);
}

const followActions = {
  ack,
  phones: {},
  async step(id, stage, note) {
    const box = document.querySelector(`[data-followup="${id}"] textarea`);
    if (!note.trim()) { box.classList.add("invalid"); box.focus(); return; }
    try {
      await api(`/followups/${id}/step`, {method: "POST", body: {stage, note: note.trim()}});
      delete state.drafts[id];
    } catch (err) { warn(err); }
    scheduleRefresh(0);
  },
  async phone(id) {
    try {
      const r = await api(`/followups/${id}/callback-phone`, {method: "POST"});
      followActions.phones[id] = r.phone;
    } catch (err) { followActions.phones[id] = err.message === "followup.no_contact" ? "未留电话 none left" : "—"; }
    state.followKey = ""; render(state.overview);
  },
  edit(id) { state.drafts[id] = state.drafts[id] || ""; state.followKey = ""; render(state.overview);
    const box = document.querySelector(`[data-followup="${id}"] textarea`); if (box) box.focus(); },
  cancel(id) { delete state.drafts[id]; state.followKey = ""; render(state.overview); },
  async close(id, note) {
    if (!note.trim()) { const box = document.querySelector(`[data-followup="${id}"] textarea`); box.classList.add("invalid"); box.focus(); return; }
    try {
      await api(`/followups/${id}/close`, {method: "POST", body: {note: note.trim()}});
      delete state.drafts[id];
      alarm.dismiss(id);
    } catch (err) { warn(err); }
    scheduleRefresh(0);
  },
};

async function reinstate(n) {
  try {
    await api(`/tickets/${n.id}/reinstate`, {method: "POST"});
    feedLine($("feed"), "called", `${n.number} 已恢复，排在队首`, "reinstated at the head of its line");
  } catch (err) {
    feedLine($("feed"), "alert", err.message === "reinstate_expired" ? `${n.number} 已超过可恢复时限`
      : `${n.number} 恢复失败 ${err.message}`, err.message === "reinstate_expired" ? "too late to reinstate" : "failed");
  }
  state.noShowKey = "";
  scheduleRefresh(0);
}

function warn(err) { feedLine($("feed"), "alert", `操作失败 ${err.message}`, "action failed"); }

// ---- tabs and reports ----------------------------------------------------------------------
const adminTab = new AdminTab(api, $("adm-status"));
adminTab.bind();

function selectTab(tab) {
  state.tab = tab.dataset.tab;
  for (const t of document.querySelectorAll(".tab")) {
    t.classList.toggle("active", t === tab);
    t.setAttribute("aria-selected", String(t === tab));
  }
  $("tab-live").hidden = state.tab !== "live";
  $("tab-reports").hidden = state.tab !== "reports";
  $("tab-admin").hidden = state.tab !== "admin";
  if (state.tab === "reports") { loadReports(); loadStaff(); }
  if (state.tab === "admin") adminTab.load();
}
for (const tab of document.querySelectorAll(".tab")) tab.addEventListener("click", () => selectTab(tab));

function reportQuery() {
  const params = new URLSearchParams({period: $("report-period").value});
  if ($("report-date").value) params.set("date", $("report-date").value);
  return params.toString();
}

let lastCharts = null;
function drawCharts() {
  if (!lastCharts || state.tab !== "reports") return;
  hourChart($("chart-hour"), $("chart-legend"), lastCharts.categories, lastCharts.per_hour);
  const slas = Object.values(state.categories).map((c) => c.sla_minutes);
  waitChart($("chart-wait"), lastCharts.waits, slas.length ? Math.min(...slas) : null);
  $("wait-note").textContent = ` n=${lastCharts.waits_n}`;
}
let resizeTimer = null;
window.addEventListener("resize", () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 200); });

async function loadReports() {
  const q = reportQuery();
  $("report-csv").href = `${API}/report.csv?${q}`;
  try {
    const [charts, report] = await Promise.all([api("/charts"), api(`/report?${q}`)]);
    lastCharts = charts;
    drawCharts();
    renderReport($("report"), report);
    if (!$("report-date").value) $("report-date").value = report.period_end;
    $("report-range").textContent = report.period_start === report.period_end ? report.period_start
      : `${report.period_start} — ${report.period_end}`;
  } catch (err) { if (err.message !== "login") warn(err); }
}

$("report-form").addEventListener("submit", (e) => { e.preventDefault(); loadReports(); });
$("report-period").addEventListener("change", () => { $("report-csv").href = `${API}/report.csv?${reportQuery()}`; });
$("report-date").addEventListener("change", () => { $("report-csv").href = `${API}/report.csv?${reportQuery()}`; });

// ---- clock, timers, keep-alive -------------------------------------------------------------
function tickClock() {
  $("clock-time").textContent = hhmm(new Date().toISOString());
  $("clock-date").textContent = today();
  tickTimers();
}
tickClock();
setInterval(tickClock, 1000);
setInterval(() => { if (state.ws && state.ws.readyState === 1) state.ws.send("ping"); }, 20000);
// Terminal heartbeats age and reports change without events: a slow full refresh catches those.
setInterval(() => { if (!$("app").hidden) { scheduleRefresh(0); if (state.tab === "reports") loadReports(); } }, 15000);
document.addEventListener("click", () => alarm.unlock(), {capture: true});

api("/session").then(showApp).catch(() => showLogin());

// ---- staff accounts (issue 15 item 4) ----------------------------------------------------------
const STAFF_ERRORS = {"staff.exists": "该工号已存在 This staff number exists",
  "validation": "工号为字母数字，PIN 为 4–8 位数字 Staff no.: letters/digits; PIN: 4–8 digits"};

async function loadStaff() {
  const rows = await api("/staff").catch(() => null);
  if (!rows) return;
  const head = el("tr", {}, el("th", {text: "工号 Staff no."}), el("th", {text: "姓名 Name"}),
    el("th", {text: "签到窗口 Signed in at"}), el("th", {text: "锁定至 Locked until"}));
  $("staff").replaceChildren(el("thead", {}, head), el("tbody", {}, rows.map((r) => el("tr", {dataset: {staff: r.staff_no}},
    el("td", {text: r.staff_no}), el("td", {text: r.name}), el("td", {text: r.window ? `${r.window}号窗口` : "—"}),
    el("td", {text: r.locked_until ? hhmm(r.locked_until) : "—"})))));
}

$("staff-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const body = {staff_no: $("staff-no").value.trim(), name: $("staff-name").value.trim(), pin: $("staff-pin").value};
  $("staff-pin").value = "";
  try {
    const made = await api("/staff", {method: "POST", body});
    $("staff-msg").textContent = `已创建 Created: ${made.staff_no} ${made.name}`;
    $("staff-no").value = ""; $("staff-name").value = "";
    loadStaff();
  } catch (err) {
    $("staff-msg").textContent = STAFF_ERRORS[err.message] || `创建失败 Failed (${err.message})`;
  }
});
