-- Integer overflow is an error naming the expression; floats follow IEEE.
CREATE TABLE big (n EVENT INT, f EVENT FLOAT)
LOAD 'big.csv' INTO big
USE big
SELECT sum(n)
SELECT sum(n) WHERE object = 1
SELECT sum(n) WHERE object = 2
SELECT sum(n), avg(n) WHERE n > 0 AND n < 10
SELECT avg(n) WHERE object = 1
SELECT count() WHERE n + 1 > 0
SELECT count() WHERE object = 2 AND n - 1 < 0
SELECT count() WHERE n * 2 > 0
SELECT count() WHERE -n > 0
SELECT count() WHERE n % -1 = 0
SELECT n / -1, count() GROUP BY n / -1
SELECT sum(f), avg(f), max(f), min(f)
SELECT f, count() GROUP BY f
SELECT count() WHERE f * 10 > 1e308
SELECT sum(f) WHERE object = 2
