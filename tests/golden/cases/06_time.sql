-- Time buckets (UTC) and ISO-8601 comparisons, at day/week/month edges.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
USE shop
SELECT day(timestamp), count() GROUP BY day(timestamp)
SELECT week(timestamp), count() GROUP BY week(timestamp)
SELECT month(timestamp), count() GROUP BY month(timestamp)
SELECT hour(timestamp), count() GROUP BY hour(timestamp)
SELECT weekday(timestamp), count() GROUP BY weekday(timestamp)
SELECT count() WHERE timestamp < '2026-03-01'
SELECT count() WHERE timestamp >= '2026-03-01T00:00:00Z' AND timestamp < '2026-03-02'
SELECT count() WHERE timestamp = '2026-03-01T11:10:00.000001Z'
SELECT count() WHERE timestamp > '2026-03-01T12:00:00+02:00'
SELECT count() WHERE timestamp BETWEEN 1 AND 2
SELECT count() WHERE timestamp > 'yesterday'
SELECT count() WHERE day(timestamp) = '2026-03-01'
SELECT count() WHERE day(timestamp) > '2026-03'
SELECT count() WHERE month(timestamp) = '2026-03'
SELECT count() WHERE month(timestamp) >= '2026-03' AND week(timestamp) < '2026-03-09'
SELECT count() WHERE day(timestamp) IN ('2026-03-01', '2026-03-02')
SELECT count() WHERE day(timestamp) LIKE '2026-02%'
SELECT count() WHERE week(timestamp) = day(timestamp)
SELECT count() WHERE timestamp - 1d < '2026-02-28'
SELECT min(timestamp), max(timestamp), min(day(timestamp)), max(month(timestamp))
SELECT hour(timestamp) AS h, count() GROUP BY h HAVING count() > 1 ORDER BY h DESC
SELECT count() WHERE hour('x') = 1
SELECT count() WHERE hour(price) = 1
