// Bilingual labels (zh first, en second) and formatting helpers. No data ever goes through innerHTML:
// every helper here builds nodes and sets textContent.

export const L = {
  waiting: ["等候", "Waiting"],
  longest: ["最长等候", "Longest wait"],
  predicted: ["预计等候", "Predicted wait"],
  target: ["目标", "Target"],
  openWin: ["开放窗口", "Open windows"],
  state: ["状态", "Status"],
  category: ["业务类别", "Category"],
  window: ["窗口", "Window"],
  clerk: ["工作人员", "Clerk"],
  current: ["当前号", "Current ticket"],
  served: ["今日办结", "Served today"],
  avgHandling: ["平均办理", "Avg handling"],
  kpiWaiting: ["等候人数", "Waiting"],
  kpiServed: ["今日办结", "Served"],
  kpiOpen: ["开放窗口", "Open windows"],
  kpiBreach: ["超时队列", "SLA breaches"],
  ok: ["正常", "OK"],
  warn: ["接近超时", "Near target"],
  breach: ["已超时", "Breach"],
  levelPredicted: ["预计超时", "Will exceed target"],
  noFollowups: ["暂无待处理事项", "Nothing to follow up"],
  noNoShows: ["暂无可恢复的过号", "No missed tickets to reinstate"],
  reinstate: ["恢复", "Reinstate"],
  missedAt: ["过号", "missed"],
  until: ["前可恢复", "until"],
  noTerminals: ["尚无终端登记", "No terminals registered"],
  acknowledge: ["确认", "Acknowledge"],
  close: ["办结", "Close"],
  closeWithNote: ["填写处理结果后办结", "Close with a note"],
  notePlaceholder: ["处理结果（必填）", "What was done (required)"],
  cancel: ["取消", "Cancel"],
  online: ["在线", "Online"],
  offline: ["离线", "Offline"],
  backlog: ["待发送", "Outbox"],
  oldest: ["最早待发", "Oldest pending"],
  lastSeen: ["心跳", "Heartbeat"],
  live: ["实时", "Live"],
  reconnecting: ["重连中", "Reconnecting"],
  suggestOpen: ["建议加开窗口", "Open another window"],
  noWindow: ["无开放窗口", "no window open"],
  total: ["合计", "Total"],
  noData: ["暂无数据", "No data"],
  ago: ["前", "ago"],
};

export const WINDOW_STATUS = {open: ["服务中", "Open"], paused: ["暂停", "Paused"], closed: ["关闭", "Closed"]};
export const TICKET_STATUS = {
  waiting: ["等候中", "Waiting"], called: ["已叫号", "Called"], serving: ["办理中", "Serving"],
  done: ["已办结", "Done"], no_show: ["过号", "No-show"], cancelled: ["已取消", "Cancelled"],
};
export const FOLLOW_KIND = {
  alert: ["紧急报警", "Emergency alert"], help: ["呼叫帮助", "Help call"],
  cannot_do: ["办不成事", "Couldn't get it done"], low_rating: ["差评回访", "Low rating"],
  rate_limit: ["写入超限", "Write limit"], technician_pin: ["维护密码错误", "Technician PIN"],
};
export const FOLLOW_STATUS = {open: ["待处理", "Open"], acknowledged: ["已确认", "Acknowledged"]};
export const TERMINAL_KIND = {
  kiosk: ["自助终端", "Kiosk"], display: ["叫号屏", "Display"], counter: ["窗口终端", "Counter"],
  evaluator: ["评价器", "Evaluation pad"],
};
export const DEVICE_KIND = {
  id_card: ["身份证", "ID card"], ss_card: ["社保卡", "SS card"], printer: ["打印机", "Printer"],
  camera: ["摄像头", "Camera"], doc_camera: ["高拍仪", "Document camera"], code_scanner: ["扫码器", "Code scanner"],
  voice: ["语音", "Voice"], display: ["显示屏", "Display"], keypad: ["键盘", "Keypad"],
};
export const HEALTH = {ok: ["正常", "OK"], degraded: ["降级", "Degraded"], offline: ["离线", "Offline"]};
export const RATING = {1: ["非常不满意", "Very dissatisfied"], 2: ["不满意", "Dissatisfied"], 3: ["基本满意", "Fair"],
  4: ["满意", "Satisfied"], 5: ["非常满意", "Very satisfied"]};

/** An element with children; strings become text nodes (never parsed as HTML). */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = String(v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** "中文 English" with the English part styled smaller. */
export function bi(pair, cls = "") {
  const [zh, en] = pair || ["", ""];
  return el("span", {class: cls || null}, zh, " ", el("span", {class: "en", text: en}));
}

export function label(map, key) {
  return map[key] || [String(key ?? ""), String(key ?? "")];
}

/** Seconds as m:ss or h:mm:ss (language-neutral, tabular). */
export function dur(s) {
  if (s === null || s === undefined || Number.isNaN(s)) return "—";
  s = Math.max(0, Math.round(s));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const pad = (n) => String(n).padStart(2, "0");
  return h ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

// Times are shown in the hall's zone (from the server), whatever zone the manager's computer is in.
let timeZone;
export function setTimeZone(tz) { timeZone = tz || undefined; }

export function hhmm(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone});
}

export function today() {
  return new Date().toLocaleDateString("zh-CN", {timeZone, year: "numeric", month: "2-digit", day: "2-digit", weekday: "short"});
}

export function pct(x) {
  return x === null || x === undefined ? "—" : `${(x * 100).toFixed(1)}%`;
}

export function num(x, digits = 0) {
  return x === null || x === undefined ? "—" : Number(x).toFixed(digits);
}
