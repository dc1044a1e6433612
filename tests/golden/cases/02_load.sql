-- LOAD from CSV and NDJSON, atomicity, MAX ERRORS, INSERT.
CREATE TABLE shop (plan STATE STRING, country STATE STRING, vip STATE BOOL, price EVENT FLOAT, qty EVENT INT, note EVENT STRING)
LOAD 'shop.csv' INTO shop
SELECT count(), objects() FROM shop
LOAD 'shop.ndjson' INTO shop
SELECT count(), objects() FROM shop
LOAD 'missing.csv' INTO shop
LOAD 'shop.txt' INTO shop
LOAD 'unknown_col.csv' INTO shop
LOAD 'unterminated.csv' INTO shop
SELECT count() FROM shop
CREATE TABLE t (qty EVENT INT)
LOAD 'bad.csv' INTO t
SELECT count() FROM t
LOAD 'bad.csv' INTO t MAX ERRORS 2
SELECT count() FROM t
LOAD 'bad.csv' INTO t MAX ERRORS 3
SELECT count(), sum(qty) FROM t
LOAD 'bad.csv' INTO t FORMAT NDJSON
INSERT INTO t (object, timestamp, action, qty) VALUES (30, '2026-03-01T00:00:00Z', 'view', 7), (30, 1772323200000001, 'click', NULL)
INSERT INTO t (timestamp, object, qty) VALUES ('2026-03-01', 31, 1)
INSERT INTO t (object, timestamp) VALUES (32, 0)
INSERT INTO t (object, timestamp, action) VALUES (0, 0, 'x')
INSERT INTO t (object, timestamp, action) VALUES (18446744073709551615, 0, 'max')
INSERT INTO t (object, timestamp, action) VALUES (18446744073709551616, 0, 'x')
INSERT INTO t (object, timestamp, qty) VALUES (33, 0, 'seven')
INSERT INTO t (object, timestamp, colour) VALUES (33, 0, 'red')
INSERT INTO t (object, action) VALUES (33, 'x')
INSERT INTO t (object, timestamp, action) VALUES (34, '10000-01-01', 'x')
INSERT INTO t (object, timestamp, action) VALUES (34, 1, 'ok'), (35, 'soon', 'bad')
SELECT count(), objects(), sum(qty) FROM t
GET OBJECT 30 FROM t
