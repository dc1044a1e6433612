# The storage engine (docs/FORMAT.md): I/O layer, codecs, dictionaries,
# segments, manifest, WAL, memtable, snapshots, cache, LOAD, compaction.
target_sources(sky PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/io.c
  ${CMAKE_CURRENT_LIST_DIR}/codec.c
  ${CMAKE_CURRENT_LIST_DIR}/cvec.c
  ${CMAKE_CURRENT_LIST_DIR}/dict.c
  ${CMAKE_CURRENT_LIST_DIR}/sort.c
  ${CMAKE_CURRENT_LIST_DIR}/segment_write.c
  ${CMAKE_CURRENT_LIST_DIR}/segment_read.c
  ${CMAKE_CURRENT_LIST_DIR}/manifest.c
  ${CMAKE_CURRENT_LIST_DIR}/wal.c
  ${CMAKE_CURRENT_LIST_DIR}/memtable.c
  ${CMAKE_CURRENT_LIST_DIR}/part.c
  ${CMAKE_CURRENT_LIST_DIR}/chunk_cache.c
  ${CMAKE_CURRENT_LIST_DIR}/snapshot.c
  ${CMAKE_CURRENT_LIST_DIR}/table.c
  ${CMAKE_CURRENT_LIST_DIR}/commit.c
  ${CMAKE_CURRENT_LIST_DIR}/insert.c
  ${CMAKE_CURRENT_LIST_DIR}/walfd.c
  ${CMAKE_CURRENT_LIST_DIR}/load.c
  ${CMAKE_CURRENT_LIST_DIR}/compact.c
  ${CMAKE_CURRENT_LIST_DIR}/table_ops.c
  ${CMAKE_CURRENT_LIST_DIR}/store.c)
