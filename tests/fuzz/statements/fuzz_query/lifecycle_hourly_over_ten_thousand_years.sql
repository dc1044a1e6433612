-- Found when fuzz_query began generating LIFECYCLE (2026-12-08, at f1d468f): the fixture spans years
-- 0000-9999, so LIFECYCLE EVERY HOUR has 87.6 million zero rows to seed; the merged table grew to them
-- by doubling for 3.5 s per engine before the budget refused. The seed now reserves its rows at once,
-- so the budget refuses before any work (out_of_memory at once).
LIFECYCLE EVERY HOUR
