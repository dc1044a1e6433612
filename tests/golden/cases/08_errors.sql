-- Errors name what is wrong and where.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
SELECT count() FROM nope
SELECT count()
USE shop
SELECT count() WHERE action = 'purchase' GROPU BY plan
SELECT count() WHERE
SELECT count( FROM shop
SELECT count() WHERE action = 'unterminated
SELECT colour, count() GROUP BY colour
SELECT state.colour
SELECT event.country, count() GROUP BY event.country
SELECT percentile(price)
SELECT sum(action)
SELECT avg(note)
SELECT count() WHERE count() > 1
SELECT count() GROUP BY count()
SELECT sum(count())
SELECT action, count()
SELECT plan
SELECT sessions()
SELECT count() WHERE session.number = 1
SELECT count() WHERE action = 3
SELECT count() WHERE price = 'high'
SELECT count() WHERE action + 1 > 2
SELECT count() WHERE action LIKE 3
SELECT count() WHERE qty LIKE '1%'
SELECT count() WHERE action LIKE note
SELECT count() WHERE vip > 1
SELECT count() WHERE NOT qty
SELECT count() WHERE qty AND vip
SELECT count() WHERE object + 1 > 2
SELECT action, count() GROUP BY action ORDER BY 3
SELECT action, count() GROUP BY action ORDER BY 0
SELECT count() LIMIT -1
SELECT count() LIMIT 'x'
SELECT count() WITHIN SESSION 'x'
SELECT count() WHERE object = 18446744073709551616
SELECT count() WHERE qty = 18446744073709551615
SELECT sum(qty) WHERE action = 'purchase' HAVING plan = 'pro'
SELECT "quoted ident"
select Count() where ACTION = 'view'
SELECT count(*) FROM shop
SELECT count() FROM shop;;
DELETE FROM shop
