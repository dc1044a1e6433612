-- next, prev, nth, dwell (PATHS.md §4), hand-checked. Minutes as µs.
-- Object 1: view 0, view 1m, (no action, price 9) 2m, add_to_cart 3m, purchase 3m
-- (a tie: path order is arrival), view 60m, add_to_cart 61m; with WITHIN
-- SESSION 30m its sessions are the first five events and the last two.
-- Object 2: one view at 0. Object 3: add_to_cart 0, add_to_cart 10m, view 100m.
CREATE TABLE t (price EVENT INT, plan STATE STRING)
USE t
INSERT INTO t (object, timestamp, action, price, plan) VALUES (1, 0, 'view', NULL, 'free'), (1, 60000000, 'view', 5, NULL), (1, 120000000, NULL, 9, NULL), (1, 180000000, 'add_to_cart', 7, 'pro'), (1, 180000000, 'purchase', 7, NULL), (1, 3600000000, 'view', NULL, NULL), (1, 3660000000, 'add_to_cart', 2, NULL), (2, 0, 'view', 1, NULL), (3, 0, 'add_to_cart', 3, 'free'), (3, 600000000, 'add_to_cart', NULL, NULL), (3, 6000000000, 'view', 4, 'pro')
-- plain next / prev, n past the end, the tie at 3m in arrival order
SELECT object, timestamp, action, next(action), next(action, 2), prev(action), prev(action, 3) GROUP BY object, timestamp, action, next(action), next(action, 2), prev(action), prev(action, 3)
-- the same within sessions: nothing crosses the 57m gap of object 1
SELECT object, timestamp, action, next(action), next(action, 2), prev(action) WITHIN SESSION 30m GROUP BY object, timestamp, action, next(action), next(action, 2), prev(action)
-- DISTINCT: on view, view, (no action), cart the first view's next(DISTINCT action) is NULL and its next(DISTINCT action, 2) add_to_cart
SELECT timestamp, action, next(DISTINCT action), next(DISTINCT action, 2), prev(DISTINCT action), prev(DISTINCT action, 2) WHERE object = 1 GROUP BY timestamp, action, next(DISTINCT action), next(DISTINCT action, 2), prev(DISTINCT action), prev(DISTINCT action, 2)
-- WHERE counts only the events satisfying it (the query's WHERE only picks the rows)
SELECT object, timestamp, action, next(timestamp WHERE action = 'view'), next(action, 2 WHERE price IS NOT NULL), prev(price WHERE price > 4) WHERE action != 'purchase' GROUP BY object, timestamp, action, next(timestamp WHERE action = 'view'), next(action, 2 WHERE price IS NOT NULL), prev(price WHERE price > 4)
-- a STATE value at the next event, and nth
SELECT object, timestamp, action, next(state.plan), nth(action = 'view'), nth(TRUE) GROUP BY object, timestamp, action, next(state.plan), nth(action = 'view'), nth(TRUE)
SELECT object, timestamp, action, nth(action = 'view'), nth(TRUE) WITHIN SESSION 30m GROUP BY object, timestamp, action, nth(action = 'view'), nth(TRUE)
-- dwell: NULL on the last event, and on the last of each session
SELECT object, timestamp, action, dwell() GROUP BY object, timestamp, action, dwell()
SELECT object, timestamp, action, dwell() WITHIN SESSION 30m GROUP BY object, timestamp, action, dwell()
-- what follows add_to_cart, and top paths
SELECT count() WHERE action = 'add_to_cart' GROUP BY next(action)
SELECT next(action), count() WHERE action = 'add_to_cart' GROUP BY next(action)
SELECT next(action), next(action, 2), count(), objects() WHERE action IN ('add_to_cart', 'view') GROUP BY next(action), next(action, 2) ORDER BY 3 DESC, 1 LIMIT 3
-- inside aggregates, FILTER, WHERE, HAVING over a key, OVER OBJECT
SELECT sum(dwell()), max(dwell()), count(next(action)), count() FILTER (WHERE next(action) IS NULL) WHERE action = 'view'
SELECT count(), objects() WHERE next(action) = 'purchase' OR prev(action) = 'purchase'
SELECT next(action) AS after, count() GROUP BY next(action) HAVING next(action) IS NOT NULL AND count() > 1
SELECT sum(dwell()) OVER OBJECT AS span, objects() GROUP BY span
-- path statements: a step condition and a key
FUNNEL action = 'view' AND next(action) = 'view' THEN action = 'add_to_cart' WITHIN 1d GROUP BY next(action, 2)
RETENTION FROM action = 'view' AND next(action) IS NOT NULL TO prev(action) = 'view' EVERY DAY FOR 1
-- misuse
SELECT count() GROUP BY next(action, 0)
SELECT count() GROUP BY prev(action, 65)
SELECT count() GROUP BY next(action, price)
SELECT count() GROUP BY next(action, -1)
SELECT count() GROUP BY next(next(action))
SELECT count() GROUP BY next(action WHERE count() > 1)
SELECT count() GROUP BY next(count() OVER OBJECT)
SELECT next(action), count()
SELECT count() HAVING nth(TRUE) > 1
SELECT count() GROUP BY nth(action)
SELECT count() GROUP BY nth(TRUE WHERE TRUE)
SELECT count() GROUP BY nth(DISTINCT TRUE)
SELECT count() GROUP BY dwell(1)
SELECT count() GROUP BY next()
SELECT count() GROUP BY next(action) FILTER (WHERE TRUE)
SELECT count() GROUP BY next(action) OVER OBJECT
SELECT sum(price WHERE price > 1)
SELECT count(DISTINCT action, 2)
SELECT count() GROUP BY next(DISTINCT action WHERE TRUE)
