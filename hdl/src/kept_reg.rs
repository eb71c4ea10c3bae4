//! A one-bit register that synthesis keeps as written: the copies of a
//! control bit that wide datapaths read, one copy per lane, so that no
//! single register is routed to every bit of a wide register (on ECP5
//! such routes were the engines' critical paths). `(* keep *)` on its
//! `always` block stops Yosys's `opt_merge` from folding equal copies
//! back into one.

/// Verilog of the kept register `name`, zero at power-up, taking `d` at
/// every clock edge.
pub fn kept_bit(name: &str, d: &str) -> String {
    format!(
        "reg {name};\ninitial {name} = 1'b0;\n(* keep *) always @(posedge clock) {name} <= {d};\n"
    )
}
