-- agg(x) OVER OBJECT, first, last (PATHS.md §5), hand-checked.
-- Object 1: signup 0 (country fr, plan free), view 1d, purchase 32d (plan pro,
-- in February), purchase 33d. Object 2: view 0 (country NULL), view 1h
-- (country de). Object 3: purchase 40d (country de).
CREATE TABLE o (country STATE STRING, plan STATE STRING, price EVENT FLOAT)
USE o
INSERT INTO o (object, timestamp, action, country, plan, price) VALUES (1, 0, 'signup', 'fr', 'free', NULL), (1, 86400000000, 'view', NULL, NULL, NULL), (1, 2764800000000, 'purchase', NULL, 'pro', 10.5), (1, 2851200000000, 'purchase', NULL, NULL, 4.5), (2, 0, 'view', NULL, NULL, NULL), (2, 3600000000, 'view', 'de', NULL, NULL), (3, 3456000000000, 'purchase', 'de', NULL, 7.0)
-- events per object as a key: objects 1 (4 events), 2 (2) and 3 (1)
SELECT count() OVER OBJECT AS n, objects(), count() GROUP BY n
-- first touch: object 2's first event has no country, so its first non-NULL country is de
SELECT first(state.country) OVER OBJECT AS first_country, objects() GROUP BY first_country
-- acquisition cohort: the month of each object's first event
SELECT month(first(timestamp) OVER OBJECT) AS cohort, objects(), sum(price) GROUP BY cohort
-- per-object aggregates count matching events only (WHERE)
SELECT count() OVER OBJECT, objects() WHERE action = 'purchase' GROUP BY count() OVER OBJECT
SELECT last(state.plan) OVER OBJECT, max(price) OVER OBJECT, count() GROUP BY last(state.plan) OVER OBJECT, max(price) OVER OBJECT
-- FUNNEL keyed by the first country (first touch attribution)
FUNNEL action = 'view' THEN action = 'purchase' WITHIN 60d GROUP BY first(state.country) OVER OBJECT
-- misuse
SELECT count() WHERE count() OVER OBJECT > 1
SELECT first(action), count()
SELECT last(price)
SELECT count() OVER OBJECT, count()
SELECT sum(count() OVER OBJECT)
SELECT count() GROUP BY hour(timestamp) OVER OBJECT
FUNNEL action = 'view' THEN count() OVER OBJECT > 1 WITHIN 1d
-- A key over a property that is also a key (a result column of that name):
-- HAVING's OVER OBJECT still names the key, not a fresh per-event value.
FUNNEL action = 'view' THEN action = 'purchase' WITHIN 60d GROUP BY sum(price) OVER OBJECT, price HAVING sum(price) OVER OBJECT > 0
RETENTION FROM TRUE TO TRUE EVERY MONTH FOR 2 GROUP BY count(DISTINCT plan) OVER OBJECT, plan HAVING count(DISTINCT plan) OVER OBJECT > 1
