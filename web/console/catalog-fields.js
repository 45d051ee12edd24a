// The admin catalog's five resources as the admin-catalog function defines them (its field tables in
// functions/admin-catalog: products.go, coupons.go, places.go): the fields an admin may set with
// their bounds, the list's columns and the figures a record's page shows. The function validates
// every field again; the bounds here only shape the inputs.
import { money, when } from '../shared/ui.js';

const CODE_HINT = 'Upper-case letters and digits, then also - and _';
const SLUG_HINT = 'Lower-case letters, digits and -, starting with a letter';

const text = (name, label, maxlength, more = {}) => ({ name, label, type: 'text', maxlength, ...more });
const active = () => ({ name: 'is_active', label: 'Active', type: 'flag', default: true });
const stamps = (r) => [['Created', when(r.created_at)], ['Updated', when(r.updated_at)]];

export const resources = {
  products: {
    title: 'Products', noun: 'product', Noun: 'Product', name: (p) => p.name,
    searchHint: 'name or SKU', columns: ['name', 'sku', 'category', 'price', 'stock', 'orders'], moneyCols: ['price'],
    fields: [
      text('name', 'Name', 200, { required: true }),
      text('sku', 'SKU', 64, { required: true, hint: `${CODE_HINT} (e.g. DRN-X8-HL)` }),
      text('category', 'Category', 64, { required: true, hint: `${SLUG_HINT} (e.g. drones)` }),
      { name: 'price', label: 'Price', unit: 'USD', type: 'money', required: true, placeholder: '899.00' },
      { name: 'stock', label: 'Stock', unit: 'units', type: 'int', min: 0, max: 1000000 },
      text('image_url', 'Image URL', 1000, { hint: 'An http(s) URL or a path on this site starting with /' }),
      text('description', 'Description', 4000, { multiline: true }),
      { ...active(), disabled: (p) => Boolean(p.archived_at) },
    ],
    facts: (p) => [['ID', String(p.id)], ['SKU', p.sku], ['Price', money(p.price)], ['Stock', String(p.stock)],
      ['Orders with it', String(p.orders)], ...stamps(p)],
  },
  coupons: {
    title: 'Coupons', noun: 'coupon', Noun: 'Coupon', name: (c) => c.code,
    searchHint: 'code or description', columns: ['code', 'description', 'discount_percent', 'discount_amount', 'times_used', 'max_uses', 'valid_until'],
    moneyCols: ['discount_amount'],
    fields: [
      text('code', 'Code', 64, { required: true, hint: `${CODE_HINT} (e.g. SPRING15); shoppers may type it in any case` }),
      text('description', 'Description', 500),
      { name: 'discount_percent', label: 'Discount percent', unit: '%', type: 'money', placeholder: '10', hint: 'A percent, a fixed amount, or both (they stack); one of them above 0' },
      { name: 'discount_amount', label: 'Discount amount', unit: 'USD', type: 'money', placeholder: '100.00' },
      { name: 'min_subtotal', label: 'Minimum subtotal', unit: 'USD', type: 'money', placeholder: '0.00' },
      { name: 'max_uses', label: 'Maximum uses', type: 'int', min: 0, hint: '0: unlimited' },
      { name: 'per_customer_limit', label: 'Uses per customer', type: 'int', min: 0, hint: '0: unlimited' },
      { name: 'valid_from', label: 'Valid from', unit: 'your local time', type: 'time' },
      { name: 'valid_until', label: 'Valid until', unit: 'your local time', type: 'time' },
      { name: 'first_order_only', label: 'First order only', type: 'flag' },
      active(),
    ],
    facts: (c) => [['ID', String(c.id)], ['Times used', `${c.times_used}${c.max_uses ? ` of ${c.max_uses}` : ' (no limit)'}`],
      ['Orders with it', String(c.orders)], ['Customers', String(c.customers)], ...stamps(c)],
  },
  shops: {
    title: 'Shops', noun: 'shop', Noun: 'Shop', name: (s) => s.name,
    searchHint: 'name or city', columns: ['name', 'city', 'region', 'phone', 'opening_hours'],
    fields: [
      text('name', 'Name', 200, { required: true }),
      text('address', 'Address', 500),
      text('city', 'City', 100),
      text('region', 'Region', 64, { hint: `${SLUG_HINT} (e.g. us-west)` }),
      text('phone', 'Phone', 40, { inputType: 'tel' }),
      text('email', 'Email', 254, { inputType: 'email' }),
      text('opening_hours', 'Opening hours', 200),
      { name: 'latitude', label: 'Latitude', type: 'degrees', placeholder: '47.606200' },
      { name: 'longitude', label: 'Longitude', type: 'degrees', placeholder: '-122.332100' },
      active(),
    ],
    facts: (s) => [['ID', String(s.id)], ...stamps(s)],
  },
  services: {
    title: 'Services', noun: 'service', Noun: 'Service', name: (s) => s.name,
    searchHint: 'name or category', columns: ['name', 'category', 'price', 'duration_minutes'], moneyCols: ['price'],
    fields: [
      text('name', 'Name', 200, { required: true }),
      text('category', 'Category', 64, { required: true, hint: `${SLUG_HINT} (e.g. repair)` }),
      { name: 'price', label: 'Price', unit: 'USD', type: 'money', required: true, placeholder: '149.00' },
      { name: 'duration_minutes', label: 'Duration', unit: 'minutes', type: 'int', min: 1, max: 999999, required: true },
      text('description', 'Description', 2000, { multiline: true }),
      active(),
    ],
    facts: (s) => [['ID', String(s.id)], ['Price', money(s.price)], ...stamps(s)],
  },
  warehouses: {
    title: 'Warehouses', noun: 'warehouse', Noun: 'Warehouse', name: (w) => `${w.code} ${w.name}`,
    searchHint: 'code or name', columns: ['code', 'name', 'city', 'region', 'capacity'],
    fields: [
      text('code', 'Code', 32, { required: true, hint: `${CODE_HINT} (e.g. WH-PHX)` }),
      text('name', 'Name', 200, { required: true }),
      text('region', 'Region', 64, { required: true, hint: `${SLUG_HINT}, as the shipments' (e.g. us-west)` }),
      { name: 'capacity', label: 'Capacity', unit: 'units', type: 'int', min: 0, required: true },
      text('address', 'Address', 500),
      text('city', 'City', 100),
      active(),
    ],
    facts: (w) => [['ID', String(w.id)], ...stamps(w)],
  },
};
