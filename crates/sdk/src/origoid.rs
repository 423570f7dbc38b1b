//! origoid glue (being written).
