-- A sparse EVENT column (s on 2 of 16 events, the most that still counts
-- as sparse): filters that need s visit only its events (the JIT's sparse
-- driver), and must answer exactly as a scan of every event would, errors
-- included: n * 2 overflows on an event without s, where `s > 0` is NULL,
-- so AND evaluates its right side there (LANGUAGE.md decision 23).
CREATE TABLE sp (n EVENT INT, s EVENT FLOAT)
LOAD 'sparse.csv' INTO sp
USE sp
SELECT count(), sum(s) WHERE s > 1
SELECT count() WHERE s > 0 AND n * 2 > 0
SELECT count() WHERE s > 100 AND n > 5
SELECT count() WHERE NOT (s > 100)
SELECT count() WHERE s IS NOT NULL
SELECT count() WHERE s IS NULL
SELECT count() WHERE s > 100 OR n > 15
SELECT hour(timestamp), count(), avg(s) WHERE s >= 0 GROUP BY hour(timestamp)
SELECT count() WHERE s * 2 > 4
