//! bridge glue (being written).
