/**
 * The JSON payload schemas: each mirrors its fixture (small.json, medium.json, large.json)
 * field for field. Every field is required and strictly typed; unknown keys are dropped.
 */
import { z } from 'zod';
import { compiled } from '../../src/compiled.ts';

export const small = compiled(z.object({
  id: z.int(),
  name: z.string(),
  price: z.number(),
  in_stock: z.boolean(),
  tags: z.array(z.string()),
}));

const address = z.object({
  street: z.string(),
  city: z.string(),
  postcode: z.string(),
  country: z.string(),
});

const lineItem = z.object({
  sku: z.string(),
  name: z.string(),
  quantity: z.int(),
  unit_price: z.number(),
  gift: z.boolean(),
});

export const medium = compiled(z.object({
  order_id: z.string(),
  status: z.string(),
  currency: z.string(),
  paid: z.boolean(),
  created_at: z.string(),
  customer: z.object({
    id: z.int(),
    name: z.string(),
    email: z.string(),
    vip: z.boolean(),
    address,
  }),
  items: z.array(lineItem),
  shipping: z.object({
    method: z.string(),
    cost: z.number(),
    tracking: z.string(),
    eta_days: z.int(),
  }),
  notes: z.string(),
  total: z.number(),
}));

const variant = z.object({
  sku: z.string(),
  color: z.string(),
  size: z.string(),
  stock: z.int(),
});

const product = z.object({
  id: z.int(),
  sku: z.string(),
  name: z.string(),
  description: z.string(),
  price: z.number(),
  currency: z.string(),
  in_stock: z.boolean(),
  rating: z.number(),
  tags: z.array(z.string()),
  dimensions: z.object({ width: z.number(), height: z.number(), depth: z.number() }),
  variants: z.array(variant),
});

export const large = compiled(z.object({
  page: z.int(),
  page_size: z.int(),
  total_count: z.int(),
  generated_at: z.string(),
  products: z.array(product),
}));
