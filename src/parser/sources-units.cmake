# Units of time: which numbers are timestamps and durations, and the
# display type of each SELECT item (the reply's "types").
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/bind_units.c)
