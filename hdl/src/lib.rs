//! # csi2sec-hdl — the csi2sec RTL in rust-hdl
//!
//! Blocks, one per file, emitted as Verilog by [`emit`]. Every emitted
//! design is linted by Verilator and compiled by Icarus in the tests.

pub mod emit;
pub mod netlist;
pub mod sbox_bram;
pub mod sbox_logic;
pub mod sbox_rom;
