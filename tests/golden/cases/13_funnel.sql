-- FUNNEL (PATHS.md §1), hand-checked on small paths.
-- Object 1: view 0, cart 1m, remove 1m (same timestamp, arrives after the
-- cart), purchase 2m, cart 10m, purchase 11m. Object 2: view, cart,
-- remove, purchase at the same times as 1's first four. Object 3: one view.
-- Object 4: purchase 0 then view 1m (wrong order), view 2h, cart 2h + 1h.
CREATE TABLE f (country STATE STRING, plan STATE STRING, price EVENT FLOAT)
USE f
INSERT INTO f (object, timestamp, action, country) VALUES (1, 0, 'view', 'fr'), (1, 60000000, 'cart', NULL), (1, 60000000, 'remove', NULL), (1, 120000000, 'purchase', NULL), (1, 600000000, 'cart', NULL), (1, 660000000, 'purchase', NULL)
INSERT INTO f (object, timestamp, action, country) VALUES (2, 0, 'view', 'de'), (2, 60000000, 'cart', NULL), (2, 60000000, 'remove', NULL), (2, 120000000, 'purchase', NULL), (3, 0, 'view', 'de')
INSERT INTO f (object, timestamp, action, country) VALUES (4, 0, 'purchase', 'de'), (4, 60000000, 'view', NULL), (4, 7200000000, 'view', NULL), (4, 10800000000, 'cart', NULL)
-- no exclusion: 1 and 2 reach 3 at 2m; 4 reaches cart 1h after its second view
FUNNEL action = 'view' AS viewed THEN action = 'cart' THEN action = 'purchase' WITHIN 1h
-- the window is inclusive: exactly 1h from the view at 2h reaches the cart
FUNNEL action = 'view' THEN action = 'cart' WITHIN 3600000000 RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'cart' WITHIN 3599999999 RETURN OBJECTS
-- PATHS.md's example: the remove between cart and purchase invalidates 2's
-- chain; 1 continues the same view with the cart at 10m (reach 0, 1m, 11m)
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h EXCLUDE action = 'remove' BETWEEN STEP 2 AND 3
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h EXCLUDE action = 'remove' BETWEEN STEP 2 AND 3 RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h EXCLUDE action = 'remove' RETURN OBJECTS DROPPED AFTER 2
-- STRICT: the remove comes right after the carts of 1 and 2, so neither reaches the purchase;
-- 4's cart is the event right after its view at 2h
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h STRICT RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'purchase' WITHIN 1h ANY ORDER
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h GROUP BY state.country HAVING objects > 0 ORDER BY state.country DESC, step
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h RETURN TIMES FROM STEP 1 TO STEP 3 BUCKET 5m
FUNNEL action = 'view' THEN action = 'cart' WITHIN 1h WITHIN SESSION 30m RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'nothing' WITHIN 1h
FUNNEL action = 'nothing' THEN action = 'view' WITHIN 1h
FUNNEL action = 'nothing' THEN action = 'view' WITHIN 1h GROUP BY state.country
-- Table g. Object 10: one view (step 1 and step 2 both accept a view; one
-- event is never two steps). Object 11: view 0, view 1m. Object 12: view 0,
-- click 1m, view 2m, cart 3m (STRICT: the click breaks the first chain, the
-- view at 2m re-enters). Object 13: view 0 on plan a, cart 1m on plan b,
-- view 2m, purchase 3m (HOLDING state.plan: no chain keeps one plan).
-- Object 14: view 0, logout 1m, cart 2m, view 3m, cart 4m.
CREATE TABLE g (plan STATE STRING)
USE g
INSERT INTO g (object, timestamp, action, plan) VALUES (10, 0, 'view', NULL), (11, 0, 'view', NULL), (11, 60000000, 'view', NULL), (12, 0, 'view', NULL), (12, 60000000, 'click', NULL), (12, 120000000, 'view', NULL), (12, 180000000, 'cart', NULL)
INSERT INTO g (object, timestamp, action, plan) VALUES (13, 0, 'view', 'a'), (13, 60000000, 'cart', 'b'), (13, 120000000, 'view', NULL), (13, 180000000, 'purchase', NULL), (14, 0, 'view', NULL), (14, 60000000, 'logout', NULL), (14, 120000000, 'cart', NULL), (14, 180000000, 'view', NULL), (14, 240000000, 'cart', NULL)
FUNNEL action = 'view' THEN action IN ('view', 'cart') WITHIN 1h RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'cart' WITHIN 1h STRICT RETURN OBJECTS
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h WHERE object = 13
FUNNEL action = 'view' THEN action = 'cart' THEN action = 'purchase' WITHIN 1h HOLDING state.plan WHERE object = 13
FUNNEL action = 'view' THEN action = 'cart' WITHIN 1h EXCLUDE action = 'logout' BETWEEN STEP 1 AND 2 WHERE object = 14 RETURN OBJECTS
