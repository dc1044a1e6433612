-- PATHS AFTER | BEFORE (PATHS.md §4), hand-checked. Times are minutes
-- after 2026-03-01T00:00Z; `page` is an EVENT property (NULL where absent).
-- Object 1: view 0 (home), cart 1 (product), cart 1 (no page; same
--           instant, arriving second), pay 5 (checkout), view 60 (home),
--           pay 62 (no page). Gaps: 1, 0, 4, 55, 2.
-- Object 2: one event, cart 10 (product).
-- Object 3: view 0 (home), view 2 (no page), cart 3 (product).
-- Object 4: view 0 (home), cart 10 (product), view 30 (home), cart 70
--           (product). Gaps: 10, 20, 40.
CREATE TABLE p (page EVENT STRING)
USE p
INSERT INTO p (object, timestamp, action, page) VALUES (1, '2026-03-01T00:00:00Z', 'view', 'home'), (1, '2026-03-01T00:01:00Z', 'cart', 'product')
INSERT INTO p (object, timestamp, action) VALUES (1, '2026-03-01T00:01:00Z', 'cart')
INSERT INTO p (object, timestamp, action, page) VALUES (1, '2026-03-01T00:05:00Z', 'pay', 'checkout'), (1, '2026-03-01T01:00:00Z', 'view', 'home')
INSERT INTO p (object, timestamp, action) VALUES (1, '2026-03-01T01:02:00Z', 'pay')
INSERT INTO p (object, timestamp, action, page) VALUES (2, '2026-03-01T00:10:00Z', 'cart', 'product')
INSERT INTO p (object, timestamp, action, page) VALUES (3, '2026-03-01T00:00:00Z', 'view', 'home'), (3, '2026-03-01T00:03:00Z', 'cart', 'product')
INSERT INTO p (object, timestamp, action) VALUES (3, '2026-03-01T00:02:00Z', 'view')
INSERT INTO p (object, timestamp, action, page) VALUES (4, '2026-03-01T00:00:00Z', 'view', 'home'), (4, '2026-03-01T00:10:00Z', 'cart', 'product'), (4, '2026-03-01T00:30:00Z', 'view', 'home'), (4, '2026-03-01T01:10:00Z', 'cart', 'product')
-- Anchors: 1's two carts, 2's cart (nothing after it), 3's cart (last),
-- 4's carts at 10 (and 70: last). Step 1: cart -> cart (1: 0), cart -> pay
-- (1's second cart: 4m), cart -> view (4: 20m). Step 2: cart -> pay (1's
-- first cart, through the second: 4m), pay -> view (55m), view -> cart
-- (4: 40m).
PATHS AFTER action = 'cart' STEPS 2
-- Sessions of 30m: 1's view at 60 and 4's cart at 70 start new sessions,
-- so pay -> view and view -> cart at step 2 are cut.
PATHS AFTER action = 'cart' STEPS 2 WITHIN SESSION 30m
-- OF page, anchors the views. Step 1: home -> product three times (1: 1m,
-- 4: 10m and 40m; 2 objects, mean 17m), NULL -> product from 3's page-less
-- view (1m). 1's view at 60 and 3's first view have a NULL far end at
-- step 1, left out, and the walk goes on: 3's first view gives NULL ->
-- product at step 2 (1m); 1's first view goes home -> product, (NULL),
-- NULL -> checkout at step 3 (4m, from the second cart to the pay). 4's
-- first view: product -> home at step 2 (20m), home -> product at step 3
-- (40m).
PATHS AFTER action = 'view' STEPS 3 OF page
-- BEFORE: edges run forward in time, steps are negative, -k first. 1's pay
-- at 5: cart -> pay (-1, 4m), cart -> cart (-2, 0); its pay at 62: view ->
-- pay (-1, 2m), pay -> view (-2, 55m).
PATHS BEFORE action = 'pay' STEPS 2
-- WHERE chooses anchors, but every event is a step: 1's page-less cart is
-- no anchor (no cart -> pay at step 1, no pay -> view), yet 1's first cart
-- steps through it (cart -> cart, then cart -> pay).
PATHS AFTER action = 'cart' STEPS 2 WHERE page IS NOT NULL
-- k past the path's end: 1's first view has 5 events after it.
PATHS AFTER action = 'view' STEPS 64 WHERE object = 1
-- count and objects: view -> cart 4 times (1: 1m, 3: 1m, 4: 10m and 40m),
-- 3 objects, mean 13m; 3's first view goes to its second (view -> view).
PATHS AFTER action = 'view' STEPS 1
PATHS AFTER action = 'view' STEPS 1 HAVING objects > 1
PATHS AFTER action = 'view' STEPS 1 ORDER BY count, target DESC LIMIT 2
-- ORDER BY's ties keep the default order: view -> pay and view -> view
-- both take 2m (pay before view), then view -> cart (13m).
PATHS AFTER action = 'view' STEPS 1 ORDER BY avg_time
PATHS AFTER action = 'view' STEPS 1 HAVING "objects" = 1 AND avg_time > 0 ORDER BY 3 DESC
PATHS AFTER action = 'view' STEPS 1 OF hour(timestamp) WHERE object = 4
PATHS AFTER action = 'nothing' STEPS 3
PATHS AFTER TRUE STEPS 1 OF page WHERE object = 3
EXPLAIN PATHS BEFORE action = 'pay' STEPS 2 OF page WHERE object > 1 WITHIN SESSION 30m
PATHS AFTER count() > 1 STEPS 2
PATHS AFTER action = 'cart' STEPS 65
PATHS AFTER action STEPS 2
PATHS AFTER TRUE STEPS 2 OF sum(1)
PATHS AFTER TRUE STEPS 2 GROUP BY action
PATHS AFTER TRUE STEPS 2 HAVING count() > 1
