-- GROUP BY, default order (NULL first), HAVING, ORDER BY, LIMIT.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
USE shop
SELECT action, count() GROUP BY action
SELECT action, count() GROUP BY action ORDER BY count() DESC
SELECT action, count() AS n GROUP BY action ORDER BY n DESC, action DESC
SELECT action, count() GROUP BY action ORDER BY 2, 1 DESC
SELECT action, count() GROUP BY action ORDER BY action DESC LIMIT 2
SELECT action, count() GROUP BY action HAVING count() >= 2
SELECT action GROUP BY action HAVING sum(price) > 10
SELECT action, sum(price) GROUP BY action ORDER BY sum(price)
SELECT action, sum(price) GROUP BY action ORDER BY sum(price) DESC
SELECT object, count(), sum(qty) GROUP BY object
SELECT object, count() GROUP BY object ORDER BY object DESC LIMIT 3
SELECT qty, count() GROUP BY qty
SELECT price, count() GROUP BY price
SELECT vip, count() GROUP BY vip
SELECT note, count() GROUP BY note
SELECT action, state.plan, count() GROUP BY action, state.plan
SELECT state.plan, month(timestamp), sum(price) GROUP BY state.plan, month(timestamp) ORDER BY 3 DESC LIMIT 10
SELECT count(), avg(event.price) WHERE event.price > 100 GROUP BY hour(timestamp)
SELECT qty * 2 AS double_qty, count() GROUP BY double_qty
SELECT qty + 1, count() GROUP BY qty + 1
SELECT action, count() * 100 / 19 AS pct GROUP BY action ORDER BY pct DESC
SELECT 'x', action, count() GROUP BY action LIMIT 1
SELECT count(DISTINCT state.plan), count(DISTINCT qty), count(DISTINCT price)
SELECT state.country, count(DISTINCT action) GROUP BY state.country
SELECT action, objects() GROUP BY action HAVING objects() > 1 ORDER BY objects() DESC, action
SELECT count() GROUP BY action LIMIT 3
