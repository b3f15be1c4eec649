// govshare 控制台：纯 JavaScript，无构建步骤，只访问本服务的 JSON API。
// The govshare console: plain JavaScript, no build step, talks only to this service's JSON API.
"use strict";
(function () {
  const TOKEN_KEY = "govshare.token";
  const LANG_KEY = "govshare.lang";
  const LAW_NAMES = {
    gdsr: { zh: "政务数据共享条例", en: "GDSR" },
    jiyuan: { zh: "济源示范区政务数据共享管理暂行办法", en: "Jiyuan measures" },
  };

  const state = {
    lang: sessionStorage.getItem(LANG_KEY) || "zh",
    token: sessionStorage.getItem(TOKEN_KEY),
    role: null,
    permissions: [],
    tab: "playground",
    map: null,
    lastResult: null, // {event, decision, grant, error}
    impact: null,
    log: null,
    ledger: null,
    source: null, // the rule source open on the map: {body} or {error: res}
    job: null, // the impact job running or last run on the server
    errors: {}, // element id → () => text: shown errors, worded again when the language changes
  };

  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  function t(key, vars) {
    const table = window.I18N[state.lang] || window.I18N.zh;
    let text = table[key] !== undefined ? table[key] : (window.I18N.zh[key] !== undefined ? window.I18N.zh[key] : key);
    if (vars) for (const k of Object.keys(vars)) text = text.split("{" + k + "}").join(String(vars[k]));
    return text;
  }
  const L = (text) => (text && typeof text === "object" ? (text[state.lang] || text.zh || "") : (text || ""));

  // Build DOM without innerHTML: h("div", {class: "x"}, child, "text").
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      el.appendChild(typeof c === "string" || typeof c === "number" ? document.createTextNode(String(c)) : c);
    }
    return el;
  }
  function show(el, visible) { el.hidden = !visible; }
  // An error is kept as how to word it, so that switching language words it again.
  function showError(id, text) {
    if (text === null) delete state.errors[id]; else state.errors[id] = text;
    renderError(id);
  }
  function renderError(id) {
    const el = document.getElementById(id);
    const text = state.errors[id];
    el.textContent = text ? text() : "";
    show(el, !!text);
  }
  // Dates and times in the page language, in Beijing time (the time zone the log's date filters use).
  function formatTime(value) {
    const d = new Date(value);
    if (!value || isNaN(d)) return value || "—";
    return new Intl.DateTimeFormat(state.lang === "zh" ? "zh-CN" : "en",
      { dateStyle: "medium", timeStyle: "medium", hourCycle: "h23", timeZone: "Asia/Shanghai" }).format(d);
  }
  function can(permission) { return state.permissions.includes(permission); }

  // --- API ------------------------------------------------------------------
  async function api(path, options) {
    const opts = Object.assign({ headers: {} }, options || {});
    opts.headers = Object.assign({ Accept: "application/json" }, opts.headers);
    if (state.token) opts.headers.Authorization = "Bearer " + state.token;
    if (opts.json !== undefined) {
      opts.body = JSON.stringify(opts.json);
      opts.headers["Content-Type"] = "application/json";
      delete opts.json;
    }
    const response = await fetch(path, opts);
    let body = null;
    const text = await response.text();
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = { raw: text }; }
    return { status: response.status, ok: response.ok, body };
  }
  function apiError(res) {
    const err = res.body && res.body.error;
    if (!err) return "HTTP " + res.status;
    let text = L(err.message);
    for (const f of err.fields || []) text += "\n· " + f.field + ": " + L(f.problem);
    return text;
  }

  // --- citations --------------------------------------------------------------
  function lawName(regulation) {
    if (state.map) {
      const law = state.map.regulations.find((r) => r.key === regulation);
      if (law && state.lang === "zh") return law.name.zh;
    }
    return L(LAW_NAMES[regulation] || { zh: regulation, en: regulation });
  }
  function citation(v) {
    if (v.article === null || v.article === undefined) return state.lang === "zh" ? "（无条款：引擎故障）" : "(no article: engine failure)";
    if (state.lang === "zh") {
      let s = "《" + lawName(v.regulation) + "》第" + v.article + "条";
      if (v.paragraph) s += "第" + v.paragraph + "款";
      if (v.item) s += "第" + v.item + "项";
      return s;
    }
    let s = lawName(v.regulation) + " art " + v.article;
    if (v.paragraph) s += "(" + v.paragraph + ")";
    if (v.item) s += " item " + v.item;
    return s;
  }
  function liability(v) {
    if (!v.liability) return null;
    const m = /^(\d+)(?:\((\d+)\))?$/.exec(v.liability);
    if (!m) return v.liability;
    if (state.lang === "zh") return "《" + lawName(v.regulation) + "》第" + m[1] + "条" + (m[2] ? "第" + m[2] + "项" : "");
    return lawName(v.regulation) + " art " + m[1] + (m[2] ? " item " + m[2] : "");
  }

  // --- i18n -------------------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
    document.title = "govshare · " + t("app.title");
    for (const el of $$("[data-i18n]")) el.textContent = t(el.getAttribute("data-i18n"));
    $("#lang").textContent = state.lang === "zh" ? "English" : "中文";
    fillExamples();
    renderWho();
    renderResult();
    renderMap();
    renderLog();
    renderLedger();
    renderImpact();
    renderJob();
    renderSource();
    renderHealth();
    for (const id of Object.keys(state.errors)) renderError(id);
  }

  // --- sign in ----------------------------------------------------------------
  async function signIn(token) {
    state.token = token;
    let res;
    try { res = await api("/v1/whoami"); } catch (e) { return fail(() => t("signin.fail") + e.message); }
    if (res.status === 401) return fail(() => t("signin.bad"));
    if (!res.ok) return fail(() => apiError(res));
    sessionStorage.setItem(TOKEN_KEY, token);
    state.role = res.body.role;
    state.permissions = res.body.permissions || [];
    enter();
    function fail(message) {
      state.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      showError("signin-error", message);
      show($("#signin"), true);
    }
  }
  function signOut() {
    sessionStorage.removeItem(TOKEN_KEY);
    Object.assign(state, { token: null, role: null, permissions: [], map: null, lastResult: null, log: null, ledger: null, source: null, job: null, errors: {} });
    for (const id of ["signin-error", "pg-error", "log-error", "impact-error", "impact-run-error"]) renderError(id);
    renderSource();
    renderJob();
    show($("#signin"), true);
    show($("#tabs"), false);
    show($("#main"), false);
    show($("#signout"), false);
    show($("#who"), false);
    $("#token").value = "";
    renderResult();
  }
  function renderWho() {
    const who = $("#who");
    if (!state.role) return;
    who.textContent = t("who") + t("role." + state.role);
    who.setAttribute("data-role", state.role);
  }
  function enter() {
    show($("#signin"), false);
    showError("signin-error", null);
    show($("#tabs"), true);
    show($("#main"), true);
    show($("#signout"), true);
    show($("#who"), true);
    renderWho();
    // What the role may not do is not offered.
    const decide = can("decide");
    show($("#submit-decision"), decide);
    show($("#no-decide"), !decide);
    show($('[data-tab="log"]'), can("read_ledger"));
    show($("#impact-run-form"), can("govern"));
    show($("#impact-no-govern"), !can("govern"));
    const firstTab = decide ? "playground" : (can("read_ledger") ? "log" : "map");
    selectTab(firstTab);
    loadCatalog();
    loadHealth();
    loadMap(); // citations use the regulation names from it
  }

  // --- tabs -------------------------------------------------------------------
  function selectTab(name) {
    state.tab = name;
    for (const b of $$(".tab")) b.classList.toggle("active", b.dataset.tab === name);
    for (const v of $$(".view")) show(v, v.id === "view-" + name);
    if (name === "log") { loadLedger(); loadLog(); }
    if (name === "map") renderMap();
  }

  // --- catalogue and health ---------------------------------------------------
  async function loadCatalog() {
    if (!can("read_catalog")) return;
    const res = await api("/v1/catalog");
    if (!res.ok) return;
    state.catalog = res.body;
    const list = $("#datasets");
    list.textContent = "";
    for (const e of res.body) list.appendChild(h("option", { value: e.id }, e.name + " · " + e.provider));
  }
  async function loadHealth() {
    const res = await api("/health");
    if (res.ok) { state.health = res.body; renderHealth(); }
  }
  function renderHealth() {
    const el = $("#service-versions");
    if (!state.health) { el.textContent = ""; return; }
    const short = (s) => (s || "").replace("sha256:", "").slice(0, 12);
    const laws = state.map ? state.map.regulations.map((r) => r.law_version).join(state.lang === "zh" ? "、" : ", ") : "—";
    // The same rule count as the map's: every rule of every regulation.
    const rules = state.map ? state.map.regulations.reduce((n, r) => n + r.counts.rules, 0) : state.health.rules;
    el.textContent = t("foot.versions", { p: short(state.health.policy_revision), laws, r: rules });
    el.title = state.health.policy_revision || "";
  }

  // --- playground -------------------------------------------------------------
  const BASE = {
    action: "use",
    at: "2026-03-02T10:00:00+08:00",
    requester: { department: "示范区民政局", level: "county", region: "419001" },
    dataset: "ds-population-basic",
    fields: ["name", "id_number"],
    purpose: "社会救助资格审核",
    scenario: "最低生活保障申请审核",
    method: "api",
    grant: "g-2026-0001",
    recipient: { kind: "self" },
    channel: "platform",
    pi_basis: "《个人信息保护法》第十三条第一款第三项",
    controls: ["传输加密", "访问权限控制", "操作日志留存"],
  };
  const clone = (o) => JSON.parse(JSON.stringify(o));
  const EXAMPLES = {
    use: () => clone(BASE),
    transfer: () => Object.assign(clone(BASE), { action: "transfer", recipient: { kind: "third_party", name: "某科技有限公司" } }),
    purpose: () => Object.assign(clone(BASE), { purpose: "招商引资", fields: ["name", "id_number", "gender"] }),
    apply: () => ({ action: "apply", at: "2026-03-02T10:00:00+08:00", requester: { department: "示范区民政局" },
      dataset: "ds-population-basic", fields: ["name"], pi_basis: BASE.pi_basis }),
    apply_ok: () => ({ action: "apply", at: "2026-03-02T10:00:00+08:00", requester: { department: "示范区民政局", unit_head_approved: true },
      dataset: "ds-population-basic", fields: ["name", "id_number"], purpose: "社会救助资格审核",
      legal_basis: "《社会救助暂行办法》第十一条", scenario: "最低生活保障申请审核", use_scope: { units: ["社会救助科"] },
      method: "api", use_until: "2026-12-31", pi_basis: BASE.pi_basis }),
    raw: () => Object.assign(clone(BASE), { action: "dispose", disposal: { reason: "achieved", method: "delete" } }),
  };
  function fillExamples() {
    const select = $("#example");
    const current = select.value || "transfer";
    select.textContent = "";
    for (const key of Object.keys(EXAMPLES)) select.appendChild(h("option", { value: key }, t("ex." + key)));
    select.value = current;
  }
  function loadExample(key) {
    const event = EXAMPLES[key]();
    const formable = ["use", "transfer", "apply"].includes(event.action) && key !== "raw";
    setMode(formable ? "form" : "json");
    writeForm(event);
    $("#event-json").value = JSON.stringify(event, null, 2);
  }
  function setMode(mode) {
    for (const r of $$('input[name="mode"]')) r.checked = r.value === mode;
    show($("#event-form"), mode === "form");
    show($("#json-pane"), mode === "json");
  }
  function mode() { return $('input[name="mode"]:checked').value; }
  const list = (s) => (s || "").split(/[,，、]/).map((x) => x.trim()).filter(Boolean);

  function writeForm(e) {
    const f = $("#event-form").elements;
    f.action.value = ["use", "transfer", "apply"].includes(e.action) ? e.action : "use";
    f.at.value = e.at || "";
    f.department.value = (e.requester || {}).department || "";
    f.dataset.value = e.dataset || "";
    f.fields.value = (e.fields || []).join(", ");
    f.grant.value = e.grant || "";
    f.unit.value = (e.requester || {}).unit || "";
    f.purpose.value = e.purpose || "";
    f.scenario.value = e.scenario || "";
    f.method.value = e.method || "";
    f.pi_basis.value = e.pi_basis || "";
    f.controls.value = (e.controls || []).join(", ");
    f.recipient_kind.value = (e.recipient || {}).kind && e.recipient.kind !== "self" ? e.recipient.kind : "third_party";
    f.recipient_name.value = (e.recipient || {}).name || "";
    f.legal_basis.value = e.legal_basis || "";
    f.use_until.value = e.use_until || "";
    f.use_scope_units.value = ((e.use_scope || {}).units || []).join(", ");
    f.unit_head_approved.checked = !!(e.requester || {}).unit_head_approved;
    syncFormSections();
  }
  function syncFormSections() {
    const action = $("#f-action").value;
    for (const el of $$(".only-use")) show(el, action !== "apply");
    for (const el of $$(".only-transfer")) show(el, action === "transfer");
    for (const el of $$(".only-apply")) show(el, action === "apply");
  }
  function readForm() {
    const f = $("#event-form").elements;
    const action = f.action.value;
    const e = { action };
    if (f.at.value.trim()) e.at = f.at.value.trim();
    e.requester = { department: f.department.value.trim() };
    if (f.dataset.value.trim()) e.dataset = f.dataset.value.trim();
    e.fields = list(f.fields.value);
    for (const k of ["purpose", "scenario", "method", "pi_basis"]) if (f[k].value.trim()) e[k] = f[k].value.trim();
    if (action === "apply") {
      if (f.legal_basis.value.trim()) e.legal_basis = f.legal_basis.value.trim();
      if (f.use_until.value.trim()) e.use_until = f.use_until.value.trim();
      if (list(f.use_scope_units.value).length) e.use_scope = { units: list(f.use_scope_units.value) };
      if (f.unit_head_approved.checked) e.requester.unit_head_approved = true;
    } else {
      if (f.grant.value.trim()) e.grant = f.grant.value.trim();
      if (f.unit.value.trim()) e.requester.unit = f.unit.value.trim();
      e.controls = list(f.controls.value);
      e.recipient = action === "transfer"
        ? { kind: f.recipient_kind.value, name: f.recipient_name.value.trim() || undefined }
        : { kind: "self" };
      e.channel = "platform";
    }
    return e;
  }
  function currentEvent() {
    if (mode() === "form") return readForm();
    return JSON.parse($("#event-json").value);
  }

  async function submitDecision() {
    showError("pg-error", null);
    let event;
    try { event = currentEvent(); } catch (e) { showError("pg-error", () => t("pg.badjson") + e.message); return; }
    if (mode() === "form") $("#event-json").value = JSON.stringify(event, null, 2);
    const button = $("#submit-decision");
    button.disabled = true;
    $("#result").textContent = t("pg.sending");
    try {
      // A trial: decided like any other, but nothing is logged, recorded or suspended.
      const res = await api("/v1/decisions?dry_run=true", { method: "POST", json: event });
      if (!res.ok) {
        state.lastResult = { event, error: () => apiError(res) };
      } else {
        let grant = null;
        if (event.grant && (can("share") || can("read_records"))) {
          const g = await api("/v1/grants/" + encodeURIComponent(event.grant));
          grant = g.ok ? g.body : { unavailable: true };
        }
        state.lastResult = { event, decision: res.body, grant };
      }
    } catch (e) {
      state.lastResult = { event, error: () => t("err.network") + e.message };
    } finally {
      button.disabled = false;
    }
    renderResult();
  }

  function violationCard(v, kind) {
    const liab = liability(v);
    // A violation links to its article's official text on the regulation map.
    const cite = v.article_ref
      ? h("a", { class: "cite-link", href: "#" + v.article_ref, onclick: (e) => { e.preventDefault(); openArticle(v.article_ref); } }, citation(v))
      : citation(v);
    return h("article", { class: "violation sev-" + v.severity, "data-code": v.code },
      h("div", { class: "cite" }, cite),
      h("div", { class: "v-title" }, L(v.title)),
      h("dl", {},
        h("dt", {}, t("r.message")), h("dd", { class: "v-message" }, L(v.message)),
        kind !== "obligation" && v.remedy ? [h("dt", {}, t("r.remedy")), h("dd", { class: "v-remedy" }, L(v.remedy))] : null,
        liab ? [h("dt", {}, t("r.liability")), h("dd", { class: "v-liability" }, liab)] : null,
        h("dt", {}, t("r.rule")), h("dd", { class: "mono" }, v.code + " · " + v.rule + (v.severity ? " · " + t("severity." + v.severity) : "")),
      ));
  }
  function section(title, items, kind) {
    return h("section", { class: "r-section r-" + kind },
      h("h3", {}, title + " (" + items.length + ")"),
      items.length ? items.map((v) => violationCard(v, kind)) : h("p", { class: "muted" }, t("r.none")));
  }
  function grantBox(result) {
    const g = result.grant;
    if (!g) return null;
    if (g.unavailable) return h("section", { class: "r-section grant" }, h("h3", {}, t("r.grant")), h("p", { class: "muted" }, t("r.grant_unavailable")));
    const labels = {};
    const entry = (state.catalog || []).find((e) => e.id === g.dataset);
    for (const f of (entry && entry.fields) || []) labels[f.name] = f.label || f.name;
    const name = (f) => (labels[f] && state.lang === "zh" ? labels[f] + "（" + f + "）" : f);
    const requested = result.event.fields || [];
    const beyond = requested.filter((f) => !(g.fields || []).includes(f));
    return h("section", { class: "r-section grant", "data-testid": "grant-scope" },
      h("h3", {}, t("r.grant") + " · " + g.id),
      h("dl", {},
        h("dt", {}, t("r.grant_status")), h("dd", { class: "status-" + g.status }, t("grant." + g.status)),
        h("dt", {}, t("r.grant_fields")), h("dd", { class: "chips" }, (g.fields || []).map((f) => h("span", { class: "chip ok" }, name(f)))),
        h("dt", {}, t("r.requested")), h("dd", { class: "chips" }, requested.map((f) =>
          h("span", { class: "chip " + (beyond.includes(f) ? "bad" : "ok") }, name(f) + (beyond.includes(f) ? " · " + t("r.beyond") : "")))),
        h("dt", {}, t("r.grant_purposes")), h("dd", {}, (g.purposes || []).join("；") || t("r.none")),
        h("dt", {}, t("r.grant_consent")), h("dd", {}, (g.third_party_consent || []).join("；") || t("r.none")),
      ));
  }
  function renderResult() {
    const box = $("#result");
    const r = state.lastResult;
    if (!r) { box.textContent = ""; box.appendChild(h("p", { class: "muted" }, t("pg.noresult"))); return; }
    box.textContent = "";
    if (r.error) {
      box.appendChild(h("div", { class: "outcome outcome-error" }, t("r.error")));
      box.appendChild(h("pre", { class: "error-text" }, r.error()));
      return;
    }
    const d = r.decision;
    box.appendChild(h("div", { class: "outcome outcome-" + d.outcome, "data-outcome": d.outcome }, t("outcome." + d.outcome)));
    box.appendChild(h("dl", { class: "meta" },
      h("dt", {}, t("r.decision_id")), h("dd", { class: "mono" }, d.decision_id),
      h("dt", {}, t("r.law")), h("dd", { class: "mono" }, d.law_version),
      h("dt", {}, t("r.policy")), h("dd", { class: "mono" }, (d.policy_revision || "").slice(0, 19) + "…")));
    box.appendChild(section(t("r.violations"), d.violations || [], "violation"));
    if ((d.breaches || []).length) box.appendChild(section(t("r.breaches"), d.breaches, "breach"));
    box.appendChild(section(t("r.obligations"), d.obligations || [], "obligation"));
    const g = grantBox(r);
    if (g) box.appendChild(g);
  }

  // --- regulation map ------------------------------------------------------------
  async function loadMap() {
    if (!can("read_catalog")) return;
    const res = await api("/v1/regulation-map");
    if (!res.ok) { state.mapError = res; $("#map-tree").textContent = apiError(res); return; }
    state.map = res.body;
    const select = $("#map-law");
    const current = select.value || "gdsr";
    select.textContent = "";
    for (const law of state.map.regulations) select.appendChild(h("option", { value: law.key }, law.name.zh + (law.jurisdiction ? "（" + law.jurisdiction + "）" : "")));
    select.value = current;
    renderMap();
    renderResult();
    renderHealth();
  }
  function renderMap() {
    const tree = $("#map-tree");
    if (!state.map) { if (state.mapError) tree.textContent = apiError(state.mapError); return; }
    const law = state.map.regulations.find((r) => r.key === $("#map-law").value) || state.map.regulations[0];
    for (const o of $$("#map-law option")) {
      const r = state.map.regulations.find((x) => x.key === o.value);
      o.textContent = L(r.name) + (r.jurisdiction ? " (" + r.jurisdiction + ")" : "");
    }
    const only = $("#map-only").checked;
    const shown = law.chapters.reduce((n, ch) => n + ch.articles.filter((a) => !only || a.rules.length || a.scenarios.length).length, 0);
    $("#map-summary").textContent = law.law_version + " · " + t("map.counts", { a: law.counts.articles, r: law.counts.rules, s: law.counts.scenarios })
      + (shown !== law.counts.articles ? t("map.shown", { n: shown }) : "");
    const open = new Set($$("details[open]", tree).map((d) => d.dataset.key));
    tree.textContent = "";
    for (const ch of law.chapters) {
      const articles = ch.articles.filter((a) => !only || a.rules.length || a.scenarios.length);
      if (!articles.length) continue;
      const chKey = law.key + ":ch" + ch.number;
      const chTitle = t("map.chapter", { n: ch.number }) + (L(ch.title) ? " " + L(ch.title) : "");
      const chEl = h("details", { class: "chapter", "data-key": chKey, open: open.has(chKey) || !open.size },
        h("summary", {}, h("span", { class: "ch-title" }, chTitle), h("span", { class: "counts" }, t("map.counts", { a: ch.counts.articles, r: ch.counts.rules, s: ch.counts.scenarios }))),
        articles.map((a) => {
          const aKey = law.key + ":" + a.number;
          return h("details", { class: "article", id: a.ref, "data-key": aKey, "data-article": a.number, open: open.has(aKey) },
            h("summary", {},
              h("span", { class: "art-no" }, t("map.article", { n: a.number })),
              h("span", { class: "art-title" }, L(a.title)),
              a.enforceable ? h("span", { class: "badge", title: t("map.enforceable_tip"), "data-testid": "enforceable" }, t("map.enforceable")) : null,
              h("span", { class: "counts" }, t("map.art_counts", { r: a.counts.rules, t: a.counts.tests, s: a.counts.scenarios }))),
            // The official text beside the rules that enforce it.
            h("div", { class: "art-body" },
              h("div", { class: "law-text" }, h("div", { class: "sub-title" }, t("map.text")),
                a.text ? h("div", { class: "official", "data-testid": "article-text" }, a.text.split("\n").map((line) => h("p", {}, line)))
                  : h("p", { class: "muted" }, t("map.no_text"))),
              h("div", { class: "art-rules" },
                h("div", { class: "sub-title" }, t("map.rules")),
                a.rules.length ? h("ul", { class: "rules" }, a.rules.map((r) => h("li", {},
                  h("button", { type: "button", class: "rule-link", "data-package": r.package, onclick: () => loadSource(r.package) }, r.code),
                  " ", h("span", {}, L(r.title)), r.liability ? h("span", { class: "muted" }, " · " + liability({ regulation: law.key, liability: r.liability })) : null)))
                  : h("p", { class: "muted" }, t("map.no_rules")),
                a.unmarked_reason ? h("p", { class: "muted unmarked" }, t("map.unmarked") + L(a.unmarked_reason)) : null,
                a.scenarios.length ? [h("div", { class: "sub-title" }, t("map.scenarios")),
                  h("ul", { class: "scenarios" }, a.scenarios.map((s) => h("li", {}, s.name, h("span", { class: "muted mono" }, " · " + s.feature + ":" + s.line))))] : null)));
        }));
      tree.appendChild(chEl);
    }
  }
  // Show one article (ref "gdsr-25") on the map, unfolded.
  function openArticle(ref) {
    if (!state.map) return;
    const regulation = ref.slice(0, ref.lastIndexOf("-"));
    if (state.map.regulations.some((r) => r.key === regulation)) $("#map-law").value = regulation;
    selectTab("map");
    const el = document.getElementById(ref);
    if (!el) return;
    el.open = true;
    if (el.parentElement && el.parentElement.tagName === "DETAILS") el.parentElement.open = true;
    el.scrollIntoView({ block: "start" });
  }
  async function loadSource(pkg) {
    state.source = { loading: true };
    renderSource();
    const res = await api("/v1/rules/" + encodeURIComponent(pkg) + "/source");
    state.source = res.ok ? { body: res.body } : { error: res };
    renderSource();
  }
  function renderSource() {
    const box = $("#rule-source");
    const src = state.source;
    box.textContent = "";
    if (!src) { box.appendChild(h("p", { class: "muted" }, t("map.pick"))); return; }
    if (src.loading) { box.textContent = "…"; return; }
    if (src.error) { box.appendChild(h("p", { class: "error" }, apiError(src.error))); return; }
    const s = src.body;
    box.appendChild(h("div", { class: "cite" }, citation(s)));
    box.appendChild(h("div", { class: "v-title" }, s.code + " · " + L(s.title)));
    box.appendChild(h("div", { class: "mono muted" }, "policies/" + s.file));
    box.appendChild(h("pre", { class: "source", "data-testid": "rule-source" }, s.source));
    if (s.test_source) {
      box.appendChild(h("details", {}, h("summary", {}, t("map.tests") + " · policies/" + s.test_file), h("pre", { class: "source" }, s.test_source)));
    }
  }

  // --- decision log -------------------------------------------------------------
  async function loadLedger() {
    if (!can("read_ledger")) { state.ledger = { denied: true }; renderLedger(); return; }
    state.ledger = { checking: true };
    renderLedger();
    const res = await api("/v1/ledger/verify");
    state.ledger = res.ok ? res.body : { error: res };
    renderLedger();
  }
  function renderLedger() {
    const el = $("#ledger-status");
    const l = state.ledger;
    el.className = "ledger";
    if (!l) { el.textContent = ""; return; }
    if (l.denied) { el.textContent = t("ledger.denied"); return; }
    if (l.checking) { el.textContent = t("ledger.checking"); return; }
    if (l.error) { el.textContent = apiError(l.error); el.classList.add("bad"); return; }
    if (l.intact) { el.textContent = "✔ " + t("ledger.ok", { n: l.entries }); el.classList.add("good"); el.dataset.intact = "true"; }
    else {
      // The chain may be whole and still not reach its signed checkpoint (entries cut off its end).
      el.textContent = l.first_break ? "✘ " + t("ledger.broken") + "#" + l.first_break.seq + " " + L(l.first_break.message)
        : "✘ " + t("ledger.checkpoint") + L(l.checkpoint_problem.message);
      el.classList.add("bad");
      el.dataset.intact = "false";
    }
  }
  async function loadLog() {
    showError("log-error", null);
    if (!can("read_ledger")) { state.log = { denied: true }; renderLog(); return; }
    const params = new URLSearchParams();
    const f = $("#log-form").elements;
    for (const k of ["department", "dataset", "outcome", "article", "from", "to"]) if (f[k].value.trim()) params.set(k, f[k].value.trim());
    // What happened to grants (suspended, restored after rectification, terminated…) beside the decisions.
    params.set("kinds", f.events.checked ? "all" : "decision");
    params.set("limit", "200");
    const res = await api("/v1/decisions/log?" + params.toString());
    if (!res.ok) { showError("log-error", () => apiError(res)); return; }
    state.log = res.body;
    renderLog();
  }
  function renderLog() {
    const box = $("#log-table");
    box.textContent = "";
    const log = state.log;
    if (!log) return;
    if (log.denied) { box.appendChild(h("p", { class: "muted" }, t("log.denied"))); return; }
    if (!log.entries.length) { box.appendChild(h("p", { class: "muted" }, t("log.empty"))); return; }
    box.appendChild(h("p", { class: "muted" }, t("log.total", { n: log.total, m: log.entries.length })));
    box.appendChild(h("p", { class: "note", "data-testid": "seq-note" }, t("log.seq_note", { n: log.last_seq })));
    const cites = (e) => {
      const seen = new Map();
      for (const v of e.violations.concat(e.breaches)) {
        const text = citation(v) + " " + L(v.title);
        const prior = seen.get(text);
        if (prior) prior.n += 1; else seen.set(text, { n: 1, v });
      }
      return Array.from(seen.entries()).map(([text, { n, v }]) =>
        h("div", { class: "cite-line", title: L(v.message) }, text + (n > 1 ? " ×" + n : "")));
    };
    const actionName = (a) => { const key = "action." + a; const v = t(key); return v === key ? a : v; };
    const kindName = (k) => { const v = t("kind." + k); return v === "kind." + k ? k : v; };
    const dataset = (e) => h("td", { class: "dataset", title: e.dataset || "" }, e.dataset_name || e.dataset || "—");
    const row = (e) => e.kind === "decision"
      ? h("tr", { "data-kind": "decision", "data-outcome": e.outcome },
        h("td", { class: "mono" }, e.seq),
        h("td", { class: "time" }, formatTime(e.recorded_at)),
        h("td", { class: "event-time" }, formatTime(e.event_at)),
        h("td", {}, actionName(e.action)),
        h("td", {}, e.department),
        dataset(e),
        h("td", {}, h("span", { class: "pill outcome-" + e.outcome }, t("outcome." + e.outcome))),
        h("td", {}, cites(e)))
      : h("tr", { class: "grant-event", "data-kind": e.kind },
        h("td", { class: "mono" }, e.seq),
        h("td", { class: "time" }, formatTime(e.recorded_at)),
        h("td", { class: "event-time" }, formatTime(e.event_at)),
        h("td", {}, h("span", { class: "pill kind" }, kindName(e.kind))),
        h("td", {}, e.department),
        dataset(e),
        h("td", { class: "mono" }, e.grant ? t("log.grant_ref", { g: e.grant }) : ""),
        h("td", {}, (e.codes || []).length ? h("span", { class: "mono" }, e.codes.join(", ")) : null, e.note ? h("div", { class: "muted" }, e.note) : null));
    box.appendChild(h("table", { class: "log" },
      h("thead", {}, h("tr", {}, ["seq", "time", "event_time", "action", "department", "dataset", "outcome", "cites"].map((c) => h("th", {}, t("log.col." + c))))),
      h("tbody", {}, log.entries.map(row))));
  }

  // --- impact report -----------------------------------------------------------------
  function showImpact(text) {
    showError("impact-error", null);
    try { state.impact = JSON.parse(text); } catch (e) { showError("impact-error", () => t("impact.bad") + e.message); return; }
    renderImpact();
  }
  // Run the impact report on the server against a draft under its drafts root, and follow its progress.
  async function runImpact(ev) {
    ev.preventDefault();
    showError("impact-run-error", null);
    const f = $("#impact-run-form").elements;
    const body = { policies: f.policies.value.trim() || undefined, parameters: f.parameters.value.trim() || undefined };
    const button = $("#impact-run");
    button.disabled = true;
    try {
      const res = await api("/v1/impact", { method: "POST", json: body });
      if (!res.ok) { showError("impact-run-error", () => apiError(res)); return; }
      state.job = res.body;
      renderJob();
      while (state.job && state.job.status === "running") {
        await new Promise((done) => setTimeout(done, 300));
        const next = await api("/v1/impact/" + encodeURIComponent(state.job.job));
        if (!next.ok) { showError("impact-run-error", () => apiError(next)); return; }
        state.job = next.body;
        renderJob();
      }
      if (state.job && state.job.status === "done") { state.impact = state.job.report; renderImpact(); }
    } catch (e) {
      showError("impact-run-error", () => t("err.network") + e.message);
    } finally {
      button.disabled = false;
    }
  }
  function renderJob() {
    const box = $("#impact-job");
    const job = state.job;
    box.textContent = "";
    if (!job) return;
    const p = job.progress || {};
    const bar = h("progress", { "data-testid": "impact-progress", max: String(p.total || 1), value: String(p.total ? p.done : 0) });
    const label = job.phase === "compiling" ? t("impact.compiling")
      : t("impact.progress", { d: p.done, t: p.total === null || p.total === undefined ? "?" : p.total });
    box.appendChild(h("div", { class: "job", "data-status": job.status }, bar, h("span", { class: "job-label" }, label)));
    if (job.status === "failed" && job.error) {
      box.appendChild(h("p", { class: "error" }, t("impact.failed") + L(job.error.message)));
      if ((job.error.problems || []).length) {
        box.appendChild(h("ul", { class: "problems mono" }, job.error.problems.map((x) => h("li", {}, x.file + ":" + x.line + ":" + x.col + " " + x.message))));
      }
    }
  }
  const scalar = (v) => v === null || ["string", "number", "boolean"].includes(typeof v);
  function cell(v) {
    if (v && typeof v === "object" && ("zh" in v || "en" in v) && Object.keys(v).length <= 2) return L(v);
    if (scalar(v)) return v === null ? "" : String(v);
    if (Array.isArray(v) && v.every(scalar)) return v.join(", ");
    if (Array.isArray(v) && v.every((x) => x && typeof x === "object" && "article" in x)) return v.map((x) => citation(x) + (x.code ? " " + x.code : "")).join("；");
    return JSON.stringify(v);
  }
  // `govshare impact --json` (adapters/workbench.py ImpactReport.as_json): a report view of its own.
  function articleLabel(key) {
    const m = /^([a-z_]+):(\d+)$/.exec(key || "");
    return m ? citation({ regulation: m[1], article: Number(m[2]) }) : key;
  }
  const outcomeName = (o) => { const v = t("outcome." + o); return v === "outcome." + o ? o : v; };
  const transitions = (tr) => Object.entries(tr || {}).map(([k, n]) => k.split(" → ").map(outcomeName).join(" → ") + " ×" + n).join("；");
  function table(cls, headers, rows) {
    return h("table", { class: "log " + (cls || "") },
      h("thead", {}, h("tr", {}, headers.map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
  }
  function renderImpactReport(box, r) {
    const kv = [
      ["impact.replayed", r.replayed], ["impact.unchanged", r.unchanged], ["impact.changed", r.changed],
      ["impact.changed_by_draft", r.changed_by_draft], ["impact.changed_by_data_only", r.changed_by_data_only],
      ["impact.masked", r.masked_inputs], ["impact.skipped", (r.skipped || []).length],
      ["impact.draft_revision", r.draft_revision], ["impact.live_revision", r.live_revision],
    ].filter(([, v]) => v !== undefined);
    box.appendChild(h("div", { class: "outcome " + (r.changed ? "outcome-needs_action" : "outcome-allow"), "data-testid": "impact-verdict" },
      r.changed ? t("impact.verdict.changes", { n: r.changed }) : t("impact.verdict.none")));
    box.appendChild(h("h3", {}, t("impact.summary")));
    box.appendChild(h("table", { class: "kv" }, h("tbody", {}, kv.map(([k, v]) => h("tr", {}, h("th", {}, t(k)), h("td", { class: "mono" }, String(v)))))));
    const group = (title, rows, label) => {
      if (!rows || !rows.length) return;
      box.appendChild(h("section", { class: "impact-list" }, h("h3", {}, title),
        table("", [t("impact.col.key"), t("impact.col.count"), t("impact.col.by_draft"), t("impact.col.transitions")],
          rows.map((g) => [label(g.key), String(g.count), String(g.by_draft), transitions(g.transitions)]))));
    };
    group(t("impact.by_article"), r.by_article, (k) => (k === "—" ? "—" : articleLabel(k)));
    group(t("impact.by_department"), r.by_department, (k) => k);
    if ((r.changes || []).length) {
      box.appendChild(h("section", { class: "impact-list" }, h("h3", {}, t("impact.changes") + " · " + t("impact.items", { n: r.changes.length })),
        table("", [t("r.decision_id"), t("log.col.department"), t("impact.col.transitions"), t("impact.col.added"), t("impact.col.removed"), t("impact.col.cause")],
          r.changes.slice(0, 500).map((c) => [h("span", { class: "mono" }, (c.decision_id || "").slice(0, 12)), c.department || "",
            outcomeName(c.before) + " → " + outcomeName(c.after), (c.added || []).join(", "), (c.removed || []).join(", "),
            c.data_only ? t("impact.cause.data") : t("impact.cause.draft")]))));
    }
    const g = r.grants;
    if (g) {
      const rows = (list) => (list || []).map((x) => [x.grant, x.dataset, x.requester, outcomeName(x.live) + " → " + outcomeName(x.draft), (x.codes || []).join(", ")]);
      const heads = [t("f.grant"), t("log.col.dataset"), t("log.col.department"), t("impact.col.transitions"), t("impact.col.codes")];
      box.appendChild(h("section", { class: "impact-list" }, h("h3", {}, t("impact.grants", { n: g.checked })),
        [["impact.grants.refused", g.refused_by_draft], ["impact.grants.already", g.already_refused_live], ["impact.grants.now_allowed", g.allowed_by_draft_only]]
          .map(([k, list]) => [h("div", { class: "sub-title" }, t(k) + " (" + (list || []).length + ")"), (list || []).length ? table("", heads, rows(list)) : null])));
    }
  }
  function renderImpact() {
    const box = $("#impact-report");
    const data = state.impact;
    box.textContent = "";
    if (data === null || data === undefined) { box.appendChild(h("p", { class: "muted" }, t("impact.none"))); return; }
    if (data && typeof data === "object" && "replayed" in data && Array.isArray(data.changes)) {
      renderImpactReport(box, data);
    } else if (data && typeof data === "object" && !Array.isArray(data)) {
      const scalars = Object.entries(data).filter(([, v]) => scalar(v) || (v && typeof v === "object" && !Array.isArray(v) && Object.values(v).every(scalar)));
      if (scalars.length) {
        box.appendChild(h("h3", {}, t("impact.summary")));
        box.appendChild(h("table", { class: "kv" }, h("tbody", {}, scalars.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, cell(v)))))));
      }
      for (const [k, v] of Object.entries(data)) if (Array.isArray(v)) box.appendChild(objectTable(k, v));
    } else if (Array.isArray(data)) {
      box.appendChild(objectTable("", data));
    }
    box.appendChild(h("details", {}, h("summary", {}, t("impact.raw")), h("pre", { class: "source" }, JSON.stringify(data, null, 2))));
  }
  function objectTable(title, rows) {
    const wrap = h("section", { class: "impact-list" }, h("h3", {}, (title ? title + " · " : "") + t("impact.items", { n: rows.length })));
    if (!rows.length) return wrap;
    if (!rows.every((r) => r && typeof r === "object" && !Array.isArray(r))) {
      wrap.appendChild(h("ul", {}, rows.map((r) => h("li", {}, cell(r)))));
      return wrap;
    }
    const cols = [];
    for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
    wrap.appendChild(h("table", { class: "log" },
      h("thead", {}, h("tr", {}, cols.map((c) => h("th", {}, c)))),
      h("tbody", {}, rows.slice(0, 500).map((r) => h("tr", {}, cols.map((c) => h("td", {}, cell(r[c]))))))));
    return wrap;
  }

  // --- wiring ---------------------------------------------------------------------
  function init() {
    $("#signin-form").addEventListener("submit", (ev) => { ev.preventDefault(); signIn($("#token").value.trim()); });
    $("#signout").addEventListener("click", signOut);
    $("#lang").addEventListener("click", () => {
      state.lang = state.lang === "zh" ? "en" : "zh";
      sessionStorage.setItem(LANG_KEY, state.lang);
      applyLang();
    });
    for (const b of $$(".tab")) b.addEventListener("click", () => selectTab(b.dataset.tab));
    $("#example").addEventListener("change", () => loadExample($("#example").value));
    for (const r of $$('input[name="mode"]')) r.addEventListener("change", () => {
      if (r.value === "json" && r.checked) $("#event-json").value = JSON.stringify(readForm(), null, 2);
      if (r.value === "form" && r.checked) {
        try { writeForm(JSON.parse($("#event-json").value)); } catch (e) { /* keep the form as it was */ }
      }
      setMode(mode());
    });
    $("#f-action").addEventListener("change", syncFormSections);
    $("#submit-decision").addEventListener("click", submitDecision);
    $("#map-law").addEventListener("change", () => { $("#map-tree").textContent = ""; renderMap(); });
    $("#map-only").addEventListener("change", renderMap);
    $("#log-form").addEventListener("submit", (ev) => { ev.preventDefault(); loadLog(); });
    $("#impact-show").addEventListener("click", () => showImpact($("#impact-json").value));
    $("#impact-run-form").addEventListener("submit", runImpact);
    $("#impact-file").addEventListener("change", async (ev) => {
      const file = ev.target.files[0];
      if (!file) return;
      const text = await file.text();
      $("#impact-json").value = text;
      showImpact(text);
    });
    fillExamples();
    $("#example").value = "transfer";
    loadExample("transfer");
    applyLang();
    if (state.token) signIn(state.token);
  }
  document.addEventListener("DOMContentLoaded", init);
})();
