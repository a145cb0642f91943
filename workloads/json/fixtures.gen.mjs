// One-off generator for the JSON fixtures (deterministic: a fixed LCG, no Math.random).
import fs from 'node:fs';
let s = 42;
const rnd = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
const pick = (a) => a[Math.floor(rnd() * a.length)];
const words = ['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima','mike','november','oscar','papa','quebec','romeo','sierra','tango'];
const small = {id: 12345, name: 'Widget Pro', price: 19.99, in_stock: true, tags: ['tools', 'hardware']};
const medium = {
  order_id: 'ord_8f14e45fceea167a', status: 'processing', currency: 'EUR', paid: true,
  created_at: '2025-03-14T09:26:53Z',
  customer: {id: 90210, name: 'Ada Lovelace', email: 'ada@example.com', vip: false,
    address: {street: '12 Analytical Engine Way', city: 'London', postcode: 'NW1 6XE', country: 'GB'}},
  items: Array.from({length: 10}, (_, i) => ({sku: `SKU-${1000 + i * 37}`, name: `${pick(words)} ${pick(words)} kit`, quantity: 1 + Math.floor(rnd() * 5), unit_price: Math.round(rnd() * 10000) / 100, gift: i % 3 === 0})),
  shipping: {method: 'express', cost: 7.5, tracking: 'TRK-7781-2231-ZZ', eta_days: 2},
  notes: 'Leave the parcel with the concierge if nobody answers. Fragile: contains glass. Please do not bend.',
  total: 318.42,
};
const product = (i) => ({
  id: 1000 + i, sku: `P-${String(i).padStart(5, '0')}`, name: `${pick(words)} ${pick(words)} ${pick(words)}`,
  description: Array.from({length: 18}, () => pick(words)).join(' '),
  price: Math.round(rnd() * 100000) / 100, currency: 'USD', in_stock: rnd() > 0.3, rating: Math.round(rnd() * 50) / 10,
  tags: Array.from({length: 3}, () => pick(words)),
  dimensions: {width: Math.round(rnd() * 1000) / 10, height: Math.round(rnd() * 1000) / 10, depth: Math.round(rnd() * 1000) / 10},
  variants: Array.from({length: 2}, (_, j) => ({sku: `P-${String(i).padStart(5, '0')}-${j}`, color: pick(['red','green','blue','black','white']), size: pick(['S','M','L','XL']), stock: Math.floor(rnd() * 500)})),
});
const large = {page: 1, page_size: 32, total_count: 4210, generated_at: '2025-03-14T09:26:53Z', products: Array.from({length: 32}, (_, i) => product(i))};
// keep float values non-integral so every language prints them the same way
const fix = (o) => JSON.stringify(o, (k, v) => (typeof v === 'number' && ['price','unit_price','rating','width','height','depth','cost','total'].includes(k) && Number.isInteger(v)) ? v + 0.25 : v);
for (const [n, o] of [['small', small], ['medium', medium], ['large', large]]) {
  const t = fix(o); fs.writeFileSync(`workloads/json/${n}.json`, t ); console.log(n, t.length);
}
