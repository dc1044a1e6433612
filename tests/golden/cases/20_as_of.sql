-- SELECT ... AS OF ts (PATHS.md §6; LANGUAGE.md §11), hand-checked. online
-- lapses after 5m to FALSE; plan never lapses; price is an EVENT property.
-- Times are µs (1m = 60000000). Paths:
--   object 1: signup 0 (plan free, online TRUE, price 10), buy 10m (plan
--             pro, price 20), view 10m (a tie, arriving after buy: no
--             price), ping 20m (online TRUE again: a heartbeat), view 30m
--   object 2: signup 5m (plan free, online TRUE, price 7)
--   object 3: signup 40m (plan pro, online TRUE)
--   object 4: view 0 (price 5); never any state
CREATE TABLE a (online STATE BOOL EXPIRES AFTER 5m TO FALSE, plan STATE STRING, price EVENT INT)
USE a
INSERT INTO a (object, timestamp, action, plan, online, price) VALUES (1, 0, 'signup', 'free', TRUE, 10), (1, 600000000, 'buy', 'pro', NULL, 20)
INSERT INTO a (object, timestamp, action) VALUES (1, 600000000, 'view')
INSERT INTO a (object, timestamp, action, online) VALUES (1, 1200000000, 'ping', TRUE)
INSERT INTO a (object, timestamp, action) VALUES (1, 1800000000, 'view')
INSERT INTO a (object, timestamp, action, plan, online, price) VALUES (2, 300000000, 'signup', 'free', TRUE, 7), (3, 2400000000, 'signup', 'pro', TRUE, NULL), (4, 0, 'view', NULL, NULL, 5)
-- Exactly at 10m, an instant with two events: object 1's row is the view
-- (the last in arrival order), its price NULL although signup and buy
-- carried one; plan pro (set at 10m: age 0); online set at 0 is 10m old,
-- lapsed: FALSE (age 10m). Object 2: online set at 5m is exactly 5m old
-- (t - s <= d): still TRUE. Object 3's first event is later: no row.
-- Object 4: its view, states NULL, ages NULL.
SELECT object, timestamp, action, event.price, state.plan, age(plan), state.online, age(online) AS OF 600000000 GROUP BY object, timestamp, action, event.price, state.plan, age(plan), state.online, age(online)
-- 1 µs later object 2's online has lapsed (FALSE, age 5m + 1us).
SELECT object, state.online, age(online) AS OF 600000001 GROUP BY object, state.online, age(online)
-- 1 µs before 10m object 1's row is signup (price 10, plan free), online
-- 10m - 1us old: FALSE.
SELECT object, action, price, plan, online AS OF 599999999 GROUP BY object, action, price, plan, online
-- 22m: object 1's heartbeat at 20m refreshed online (TRUE, age 2m);
-- object 2's (17m old) lapsed. ISO instants work as in GET OBJECT.
SELECT object, action, online, age(online) AS OF '1970-01-01T00:22:00Z' GROUP BY object, action, online, age(online)
-- 45m, after every event: one row per object. GROUP BY state.plan: 1 pro,
-- 2 free, 3 pro, 4 NULL; count() counts rows, objects() objects.
SELECT state.plan, count(), objects() AS OF 2700000000 GROUP BY state.plan
-- online at 45m: object 1 (20m: 25m old) and 2 FALSE, object 3 (40m:
-- exactly 5m old) TRUE, object 4 NULL.
SELECT online, count() FROM a AS OF 2700000000 GROUP BY online
-- WHERE on the row's action: objects 1 (view at 30m) and 4.
SELECT object, timestamp AS OF 2700000000 WHERE action = 'view' GROUP BY object, timestamp
-- event.p is the last event's: 1's view NULL, 2's signup 7, 3's NULL, 4's 5.
SELECT sum(price), count(price), min(timestamp), max(age(plan)) AS OF 2700000000
-- an alias right before AS OF; HAVING and ORDER BY on the result
SELECT plan AS p, count() AS c AS OF 2700000000 GROUP BY p HAVING c >= 1 ORDER BY c DESC, p LIMIT 2
-- before every event: no object has a row; a key-less SELECT still gives
-- its one row (count 0, objects 0).
SELECT count(), objects() AS OF -1
SELECT object, count() AS OF -1 GROUP BY object
-- GET OBJECT ... AS OF reads the same instant the same way.
GET OBJECT 1 AS OF 600000000
GET OBJECT 2 AS OF 600000001
EXPLAIN SELECT plan, count() AS OF '2026-03-01' WHERE online GROUP BY plan
-- A sparse STATE column (at most one event in 8 carries it, so the chunk
-- lists its events): object 1 ticks every minute 0..16 with tier gold at
-- 3m and silver at 12m; object 2 the same with bronze at 5m only. At 11m:
-- 1 gold (age 8m), 2 bronze (age 6m); at 12m: 1 silver (age 0); at 4m: 1
-- gold (age 1m), 2 never set (NULL); at 2m: neither set.
CREATE TABLE s (tier STATE STRING)
USE s
INSERT INTO s (object, timestamp, action, tier) VALUES (1, 0, 'tick', NULL), (1, 60000000, 'tick', NULL), (1, 120000000, 'tick', NULL), (1, 180000000, 'tick', 'gold'), (1, 240000000, 'tick', NULL), (1, 300000000, 'tick', NULL), (1, 360000000, 'tick', NULL), (1, 420000000, 'tick', NULL), (1, 480000000, 'tick', NULL), (1, 540000000, 'tick', NULL), (1, 600000000, 'tick', NULL), (1, 660000000, 'tick', NULL), (1, 720000000, 'tick', 'silver'), (1, 780000000, 'tick', NULL), (1, 840000000, 'tick', NULL), (1, 900000000, 'tick', NULL), (1, 960000000, 'tick', NULL)
INSERT INTO s (object, timestamp, action, tier) VALUES (2, 0, 'tick', NULL), (2, 60000000, 'tick', NULL), (2, 120000000, 'tick', NULL), (2, 180000000, 'tick', NULL), (2, 240000000, 'tick', NULL), (2, 300000000, 'tick', 'bronze'), (2, 360000000, 'tick', NULL), (2, 420000000, 'tick', NULL), (2, 480000000, 'tick', NULL), (2, 540000000, 'tick', NULL), (2, 600000000, 'tick', NULL), (2, 660000000, 'tick', NULL), (2, 720000000, 'tick', NULL), (2, 780000000, 'tick', NULL), (2, 840000000, 'tick', NULL), (2, 900000000, 'tick', NULL), (2, 960000000, 'tick', NULL)
SELECT object, tier, age(tier) AS OF 660000000 GROUP BY object, tier, age(tier)
SELECT object, tier, age(tier) AS OF 720000000 GROUP BY object, tier, age(tier)
SELECT object, tier, age(tier) AS OF 240000000 GROUP BY object, tier, age(tier)
SELECT tier, count() AS OF 120000000 GROUP BY tier
GET OBJECT 1 AS OF 720000000
-- misuse: what needs more than one event of a path is refused with AS OF
SELECT count() AS OF 0 WITHIN SESSION 30m
SELECT next(action), count() AS OF 0 GROUP BY next(action)
SELECT count() AS OF 0 WHERE prev(action) = 'view'
SELECT count() AS OF 0 WHERE nth(action = 'view') = 1
SELECT max(dwell()) AS OF 0
SELECT count() OVER OBJECT AS n, count() AS OF 0 GROUP BY n
SELECT sessions() AS OF 0
SELECT session.number, count() AS OF 0 GROUP BY session.number
SELECT count() AS OF 'yesterday'
SELECT count() AS OF timestamp
SELECT count() AS OF 1 + 1
FUNNEL action = 'a' THEN action = 'b' WITHIN 1h AS OF 0
