-- STATE properties: carried forward, including the event's own change;
-- equal timestamps in arrival order; never reset by sessions.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
USE shop
SELECT state.plan, count() GROUP BY state.plan
SELECT plan, count(), objects() WHERE action = 'purchase' GROUP BY plan
SELECT event.plan, count() GROUP BY event.plan
SELECT state.country, state.plan, count() GROUP BY state.country, state.plan
SELECT state.vip, count() GROUP BY state.vip
SELECT event.vip, count() GROUP BY event.vip
SELECT state.price, count() GROUP BY state.price
SELECT count() WHERE state.plan = 'pro' AND action = 'purchase'
SELECT sum(price) WHERE state.plan = 'pro'
SELECT count() WHERE state.plan IS NULL
SELECT count() WHERE plan != 'free'
SELECT count() WHERE state.plan = event.plan
SELECT count() WHERE state.plan < 'c'
SELECT country, objects() GROUP BY country
SELECT count() WHERE state.country = state.plan
SELECT count() WHERE state.qty > 1
SELECT state.plan, count() WITHIN SESSION 1m GROUP BY state.plan
