//! A two-entry stream buffer whose wide registers are written by enables
//! that depend on its own state alone, as inline Verilog for the blocks
//! that need one (the pipelined AES core's output, the pipelined GCM's
//! input and output).
//!
//! The usual registered output (`if (~valid | ready) data <= in`) puts the
//! sink's `ready`, and whatever logic computes it, on the clock enable of
//! every data bit: on ECP5 that chain into 128 enables was a critical
//! path of the pipelined engines. Here the buffer writes its input into
//! its free entry on *every* cycle (a speculative write: the entry does
//! not count until `push`), so the data enables are a function of the
//! head pointer and the count only, and `push` / `pop` (and through them
//! `ready`) reach only those few bits.
//!
//! Registers (prefix `P`): entries `P_e0`, `P_e1`, head `P_h`, count `P_c`
//! (0..2). Wires: `P_out` (the head entry), `P_valid` (count ≠ 0), `P_full`
//! (count = 2). `push` must not be high when full; `pop` not when empty.
//! Throughput: a push and a pop in the same cycle keep the count, so a
//! stream moves one item per cycle.

/// Verilog of a two-entry buffer `p` of `width` bits, written from `din`,
/// with the expressions `push` and `pop`, on `clock`; `clear` (an
/// expression) empties it. `wipe`, if given, is an expression whose value
/// at the last edge zeroes the entries (registered once per lane, so that
/// no one register's route reaches every entry's reset: pass the input of
/// the register that `clear` reads, for a wipe with the clear).
pub fn verilog(
    p: &str,
    width: usize,
    din: &str,
    push: &str,
    pop: &str,
    clear: &str,
    wipe: Option<&str>,
) -> String {
    let m = width - 1;
    assert!(
        din.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$'),
        "buffer2: din must be a signal name (its lanes are slices of it)"
    );
    // The state is kept in one copy per 32-bit lane of the entries (and
    // one for the handshake logic): each lane's write enables and output
    // select come from registers placed beside it, not from one register
    // routed to every bit of a wide buffer.
    let lanes = width.div_ceil(LANE);
    let mut v = format!(
        "// Two-entry buffer {p} (see buffer2.rs): entries written speculatively.
reg [{m}:0] {p}_e0, {p}_e1;
reg {p}_h;
reg [1:0] {p}_c;
initial begin
  {p}_e0 = {width}'d0;
  {p}_e1 = {width}'d0;
  {p}_h = 1'b0;
  {p}_c = 2'd0;
end
wire {p}_valid = {p}_c != 2'd0;
wire {p}_full = {p}_c == 2'd2;
wire {p}_hn = {clear} ? 1'b0 : {p}_h ^ ({pop});
wire [1:0] {p}_cn = {clear} ? 2'd0 : {p}_c + {{1'b0, {push}}} - {{1'b0, {pop}}};
always @(posedge clock) begin
  {p}_h <= {p}_hn;
  {p}_c <= {p}_cn;
end
"
    );
    let mut outs = Vec::new();
    for k in (0..lanes).rev() {
        let (hi, lo) = ((LANE * k + LANE - 1).min(m), LANE * k);
        let (wreg, zero) = match wipe {
            Some(w) => (
                crate::kept_reg::kept_bit(&format!("{p}_w{k}"), w),
                format!(
                    "\n  if ({p}_w{k}) begin\n    {p}_e0[{hi}:{lo}] <= {n}'d0;\n    {p}_e1[{hi}:{lo}] <= {n}'d0;\n  end",
                    n = hi - lo + 1
                ),
            ),
            None => (String::new(), String::new()),
        };
        v += &wreg;
        v += &format!(
            "reg {p}_h{k};
reg [1:0] {p}_c{k};
initial begin
  {p}_h{k} = 1'b0;
  {p}_c{k} = 2'd0;
end
(* keep *) always @(posedge clock) {p}_h{k} <= {p}_hn;
(* keep *) always @(posedge clock) {p}_c{k} <= {p}_cn;
// The free entry: the head when empty, the other one when one is held.
wire {p}_f{k} = {p}_h{k} ^ ({p}_c{k} == 2'd1);
always @(posedge clock) begin
  if ({p}_c{k} != 2'd2 & ~{p}_f{k}) {p}_e0[{hi}:{lo}] <= {din}[{hi}:{lo}];
  if ({p}_c{k} != 2'd2 & {p}_f{k}) {p}_e1[{hi}:{lo}] <= {din}[{hi}:{lo}];{zero}
end
"
        );
        outs.push(format!("{p}_h{k} ? {p}_e1[{hi}:{lo}] : {p}_e0[{hi}:{lo}]"));
    }
    v += &format!("wire [{m}:0] {p}_out = {{{}}};\n", outs.join(", "));
    v
}

/// Bits per copy of the state.
const LANE: usize = 32;

#[cfg(test)]
mod tests {
    use super::verilog;

    #[test]
    fn the_entries_are_written_by_the_buffer_state_alone() {
        let v = verilog("b", 8, "din", "push", "pop", "clr", None);
        // No handshake term in a data enable.
        for line in v.lines().filter(|l| {
            l.contains("b_e0[") && l.contains("<=") || l.contains("b_e1[") && l.contains("<=")
        }) {
            assert!(!line.contains("push") && !line.contains("pop"), "{line}");
        }
    }
}
