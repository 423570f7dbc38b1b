//! obi glue (being written).
