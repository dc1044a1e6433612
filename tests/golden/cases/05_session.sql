-- Sessions: a gap greater than the duration cuts; exactly equal does not.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
USE shop
SELECT sessions() WITHIN SESSION 30m
SELECT sessions() WITHIN SESSION 1800000000
SELECT sessions() WITHIN SESSION 1799999999
SELECT sessions() WITHIN SESSION 1800000001
SELECT sessions() WITHIN SESSION 7d
SELECT sessions() WITHIN SESSION 0s
SELECT session.number, count() GROUP BY session.number WITHIN SESSION 30m
SELECT count(), sessions() WHERE object = 1 GROUP BY session.number WITHIN SESSION 30m
SELECT sessions(), objects() WHERE action = 'purchase' WITHIN SESSION 30m
SELECT state.plan, sessions() GROUP BY state.plan WITHIN SESSION 30m
SELECT count(), objects() WHERE action = 'purchase' GROUP BY state.plan WITHIN SESSION 30m
SELECT sessions() WITHIN SESSION 500ms GROUP BY action
SELECT max(session.number) WITHIN SESSION 2h
SELECT count() WHERE session.number = 0 AND object = 1 WITHIN SESSION 30m
SELECT sessions()
SELECT session.number, count() GROUP BY session.number
