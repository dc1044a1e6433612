# The aggregate implementations (aggs.h): the table and one agg_*.c file
# per family of rows, picked up by name so that adding an aggregate edits
# no build file.
file(GLOB SKY_AGG_SOURCES CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/agg_*.c)
target_sources(sky PRIVATE ${CMAKE_CURRENT_LIST_DIR}/aggs.c ${SKY_AGG_SOURCES})
