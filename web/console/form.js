// Forms of the admin catalog pages, built from a resource's field list: the inputs, the JSON body
// they make (all set fields on create, only the changed ones on edit) and the notice for an API
// error, which says what a 409, 412 or 428 means before the API's own message.
import { h, notice, errorText, field } from '../shared/ui.js';

/**
 * Field kinds, as the admin-catalog function validates them: text (textarea when multiline),
 * money (a decimal string, "12.50"), int, flag (a checkbox), time (RFC 3339; entered in local
 * time) and degrees (a decimal string with up to six decimals).
 */
const inputOf = {
  text: (f) => (f.multiline ? { tag: 'textarea', rows: 4 } : { type: 'text', autocomplete: 'off' }),
  money: () => ({ type: 'text', inputmode: 'decimal', autocomplete: 'off' }),
  degrees: () => ({ type: 'text', inputmode: 'decimal', autocomplete: 'off' }),
  int: (f) => ({ type: 'number', step: '1', min: String(f.min ?? 0), max: f.max === undefined ? undefined : String(f.max) }),
  time: () => ({ type: 'datetime-local' }),
};

/** "2026-12-31T23:59" in local time, as a datetime-local input shows an RFC 3339 time. */
function localTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The form value of a record's field. */
function shown(f, v) {
  if (f.type === 'flag') return Boolean(v);
  if (f.type === 'time') return localTime(v);
  return v === null || v === undefined ? '' : String(v);
}

/** The JSON value of an input, or undefined when an optional number or amount is left empty. */
function value(f, input) {
  if (f.type === 'flag') return input.checked;
  const s = input.value.trim();
  switch (f.type) {
    case 'int': return s === '' ? undefined : Number(s);
    case 'money': case 'degrees': return s === '' ? (f.type === 'degrees' ? null : undefined) : s;
    case 'time': return s === '' ? null : new Date(s).toISOString();
    default: return f.multiline ? input.value : s;
  }
}

/** Whether two field values are the same (amounts as numbers: "10" is "10.00"; times to the minute). */
function same(f, a, b) {
  if (f.type === 'money' || f.type === 'degrees') return (a ?? '') === (b ?? '') || (a !== null && b !== null && a !== undefined && Number(a) === Number(b));
  if (f.type === 'time') return localTime(a) === localTime(b);
  return (a ?? '') === (b ?? '');
}

/**
 * The inputs of fields for record (null: a new one). Returns {elements, body(), mark(err)}: body() is
 * the JSON to send, every set field when creating, only the changed ones when editing.
 */
export function inputs(fields, record) {
  const rows = fields.filter((f) => !(record && f.createOnly)).map((f) => {
    const required = f.required || (record && (f.type === 'int' || f.type === 'money'));
    const label = `${f.label}${f.unit ? ` (${f.unit})` : ''}${required ? '' : ' (optional)'}`;
    let wrap;
    if (f.type === 'flag') {
      const id = `f-${f.name}`;
      const box = h('input', { type: 'checkbox', id, name: f.name });
      wrap = h('div', { class: 'field check' }, h('label', { for: id }, box, ` ${f.label}`));
      wrap.input = box;
    } else {
      wrap = field(label, { id: `f-${f.name}`, name: f.name, required, maxlength: f.maxlength ? String(f.maxlength) : undefined,
        placeholder: f.placeholder, ...(inputOf[f.type] || inputOf.text)(f), ...(f.inputType ? { type: f.inputType } : {}) });
    }
    if (f.hint) {
      const hid = `f-${f.name}-hint`;
      wrap.append(h('small', { class: 'muted', id: hid }, f.hint));
      wrap.input.setAttribute('aria-describedby', hid);
    }
    const start = record ? shown(f, record[f.name]) : shown(f, f.default);
    if (f.type === 'flag') wrap.input.checked = start; else wrap.input.value = start;
    if (record && f.disabled?.(record)) wrap.input.disabled = true;
    return { f, wrap };
  });
  const body = () => {
    const out = {};
    for (const { f, wrap } of rows) {
      if (wrap.input.disabled) continue;
      const v = value(f, wrap.input);
      if (v === undefined || (!record && (v === null || v === ''))) continue;
      if (record && same(f, v, record[f.name])) continue;
      out[f.name] = v;
    }
    return out;
  };
  /** Marks the input a 400 names (its message starts with the field's name) invalid and focuses it. */
  const mark = (err) => {
    for (const { wrap } of rows) wrap.input.removeAttribute('aria-invalid');
    const bad = err?.status === 400 && rows.find(({ f }) => err.message.startsWith(`${f.name} `));
    if (bad) { bad.wrap.input.setAttribute('aria-invalid', 'true'); bad.wrap.input.focus(); }
  };
  return { elements: rows.map((r) => r.wrap), body, mark };
}

/** What an API error on a catalog write means, then the API's own message (code, status, trace). */
export function writeError(e, noun) {
  const why = {
    412: `Someone changed this ${noun} after you opened it, so your edit was not saved. Reload to see the current version, then make your change again.`,
    428: `The edit did not carry the version of the ${noun} it was made on (If-Match), so it was not saved. Reload and try again.`,
    409: `Not saved: this conflicts with the ${noun} as stored.`,
    400: 'Not saved: check the fields.',
    404: `This ${noun} no longer exists.`,
  }[e?.status];
  const box = notice('error', why ? `${why} ` : '');
  box.append(h('span', { class: 'api-error' }, errorText(e)));
  return box;
}
