-- SELECT ... DURING t1 TO t2 [EVERY period] and duration() (PATHS.md §7; LANGUAGE.md §11), hand-checked.
-- online lapses 5m after it was set, to FALSE. The range is R = 2026-01-31 20:00 .. 2026-02-01 04:00 (8h);
-- midnight is both a day and a month boundary. Times below are hh:mm of those two days.
--   object 1: login 1-31 18:00 (online TRUE, plan pro: before t1, carried in; online lapsed at 18:05),
--             ping 23:00 (online TRUE: lapses 23:05, inside its interval), ping 01:00 (online TRUE),
--             ping 01:03 (online TRUE: a heartbeat, no cut at 01:05; lapses 01:08), last event: piece to t2
--   object 2: signup 02:00 (plan free) tied with upgrade 02:00 (plan pro): signup's piece is empty, dropped;
--             view 03:00. Nothing before 02:00. online never set: NULL
--   object 3: one event after t2: no pieces
--   object 4: one event 1-30 00:00 (plan basic): its state covers all of R
-- Pieces with EVERY DAY (object, action, start, length, online, plan, age(online)):
--   1 login 20:00 3h FALSE pro 2h | 1 ping 23:00 5m TRUE pro 0 | 1 ping 23:05 55m FALSE pro 5m
--   1 ping 00:00 1h FALSE pro 1h  | 1 ping 01:00 3m TRUE pro 0 | 1 ping 01:03 5m TRUE pro 0
--   1 ping 01:08 2h52m FALSE pro 5m (object 1: 8h in 7 pieces)
--   2 upgrade 02:00 1h NULL pro NULL | 2 view 03:00 1h NULL pro NULL
--   4 seed 20:00 4h NULL basic NULL | 4 seed 00:00 4h NULL basic NULL            (11 pieces, 18h)
CREATE TABLE dv (online STATE BOOL EXPIRES AFTER 5m TO FALSE, plan STATE STRING, kind EVENT STRING)
USE dv
INSERT INTO dv (object, timestamp, action, online, plan) VALUES (1, '2026-01-31T18:00:00Z', 'login', TRUE, 'pro'), (1, '2026-01-31T23:00:00Z', 'ping', TRUE, NULL), (1, '2026-02-01T01:00:00Z', 'ping', TRUE, NULL), (1, '2026-02-01T01:03:00Z', 'ping', TRUE, NULL)
INSERT INTO dv (object, timestamp, action, online, plan) VALUES (2, '2026-02-01T02:00:00Z', 'signup', NULL, 'free'), (2, '2026-02-01T02:00:00Z', 'upgrade', NULL, 'pro'), (2, '2026-02-01T03:00:00Z', 'view', NULL, NULL), (3, '2026-02-01T05:00:00Z', 'late', TRUE, 'pro'), (4, '2026-01-30T00:00:00Z', 'seed', NULL, 'basic')
-- every piece (see above); timestamp is the piece's start, duration() its length
SELECT object, action, timestamp, duration(), online, plan, age(online) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY GROUP BY object, action, timestamp, duration(), online, plan, age(online)
-- count() counts pieces: 11, 18h in all
SELECT count(), sum(duration()), objects() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY
-- without EVERY: no cut at midnight, still cut at the lapses (23:05, 01:08) though nothing reads online:
-- object 1: 20:00 3h, 23:00 5m, 23:05 1h55m, 01:00 3m, 01:03 5m, 01:08 2h52m; object 2: 2; object 4: 1 (9 pieces)
SELECT count(), sum(duration()) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z'
SELECT object, count(), sum(duration()) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' GROUP BY object
-- uptime (PATHS.md §7): object 1 online 5m + 3m + 5m = 13m of 8h = 0.0270833...; objects 2 and 4 never online: NULL
SELECT object, sum(duration()) FILTER (WHERE online) / sum(duration()) AS uptime DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY GROUP BY object
-- time on each plan per day: 01-31 basic 4h, pro 4h (object 1 20:00-24:00); 02-01 basic 4h, pro 4h + 2h (object 2)
SELECT day(timestamp), plan, sum(duration()) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY GROUP BY day(timestamp), plan
-- the same by month: midnight is also a month boundary
SELECT month(timestamp), plan, sum(duration()), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY MONTH GROUP BY month(timestamp), plan
-- EVERY HOUR: 2h in every hour but 02 and 03 (object 2 too: 3h); pieces: object 1 3 + 3 + 1 + 4, object 2 2, object 4 8 = 21
SELECT hour(timestamp), sum(duration()), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY HOUR GROUP BY hour(timestamp)
-- WHERE selects pieces (action is the piece's event's): object 1's pings, 6 pieces, 5h; the tied signup has none
SELECT count(), sum(duration()) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY WHERE action = 'ping'
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' WHERE action = 'signup'
-- WHERE on timestamp (the piece's start) and on state: online pieces start at 23:00, 01:00, 01:03
SELECT timestamp, duration() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY WHERE online GROUP BY timestamp, duration()
-- a range starting exactly at object 2's events and at 01:03 (an event of object 1): object 1 01:03 5m TRUE,
-- 01:08 52m FALSE; object 4 01:03 57m (its state carried in); object 2 02:00 (upgrade) is excluded: t2 is exclusive
SELECT object, timestamp, duration(), online DURING '2026-02-01T01:03:00Z' TO '2026-02-01T02:00:00Z' GROUP BY object, timestamp, duration(), online
-- integer µs instants (1769889600000000 = 2026-01-31T20:00:00Z) and a one-µs range at a lapse: 23:05 reads FALSE
SELECT count(), sum(duration()) DURING 1769889600000000 TO '2026-02-01T04:00:00Z' EVERY WEEK
SELECT online, age(online), duration() DURING '2026-01-31T23:05:00Z' TO 1769900700000001 WHERE object = 1 GROUP BY online, age(online), duration()
EXPLAIN SELECT plan, sum(duration()) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY GROUP BY plan
-- misuse
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' WITHIN SESSION 30m
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' WHERE count() OVER OBJECT > 1
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' WHERE next(action) = 'ping'
SELECT dwell(), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' GROUP BY dwell()
SELECT sum(duration())
SELECT sum(duration(action)) DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z'
SELECT count() DURING '2026-02-01T04:00:00Z' TO '2026-01-31T20:00:00Z'
SELECT count() DURING '2026-02-01' TO '2026-02-01'
SELECT count() DURING 'soon' TO '2026-02-01'
SELECT day(timestamp), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' GROUP BY day(timestamp)
SELECT hour(timestamp), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY DAY GROUP BY hour(timestamp)
SELECT week(timestamp), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY MONTH GROUP BY week(timestamp)
SELECT month(timestamp), count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY WEEK GROUP BY month(timestamp)
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' EVERY YEAR
FUNNEL action = 'ping' THEN action = 'ping' WITHIN 1h DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z'
SELECT count() AS OF '2026-02-01' DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z'
SELECT count() DURING '2026-01-31T20:00:00Z' TO '2026-02-01T04:00:00Z' AS OF '2026-02-01'
