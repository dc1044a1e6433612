-- Long IN lists of constants (more than 16 items) are one IN set test
-- (plan_set.c) on both engines, with the = of the plan: -0 equals 0,
-- duplicates and order do not matter, a NULL item makes a miss NULL,
-- INT items against a FLOAT are made FLOAT, items that can never equal
-- the operand are dropped. Short lists stay inline IN (issue 13 item 1).
CREATE TABLE g (f EVENT FLOAT, n EVENT INT, s EVENT STRING, b EVENT BOOL)
INSERT INTO g (object, timestamp, action, f, n, s, b) VALUES (1, '2026-01-01T00:00:00Z', 'a', 0.0, 1, 'x', TRUE), (1, '2026-01-01T00:00:37Z', 'b', -0.0, 2, 'y', FALSE), (2, '2026-01-02T10:00:00Z', 'a', 2.5, 40, 'z', TRUE), (3, '2026-01-03T00:00:00Z', 'c', 1e300, -7, 'x', NULL), (3, '2026-01-05T00:00:00Z', 'a', NULL, NULL, NULL, FALSE), (4, '2026-02-01T00:00:00Z', 'c', 3.0, 9223372036854775807, 'w', TRUE)
USE g
EXPLAIN SELECT count() WHERE f IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300)
SELECT count(), sum(n) WHERE f IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300)
SELECT count() WHERE f NOT IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300)
SELECT count() WHERE f IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300, NULL)
SELECT count() WHERE f NOT IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300, NULL)
SELECT count() WHERE (f IN (-0.0, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5, 12.5, 13.5, 14.5, 15.5, 16.5, 17.5, 18.5, 19.5, 2.5, 1e300, NULL)) IS NULL
SELECT count(), sum(f) WHERE n IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114)
SELECT count() WHERE n IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 2.0)
SELECT count() WHERE f IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114)
SELECT n IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114) AS hit, count() GROUP BY n IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114)
SELECT count() WHERE object IN (-1, -2, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19)
SELECT count() WHERE timestamp IN ('2026-01-01T00:00:37Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z', '2026-01-07T00:00:00Z', '2026-01-08T00:00:00Z', '2026-01-09T00:00:00Z', '2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z', '2026-01-12T00:00:00Z', '2026-01-13T00:00:00Z', '2026-01-14T00:00:00Z', '2026-01-15T00:00:00Z', '2026-01-16T00:00:00Z', '2026-01-17T00:00:00Z', '2026-01-18T00:00:00Z', '2026-01-19T00:00:00Z', '2026-01-20T00:00:00Z', '2026-01-21T00:00:00Z', '2026-01-22T00:00:00Z', '2026-01-23T00:00:00Z', '2026-01-24T00:00:00Z')
SELECT day(timestamp), count() WHERE day(timestamp) IN ('2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19', '2026-01-20', '2026-01-21', '2026-01-22', '2026-01-23', '2026-01-24') GROUP BY day(timestamp)
SELECT count() WHERE b IN (TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, TRUE, NULL)
SELECT count() WHERE s IN ('x', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'w')
SELECT count() WHERE n + 1 IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114)
SELECT count() WHERE n IN (40, 3, 3, 3, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, n + 1)
-- Text that is not a canonical label can never equal a time bucket: such
-- items are dropped but one, which keeps a NULL operand's answer NULL
-- (3,600 of them once made 3,600 text comparisons per event).
EXPLAIN SELECT count() WHERE day(timestamp) IN ('2026-01-02', 'junk', '2026-1-3', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19', 'view')
SELECT day(timestamp), count() WHERE day(timestamp) IN ('2026-01-02', 'junk', '2026-1-3', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10', '2026-01-11', '2026-01-12', '2026-01-13', '2026-01-14', '2026-01-15', '2026-01-16', '2026-01-17', '2026-01-18', '2026-01-19', 'view') GROUP BY day(timestamp)
SELECT count() WHERE month(timestamp) IN ('x', 'y', NULL)
SELECT count() WHERE month(timestamp) NOT IN ('x', 'y')
SELECT (day(timestamp + n * 0) IN ('junk', 'bad', '2026-01-02')) AS hit, count() GROUP BY (day(timestamp + n * 0) IN ('junk', 'bad', '2026-01-02'))
-- Constants and a few expressions in one long list: the constants are one
-- set test, OR an inline IN of the expressions (a NULL from either side
-- makes a miss NULL).
EXPLAIN SELECT count() WHERE n IN (100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, n + 1)
SELECT (n IN (100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, n * 1)) AS hit, count() GROUP BY (n IN (100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, n * 1))
SELECT (n IN (100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, NULL, n * 0)) AS hit, count() GROUP BY (n IN (100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, NULL, n * 0))
-- Items are tested in order and the first equal one stops the test, so an
-- expression after the constants that match is never evaluated; before
-- them it is, and its overflow is the answer.
SELECT count() WHERE n IN (1, 2, 40, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, n + 9223372036854775807)
SELECT count() WHERE n IN (n + 9223372036854775807, 1, 2, 40, -7, 9223372036854775807, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115)
-- A literal IN literals is answered when binding (texts compared).
EXPLAIN SELECT count() WHERE 'zz' IN ('a', 'b', 'zz')
SELECT count() WHERE 'zz' IN ('a', 'b', 'zz')
SELECT count() WHERE 'zz' IN ('a', 'b', 'z')
SELECT count() WHERE ('zz' IN ('a', NULL)) IS NULL
SELECT count() WHERE 'zz' NOT IN ('a', NULL)
SELECT count() WHERE 'zz' NOT IN ('a', 'zzz')
