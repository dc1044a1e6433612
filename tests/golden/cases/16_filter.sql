-- agg(...) FILTER (WHERE c) (PATHS.md §7, LANGUAGE.md §3), hand-checked.
-- Paths (t in minutes; plan and vip are STATE, carried forward):
--   object 1: view 0 (plan free, vip TRUE), cart 1 (n 2), buy 2 (price 10, n 1),
--             buy 60 (price 20, plan pro)         -- 58m after the first buy: a new session under 30m
--   object 2: view 0 (vip FALSE), buy 5 (price 5, n 4), view 6
--   object 3: view 0 (vip never set: NULL), buy 10 (price 7.5, n 3)
-- So vip is TRUE on object 1's 4 events, FALSE on object 2's 3, NULL on object 3's 2;
-- plan is free on object 1's first 3 events, pro on its 4th, NULL elsewhere.
CREATE TABLE f (plan STATE STRING, vip STATE BOOL, price EVENT FLOAT, n EVENT INT)
USE f
INSERT INTO f (object, timestamp, action, plan, vip, price, n) VALUES (1, 0, 'view', 'free', TRUE, NULL, NULL), (1, 60000000, 'cart', NULL, NULL, NULL, 2), (1, 120000000, 'buy', NULL, NULL, 10.0, 1), (1, 3600000000, 'buy', 'pro', NULL, 20.0, NULL), (2, 0, 'view', NULL, FALSE, NULL, NULL), (2, 300000000, 'buy', NULL, NULL, 5.0, 4), (2, 360000000, 'view', NULL, NULL, NULL, NULL), (3, 0, 'view', NULL, NULL, NULL, NULL), (3, 600000000, 'buy', NULL, NULL, 7.5, 3)
-- 9 events, 4 buys: 10 + 20 + 5 + 7.5 = 42.5; no view has a price, so that sum is over no values: NULL
SELECT count(), count() FILTER (WHERE action = 'buy'), sum(price) FILTER (WHERE action = 'buy'), sum(price) FILTER (WHERE action = 'view'), sum(n) FILTER (WHERE action = 'buy')
-- a NULL filter skips the event like FALSE: vip TRUE 4, NOT vip 3 (object 2), vip IS NULL 2 (object 3), NULL 0
SELECT count() FILTER (WHERE vip), count() FILTER (WHERE NOT vip), count() FILTER (WHERE vip IS NULL), count() FILTER (WHERE NULL), count(price) FILTER (WHERE vip)
-- filters on STATE values, per group: buys are e3 (free, 10), e4 (pro, 20), and two with no plan
SELECT action, count(), sum(price) FILTER (WHERE plan = 'free'), sum(price) FILTER (WHERE plan = 'pro'), max(price) FILTER (WHERE plan IS NULL) GROUP BY action
-- two aggregates that differ only in their filter; DISTINCT with a filter:
-- object 1 (vip) did view, cart, buy: 3; object 2 (NOT vip) view, buy: 2
SELECT count(DISTINCT action) FILTER (WHERE vip), count(DISTINCT action) FILTER (WHERE NOT vip), count(DISTINCT action)
-- objects and sessions with a filter: every object buys (3); only object 1 pays more than 8 (1);
-- of the 4 sessions (object 1's two, object 2's, object 3's) only object 1's second has no view: 3
SELECT objects() FILTER (WHERE action = 'buy'), objects() FILTER (WHERE price > 8), sessions() FILTER (WHERE action = 'view'), sessions() WITHIN SESSION 30m
-- the filter sees only events WHERE keeps: buys by vip objects are object 1's two
SELECT count() FILTER (WHERE vip), count() WHERE action = 'buy'
-- a group exists for every matching event, whether or not a filter holds (nothing costs over 100)
SELECT action, count() FILTER (WHERE price > 100), sum(price) FILTER (WHERE price > 100) GROUP BY action
-- median of the buys under 15 (5, 7.5, 10): 7.5; the largest vip price: 20; one pro price: stddev 0
SELECT median(price) FILTER (WHERE action = 'buy' AND price < 15), quantile(price, 1) FILTER (WHERE vip), stddev(price) FILTER (WHERE plan = 'pro')
-- HAVING and ORDER BY with filtered aggregates: only view and buy have NOT vip events (object 2's);
-- its buy cost 5, its views nothing (NULL, last under DESC)
SELECT action, count() GROUP BY action HAVING count() FILTER (WHERE NOT vip) > 0 ORDER BY sum(price) FILTER (WHERE NOT vip) DESC
-- OVER OBJECT with a filter as a GROUP BY key: object 1 buys twice (4 events), objects 2 and 3 once (3 + 2 events)
SELECT count() FILTER (WHERE action = 'buy') OVER OBJECT AS buys, objects(), count() GROUP BY buys
-- the last plan seen at a buy: object 1's is pro (its second buy), the others have none
SELECT last(plan) FILTER (WHERE action = 'buy') OVER OBJECT AS plan_at_buy, objects() GROUP BY plan_at_buy
-- WHERE first, then the filter: without the cart, object 1's free-plan spend is 10, the others' nothing (NULL)
SELECT sum(price) FILTER (WHERE plan = 'free') OVER OBJECT AS free_spend, count() WHERE action != 'cart' GROUP BY free_spend
EXPLAIN SELECT count() FILTER (WHERE vip), sum(price) FILTER (WHERE action = 'buy') GROUP BY action
-- misuse
SELECT count() FILTER (WHERE price)
SELECT count() FILTER (WHERE count() > 1)
SELECT count() GROUP BY day(timestamp) FILTER (WHERE vip)
SELECT count() FILTER (vip)
-- INT overflow (big.csv: object 1 n = 2^63-1 then 1; object 2 n = -2^63 then -1):
-- an argument whose filter is not TRUE is not evaluated: n + 1 only for 1, -2^63 and -1,
-- summing 2 + (-2^63 + 1) + 0 = -9223372036854775805
CREATE TABLE big (n EVENT INT, f EVENT FLOAT)
LOAD 'big.csv' INTO big
USE big
SELECT sum(n + 1) FILTER (WHERE n < 100), count() FILTER (WHERE n < 100)
-- the filter itself is evaluated on every matching event: n + 1 overflows at 2^63-1
SELECT count() FILTER (WHERE n + 1 > 0)
-- per event the filter comes before the argument: both overflow at the first event of each object
-- (n * 2 at either), so the filter's error is the one reported
SELECT sum(n - 1) FILTER (WHERE n * 2 > 0)
