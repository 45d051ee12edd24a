// Analytics as charts (Chart.js 4.6.1, vendored under web/vendor): the analytics-rollup reports.
import { api } from '../shared/api.js';
import { h, money } from '../shared/ui.js';
import { session } from './app.js';

const palette = ['#0b4f9c', '#1d6b32', '#a11919', '#8a4b00', '#5b2a86', '#0f6e6e', '#4a5563', '#b0306a'];

/** A canvas with its chart; the label names it for screen readers, the table under it gives the figures. */
function chart(id, label, config, labels, values) {
  const canvas = h('canvas', { id, role: 'img', 'aria-label': label });
  const fig = h('figure', { class: 'card' }, h('figcaption', {}, h('strong', {}, label)), h('div', {}, canvas),
    h('details', {}, h('summary', {}, 'Figures'), h('table', {}, h('tbody', {}, labels.map((l, i) => h('tr', {}, h('th', { scope: 'row' }, String(l)), h('td', {}, String(values[i]))))))));
  // Chart.js needs the canvas in the document to size it: draw on the next frame.
  requestAnimationFrame(() => new window.Chart(canvas, { ...config, options: { animation: false, responsive: true, plugins: { legend: { display: config.type !== 'bar' } }, ...config.options } }));
  return fig;
}

/** A bar chart of labels and values. */
export function barChart(id, label, labels, values) {
  return chart(id, label, { type: 'bar', data: { labels, datasets: [{ label, data: values, backgroundColor: palette[0] }] } }, labels, values);
}

/** Sums metric's dimensions over every bucket. */
function total(report, metric) {
  const out = {};
  for (const b of report.buckets) for (const [k, v] of Object.entries(b.metrics[metric] || {})) out[k] = (out[k] || 0) + v;
  return out;
}

/** The dashboard: revenue per day, orders by status, the funnel, page load by region, security, top products. */
export async function analytics() {
  const get = (r) => api(`analytics/${r}`, { session }).then((x) => x.data);
  const [overview, sales, funnel, load, sec, products, catalog] = await Promise.all([get('overview'), get('sales'), get('funnel'),
    get('page-load'), get('security'), get('products'), api('products?limit=100').then((x) => x.data.items)]);
  const days = overview.buckets.map((b) => b.start.slice(0, 10));
  const revenue = overview.buckets.map((b) => b.metrics['sales.revenue']?.all || 0);
  const orders = overview.buckets.map((b) => b.metrics['sales.orders']?.all || 0);
  const byStatus = total(sales, 'orders_by_status');
  const f = ['sessions', 'cart_sessions', 'orders', 'delivered'].map((k) => total(funnel, k).all || 0);
  const p95 = {};
  for (const b of load.buckets) for (const [k, v] of Object.entries(b.metrics.p95_ms_by_region || {})) p95[k] = Math.max(p95[k] || 0, v);
  const secCounts = {};
  for (const [m, dims] of Object.entries(sec.buckets.reduce((acc, b) => { for (const [k, v] of Object.entries(b.metrics)) acc[k] = { ...(acc[k] || {}) , ...Object.fromEntries(Object.entries(v).map(([d, n]) => [d, (acc[k]?.[d] || 0) + n])) }; return acc; }, {}))) {
    if (m.includes('type')) Object.assign(secCounts, dims);
  }
  const names = Object.fromEntries(catalog.map((p) => [String(p.id), p.name]));
  const top = Object.entries(total(products, 'revenue')).sort((a, b) => b[1] - a[1]).slice(0, 8);
  const sumRevenue = revenue.reduce((a, b) => a + b, 0);
  return [h('h1', {}, 'Analytics'),
    h('p', { class: 'muted' }, `${overview.from.slice(0, 10)} to ${overview.to.slice(0, 10)} · revenue ${money(sumRevenue)} · ${orders.reduce((a, b) => a + b, 0)} orders`),
    h('div', { class: 'charts' },
      chart('chart-revenue', 'Revenue per day (USD)', { type: 'line', data: { labels: days, datasets: [{ label: 'Revenue', data: revenue, borderColor: palette[0], backgroundColor: palette[0] }] } }, days, revenue),
      barChart('chart-status', 'Orders by status', Object.keys(byStatus), Object.values(byStatus)),
      barChart('chart-funnel', 'Conversion funnel (sessions → carts → orders → delivered)', ['sessions', 'carts', 'orders', 'delivered'], f),
      barChart('chart-load', 'Page load p95 by region (ms)', Object.keys(p95), Object.values(p95)),
      barChart('chart-security', 'Security events by type', Object.keys(secCounts), Object.values(secCounts)),
      barChart('chart-products', 'Top products by revenue (USD)', top.map(([id]) => names[id] || `#${id}`), top.map(([, v]) => v)))];
}
