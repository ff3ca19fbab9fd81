//! Pure domain rules: no I/O, explainable results, unit- and property-tested.

pub mod deal_conflict;
