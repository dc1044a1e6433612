-- Found by fuzz_query (LeakSanitizer): a JIT OVER OBJECT pre-pass whose median/quantile
-- argument overflows after earlier events of the object pushed values leaks those values
-- (agg_order.c values_push, reached from sky_obj_agg_call_update); the interpreter does not.
SELECT count() GROUP BY median(hour(timestamp) * 1000000000000000000) OVER OBJECT