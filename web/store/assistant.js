// The shopping assistant: POST /api/assistant/chat, the session id kept for the tab.
import { api } from '../shared/api.js';
import { h, notice, errorText, field, money } from '../shared/ui.js';
import { session } from './app.js';

/** The chat view: the conversation so far (from the assistant's own session) and a message box. */
export async function assistant() {
  const log = h('div', { class: 'chat card', id: 'chat', 'aria-live': 'polite' });
  const sid = sessionStorage.getItem('octo.assistant') || '';
  if (sid) {
    try {
      const { data } = await api(`assistant/sessions/${sid}?limit=50`, { session: session.token ? session : undefined });
      for (const m of data.items || data.messages || []) log.append(h('div', { class: `msg ${m.role}` }, m.content));
    } catch { sessionStorage.removeItem('octo.assistant'); }
  }
  const msg = field('Ask about drones, payloads or parts', { name: 'message', required: true, maxlength: '1000', autocomplete: 'off' });
  const out = h('div');
  const form = h('form', { class: 'card', onsubmit: async (e) => {
    e.preventDefault();
    const text = msg.input.value.trim();
    if (!text) return;
    log.append(h('div', { class: 'msg user' }, text));
    msg.input.value = '';
    try {
      const body = { message: text };
      const cur = sessionStorage.getItem('octo.assistant');
      if (cur) body.session_id = cur;
      const { data } = await api('assistant/chat', { method: 'POST', body, session: session.token ? session : undefined });
      sessionStorage.setItem('octo.assistant', data.session_id);
      log.append(h('div', { class: 'msg assistant' }, data.reply,
        (data.products || []).length ? h('ul', {}, data.products.map((p) => h('li', {}, h('a', { href: `#/p/${p.id}` }, p.name), ` ${money(p.price)}`))) : null));
      out.replaceChildren();
    } catch (err) { out.replaceChildren(notice('error', errorText(err))); }
  } }, msg, h('button', { type: 'submit' }, 'Send'), out);
  return [h('h1', {}, 'Drone advisor'), h('p', { class: 'muted' }, 'Answers come from our catalog; conversations are kept for this tab.'), log, form];
}
