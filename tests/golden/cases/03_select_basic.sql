-- Counting, filters, NULL semantics, expressions.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
USE shop
SHOW TABLES
DESCRIBE shop
SELECT count()
SELECT count(), objects(), count(DISTINCT object)
SELECT count() WHERE action = 'purchase'
SELECT count() WHERE action != 'purchase'
SELECT count() WHERE action = 'nothing'
SELECT count() WHERE action != 'nothing'
SELECT count() WHERE action IS NULL
SELECT count(action), count(price), count(note), count(DISTINCT action)
SELECT sum(price), avg(price), min(price), max(price) WHERE action = 'purchase'
SELECT sum(qty), avg(qty), min(qty), max(qty)
SELECT sum(price) WHERE action = 'nothing'
SELECT count(), sum(qty), avg(price), min(action), max(action) WHERE action = 'nothing'
SELECT min(action), max(action), min(note), max(note), min(object), max(object)
SELECT count() WHERE price > 19.99
SELECT count() WHERE price >= 19.99
SELECT count() WHERE price > 20 OR qty > 1
SELECT count() WHERE NOT (price > 20)
SELECT count() WHERE price IS NOT NULL AND NOT (price > 20)
SELECT count() WHERE qty = 2 AND price IS NULL
SELECT count() WHERE price * 2 > 100
SELECT count() WHERE qty * 10 + 1 = 21
SELECT count() WHERE qty / 2 = 0.5
SELECT count() WHERE qty % 2 = 1
SELECT count() WHERE qty % 2 = -1
SELECT count() WHERE qty / 0 IS NULL
SELECT count() WHERE action IN ('view', 'click')
SELECT count() WHERE action NOT IN ('view', 'click')
SELECT count() WHERE action IN ('view', NULL)
SELECT count() WHERE action NOT IN ('view', NULL)
SELECT count() WHERE qty IN (1, 2)
SELECT count() WHERE qty NOT IN (1, NULL)
SELECT count() WHERE action LIKE 'p%'
SELECT count() WHERE action LIKE '%_c%'
SELECT count() WHERE action NOT LIKE '%e%'
SELECT count() WHERE note LIKE '%,%'
SELECT count() WHERE note LIKE 'Z_rich'
SELECT count() WHERE note = ''
SELECT count() WHERE note = 'He said "hi"'
SELECT count() WHERE action < 'click'
SELECT count() WHERE action >= 'purchase'
SELECT count() WHERE action > 'b'
SELECT count() WHERE object = 18446744073709551615
SELECT count() WHERE object > 9223372036854775807
SELECT count() WHERE object < 4
SELECT count() WHERE object = -1
SELECT count() WHERE object > -1
SELECT count() WHERE vip
SELECT count() WHERE vip = FALSE
SELECT count() WHERE NOT vip
SELECT count() WHERE vip IS NULL
SELECT count() WHERE TRUE
SELECT count() WHERE NULL
SELECT count() WHERE NOT NULL
SELECT count() WHERE NULL OR TRUE
SELECT count() WHERE NULL AND FALSE
SELECT 1 + 2, 7 / 2, 7 % 3, -7 % 3, 2.5 * 2, 'text', NULL, TRUE
SELECT count() * 2 + 1 AS twice, sum(qty) / 2.0 AS half, avg(price) * 2
SELECT count() WHERE action = 'purchase' HAVING count() > 100
SELECT count() LIMIT 0
