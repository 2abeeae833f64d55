/*
 * Wegwijzer console for call-centre agents: ask, see the ranked doors with the reason, the rule,
 * the principle and the evidence words, answer a clarifying question, give feedback.
 * Plain JavaScript, no build step; it talks to this service's own API (same origin), with the
 * agent's client key (kept in sessionStorage, so gone when the tab closes) as a Bearer token.
 */
(() => {
  "use strict";

  const CHANNEL = "call_centre";
  const KEY_STORE = "wegwijzer.console.key";
  const TEXT = {
    nl: {
      title: "Wegwijzer — console",
      skip: "Naar de vraag",
      subtitle: "console voor het klantcontactcentrum",
      askTitle: "Vraag",
      question: "Vraag van de ondernemer",
      questionHint: "Enter zoekt, Shift+Enter geeft een nieuwe regel.",
      location: "Postcode of gemeente",
      locationHint: "Niet verplicht. Bijvoorbeeld 5038 AB of Tilburg.",
      employees: "Medewerkers",
      phase: "Fase",
      phaseNone: "Onbekend",
      phaseIdea: "Idee",
      phaseStart: "Start",
      phaseEstablished: "Gevestigd",
      phaseGrowth: "Groei",
      phaseTrouble: "In moeilijkheden",
      submit: "Zoek de juiste deur",
      reset: "Nieuwe vraag",
      keysTitle: "Sneltoetsen",
      keyEnter: "zoeken",
      keyCorrect: "advies was juist",
      keyWrong: "andere deur doorgeven",
      keyLocation: "naar postcode of gemeente",
      keyReset: "nieuwe vraag",
      resultsTitle: "Advies",
      empty: "Typ eerst de vraag van de ondernemer.",
      busy: "Bezig met zoeken…",
      failed: "De dienst is nu niet bereikbaar. Probeer het opnieuw.",
      refused: "De vraag kon niet worden verwerkt:",
      found: (n) => (n === 1 ? "1 deur gevonden." : `${n} deuren gevonden, de eerste is de belangrijkste.`),
      clarifyFound: "Er is een vervolgvraag nodig.",
      outOfScope: "Buiten het bereik van Wegwijzer.",
      asked: "Vraag, met de woorden die de doorslag gaven",
      needs: "Herkend",
      where: "Locatie",
      primary: "Eerste deur",
      also: "Ook",
      rule: "Regel",
      principle: "Principe",
      phoneLabel: "Telefoon",
      hoursLabel: "Bereikbaar",
      unconfirmed: (what) => `nog niet geverifieerd: ${what}`,
      regional: "Regionale deur: de locatie bepaalt welke precies.",
      again: "Opnieuw zoeken",
      clarifyLocation: "Vraag de ondernemer:",
      feedbackTitle: "Klopt dit advies?",
      correct: "Juist",
      wrong: "Andere deur…",
      shouldBe: "De deur had moeten zijn",
      shouldBeHint: "Typ een naam of code en kies uit de lijst, bijvoorbeeld rom:bom.",
      note: "Toelichting (niet verplicht)",
      send: "Doorgeven",
      unknownProvider: "Kies een organisatie uit de lijst.",
      saved: "Feedback opgeslagen.",
      updated: "Feedback bijgewerkt.",
      feedbackFailed: "Feedback kon niet worden opgeslagen:",
      decision: "Vastgelegde beslissing",
      request: "Verzoek",
      apiKeyTitle: "Toegang tot de dienst",
      apiKey: "API-sleutel",
      apiKeyHint: "Van uw beheerder; vergeten als het tabblad sluit.",
      unauthorized: (detail) => `Geen toegang: de API-sleutel ontbreekt of is niet geldig (de dienst meldt: ${detail}). `
        + "Vul de sleutel van uw beheerder in.",
      forbidden: (detail) => `Deze API-sleutel geeft hier geen toegang toe (de dienst meldt: ${detail}). `
        + "Vraag uw beheerder om een sleutel met de juiste rechten.",
      tooMany: (s) => (s === null ? "Te veel verzoeken; probeer het straks opnieuw."
        : `Te veel verzoeken; probeer het over ${s} ${s === 1 ? "seconde" : "seconden"} opnieuw.`),
      feedbackRefused: "Feedback is niet opgeslagen.",
      decisionRefused: "De beslissing kan niet worden getoond.",
      popupBlocked: "De browser hield het nieuwe tabblad tegen; sta pop-ups toe voor deze pagina.",
    },
    en: {
      title: "Wegwijzer — console",
      skip: "Skip to the question",
      subtitle: "console for the contact centre",
      askTitle: "Question",
      question: "The entrepreneur's question",
      questionHint: "Enter searches, Shift+Enter starts a new line.",
      location: "Postcode or municipality",
      locationHint: "Optional. For example 5038 AB or Tilburg.",
      employees: "Employees",
      phase: "Phase",
      phaseNone: "Unknown",
      phaseIdea: "Idea",
      phaseStart: "Start",
      phaseEstablished: "Established",
      phaseGrowth: "Growth",
      phaseTrouble: "In difficulty",
      submit: "Find the right door",
      reset: "New question",
      keysTitle: "Keyboard shortcuts",
      keyEnter: "search",
      keyCorrect: "advice was right",
      keyWrong: "report another door",
      keyLocation: "go to postcode or municipality",
      keyReset: "new question",
      resultsTitle: "Advice",
      empty: "Please type the entrepreneur's question first.",
      busy: "Searching…",
      failed: "The service cannot be reached right now. Please try again.",
      refused: "The question could not be handled:",
      found: (n) => (n === 1 ? "1 door found." : `${n} doors found, the first one matters most.`),
      clarifyFound: "A follow-up question is needed.",
      outOfScope: "Outside what Wegwijzer covers.",
      asked: "Question, with the words that decided",
      needs: "Recognised",
      where: "Location",
      primary: "First door",
      also: "Also",
      rule: "Rule",
      principle: "Principle",
      phoneLabel: "Phone",
      hoursLabel: "Open",
      unconfirmed: (what) => `not yet verified: ${what}`,
      regional: "Regional door: the location decides which one.",
      again: "Search again",
      clarifyLocation: "Ask the entrepreneur:",
      feedbackTitle: "Is this advice right?",
      correct: "Right",
      wrong: "Another door…",
      shouldBe: "The door should have been",
      shouldBeHint: "Type a name or code and pick from the list, for example rom:bom.",
      note: "Note (optional)",
      send: "Send",
      unknownProvider: "Please pick an organisation from the list.",
      saved: "Feedback saved.",
      updated: "Feedback updated.",
      feedbackFailed: "Feedback could not be saved:",
      decision: "Stored decision",
      request: "Request",
      apiKeyTitle: "Access to the service",
      apiKey: "API key",
      apiKeyHint: "From your administrator; cleared when the tab closes.",
      unauthorized: (detail) => `No access: the API key is missing or not valid (the service says: ${detail}). `
        + "Please enter the key from your administrator.",
      forbidden: (detail) => `This API key does not give access here (the service says: ${detail}). `
        + "Please ask your administrator for a key with the right permissions.",
      tooMany: (s) => (s === null ? "Too many requests; please try again shortly."
        : `Too many requests; please try again in ${s} ${s === 1 ? "second" : "seconds"}.`),
      feedbackRefused: "Feedback was not saved.",
      decisionRefused: "The decision cannot be shown.",
      popupBlocked: "The browser blocked the new tab; please allow pop-ups for this page.",
    },
  };
  const FIELD_NAMES = {
    nl: { phone: "telefoonnummer", hours: "openingstijden", url: "website", finder_url: "zoekpagina" },
    en: { phone: "phone number", hours: "opening hours", url: "website", finder_url: "finder page" },
  };

  const state = {
    lang: readLang(),
    principles: {},
    labels: {},
    providers: [],
    answer: null,
    pending: null,
    key: readKey(),
  };
  const $ = (id) => document.getElementById(id);

  function readLang() {
    try {
      return localStorage.getItem("wegwijzer.console.lang") === "en" ? "en" : "nl";
    } catch {
      return "nl";
    }
  }

  function readKey() {
    try {
      return sessionStorage.getItem(KEY_STORE) || "";
    } catch {
      return "";
    }
  }

  function setKey(value) {
    state.key = value.replace(/\s+/g, "");
    $("api-key").removeAttribute("aria-invalid");
    try {
      if (state.key) sessionStorage.setItem(KEY_STORE, state.key);
      else sessionStorage.removeItem(KEY_STORE);
    } catch {
      /* storage disabled: the key lasts for this page */
    }
  }

  function t(key, ...args) {
    const value = TEXT[state.lang][key];
    return typeof value === "function" ? value(...args) : value;
  }

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u : null;
    } catch {
      return null;
    }
  }

  // -- language ------------------------------------------------------------------------------
  function applyLang() {
    document.documentElement.lang = state.lang;
    document.title = t("title");
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.setAttribute("aria-pressed", String(button.dataset.lang === state.lang));
    }
    if (state.answer) render(state.answer.data, state.answer.question);
  }

  function setLang(lang) {
    state.lang = lang === "en" ? "en" : "nl";
    try {
      localStorage.setItem("wegwijzer.console.lang", state.lang);
    } catch {
      /* private mode: the choice lasts for this page */
    }
    applyLang();
  }

  // -- the API, with the agent's key ----------------------------------------------------------
  /** fetch() with the key as a Bearer token when one is set; resolves to { res, data }. */
  async function call(path, options) {
    const headers = { ...((options && options.headers) || {}) };
    if (state.key) {
      // A header carries printable ASCII only: anything else is sent encoded and refused as unknown.
      const key = /^[\x21-\x7e]+$/.test(state.key) ? state.key : encodeURIComponent(state.key);
      headers.Authorization = `Bearer ${key}`;
    }
    const res = await fetch(path, { ...options, headers });
    return { res, data: await res.json().catch(() => ({})) };
  }

  /**
   * A clear sentence for an answer about access (401, 403, 429), or null for any other answer.
   * For 401 and 403 the key field is marked and focused (after `show` has put up the sentence).
   */
  function refusal(res, data, show) {
    const detail = data.detail || String(res.status);
    if (res.status === 401 || res.status === 403) {
      show(t(res.status === 401 ? "unauthorized" : "forbidden", detail));
      const field = $("api-key");
      field.setAttribute("aria-invalid", "true");
      field.focus();
      return true;
    }
    if (res.status === 429) {
      const after = Number.parseInt(res.headers.get("Retry-After") || "", 10);
      show(t("tooMany", Number.isFinite(after) && after >= 0 ? after : null));
      return true;
    }
    return false;
  }

  // -- reference data -------------------------------------------------------------------------
  async function loadReference() {
    try {
      const answers = await Promise.all(
        ["/v1/principles", "/v1/providers?per_page=500", "/v1/themes"].map((path) => call(path)));
      const refused = answers.find((a) => !a.res.ok);
      if (refused) {
        refusal(refused.res, refused.data, (text) => say(text, true));
        return;
      }
      const [principles, providers, themes] = answers.map((a) => a.data);
      for (const p of principles) state.principles[p.id] = p.label;
      for (const x of [...themes.themes, ...themes.services]) state.labels[x.id] = x.label;
      state.providers = providers.contents.map((p) => ({ id: p.id, name: p.name }));
      if (state.answer) render(state.answer.data, state.answer.question);
    } catch {
      /* the console still works without labels; feedback then needs the provider id */
    }
  }

  // -- asking ---------------------------------------------------------------------------------
  function locationFrom(value) {
    const v = (value || "").trim();
    if (!v) return null;
    if (/^\d{4}\s?[a-zA-Z]{0,2}$/.test(v)) return { postcode: v };
    if (/^gm\d{4}$/i.test(v)) return { municipality: v.toUpperCase() };
    if (/^pv\d{2}$/i.test(v)) return { province: v.toUpperCase() };
    return { municipality: v };
  }

  function say(text, error) {
    const status = $("status");
    status.textContent = text;
    status.classList.toggle("error", Boolean(error));
  }

  function post(body, signal) {
    return call("/v1/route", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Wegwijzer-Channel": CHANNEL },
      body: JSON.stringify(body),
      signal: signal === undefined ? state.pending.signal : signal,
    });
  }

  async function ask(extra) {
    const question = $("question").value.trim();
    if (!question) {
      say(t("empty"), true);
      $("question").focus();
      return;
    }
    const body = { question, language: state.lang };
    const location = locationFrom($("location").value);
    if (location) body.location = location;
    const employees = $("employees").value.trim();
    const phase = $("phase").value;
    if (employees || phase) {
      body.company = {};
      if (employees && Number.isInteger(Number(employees))) body.company.employees = Number(employees);
      if (phase) body.company.phase = phase;
    }
    if (extra && extra.needs) body.needs = extra.needs;

    if (state.pending) state.pending.abort();
    const ctl = new AbortController();
    state.pending = ctl;
    say(t("busy"));
    try {
      let sent = body;
      let { res, data } = await post(sent);
      // A name that is not a municipality may be a province ("Friesland", "Zeeland").
      if (res.status === 422 && location && location.municipality && !/^GM/.test(location.municipality)) {
        sent = { ...body, location: { province: location.municipality } };
        ({ res, data } = await post(sent));
      }
      if (ctl !== state.pending) return;
      if (!res.ok) {
        if (!refusal(res, data, (text) => say(text, true))) say(`${t("refused")} ${data.detail || res.status}`, true);
        return;
      }
      state.answer = { data, question, body: sent, key: state.key };
      render(data, question);
      const first = document.querySelector("#clarify-location");
      if (first) first.focus();
    } catch {
      if (ctl === state.pending) say(t("failed"), true);
    } finally {
      if (ctl === state.pending) state.pending = null;
    }
  }

  function reset() {
    if (state.pending) state.pending.abort();
    state.answer = null;
    $("ask").reset();
    $("answer").replaceChildren();
    say("");
    $("question").focus();
  }

  // -- evidence -------------------------------------------------------------------------------
  function fold(ch) {
    return ch.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  }

  /** The question as text nodes and <mark>s around the evidence words (accents and case ignored). */
  function highlight(text, words) {
    const folded = [];
    const origin = []; // folded index -> original index
    [...text].reduce((at, ch) => {
      for (const f of fold(ch)) {
        folded.push(f);
        origin.push(at);
      }
      return at + ch.length;
    }, 0);
    const parts = [...new Set(words)]
      .map((w) => fold(w).split(/[^\p{L}\p{N}]+/u).filter(Boolean)
        .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^\\p{L}\\p{N}]{0,3}"))
      .filter((p) => p.length > 2)
      .sort((a, b) => b.length - a.length);
    if (!parts.length) return [text];
    const re = new RegExp(`(?:${parts.join("|")})[\\p{L}\\p{N}]*`, "gu");
    const out = [];
    const haystack = folded.join("");
    let last = 0;
    for (const m of haystack.matchAll(re)) {
      const start = origin[m.index];
      const end = m.index + m[0].length < origin.length ? origin[m.index + m[0].length] : text.length;
      if (start > last) out.push(text.slice(last, start));
      out.push(el("mark", { text: text.slice(start, end) }));
      last = end;
    }
    if (last < text.length) out.push(text.slice(last));
    return out;
  }

  // -- rendering ------------------------------------------------------------------------------
  function render(data, question) {
    const routes = data.routes || [];
    const evidence = [...(data.needs || []).flatMap((n) => n.evidence || []),
                      ...routes.flatMap((r) => r.evidence || [])];
    const parts = [];
    const followUp = (data.clarify || []).length > 0;
    if (data.out_of_scope) say(t("outOfScope"));
    else if (!routes.length) say(t("clarifyFound"));
    else say(t("found", routes.length) + (followUp ? ` ${t("clarifyFound")}` : ""));

    parts.push(el("div", { class: "asked" },
      el("h3", { class: "label", text: t("asked") }),
      el("p", { class: "question-text" }, highlight(question, evidence))));
    parts.push(summary(data));
    if (data.message) parts.push(el("p", { class: "message", text: data.message }));
    if (routes.length) {
      const own = (r, i) => i === 0 || r.reason !== routes[0].reason;  // "also" doors may share the first's reason
      parts.push(el("ol", { class: "doors" }, routes.map((r, i) => door(r, own(r, i)))));
    }
    for (const item of data.clarify || []) parts.push(clarify(item, data.out_of_scope));
    if (data.request_id && routes.length) parts.push(feedback(data));
    $("answer").replaceChildren(...parts);
  }

  function label(id) {
    const l = state.labels[id];
    return l ? l[state.lang] || l.nl : id;
  }

  function summary(data) {
    const items = [];
    const needs = (data.needs || []).filter((n) => n.theme);
    if (needs.length) {
      items.push(el("dt", { text: t("needs") }),
        el("dd", { text: needs.map((n) => `${label(n.theme)} · ${label(n.service)}`).join(", ") }));
    }
    const loc = data.location;
    if (loc) {
      const where = [loc.postcode4, loc.municipality && loc.municipality.name, loc.province && loc.province.name]
        .filter(Boolean).join(", ");
      if (where) items.push(el("dt", { text: t("where") }), el("dd", { text: where }));
    }
    return items.length ? el("dl", { class: "summary" }, items) : null;
  }

  function door(route, showReason) {
    const p = route.provider;
    const url = safeUrl(p.url);
    const principle = state.principles[route.principle];
    const contact = [];
    if (url) {
      contact.push(el("a", { href: url.href, target: "_blank", rel: "noopener",
                              text: url.host + (url.pathname.length > 1 ? url.pathname : "") }));
    }
    if (p.phone) {
      contact.push(el("span", {}, `${t("phoneLabel")}: `,
        el("a", { href: `tel:${p.phone.replace(/[^\d+]/g, "")}`, text: p.phone })));
    }
    if (p.hours) contact.push(el("span", { text: `${t("hoursLabel")}: ${p.hours}` }));
    const unconfirmed = (p.unconfirmed || []).map((f) => FIELD_NAMES[state.lang][f] || f);
    return el("li", { class: `door ${route.role === "primary" ? "primary" : "also"}`, "data-provider": p.id },
      el("div", { class: "door-head" },
        el("span", { class: "rank", "aria-hidden": "true", text: String(route.rank) }),
        el("h3", { class: "door-name", text: p.name }),
        el("span", { class: "badge", text: route.role === "primary" ? t("primary") : t("also") })),
      showReason ? el("p", { class: "reason", text: route.reason }) : null,
      route.needs_location ? el("p", { class: "note", text: t("regional") }) : null,
      el("p", { class: "why" },
        `${t("rule")}: `, el("code", { text: route.rule }), " · ",
        `${t("principle")}: `, el("strong", { text: route.principle }),
        principle ? ` — ${principle[state.lang]}` : ""),
      contact.length ? el("p", { class: "contact" }, contact.flatMap((c, i) => (i ? [" · ", c] : [c]))) : null,
      unconfirmed.length ? el("p", { class: "note", text: t("unconfirmed", unconfirmed.join(", ")) }) : null);
  }

  function clarify(item, outOfScope) {
    if (outOfScope) return el("p", { class: "message", text: item.question });
    if (item.field === "location") {
      const input = el("input", { id: "clarify-location", type: "text", autocomplete: "off", maxlength: "60",
                                  "aria-describedby": "clarify-location-hint" });
      const go = () => {
        $("location").value = input.value;
        ask();
      };
      input.addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          go();
        }
      });
      return el("div", { class: "clarify" },
        el("p", { class: "label", text: t("clarifyLocation") }),
        el("label", { for: "clarify-location", text: item.question }),
        el("p", { class: "hint", id: "clarify-location-hint", text: t("locationHint") }),
        el("div", { class: "row" }, input,
          el("button", { type: "button", class: "secondary", text: t("again"), onclick: go })));
    }
    return el("div", { class: "clarify", role: "group", "aria-label": item.question },
      el("p", { class: "label", text: item.question }),
      el("div", { class: "row" }, (item.options || []).map((o) =>
        el("button", { type: "button", class: "secondary", text: o.label, onclick: () => ask({ needs: o.needs }) }))));
  }

  // -- feedback -------------------------------------------------------------------------------
  function providerLabel(p) {
    return `${p.name[state.lang] || p.name.nl} (${p.id})`;
  }

  function providerId(value) {
    const v = value.trim();
    const inBrackets = /\(([^()]+)\)\s*$/.exec(v);
    const id = inBrackets ? inBrackets[1] : v;
    if (!state.providers.length) return id || null;
    if (state.providers.some((p) => p.id === id)) return id;
    const byName = state.providers.find((p) => Object.values(p.name).some((n) => n.toLowerCase() === v.toLowerCase()));
    return byName ? byName.id : null;
  }

  function feedback(data) {
    const status = el("p", { id: "fb-status", class: "status", role: "status", "aria-live": "polite" });
    const provider = el("input", { id: "fb-provider", type: "text", list: "fb-providers", autocomplete: "off",
                                   "aria-describedby": "fb-provider-hint" });
    const note = el("input", { id: "fb-note", type: "text", maxlength: "2000", autocomplete: "off" });
    const other = el("form", { id: "fb-other", class: "fb-other", hidden: true, novalidate: true },
      el("label", { for: "fb-provider", text: t("shouldBe") }),
      provider,
      el("p", { class: "hint", id: "fb-provider-hint", text: t("shouldBeHint") }),
      el("datalist", { id: "fb-providers" }, state.providers.map((p) => el("option", { value: providerLabel(p) }))),
      el("label", { for: "fb-note", text: t("note") }),
      note,
      el("div", { class: "row" }, el("button", { type: "submit", class: "primary", text: t("send") })));
    const wrong = el("button", { type: "button", id: "fb-wrong", class: "secondary", "aria-expanded": "false",
                                 "aria-controls": "fb-other", "aria-keyshortcuts": "Alt+N" },
      t("wrong"), " ", el("kbd", { text: "Alt+N" }));
    const right = el("button", { type: "button", id: "fb-right", class: "primary", "aria-keyshortcuts": "Alt+J",
                                 onclick: () => send(data, { correct: true }, status) },
      t("correct"), " ", el("kbd", { text: "Alt+J" }));
    wrong.addEventListener("click", () => {
      other.hidden = !other.hidden;
      wrong.setAttribute("aria-expanded", String(!other.hidden));
      if (!other.hidden) provider.focus();
    });
    other.addEventListener("submit", (e) => {
      e.preventDefault();
      const id = providerId(provider.value);
      if (!id) {
        status.textContent = t("unknownProvider");
        status.classList.add("error");
        provider.focus();
        return;
      }
      send(data, { correct: false, actual_provider_id: id, note: note.value.trim() || null }, status);
    });
    return el("section", { class: "feedback", "aria-labelledby": "fb-title" },
      el("h3", { id: "fb-title", text: t("feedbackTitle") }),
      el("div", { class: "row" }, right, wrong),
      other,
      status,
      el("p", { class: "trace" }, `${t("request")}: `, el("code", { text: data.request_id }), " · ",
        el("a", { id: "decision-link", href: decisionUrl(data.request_id), target: "_blank", rel: "noopener",
                  text: t("decision"), onclick: (e) => openDecision(e, data, status) })));
  }

  function decisionUrl(requestId) {
    return `/v1/decisions/${encodeURIComponent(requestId)}`;
  }

  function tell(status, text, error) {
    status.classList.toggle("error", Boolean(error));
    status.textContent = text;
  }

  /**
   * A decision belongs to the client that asked (only it may give feedback or read it back). An
   * agent who asked before typing the key asked anonymously: ask the same again with the key, so
   * that the feedback lands on the agent's own decision, and show its id.
   */
  async function ownDecision(data) {
    const answer = state.answer;
    if (!state.key || !answer || answer.data !== data || answer.key === state.key) return;
    try {
      const { res, data: fresh } = await post(answer.body, null);
      if (!res.ok || !fresh.request_id) return;
      answer.key = state.key;
      data.request_id = fresh.request_id;
      const code = document.querySelector(".feedback .trace code");
      if (code) code.textContent = fresh.request_id;
      const link = $("decision-link");
      if (link) link.setAttribute("href", decisionUrl(fresh.request_id));
    } catch {
      /* the feedback call below reports what went wrong */
    }
  }

  async function send(data, body, status) {
    await ownDecision(data);
    const requestId = data.request_id;
    const payload = JSON.stringify({ channel: CHANNEL, ...body });
    const once = () => call(`${decisionUrl(requestId)}/feedback`,
                            { method: "POST", headers: { "Content-Type": "application/json" }, body: payload });
    try {
      let { res, data } = await once();
      if (res.status === 404) {  // the decision may still be on its way to the log
        await new Promise((r) => setTimeout(r, 800));
        ({ res, data } = await once());
      }
      if (res.ok) tell(status, t(res.status === 201 ? "saved" : "updated"));
      else if (!refusal(res, data, (text) => tell(status, `${t("feedbackRefused")} ${text}`, true))) {
        tell(status, `${t("feedbackFailed")} ${data.detail || res.status}`, true);
      }
    } catch {
      tell(status, `${t("feedbackFailed")} ${t("failed")}`, true);
    }
  }

  /** The stored decision needs the key, which a plain link cannot send: fetch it, show it in a new tab. */
  async function openDecision(e, answer, status) {
    e.preventDefault();
    try {
      await ownDecision(answer);
      const { res, data } = await call(decisionUrl(answer.request_id));
      if (!res.ok) {
        if (!refusal(res, data, (text) => tell(status, `${t("decisionRefused")} ${text}`, true))) {
          tell(status, `${t("decisionRefused")} ${data.detail || res.status}`, true);
        }
        return;
      }
      const url = URL.createObjectURL(new Blob([JSON.stringify(data, null, 2)], { type: "application/json" }));
      setTimeout(() => URL.revokeObjectURL(url), 60000);
      const tab = window.open(url, "_blank");
      if (tab) tab.opener = null;
      else tell(status, t("popupBlocked"), true);
    } catch {
      tell(status, `${t("decisionRefused")} ${t("failed")}`, true);
    }
  }

  // -- keyboard -------------------------------------------------------------------------------
  function onKey(e) {
    if (e.altKey && !e.ctrlKey && !e.metaKey) {
      const action = { KeyJ: "fb-right", KeyN: "fb-wrong" }[e.code];
      if (action && $(action)) {
        e.preventDefault();
        $(action).click();
        return;
      }
      if (e.code === "KeyL") {
        e.preventDefault();
        $("location").focus();
        return;
      }
    }
    if (e.key === "Escape") {
      const other = $("fb-other");
      if (other && !other.hidden && other.contains(document.activeElement)) {
        other.hidden = true;
        $("fb-wrong").setAttribute("aria-expanded", "false");
        $("fb-wrong").focus();
      } else {
        reset();
      }
    }
  }

  function init() {
    $("ask").addEventListener("submit", (e) => {
      e.preventDefault();
      ask();
    });
    $("question").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        ask();
      }
    });
    for (const id of ["location", "employees"]) {
      $(id).addEventListener("keydown", (e) => {
        if (e.key === "Enter") {
          e.preventDefault();
          ask();
        }
      });
    }
    $("new-question").addEventListener("click", reset);
    const keyField = $("api-key");
    keyField.value = state.key;
    keyField.addEventListener("input", () => setKey(keyField.value));
    keyField.addEventListener("change", () => {
      if (!state.providers.length) loadReference();  // it may have failed for the key that was there
    });
    for (const button of document.querySelectorAll("[data-lang]")) {
      button.addEventListener("click", () => setLang(button.dataset.lang));
    }
    document.addEventListener("keydown", onKey);
    applyLang();
    loadReference();
  }

  init();
})();
