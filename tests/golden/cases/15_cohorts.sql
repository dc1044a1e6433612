-- RETENTION, LIFECYCLE, STICKINESS (PATHS.md §2, §3), hand-checked.
-- Weeks start on Monday: 2026-01-26 (its week ends in February), 02-02,
-- 02-09, 02-16, 02-23, 03-02, 03-09.
-- Object 1: signup Sat 01-31 23:00 (plan free), view Sun 02-01 10:00, view Mon 02-02 09:00.
-- Object 2: view Sat 01-31 08:00 (plan pro), signup 01-31 20:00, view Mon 03-02 00:00.
-- Object 3: signup Sun 02-01 00:00 (plan free), view 02-07 23:59:59.999999 (7d - 1us later),
--           view 02-08 00:00 (exactly 7d later).
-- Object 4: view and signup both at Tue 02-10 12:00, the view arriving first (no plan).
-- Object 5: signup Mon 02-02 01:00 (plan pro), signup Tue 02-03 01:00, signup Tue 02-10 01:00,
--           view Wed 02-11 00:00.
CREATE TABLE r (plan STATE STRING)
USE r
INSERT INTO r (object, timestamp, action, plan) VALUES (1, '2026-01-31T23:00:00Z', 'signup', 'free'), (1, '2026-02-01T10:00:00Z', 'view', NULL), (1, '2026-02-02T09:00:00Z', 'view', NULL)
INSERT INTO r (object, timestamp, action, plan) VALUES (2, '2026-01-31T08:00:00Z', 'view', 'pro'), (2, '2026-01-31T20:00:00Z', 'signup', NULL), (2, '2026-03-02T00:00:00Z', 'view', NULL)
INSERT INTO r (object, timestamp, action, plan) VALUES (3, '2026-02-01T00:00:00Z', 'signup', 'free'), (3, '2026-02-07T23:59:59.999999Z', 'view', NULL), (3, '2026-02-08T00:00:00Z', 'view', NULL)
INSERT INTO r (object, timestamp, action) VALUES (4, '2026-02-10T12:00:00Z', 'view')
INSERT INTO r (object, timestamp, action) VALUES (4, '2026-02-10T12:00:00Z', 'signup')
INSERT INTO r (object, timestamp, action, plan) VALUES (5, '2026-02-02T01:00:00Z', 'signup', 'pro'), (5, '2026-02-03T01:00:00Z', 'signup', NULL), (5, '2026-02-10T01:00:00Z', 'signup', NULL), (5, '2026-02-11T00:00:00Z', 'view', NULL)
-- Weekly, first signup: cohort 01-26 is 1, 2, 3 (3's Sunday start is in
-- that week). 1 returns in weeks 0 and 1; 2's 08:00 view is before its
-- start and its March view is week 5; 3's views are both in week 1; 5
-- (cohort 02-02) returns in week 1; 4's view arrived before its signup.
RETENTION FROM action = 'signup' TO action = 'view' EVERY WEEK FOR 3
-- Monthly across the boundary: cohort 2026-01 is 1, 2 (1 returns in
-- February: period 1); 2026-02 is 3, 4, 5 (3 and 5 return in February).
RETENTION FROM action = 'signup' TO action = 'view' EVERY MONTH FOR 2
-- ROLLING: 7d - 1us after the start is index 0, exactly 7d is index 1;
-- by the calendar both views are in the next week.
RETENTION FROM action = 'signup' TO action = 'view' EVERY WEEK ROLLING FOR 2 WHERE object = 3
RETENTION FROM action = 'signup' TO action = 'view' EVERY WEEK FOR 2 WHERE object = 3
-- The start event itself returns when it satisfies TO; an earlier view the
-- same day (2) or at the same instant but arrived first (4) does not.
RETENTION FROM action = 'signup' TO action IN ('signup', 'view') EVERY DAY FOR 1 WHERE object IN (2, 4)
RETENTION FROM action = 'signup' TO action = 'view' EVERY DAY FOR 1 WHERE object IN (2, 4)
-- RECURRING: 5 has an entry in week 02-02 (at 02-02, the 02-03 signup
-- adds none) and one in week 02-09; the view on 02-11 is period 1 of the
-- first and period 0 of the second.
RETENTION RECURRING FROM action = 'signup' TO action = 'view' EVERY WEEK FOR 2 WHERE object = 5
-- ON OR AFTER: 1's last return is period 1, 2's is period 5.
RETENTION FROM action = 'signup' TO action = 'view' EVERY WEEK FOR 3 ON OR AFTER WHERE object IN (1, 2)
-- GROUP BY at the start event: 2's plan is still pro at its signup; 4 has none.
RETENTION FROM action = 'signup' TO action = 'view' EVERY MONTH FOR 2 GROUP BY state.plan
-- HOUR labels: 1 starts at 23:00; its next event is 11 hours later.
RETENTION FROM action = 'signup' TO TRUE EVERY HOUR FOR 2 WHERE object = 1
RETENTION FROM action = 'signup' TO action = 'view' EVERY WEEK FOR 3 HAVING objects > 0 ORDER BY share DESC LIMIT 2
RETENTION FROM action = 'nothing' TO TRUE EVERY WEEK FOR 3
-- LIFECYCLE weekly. Active weeks: 1 {01-26, 02-02}, 2 {01-26, 03-02},
-- 3 {01-26, 02-02}, 4 {02-09}, 5 {02-02, 02-09}. No one is active or
-- dormant in 02-23: its row is zeros; 03-09 is one week after the last.
LIFECYCLE EVERY WEEK
-- Months: 1 {01, 02}, 2 {01, 03}, 3, 4, 5 {02}.
LIFECYCLE EVERY MONTH
LIFECYCLE EVERY WEEK HAVING dormant > 1 ORDER BY period DESC
LIFECYCLE EVERY DAY WHERE action = 'nothing'
-- Weeks with an event: 4 has one, the others two. Days with a view: 4 and 5 one, the others two.
STICKINESS EVERY WEEK
STICKINESS EVERY DAY WHERE action = 'view'
STICKINESS EVERY MONTH ORDER BY objects DESC LIMIT 1
