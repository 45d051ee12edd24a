// Tables of any list answer: the routes of the marketing and admin functions are built on other
// branches, so these pages show the columns the answer has (scalars first, a few at most).
import { h, when, money } from '../shared/ui.js';

/** Up to max scalar keys of the first items, preferred ones first. */
export function columnsOf(items, preferred, max = 8) {
  const keys = new Set();
  for (const it of items.slice(0, 5)) for (const [k, v] of Object.entries(it)) if (v === null || typeof v !== 'object') keys.add(k);
  if (!keys.size) return preferred.slice(0, 5);
  const pref = preferred.filter((k) => keys.has(k));
  return [...pref, ...[...keys].filter((k) => !pref.includes(k))].slice(0, max);
}

/** A cell for one value: times and money formatted, the rest as text. */
export function cell(key, v) {
  if (v === null || v === undefined) return '';
  if (/(_at|_time|timestamp)$/.test(key) && typeof v === 'string') return when(v);
  if (/(budget|spent|remaining|revenue|total|amount)$/.test(key) && !Number.isNaN(Number(v))) return money(v);
  return String(v);
}

/** A definition list of an object's scalar fields. */
export function details(obj) {
  return h('dl', { class: 'card' }, Object.entries(obj).filter(([, v]) => v === null || typeof v !== 'object')
    .map(([k, v]) => [h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, cell(k, v))]));
}
