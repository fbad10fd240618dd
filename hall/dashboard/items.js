// The admin tab's service items: the list (编辑 per item, 新增事项) and the edit panel — the item's fields,
// its materials (rows added and removed), and its application form as JSON with a live preview of the
// fields it asks. The server checks everything (the catalogue import's rules, hall.forms.parse_form) and
// names each problem; this file shows the reason next to the field. Every node is built with textContent:
// what an admin types (names, labels, notes) is shown as text, never parsed as markup.
import {bi, el} from "./i18n.js";

const T = {
  code: ["实施编码", "Code"], item: ["事项", "Item"], category: ["业务类别", "Line"], dept: ["实施主体", "Department"],
  promised: ["承诺时限(工作日)", "Promised (working days)"], state: ["状态", "Status"], edit: ["编辑", "Edit"],
  inactive: ["已停用", "Inactive"], none: ["暂无", "None"], save: ["保存", "Save"], close: ["关闭", "Close"],
  nameZh: ["事项名称", "Name"], nameEn: ["英文名称", "English name"], type: ["事项类型", "Kind"],
  legalDays: ["法定时限(工作日)", "Legal limit (working days)"], promisedDays: ["承诺时限(工作日)", "Promised (working days)"],
  fees: ["收费标准", "Fees"], location: ["办理地点", "Where"], hours: ["办理时间", "Hours"],
  consult: ["咨询电话", "Enquiries"], supervise: ["监督电话", "Complaints"], online: ["可网上办理", "Online"],
  onlineUrl: ["网办地址", "Online address"], commitment: ["容缺受理", "Commitment"], active: ["启用", "Active"],
  conditions: ["办理条件", "Conditions"], basis: ["设定依据", "Legal basis"], process: ["办理流程", "Process"],
  result: ["办理结果", "Result"], materials: ["申请材料", "Materials"], key: ["编码", "Key"],
  matName: ["材料名称", "Material"], matForm: ["形式", "Form"], copies: ["份数", "Copies"],
  waivable: ["可容缺", "Waivable"], elicense: ["电子证照类型", "E-licence type"], formats: ["文件格式", "File types"],
  note: ["备注", "Note"], addMaterial: ["添加材料", "Add material"], remove: ["删除", "Remove"],
  form: ["申请表", "Application form"], standard: ["使用标准申请表", "Use the standard form"],
  preview: ["申请表预览", "Form preview"], required: ["必填", "required"], optional: ["选填", "optional"],
  applicants: ["申请人", "Applicants"], newItem: ["新增事项", "New item"], auto: ["按材料（有可容缺材料即允许）", "by materials"],
  yes: ["允许", "allowed"], no: ["不允许", "not allowed"],
};
const FORMS = [["original", "原件"], ["copy", "复印件"], ["original_and_copy", "原件和复印件"], ["electronic", "电子"]];
const APPLICANT = {person: "个人 person", legal_person: "企业/单位 legal person"};
const TYPE = {text: "文字", digits: "数字串", number: "数值", mobile: "手机号", date: "日期", choice: "选择",
  id_number: "身份证号", credit_code: "统一社会信用代码", address: "地址"};
// Item fields: [API name, label, kind, input props]. The API name is also what a refusal names.
const FIELDS = [
  ["code", T.code, "text", {maxlength: 32, "aria-required": "true"}], ["name_zh", T.nameZh, "text", {maxlength: 128, "aria-required": "true"}],
  ["name_en", T.nameEn, "text", {maxlength: 256}], ["category", T.category, "category", {}],
  ["department", T.dept, "text", {maxlength: 128}], ["type", T.type, "text", {maxlength: 32}],
  ["legal_days", T.legalDays, "number", {min: 0, max: 3650}], ["promised_days", T.promisedDays, "number", {min: 0, max: 3650}],
  ["fees", T.fees, "text", {maxlength: 128}], ["location", T.location, "text", {maxlength: 128}],
  ["hours", T.hours, "text", {maxlength: 128}], ["consult_phone", T.consult, "text", {maxlength: 64}],
  ["supervise_phone", T.supervise, "text", {maxlength: 64}], ["online_url", T.onlineUrl, "text", {maxlength: 256}],
  ["commitment_allowed", T.commitment, "commitment", {}], ["online", T.online, "check", {}],
  ["active", T.active, "check", {}],
  ["conditions", T.conditions, "long", {}], ["legal_basis", T.basis, "long", {}], ["process", T.process, "long", {}],
  ["result", T.result, "long", {}],
];

function th(pair) { return el("th", {}, bi(pair)); }
function text(t) { return t && typeof t === "object" ? [t.zh || "", t.en || ""] : [String(t ?? ""), ""]; }

/** The edit panel and the list; ``api`` is the dashboard's fetch helper, ``say(ok, zh, en)`` its status line. */
export class ItemEditor {
  constructor(api, say, fail) {
    this.api = api;
    this.say = say;
    this.fail = fail;
    this.panel = document.getElementById("adm-item-editor");
    this.categories = [];
    this.standard = null;
    this.code = null;  // the item being edited (null: a new one)
    this.checkTimer = null;
    this.checkSeq = 0;
  }

  renderList(items) {
    const table = document.getElementById("adm-items");
    const rows = items.map((i) => {
      const edit = el("button", {class: "btn btn-sm", type: "button", dataset: {action: "edit"}}, bi(T.edit));
      edit.addEventListener("click", () => this.open(i.code));
      return el("tr", {dataset: {item: i.code}, class: i.active === false ? "adm-inactive" : null},
        el("td", {class: "code", text: i.code}), el("td", {text: i.name_zh ?? i.name}), el("td", {text: i.category}),
        el("td", {text: i.department ?? ""}), el("td", {class: "n", text: i.promised_days ?? ""}),
        el("td", {}, i.active === false ? bi(T.inactive, "badge adm-off") : ""), el("td", {}, edit));
    });
    if (!rows.length) rows.push(el("tr", {}, el("td", {colspan: 7, class: "muted"}, bi(T.none))));
    table.replaceChildren(el("thead", {}, el("tr", {}, th(T.code), th(T.item), th(T.category), th(T.dept),
      th(T.promised), th(T.state), el("th"))), el("tbody", {}, rows));
  }

  async loadList() {
    try { this.renderList(await this.api("/admin/items")); } catch (err) { if (err.message !== "login") this.fail(err); }
  }

  async standardForm() {
    if (!this.standard) this.standard = (await this.api("/admin/forms/standard")).form;
    return this.standard;
  }

  /** Open the panel on an item (``code``) or on a new one (no code). */
  async open(code) {
    try {
      const [item, standard] = await Promise.all([code ? this.api(`/admin/items/${encodeURIComponent(code)}`) : null,
        this.standardForm()]);
      this.code = code || null;
      this.build(item || {active: true, materials: [], legal_days: 20, promised_days: 10, fees: "不收费",
        category: (this.categories[0] || {}).code || "A", form: null}, standard);
      this.panel.hidden = false;
      // Below the sticky top bar (its height varies with the screen's width).
      const bar = document.querySelector(".sticky");
      window.scrollTo({top: this.panel.getBoundingClientRect().top + window.scrollY - (bar ? bar.offsetHeight : 0) - 8});
      (this.code ? this.inputs.name_zh : this.inputs.code).focus();
    } catch (err) { if (err.message !== "login") this.fail(err); }
  }

  close() { this.panel.hidden = true; this.panel.replaceChildren(); this.code = null; }

  field(name, label, kind, props, value) {
    let input;
    if (kind === "category") {
      input = el("select", {class: "adm-in", name}, this.categories.map((c) =>
        el("option", {value: c.code, selected: c.code === value, text: `${c.code} ${c.name_zh}`})));
      if (!this.categories.some((c) => c.code === value)) input.append(el("option", {value, selected: true, text: value}));
    } else if (kind === "commitment") {
      input = el("select", {class: "adm-in", name},
        el("option", {value: "auto", selected: value === null || value === undefined, text: T.auto.join(" ")}),
        el("option", {value: "yes", selected: value === true, text: T.yes.join(" ")}),
        el("option", {value: "no", selected: value === false, text: T.no.join(" ")}));
    } else if (kind === "check") {
      input = el("input", {type: "checkbox", name, checked: Boolean(value)});
    } else if (kind === "long") {
      input = el("textarea", {class: "adm-in adm-long", name, rows: 2, maxlength: 4000});
      input.value = value ?? "";
    } else {
      input = el("input", {class: "adm-in", name, type: kind === "number" ? "number" : "text", ...props});
      input.value = value ?? "";
    }
    this.inputs[name] = input;
    const error = el("span", {class: "adm-err", dataset: {errorFor: name}});
    return el("label", {class: `adm-field adm-${kind}`}, el("span", {class: "adm-label"}, bi(label)), input, error);
  }

  build(item, standard) {
    this.inputs = {};
    // What the save says it started from: another admin's save in between is refused (409), not overwritten.
    this.version = this.code ? item.version : 0;
    const heading = el("h2", {}, this.code ? bi([`编辑事项 ${item.code}`, `Edit ${item.code}`]) : bi(T.newItem),
      this.code ? el("span", {class: "hnote", text: `第 ${item.version} 版 version ${item.version}`}) : null);
    const grid = el("div", {class: "adm-fields"}, FIELDS.map(([name, label, kind, props]) =>
      this.field(name, label, kind, props, item[name])));
    if (this.code) this.inputs.code.readOnly = true;
    this.matBody = el("tbody");
    for (const m of item.materials || []) this.matBody.append(this.materialRow(m));
    const add = el("button", {class: "btn btn-sm", type: "button", id: "adm-mat-add"}, bi(T.addMaterial));
    add.addEventListener("click", () => {
      const row = this.materialRow({form: "original", copies: 1, formats: ["jpg", "png", "pdf"]});
      this.matBody.append(row);
      row.querySelector('[name="name_zh"]').focus();
    });
    this.matErrors = el("ul", {class: "adm-errlist", id: "adm-mat-errors"});
    const materials = el("fieldset", {class: "adm-materials"}, el("legend", {}, bi(T.materials)),
      el("div", {class: "tablewrap"}, el("table", {class: "t adm", id: "adm-materials"},
        el("thead", {}, el("tr", {}, th(T.key), th(T.matName), th(T.nameEn), th(T.matForm), th(T.copies), th(T.waivable),
          th(T.elicense), th(T.formats), th(T.note), el("th"))), this.matBody)), add, this.matErrors);

    this.standardBox = el("input", {type: "checkbox", id: "adm-item-standard", checked: item.form === null || item.form === undefined});
    this.formText = el("textarea", {class: "adm-json", id: "adm-item-form", rows: 18, spellcheck: "false",
      "aria-describedby": "adm-item-form-error"});
    this.formText.value = JSON.stringify(item.form || standard, null, 2);
    this.formError = el("p", {class: "adm-err", id: "adm-item-form-error", role: "alert"});
    this.preview = el("ol", {class: "adm-preview", id: "adm-item-preview"});
    this.applicants = el("p", {class: "sub", id: "adm-item-applicants"});
    this.standardBox.addEventListener("change", () => this.formMode(standard));
    this.formText.addEventListener("input", () => this.scheduleCheck());
    const form = el("fieldset", {class: "adm-form"}, el("legend", {}, bi(T.form)),
      el("label", {class: "adm-check"}, this.standardBox, bi(T.standard)), this.formText, this.formError,
      el("h3", {}, bi(T.preview)), this.applicants, this.preview);

    const save = el("button", {class: "btn btn-primary", type: "submit", id: "adm-item-save"}, bi(T.save));
    const close = el("button", {class: "btn", type: "button", id: "adm-item-close"}, bi(T.close));
    close.addEventListener("click", () => this.close());
    const body = el("form", {class: "adm-editor", novalidate: true},
      el("div", {class: "adm-editor-item"}, grid, materials), el("div", {class: "adm-editor-form"}, form),
      el("div", {class: "adm-editor-actions"}, save, close));
    body.addEventListener("submit", (e) => { e.preventDefault(); this.save(); });
    this.panel.replaceChildren(heading, body);
    this.formMode(standard);
  }

  materialRow(m) {
    const cell = (name, props, value) => {
      const input = el("input", {class: "adm-in", name, ...props});
      input.value = value ?? "";
      return el("td", {}, input);
    };
    const form = m.form || (m.original === false ? "copy" : "original");
    const rm = el("button", {class: "btn btn-sm", type: "button", dataset: {action: "remove"}}, bi(T.remove));
    const row = el("tr", {class: "adm-mat"},
      cell("key", {size: 8, maxlength: 32}, m.key), cell("name_zh", {maxlength: 128, "aria-required": "true"}, m.name_zh),
      cell("name_en", {maxlength: 256}, m.name_en),
      el("td", {}, el("select", {class: "adm-in", name: "form"}, FORMS.map(([v, zh]) =>
        el("option", {value: v, selected: v === form, text: zh})))),
      cell("copies", {type: "number", min: 1, max: 99}, m.copies ?? 1),
      el("td", {}, el("input", {type: "checkbox", name: "waivable", checked: Boolean(m.waivable)})),
      cell("elicense", {size: 10, maxlength: 64}, m.elicense), cell("formats", {size: 10}, (m.formats || []).join(",")),
      cell("note", {maxlength: 256}, m.note), el("td", {}, rm));
    rm.addEventListener("click", () => row.remove());
    return row;
  }

  formMode(standard) {
    const own = !this.standardBox.checked;
    this.formText.readOnly = !own;
    this.formText.classList.toggle("adm-readonly", !own);
    if (!own) this.formText.value = JSON.stringify(standard, null, 2);
    this.check();
  }

  scheduleCheck() {
    clearTimeout(this.checkTimer);
    this.checkTimer = setTimeout(() => this.check(), 350);
  }

  /** The JSON as the server would store it: a preview of its fields, or the reason it is refused. */
  async check() {
    const seq = ++this.checkSeq;
    let raw;
    try { raw = JSON.parse(this.formText.value); } catch (err) {
      this.showFormError("JSON", "不是有效的 JSON", "not valid JSON");
      return;
    }
    try {
      const out = await this.api("/admin/forms/check", {method: "POST", body: {form: raw}});
      if (seq === this.checkSeq) { this.showFormError(null); this.renderPreview(out.form); }
    } catch (err) {
      const e = err.body && err.body.error;
      if (seq !== this.checkSeq || err.message === "login") return;
      if (e && e.code === "item.form_invalid") this.showFormError(e.path, e.params.reason_zh, e.params.reason_en);
      else if (e && e.code === "validation") this.showFormError("form", "应为对象 {\"applicants\", \"fields\"}", "must be an object");
      else this.fail(err);
    }
  }

  showFormError(path, zh, en) {
    this.formText.classList.toggle("adm-bad", Boolean(path));
    if (!path) { this.formError.replaceChildren(); return; }
    this.formError.replaceChildren(el("code", {text: path}), " ", bi([zh, en]));
    this.preview.classList.add("adm-stale");
  }

  renderPreview(form) {
    this.preview.classList.remove("adm-stale");
    this.applicants.replaceChildren(bi(T.applicants), "：", (form.applicants || []).map((a) => APPLICANT[a] || a).join("、"));
    const labels = Object.fromEntries((form.fields || []).map((f) => [f.key, text(f.label)[0]]));
    const rows = (form.fields || []).map((f) => {
      const [zh, en] = text(f.label);
      const notes = [el("span", {class: "badge adm-type", text: `${TYPE[f.type] || f.type} ${f.type}`}),
        bi(f.required === false ? T.optional : T.required, f.required === false ? "muted" : "adm-req")];
      if (f.when) {
        const target = (form.fields || []).find((g) => g.key === f.when.field);
        const option = ((target && target.options) || []).find((o) => o.value === f.when.equals);
        notes.push(el("span", {class: "sub", text: `仅当“${labels[f.when.field] || f.when.field}”为“${option ? text(option.label)[0] : f.when.equals}”时 when ${f.when.field} = ${f.when.equals}`}));
      }
      if (f.applicant) notes.push(el("span", {class: "sub", text: `仅限 only ${APPLICANT[f.applicant] || f.applicant}`}));
      if (f.prefill) notes.push(el("span", {class: "sub", text: `自动填入 prefill: ${f.prefill}${f.locked ? "（不可改 locked）" : ""}`}));
      if (f.options) notes.push(el("span", {class: "sub", text: f.options.map((o) => text(o.label)[0]).join(" / ")}));
      return el("li", {dataset: {key: f.key}}, el("b", {text: zh}), en ? el("span", {class: "en", text: ` ${en}`}) : null,
        el("code", {text: f.key}), ...notes);
    });
    if (!rows.length) rows.push(el("li", {class: "muted"}, bi(T.none)));
    this.preview.replaceChildren(...rows);
  }

  body() {
    const v = (name) => this.inputs[name].value.trim();
    const num = (name) => (v(name) === "" ? 0 : Number(v(name)));
    const commitment = this.inputs.commitment_allowed.value;
    const materials = [...this.matBody.querySelectorAll("tr.adm-mat")].map((row) => {
      const get = (name) => row.querySelector(`[name="${name}"]`);
      const key = get("key").value.trim();
      return {key, name_zh: get("name_zh").value.trim(), name_en: get("name_en").value.trim(), form: get("form").value,
        copies: get("copies").value === "" ? 1 : Number(get("copies").value), waivable: get("waivable").checked,
        elicense: get("elicense").value.trim() || null,
        formats: get("formats").value.split(/[\s,，、;；]+/).filter(Boolean), note: get("note").value.trim()};
    });
    return {name_zh: v("name_zh"), name_en: v("name_en"), category: this.inputs.category.value, department: v("department"),
      type: v("type"), legal_days: num("legal_days"), promised_days: num("promised_days"), fees: v("fees"),
      location: v("location"), hours: v("hours"), consult_phone: v("consult_phone"), supervise_phone: v("supervise_phone"),
      online: this.inputs.online.checked, online_url: v("online_url"), active: this.inputs.active.checked,
      commitment_allowed: commitment === "auto" ? null : commitment === "yes", conditions: v("conditions"),
      legal_basis: v("legal_basis"), process: v("process"), result: v("result"), materials};
  }

  clearErrors() {
    for (const span of this.panel.querySelectorAll(".adm-err[data-error-for]")) span.replaceChildren();
    for (const bad of this.panel.querySelectorAll(".adm-bad")) bad.classList.remove("adm-bad");
    this.matErrors.replaceChildren();
  }

  /** One refused field: next to its input, or (a material's) on its cell and in the list under the table. */
  showFieldError(field, zh, en, label) {
    const m = /^materials[[.](\d+)\]?\.(\w+)$/.exec(field);
    if (m) {
      const row = this.matBody.querySelectorAll("tr.adm-mat")[Number(m[1])];
      const input = row && row.querySelector(`[name="${m[2]}"]`);
      if (input) { input.classList.add("adm-bad"); input.title = zh; }
      this.matErrors.append(el("li", {}, `${label || `材料 ${Number(m[1]) + 1}（${m[2]}）`}：`, bi([zh, en])));
      return;
    }
    const span = this.panel.querySelector(`.adm-err[data-error-for="${CSS.escape(field)}"]`);
    if (span) {
      span.replaceChildren(bi([zh, en]));
      this.inputs[field].classList.add("adm-bad");
    } else {
      this.matErrors.append(el("li", {}, `${label || field}：`, bi([zh, en])));
    }
  }

  async save() {
    this.clearErrors();
    const code = this.code || this.inputs.code.value.trim();
    if (!code) { this.showFieldError("code", "不能为空", "must not be empty"); return; }
    const body = {...this.body(), version: this.version};
    if (this.standardBox.checked) body.form = null;
    else {
      try { body.form = JSON.parse(this.formText.value); } catch (err) {
        this.showFormError("JSON", "不是有效的 JSON", "not valid JSON");
        this.say(false, "申请表不是有效的 JSON，未保存", "the form is not valid JSON; nothing saved");
        return;
      }
    }
    try {
      const out = await this.api(`/admin/items/${encodeURIComponent(code)}`, {method: "PUT", body});
      if (out.changed) this.say(true, `${code} 已保存（第 ${out.version} 版）`, `${code} saved (version ${out.version})`);
      else this.say(true, `${code} 没有改动`, `${code} unchanged`);
      this.code = code;
      this.build(out, await this.standardForm());
      await this.loadList();
    } catch (err) {
      if (err.message === "login") return;
      const e = err.body && err.body.error;
      if (e && e.code === "item.form_invalid") {
        this.showFormError(e.path, e.params.reason_zh, e.params.reason_en);
      } else if (e && e.code === "item.invalid") {
        for (const f of e.fields || []) this.showFieldError(f.field, f.reason_zh, f.reason_en, f.label);
      } else if (e && e.code === "validation") {
        for (const f of e.fields || []) this.showFieldError(f.field, "格式有误", f.problem);
      }
      this.fail(err);
      // The first refused input, in view (on a phone the save button is far below most fields).
      const first = this.panel.querySelector(".adm-bad");
      if (first) { first.scrollIntoView({block: "center"}); first.focus({preventScroll: true}); }
    }
  }
}
