-- EXPIRES AFTER d [TO literal] and age(p) (PATHS.md §7, §8; LANGUAGE.md §10), hand-checked.
-- online lapses after 5m to FALSE, tier after 5m to 'lapsed' (a string no event carries),
-- plan after 10m to NULL (no TO). Paths (t in minutes; +1us = one microsecond later):
--   object 1: a 0 (online TRUE, tier gold), b 3, c 5 (exactly s + d: still valid), d 5+1us (lapsed),
--             e 7 (online TRUE again), f 11 (online TRUE: a heartbeat), g 15 (4m after f: valid), h 30
--   object 2: a 0 (plan pro), b 10 (exactly s + d: still pro); online and tier never set: NULL
--   object 3: a 0 (online TRUE, plan free), b 11 (both lapsed), c 11 (a tie after b: online TRUE again)
CREATE TABLE d (online STATE BOOL EXPIRES AFTER 5m TO FALSE, tier STATE STRING EXPIRES AFTER 5m TO 'lapsed', plan STATE STRING EXPIRES AFTER 600000000, kind EVENT STRING)
USE d
INSERT INTO d (object, timestamp, action, online, tier, plan) VALUES (1, 0, 'a', TRUE, 'gold', NULL), (1, 180000000, 'b', NULL, NULL, NULL), (1, 300000000, 'c', NULL, NULL, NULL), (1, 300000001, 'd', NULL, NULL, NULL), (1, 420000000, 'e', TRUE, NULL, NULL), (1, 660000000, 'f', TRUE, NULL, NULL), (1, 900000000, 'g', NULL, NULL, NULL), (1, 1800000000, 'h', NULL, NULL, NULL)
INSERT INTO d (object, timestamp, action, online, tier, plan) VALUES (2, 0, 'a', NULL, NULL, 'pro'), (2, 600000000, 'b', NULL, NULL, NULL), (3, 0, 'a', TRUE, NULL, 'free'), (3, 660000000, 'b', NULL, NULL, NULL), (3, 660000000, 'c', TRUE, NULL, NULL)
DESCRIBE d
-- every event with its states and ages (age: since the last event carrying a value, heartbeats included;
-- a lapse does not change it; NULL when never set)
SELECT object, action, online, age(online), tier, age(tier), plan, age(plan) GROUP BY object, action, online, age(online), tier, age(tier), plan, age(plan)
-- grouping by the TO value: gold on 1a 1b 1c; lapsed on 1d..1h (5); NULL on objects 2 and 3 (5)
SELECT tier, count() GROUP BY tier
-- comparing with the TO value and ordering around it: 'gold' < 'h' < 'lapsed'
SELECT count() WHERE tier = 'lapsed'
SELECT count() FILTER (WHERE tier < 'h'), count() FILTER (WHERE tier > 'h'), count() FILTER (WHERE tier IN ('lapsed', 'x')), count() FILTER (WHERE tier LIKE 'la%')
-- online FALSE (lapsed): 1d, 1h, 3b; TRUE: 1a 1b 1c 1e 1f 1g 3a 3c (8); NULL: object 2 (2)
SELECT online, count(), max(age(online)) GROUP BY online
SELECT count() WHERE NOT online
-- plan without TO lapses to NULL: object 2's b (10m) is still pro, object 3's b and c are NULL
SELECT plan, count() GROUP BY plan
-- aggregates' arguments and filters read the lapsed value: min(tier) over object 1 is gold, max lapsed
SELECT object, min(tier), max(tier), sum(age(online)) FILTER (WHERE online), count() FILTER (WHERE online) GROUP BY object
-- OVER OBJECT: the last non-NULL tier of object 1 is 'lapsed'; objects 2 and 3 have none
SELECT last(tier) OVER OBJECT AS t, count() GROUP BY t
-- age in WHERE: events at least 5m after online was last set: 1c (5m), 1d (5m+1us), 1h (19m), 3b (11m)
SELECT object, action WHERE age(online) >= 300000000 GROUP BY object, action
-- FUNNEL steps read lapsed values: online then not online within 1h: objects 1 (a, d) and 3 (a, b)
FUNNEL online THEN NOT online WITHIN 1h
-- HOLDING a lapsing state: tier gold at a step-1 event and at the step-2 event; object 1 only
-- (1a view-like step, then 1c still gold; 1d is lapsed)
FUNNEL action = 'a' THEN action = 'c' WITHIN 1h HOLDING tier
FUNNEL action = 'a' THEN action = 'd' WITHIN 1h HOLDING tier
-- RETENTION keys and conditions: the entry at each object's first event; returns with tier lapsed: object 1
RETENTION FROM TRUE TO tier = 'lapsed' EVERY DAY FOR 1 GROUP BY plan
-- GET OBJECT ... AS OF reads states at the instant: exactly 5m after the set time still valid,
-- 1us later lapsed; after the heartbeat at 11m, online holds to 16m
GET OBJECT 1 AS OF 300000000
GET OBJECT 1 AS OF 300000001
GET OBJECT 1 AS OF 960000000
GET OBJECT 1 AS OF 960000001
GET OBJECT 2 AS OF 600000001
-- the raw path is unchanged
GET OBJECT 3
-- ALTER TABLE ADD ... EXPIRES: a new schema version; INT literal TO a FLOAT property
ALTER TABLE d ADD score STATE FLOAT EXPIRES AFTER 1m TO 0
ALTER TABLE d ADD level STATE INT EXPIRES AFTER 1m
INSERT INTO d (object, timestamp, action, score, level) VALUES (4, 0, 'a', 2.5, 7), (4, 60000000, 'b', NULL, NULL), (4, 60000001, 'c', NULL, NULL)
DESCRIBE d
-- object 4: a 0 (score 2.5, level 7), b 1m (exactly s + d), c 1m+1us: score lapses to 0.0, level to NULL
SELECT action, score, level, age(score) WHERE object = 4 GROUP BY action, score, level, age(score)
EXPLAIN SELECT count() GROUP BY tier, age(online)
-- errors
SELECT age(kind)
SELECT age(event.kind)
SELECT age(nope)
SELECT age(1)
SELECT age(online, tier)
SELECT age(online) GROUP BY action
CREATE TABLE e1 (k EVENT STRING EXPIRES AFTER 5m)
CREATE TABLE e2 (k STATE STRING EXPIRES AFTER 0)
CREATE TABLE e3 (k STATE STRING EXPIRES AFTER 5m TO 5)
CREATE TABLE e4 (k STATE INT EXPIRES AFTER 5m TO 1.5)
CREATE TABLE e5 (k STATE BOOL EXPIRES AFTER 5m TO 'yes')
ALTER TABLE d ADD k EVENT INT EXPIRES AFTER 1d
ALTER TABLE d ADD k STATE FLOAT EXPIRES AFTER 1d TO TRUE
CREATE TABLE e6 (k STATE INT EXPIRES AFTER 5m TO NULL)
DESCRIBE e6
