//! # csi2sec-testbench — Verilator cosimulation of the emitted Verilog
//!
//! [`model`] builds a configuration's Verilog with Verilator into a shared
//! library (one directory per configuration under `target/cosim/`, keyed
//! by a hash of the Verilog, so parallel tests and repeated runs share
//! builds), with a generated C shim that exposes every port as `u32`
//! words, and loads it. [`drive`] has the stream drivers the engine tests
//! and `csi2sec kat --rtl` use.

pub mod drive;
pub mod engines;
pub mod icarus;
pub mod link;
pub mod model;
pub mod report;
