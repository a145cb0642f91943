-- Gauntlet's seed data: deterministic (every value computed from the row number), idempotent
-- (ON CONFLICT DO NOTHING: applying it again adds nothing and changes nothing, except that what
-- the endpoints wrote — items, short URLs, clicks — is removed: the seeded state is restored), and set-based
-- (generate_series, no row-by-row INSERTs), so it takes well under a second on Postgres.
-- Only SQL that Postgres 15 and PGlite both run. Requires src/data/schema.sql.

-- 10,000 items, ids 1…10,000.
INSERT INTO items (id, name, description, price, stock)
SELECT i,
       (ARRAY['Classic', 'Compact', 'Deluxe', 'Eco', 'Heavy-duty', 'Mini', 'Pro', 'Travel'])[1 + i % 8] || ' ' ||
       (ARRAY['mug', 'lamp', 'chair', 'kettle', 'backpack', 'notebook', 'speaker', 'blanket', 'bottle', 'clock',
              'desk', 'pan'])[1 + (i / 8) % 12] || ' ' || i,
       'Seed item ' || i || ', batch ' || (1 + i % 97) || ': ' || md5(i::text),
       ((i * 7919) % 99900 + 100) / 100.0,
       (i * 104729) % 1000
FROM generate_series(1, 10000) AS i
ON CONFLICT (id) DO NOTHING;

-- Items POST /db/items created (a benchmark's db-create cells add tens of thousands) are removed,
-- so the lists and the paging checks see the seeded table again.
DELETE FROM items WHERE id > 10000;

-- POST /db/items continues after the highest id.
SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT max(id) FROM items));

-- 1,000 recipes; recipe r has 5 + ((7r + 4) mod 8) ingredients (5…12; 83 in the first ten, which
-- makes the default list of 10 about 3.5 KB of JSON).
INSERT INTO recipes (id, name, servings, minutes)
SELECT r,
       (ARRAY['Smoky', 'Quick', 'Spicy', 'Creamy', 'Rustic', 'Lemony', 'Herby', 'Crispy', 'Sticky', 'Golden'])[1 + r % 10]
         || ' ' ||
       (ARRAY['lentil soup', 'chicken stew', 'tomato pasta', 'bean chili', 'veg curry', 'fish pie', 'mushroom risotto',
              'pork noodles', 'tofu stir-fry', 'barley salad', 'potato bake'])[1 + (r / 10) % 11] || ' ' || r,
       1 + r % 8,
       10 + (r * 37) % 170
FROM generate_series(1, 1000) AS r
ON CONFLICT (id) DO NOTHING;

INSERT INTO ingredients (recipe_id, position, name, amount)
SELECT r, p,
       (ARRAY['onion', 'garlic', 'carrot', 'celery', 'olive oil', 'butter', 'flour', 'milk', 'egg', 'rice', 'lentils',
              'chickpeas', 'tomatoes', 'spinach', 'lemon', 'parsley', 'thyme', 'cumin', 'paprika', 'salt', 'pepper',
              'stock', 'cream', 'cheese', 'potato', 'leek', 'ginger', 'chili', 'honey', 'soy sauce'])[1 + (r * 31 + p * 17) % 30],
       (ARRAY['1', '2', '1 tsp', '2 tbsp', '100 g', '250 g', '200 ml', '1 pinch', '3'])[1 + (r + p * 13) % 9]
FROM generate_series(1, 1000) AS r,
     generate_series(1, 5 + (r * 7 + 4) % 8) AS p
ON CONFLICT (recipe_id, position) DO NOTHING;

-- 100,000 short codes (the broad readers' set) and the 5 "celebrity" codes (celeb01…celeb05).
-- Code i (1…100,000) is n = (i * 2654435761 + 1234567890123) mod 62^7 written in 7 base62 digits,
-- most significant first, alphabet 0-9 A-Z a-z: a bijection of i, so the codes are distinct.
INSERT INTO urls (code, url, created_at)
SELECT substr(a, (n / 56800235584 % 62)::int + 1, 1) || substr(a, (n / 916132832 % 62)::int + 1, 1) ||
       substr(a, (n / 14776336 % 62)::int + 1, 1) || substr(a, (n / 238328 % 62)::int + 1, 1) ||
       substr(a, (n / 3844 % 62)::int + 1, 1) || substr(a, (n / 62 % 62)::int + 1, 1) ||
       substr(a, (n % 62)::int + 1, 1),
       'https://example.com/articles/' || i || '?ref=gauntlet',
       timestamptz '2025-01-01 00:00:00+00'
FROM (SELECT i, (i * 2654435761 + 1234567890123) % 3521614606208 AS n,
             '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' AS a
      FROM generate_series(1::bigint, 100000::bigint) AS i) AS s
ON CONFLICT (code) DO NOTHING;

INSERT INTO urls (code, url, created_at)
SELECT 'celeb0' || c, 'https://example.com/celebrity/' || c, timestamptz '2025-01-01 00:00:00+00'
FROM generate_series(1, 5) AS c
ON CONFLICT (code) DO NOTHING;

-- URLs POST /api/shorten created are removed and every click count goes back to 0 (with the
-- record of applied click batches): the shortener's seeded state, as for the items above.
DELETE FROM urls WHERE created_at <> timestamptz '2025-01-01 00:00:00+00';
UPDATE urls SET clicks = 0 WHERE clicks <> 0;
DELETE FROM click_batches;

-- TechEmpower's World: 10,000 rows, randomNumber 1…10,000.
INSERT INTO world (id, randomnumber)
SELECT i, 1 + (i * 7919 + 4973) % 10000
FROM generate_series(1, 10000) AS i
ON CONFLICT (id) DO NOTHING;

ANALYZE items, recipes, ingredients, urls, click_batches, world;
