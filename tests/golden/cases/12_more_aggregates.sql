-- median, quantile and stddev (PATHS.md §9): exact order statistics of
-- the non-NULL inputs with the input's type, the lower median, quantile's
-- index floor(q(n-1)) from the decimal q, population stddev as FLOAT.
-- m: v = 5 1 4 | 2 NULL 3 3 | 10 (sorted 1 2 3 3 4 5 10); f = 0.5 NULL 2.5 | -1 0 4 NULL | 8;
-- g (STATE): object 1 'p', object 2 'q', object 3 'p'.
CREATE TABLE m (v EVENT INT, f EVENT FLOAT, g STATE STRING)
USE m
INSERT INTO m (object, timestamp, action, v, f, g) VALUES (1, 1, 'a', 5, 0.5, 'p'), (1, 2, 'a', 1, NULL, NULL), (1, 3, 'b', 4, 2.5, NULL), (2, 1, 'a', 2, -1.0, 'q'), (2, 1, 'b', NULL, 0.0, NULL), (2, 1, 'a', 3, 4.0, NULL), (2, 5, 'b', 3, NULL, NULL), (3, 7, 'a', 10, 8.0, 'p')
SELECT median(v), quantile(v, 0), quantile(v, 0.29), quantile(v, 0.5), quantile(v, 1), stddev(v)
SELECT median(f), quantile(f, 0.75), stddev(f), count(f)
SELECT state.g, median(v), stddev(v), quantile(v, 0.999) GROUP BY state.g
SELECT action, median(v), median(f) GROUP BY action
SELECT object, median(v), stddev(v) GROUP BY object
SELECT median(v), stddev(v), quantile(f, 0.5) WHERE action = 'none'
SELECT median(timestamp), quantile(timestamp, 1), stddev(timestamp) WHERE object = 2
SELECT median(v) + 1, median(v) * 2.5 HAVING median(v) > 2
SELECT state.g, median(v) GROUP BY state.g ORDER BY median(v) DESC
SELECT median(v) WHERE v > 3 AND object != 3
SELECT stddev(v) WHERE object = 3
-- 101 values 0..100: q = 0.29 gives index 29 exactly (0.29 * 100 in binary is 28.999...)
CREATE TABLE n (x EVENT INT)
INSERT INTO n (object, timestamp, x) VALUES (1, 0, 100), (2, 1, 99), (3, 2, 98), (4, 3, 97), (5, 4, 96), (6, 5, 95), (7, 6, 94), (1, 7, 93), (2, 8, 92), (3, 9, 91), (4, 10, 90), (5, 11, 89), (6, 12, 88), (7, 13, 87), (1, 14, 86), (2, 15, 85), (3, 16, 84), (4, 17, 83), (5, 18, 82), (6, 19, 81), (7, 20, 80), (1, 21, 79), (2, 22, 78), (3, 23, 77), (4, 24, 76), (5, 25, 75), (6, 26, 74), (7, 27, 73), (1, 28, 72), (2, 29, 71), (3, 30, 70), (4, 31, 69), (5, 32, 68), (6, 33, 67), (7, 34, 66), (1, 35, 65), (2, 36, 64), (3, 37, 63), (4, 38, 62), (5, 39, 61), (6, 40, 60), (7, 41, 59), (1, 42, 58), (2, 43, 57), (3, 44, 56), (4, 45, 55), (5, 46, 54), (6, 47, 53), (7, 48, 52), (1, 49, 51), (2, 50, 50), (3, 51, 49), (4, 52, 48), (5, 53, 47), (6, 54, 46), (7, 55, 45), (1, 56, 44), (2, 57, 43), (3, 58, 42), (4, 59, 41), (5, 60, 40), (6, 61, 39), (7, 62, 38), (1, 63, 37), (2, 64, 36), (3, 65, 35), (4, 66, 34), (5, 67, 33), (6, 68, 32), (7, 69, 31), (1, 70, 30), (2, 71, 29), (3, 72, 28), (4, 73, 27), (5, 74, 26), (6, 75, 25), (7, 76, 24), (1, 77, 23), (2, 78, 22), (3, 79, 21), (4, 80, 20), (5, 81, 19), (6, 82, 18), (7, 83, 17), (1, 84, 16), (2, 85, 15), (3, 86, 14), (4, 87, 13), (5, 88, 12), (6, 89, 11), (7, 90, 10), (1, 91, 9), (2, 92, 8), (3, 93, 7), (4, 94, 6), (5, 95, 5), (6, 96, 4), (7, 97, 3), (1, 98, 2), (2, 99, 1), (3, 100, 0)
SELECT quantile(x, 0.29), quantile(x, 0.01), quantile(x, 0.015), median(x), stddev(x) FROM n
SELECT x % 2 AS parity, quantile(x, 0.29), median(x), count() FROM n GROUP BY parity ORDER BY parity DESC
-- misuse
SELECT median(g)
SELECT median(state.g)
SELECT median(DISTINCT v)
SELECT median()
SELECT quantile(v)
SELECT quantile(v, 1.5)
SELECT quantile(v, -0.5)
SELECT quantile(v, v)
SELECT quantile(v, '0.5')
SELECT quantile(v, 1e-1)
SELECT stddev(v, 1)
SELECT count() WHERE median(v) > 1
