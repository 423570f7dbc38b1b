//! origoid: example decoding and loopback tests (being written).
