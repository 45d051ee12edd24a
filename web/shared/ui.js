// DOM helpers for the web clients: elements are built with textContent (never innerHTML from data),
// so nothing an API answer holds can run as markup.

/** h('a', {href: '#/'}, 'text', child...) builds an element; on* attributes become listeners. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

/** Replaces the children of el. */
export function mount(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
}

/** "$1,234.50" from the API's decimal string. */
export function money(s, currency = 'USD') {
  const n = Number(s);
  return Number.isFinite(n) ? n.toLocaleString('en-US', { style: 'currency', currency }) : String(s ?? '');
}

/** A short local date and time from an RFC 3339 string. */
export function when(s) {
  if (!s) return '';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

/** A status message box: kind is 'error', 'ok' or 'info'; role alert for errors. */
export function notice(kind, text) {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

/** The user-facing text of an error, with the trace id of the call that failed. */
export function errorText(e) {
  if (e?.status) return `${e.message} (${e.code || 'error'} ${e.status}${e.traceId ? `, trace ${e.traceId}` : ''})`;
  return String(e?.message || e);
}

/** A labelled form field; returns the wrapper (the input is its .input). */
export function field(label, attrs = {}) {
  const id = attrs.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  const input = attrs.tag === 'select'
    ? h('select', { id, name: attrs.name }, ...(attrs.options || []).map(([v, t]) => h('option', { value: v }, t)))
    : attrs.tag === 'textarea'
      ? h('textarea', { id, name: attrs.name, required: attrs.required, rows: attrs.rows || 3, maxlength: attrs.maxlength })
      : h('input', { ...attrs, id, tag: undefined });
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), input);
  wrap.input = input;
  return wrap;
}

/** A badge for a status word. */
export function badge(status) {
  return h('span', { class: `badge s-${String(status).replace(/[^a-z_]/g, '')}` }, String(status).replace(/_/g, ' '));
}
