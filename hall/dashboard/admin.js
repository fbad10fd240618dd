// The admin tab (role "admin" only; the server refuses every admin route to a manager with 403
// dashboard.admin_only): lines (name, SLA target, daily cap, opening hours), windows (lines served,
// weights), the holiday calendar (list a year, add/remove a day, import a CSV) and the service items with
// their forms (items.js). Every node is built with textContent; nothing goes through innerHTML.
import {bi, el} from "./i18n.js";
import {ItemEditor} from "./items.js";

const A = {
  code: ["代码", "Code"], name: ["名称", "Name"], nameEn: ["英文名称", "English name"],
  sla: ["目标等候(分)", "SLA target (min)"], cap: ["每日上限", "Daily cap"], opens: ["开始取号", "Opens"],
  closes: ["停止取号", "Closes"], atClose: ["停止后", "At close"], save: ["保存", "Save"],
  window: ["窗口", "Window"], lines: ["办理业务", "Lines served"], weights: ["权重", "Weights"],
  desk: ["不设办不成事", "No cannot-do desk"], day: ["日期", "Date"], kind: ["类型", "Kind"],
  off: ["休", "Holiday"], work: ["班", "Working day"], remove: ["删除", "Remove"], add: ["添加", "Add"],
  none: ["暂无", "None"], saved: ["已保存", "Saved"],
};

function th(pair) { return el("th", {}, bi(pair)); }
function input(props) { return el("input", {class: "adm-in", ...props}); }

/** The admin tab's controller; ``api`` is the dashboard's fetch helper (it sends X-CSRF-Token on writes). */
export class AdminTab {
  constructor(api, status) {
    this.api = api;
    this.status = status;  // a <p role="status"> for the outcome of the last action
    this.year = new Date().getFullYear();
    this.items = new ItemEditor(api, (ok, zh, en) => this.say(ok, zh, en), (err) => this.fail(err));
  }

  say(ok, zh, en) {
    this.status.className = ok ? "adm-status ok" : "adm-status error";
    this.status.replaceChildren(bi([zh, en]));
  }

  fail(err) {
    const e = err && err.body && err.body.error;
    this.say(false, `失败：${(e && e.message_zh) || err.message}`, (e && e.message_en) || "failed");
  }

  async load() {
    try {
      const [cats, wins, days, items] = await Promise.all([this.api("/admin/categories"), this.api("/admin/windows"),
        this.api(`/admin/calendar?year=${this.year}`), this.api("/admin/items")]);
      this.renderCategories(cats);
      this.renderWindows(wins);
      this.renderCalendar(days);
      this.items.categories = cats;
      this.items.renderList(items);
    } catch (err) { if (err.message !== "login") this.fail(err); }
  }

  renderCategories(cats) {
    const table = document.getElementById("adm-categories");
    const rows = cats.map((c) => {
      const f = {
        name_zh: input({name: "name_zh", value: c.name_zh, maxlength: 64, required: true}),
        name_en: input({name: "name_en", value: c.name_en, maxlength: 128}),
        sla_minutes: input({name: "sla_minutes", type: "number", min: 1, max: 1440, value: c.sla_minutes ?? 30, required: true}),
        daily_cap: input({name: "daily_cap", type: "number", min: 1, max: 9999, value: c.daily_cap ?? ""}),
        opens: input({name: "opens", value: c.opens, pattern: "[0-2][0-9]:[0-5][0-9]", size: 5}),
        closes: input({name: "closes", value: c.closes, pattern: "[0-2][0-9]:[0-5][0-9]", size: 5}),
        at_close: el("select", {class: "adm-in", name: "at_close"},
          el("option", {value: "close", selected: c.at_close === "close", text: "关闭 close"}),
          el("option", {value: "carry_over", selected: c.at_close === "carry_over", text: "顺延 carry over"})),
      };
      const save = el("button", {class: "btn btn-sm btn-primary", type: "button", dataset: {action: "save"}}, bi(A.save));
      save.addEventListener("click", async () => {
        const cap = f.daily_cap.value.trim();
        const body = {code: c.code, name_zh: f.name_zh.value.trim(), name_en: f.name_en.value.trim(),
          sla_minutes: Number(f.sla_minutes.value), daily_cap: cap === "" ? null : Number(cap),
          opens: f.opens.value.trim(), closes: f.closes.value.trim(), at_close: f.at_close.value, sort: c.sort ?? 0};
        try {
          await this.api(`/admin/categories/${encodeURIComponent(c.code)}`, {method: "PUT", body});
          this.say(true, `${c.code} 已保存`, `line ${c.code} saved`);
        } catch (err) { this.fail(err); }
      });
      return el("tr", {dataset: {category: c.code}}, el("td", {class: "code", text: c.code}),
        ...Object.values(f).map((x) => el("td", {}, x)), el("td", {}, save));
    });
    table.replaceChildren(el("thead", {}, el("tr", {}, th(A.code), th(A.name), th(A.nameEn), th(A.sla), th(A.cap),
      th(A.opens), th(A.closes), th(A.atClose), el("th"))), el("tbody", {}, rows));
  }

  renderWindows(wins) {
    const table = document.getElementById("adm-windows");
    const rows = wins.map((w) => {
      const name = input({name: "name", value: w.name, maxlength: 64});
      const lines = input({name: "lines", value: w.categories.join(","), size: 10, title: "A,B,C"});
      const weights = input({name: "weights", size: 14, title: "A:2,B:1",
        value: Object.entries(w.weights || {}).map(([k, v]) => `${k}:${v}`).join(",")});
      const desk = el("input", {type: "checkbox", name: "cannot_do_desk", checked: Boolean(w.cannot_do_desk)});
      const save = el("button", {class: "btn btn-sm btn-primary", type: "button", dataset: {action: "save"}}, bi(A.save));
      save.addEventListener("click", async () => {
        const cats = lines.value.toUpperCase().split(/[\s,，]+/).filter(Boolean);
        const wt = {};
        for (const part of weights.value.toUpperCase().split(/[\s,，]+/).filter(Boolean)) {
          const [k, v] = part.split(/[:：=]/);
          wt[k] = Number(v);
        }
        try {
          await this.api(`/admin/windows/${w.number}`, {method: "PUT",
            body: {name: name.value.trim(), categories: cats, cannot_do_desk: desk.checked, weights: wt}});
          this.say(true, `${w.number} 号窗口已保存`, `window ${w.number} saved`);
        } catch (err) { this.fail(err); }
      });
      return el("tr", {dataset: {window: String(w.number)}}, el("td", {class: "winno", text: w.number}),
        el("td", {}, name), el("td", {}, lines), el("td", {}, weights), el("td", {}, desk), el("td", {}, save));
    });
    table.replaceChildren(el("thead", {}, el("tr", {}, th(A.window), th(A.name), th(A.lines), th(A.weights),
      th(A.desk), el("th"))), el("tbody", {}, rows));
  }

  renderCalendar(days) {
    document.getElementById("adm-year").value = String(this.year);
    const table = document.getElementById("adm-calendar");
    const rows = days.map((d) => {
      const rm = el("button", {class: "btn btn-sm", type: "button", dataset: {action: "remove"}}, bi(A.remove));
      rm.addEventListener("click", async () => {
        try {
          await this.api(`/admin/calendar/${d.day}`, {method: "DELETE"});
          this.say(true, `${d.day} 已删除`, `${d.day} removed`);
          await this.loadCalendar();
        } catch (err) { this.fail(err); }
      });
      return el("tr", {dataset: {day: d.day}}, el("td", {text: d.day}),
        el("td", {}, bi(d.working ? A.work : A.off)), el("td", {text: d.name}), el("td", {}, rm));
    });
    if (!rows.length) rows.push(el("tr", {}, el("td", {colspan: 4, class: "muted"}, bi(A.none))));
    table.replaceChildren(el("thead", {}, el("tr", {}, th(A.day), th(A.kind), th(A.name), el("th"))),
      el("tbody", {}, rows));
  }

  async loadCalendar() {
    try { this.renderCalendar(await this.api(`/admin/calendar?year=${this.year}`)); } catch (err) { this.fail(err); }
  }

  /** Wire the static controls of the tab (once). */
  bind() {
    document.getElementById("adm-item-new").addEventListener("click", () => this.items.open(null));
    document.getElementById("adm-year-form").addEventListener("submit", (e) => {
      e.preventDefault();
      const y = Number(document.getElementById("adm-year").value);
      if (y >= 2000 && y <= 2100) { this.year = y; this.loadCalendar(); }
    });
    document.getElementById("adm-day-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const day = document.getElementById("adm-day").value;
      if (!day) return;
      const body = {working: document.getElementById("adm-day-kind").value === "work",
        name: document.getElementById("adm-day-name").value.trim()};
      try {
        await this.api(`/admin/calendar/${day}`, {method: "PUT", body});
        this.say(true, `${day} 已添加`, `${day} added`);
        this.year = Number(day.slice(0, 4));
        await this.loadCalendar();
      } catch (err) { this.fail(err); }
    });
    document.getElementById("adm-import-form").addEventListener("submit", async (e) => {
      e.preventDefault();
      const file = document.getElementById("adm-import-file").files[0];
      if (!file) return;
      if (file.size > 256 * 1024) { this.say(false, "文件过大（上限 256 KB）", "the file is larger than 256 KB"); return; }
      try {
        const out = await this.api("/admin/calendar/import", {method: "POST", body: {csv: await file.text()}});
        this.say(true, `已导入 ${out.years.join(", ")}：休 ${out.days_off} 天，班 ${out.working_days} 天`,
          `imported ${out.years.join(", ")}: ${out.days_off} days off, ${out.working_days} working days`);
        if (out.years.length) this.year = out.years[0];
        await this.loadCalendar();
      } catch (err) { this.fail(err); }
    });
  }
}
