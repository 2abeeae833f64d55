/*
 * Wegwijzer lookup widget: <wegwijzer-lookup>, a web component for regional portals.
 *
 *   <script src="https://wegwijzer.example.nl/widget.js" defer></script>
 *   <wegwijzer-lookup region="PV30" lang="nl"></wegwijzer-lookup>
 *
 * Attributes: api (base URL of the Wegwijzer API; default: where this script came from),
 * api-key (optional, sent as X-API-Key), region (pinned province PVxx or municipality GMxxxx:
 * the visitor is never asked for a location), lang (nl or en; default: the page's language),
 * compact (only the first door in full).
 * Theming: CSS custom properties on the element or any ancestor, e.g.
 *   wegwijzer-lookup { --wegwijzer-primary: #01689b; --wegwijzer-font-family: "RO Sans", sans-serif; }
 * No framework, no build step, no cookies; Shadow DOM keeps the portal's styles out and ours in.
 */
(() => {
  "use strict";
  if (customElements.get("wegwijzer-lookup")) return;

  const script = document.currentScript;
  const DEFAULT_API = script && script.src ? new URL(script.src, location.href).origin : "";

  const TEXT = {
    nl: {
      label: "Wat is uw vraag als ondernemer?",
      hint: "Bijvoorbeeld: Welke subsidie is er voor zonnepanelen op mijn bedrijfspand?",
      location: "Postcode of gemeente (niet verplicht)",
      submit: "Zoek de juiste organisatie",
      again: "Zoek opnieuw",
      busy: "Bezig met zoeken…",
      found: (n) => (n === 1 ? "1 organisatie gevonden." : `${n} organisaties gevonden.`),
      first: "Begin hier",
      also: "Ook handig",
      phone: "Telefoon",
      more: "Meer organisaties",
      empty: "Typ eerst uw vraag.",
      failed: "Wegwijzer is nu niet bereikbaar. Probeer het later opnieuw.",
      refused: "Deze vraag kon niet worden verwerkt:",
      locationNeeded: "Om de juiste organisatie in uw regio te vinden:",
      pick: "Kies wat het beste past:",
    },
    en: {
      label: "What is your question as an entrepreneur?",
      hint: "For example: Is there a subsidy for solar panels on my business premises?",
      location: "Postcode or municipality (optional)",
      submit: "Find the right organisation",
      again: "Search again",
      busy: "Searching…",
      found: (n) => (n === 1 ? "1 organisation found." : `${n} organisations found.`),
      first: "Start here",
      also: "Also useful",
      phone: "Phone",
      more: "More organisations",
      empty: "Please type your question first.",
      failed: "Wegwijzer cannot be reached right now. Please try again later.",
      refused: "This question could not be handled:",
      locationNeeded: "To find the right organisation in your region:",
      pick: "Choose what fits best:",
    },
  };

  const CSS = `
:host {
  display: block;
  container-type: inline-size;
  font-family: var(--wegwijzer-font-family, inherit);
  font-size: var(--wegwijzer-font-size, 1rem);
  line-height: 1.5;
  color: var(--wegwijzer-color, #1a1a1a);
  background: var(--wegwijzer-background, #ffffff);
  border: 1px solid var(--wegwijzer-border, #767676);
  border-radius: var(--wegwijzer-radius, 4px);
  padding: var(--wegwijzer-space, 1rem);
  box-sizing: border-box;
  max-width: 100%;
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: inherit; }
form { display: grid; gap: .5rem; }
label { font-weight: 700; }
.hint { margin: 0; color: var(--wegwijzer-muted, #4d4d4d); font-size: .9em; }
.row { display: flex; flex-wrap: wrap; gap: .5rem; }
input {
  flex: 1 1 14rem; min-width: 0; font: inherit; color: inherit;
  background: var(--wegwijzer-input-background, #ffffff);
  border: 1px solid var(--wegwijzer-border, #767676); border-radius: var(--wegwijzer-radius, 4px);
  padding: .5rem .625rem;
}
button {
  font: inherit; font-weight: 700; cursor: pointer;
  color: var(--wegwijzer-primary-text, #ffffff); background: var(--wegwijzer-primary, #154273);
  border: 2px solid var(--wegwijzer-primary, #154273); border-radius: var(--wegwijzer-radius, 4px);
  padding: .45rem 1rem;
}
button.secondary { color: var(--wegwijzer-primary, #154273); background: var(--wegwijzer-background, #ffffff); }
button:hover { text-decoration: underline; }
:is(input, button, a):focus-visible {
  outline: 3px solid var(--wegwijzer-focus, #1a1a1a); outline-offset: 2px;
  box-shadow: 0 0 0 2px var(--wegwijzer-background, #ffffff);
}
a { color: var(--wegwijzer-link, #154273); }
.status { margin: .75rem 0 0; min-height: 1.5em; }
.status.error { color: var(--wegwijzer-error, #b00020); font-weight: 700; }
ol { list-style: none; margin: .5rem 0 0; padding: 0; display: grid; gap: .5rem; }
li { border-left: 4px solid var(--wegwijzer-border, #767676); padding: .25rem 0 .25rem .75rem; }
li.first { border-left-color: var(--wegwijzer-primary, #154273); }
.tag { display: block; font-size: .85em; font-weight: 700; color: var(--wegwijzer-muted, #4d4d4d); }
.name { font-weight: 700; font-size: 1.05em; }
.reason { margin: .25rem 0; }
.contact { margin: 0; font-size: .95em; }
.clarify { margin-top: .75rem; display: grid; gap: .5rem; }
.clarify p { margin: 0; }
.options { display: flex; flex-wrap: wrap; gap: .5rem; }
:host([compact]) { padding: calc(var(--wegwijzer-space, 1rem) * .75); }
:host([compact]) .hint { display: none; }
@container (max-width: 24rem) {
  button { width: 100%; }
  .row { flex-direction: column; }
  input { flex-basis: auto; }
}
@media (forced-colors: active) { li.first { border-left-color: Highlight; } }
`;

  let sheet = null;
  function adoptStyles(root) {
    try {
      if (!sheet) {
        sheet = new CSSStyleSheet();
        sheet.replaceSync(CSS);
      }
      root.adoptedStyleSheets = [sheet]; // not subject to the portal's style-src policy
    } catch {
      const style = document.createElement("style");
      style.textContent = CSS;
      root.append(style);
    }
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
    node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
    return node;
  }

  function safeUrl(url) {
    try {
      const u = new URL(url);
      return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
    } catch {
      return null;
    }
  }

  class WegwijzerLookup extends HTMLElement {
    static get observedAttributes() {
      return ["lang", "region"];
    }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: "open" });
      adoptStyles(this._root);
      this._pending = null;
      this._question = "";
    }

    connectedCallback() {
      if (!this._form) this._render();
    }

    attributeChangedCallback() {
      if (this._form) this._render();
    }

    get lang() {
      const l = (this.getAttribute("lang") || document.documentElement.lang || "nl").slice(0, 2).toLowerCase();
      return l === "en" ? "en" : "nl";
    }

    get _t() {
      return TEXT[this.lang];
    }

    /** The pinned region as a location object, or null. */
    get _region() {
      const r = (this.getAttribute("region") || "").trim().toUpperCase();
      if (/^GM\d{4}$/.test(r)) return { municipality: r };
      if (/^PV\d{2}$/.test(r)) return { province: r };
      return null;
    }

    _render() {
      const t = this._t;
      this._root.replaceChildren();
      adoptStyles(this._root);
      this._input = el("input", { id: "q", name: "question", type: "text", autocomplete: "off",
                                  maxlength: "2000", "aria-describedby": "hint", value: this._question });
      this._location = this._region ? null : el("input", { id: "loc", name: "location", type: "text",
                                                            autocomplete: "postal-code", maxlength: "60" });
      this._form = el("form", { novalidate: true, onsubmit: (e) => { e.preventDefault(); this._ask(); } },
        el("label", { for: "q", text: t.label }),
        el("p", { class: "hint", id: "hint", text: t.hint }),
        el("div", { class: "row" }, this._input, el("button", { type: "submit", text: t.submit })),
        this._location && el("label", { for: "loc", text: t.location }),
        this._location);
      this._status = el("p", { class: "status", role: "status", "aria-live": "polite" });
      this._results = el("div", { class: "results" });
      this._root.append(this._form, this._status, this._results);
    }

    _locationFromInput(value) {
      const v = (value || "").trim();
      if (!v) return null;
      if (/^\d{4}\s?[a-zA-Z]{0,2}$/.test(v)) return { postcode: v };
      if (/^gm\d{4}$/i.test(v)) return { municipality: v.toUpperCase() };
      if (/^pv\d{2}$/i.test(v)) return { province: v.toUpperCase() };
      return { municipality: v };
    }

    async _ask(extra) {
      const t = this._t;
      const question = this._input.value.trim();
      this._question = question;
      if (!question) {
        this._say(t.empty, true);
        this._input.focus();
        return;
      }
      const body = { question, language: this.lang };
      // An answer to the location question beats the pinned region (a province pin cannot name
      // the municipality); otherwise the pin, then what the visitor typed.
      const location = (extra && extra.location) || this._region
        || this._locationFromInput(this._location && this._location.value);
      if (location) body.location = location;
      if (extra && extra.needs) body.needs = extra.needs;

      if (this._pending) this._pending.abort();
      const ctl = new AbortController();
      this._pending = ctl;
      const timer = setTimeout(() => ctl.abort(), 10000);
      this._say(t.busy);
      this._results.replaceChildren();
      const headers = { "Content-Type": "application/json", "X-Wegwijzer-Channel": "widget" };
      const key = this.getAttribute("api-key");
      if (key) headers["X-API-Key"] = key;
      try {
        const res = await fetch(`${(this.getAttribute("api") || DEFAULT_API).replace(/\/+$/, "")}/v1/route`, {
          method: "POST", mode: "cors", credentials: "omit", headers, body: JSON.stringify(body), signal: ctl.signal,
        });
        const data = await res.json().catch(() => ({}));
        if (ctl !== this._pending) return;
        if (!res.ok) {
          this._say(`${t.refused} ${data.detail || res.status}`, true);
          return;
        }
        this._show(data);
        this.dispatchEvent(new CustomEvent("wegwijzer-answer", { detail: data, bubbles: true, composed: true }));
      } catch (err) {
        if (ctl === this._pending) this._say(t.failed, true);
      } finally {
        clearTimeout(timer);
        if (ctl === this._pending) this._pending = null;
      }
    }

    _say(text, error) {
      this._status.textContent = text;
      this._status.classList.toggle("error", Boolean(error));
    }

    _show(data) {
      const t = this._t;
      const routes = data.routes || [];
      const parts = [];
      if (data.out_of_scope || !routes.length) {
        this._say(data.message || (data.clarify && data.clarify[0] && data.clarify[0].question) || t.failed);
      } else {
        this._say(t.found(routes.length));
        const compact = this.hasAttribute("compact");
        const list = el("ol", { "aria-label": t.found(routes.length) });
        routes.forEach((route, i) => {
          if (compact && i > 0) return;
          // an "also" door may carry the first door's reason: say it once
          list.append(this._door(route, i === 0, i > 0 && route.reason === routes[0].reason));
        });
        parts.push(list);
        if (compact && routes.length > 1) {
          const more = el("ol", { "aria-label": t.more });
          routes.slice(1).forEach((route) => more.append(this._door(route, false, true, true)));
          parts.push(el("details", {}, el("summary", { text: t.more }), more));
        }
      }
      for (const item of data.clarify || []) {
        if (data.out_of_scope) break;
        parts.push(this._clarify(item));
      }
      this._results.replaceChildren(...parts);
    }

    _door(route, first, noReason, brief) {
      const t = this._t;
      const p = route.provider;
      const url = safeUrl(p.url);
      const name = url ? el("a", { class: "name", href: url, target: "_blank", rel: "noopener", text: p.name })
                       : el("span", { class: "name", text: p.name });
      const contact = [];
      if (p.phone) {
        contact.push(`${t.phone}: `, el("a", { href: `tel:${p.phone.replace(/[^\d+]/g, "")}`, text: p.phone }));
        if (p.hours) contact.push(` (${p.hours})`);
      }
      return el("li", { class: first ? "first" : "", "data-provider": p.id },
        el("span", { class: "tag", text: first ? t.first : t.also }),
        name,
        !brief && !noReason && el("p", { class: "reason", text: route.reason }),
        contact.length && !brief ? el("p", { class: "contact" }, ...contact) : null);
    }

    _clarify(item) {
      const t = this._t;
      const box = el("div", { class: "clarify" });
      if (item.field === "location") {
        const input = el("input", { id: "loc2", type: "text", autocomplete: "postal-code", maxlength: "60" });
        box.append(el("p", { text: t.locationNeeded }), el("label", { for: "loc2", text: item.question }),
          el("div", { class: "row" }, input, el("button", {
            type: "button", class: "secondary", text: t.again,
            onclick: () => this._ask({ location: this._locationFromInput(input.value) }),
          })));
        input.addEventListener("keydown", (e) => {
          if (e.key === "Enter") { e.preventDefault(); this._ask({ location: this._locationFromInput(input.value) }); }
        });
      } else {
        box.append(el("p", { text: item.question || t.pick }),
          el("div", { class: "options" }, ...(item.options || []).map((o) => el("button", {
            type: "button", class: "secondary", text: o.label, onclick: () => this._ask({ needs: o.needs }),
          }))));
      }
      return box;
    }
  }

  customElements.define("wegwijzer-lookup", WegwijzerLookup);
})();
