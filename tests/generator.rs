//! Generator tests (being written).
