//! bridge: example decoding and loopback tests (being written).
