//! Stream width: the TX and RX at 4 or 8 bytes per beat (spec §7).
//!
//! The TX and RX datapaths are 16 bytes wide (a record block, a counter
//! block and the output header with its SEP header are each one beat).
//! An instance generated with `--width 4|8` wraps that 16-byte core
//! between two AXI4-Stream width adapters, written here:
//!
//! - `width_up` (input side) gathers `16 / W` narrow beats, or fewer up to
//!   a `tlast`, into one 16-byte beat. One narrow beat per cycle in; the
//!   wide beat leaves the cycle after its last narrow beat came in, and
//!   the next narrow beat is taken in the cycle the wide one is taken.
//! - `width_down` (output side) cuts each 16-byte beat into narrow beats,
//!   as many as its `tkeep` needs (at least one), `tlast` and `tuser` on
//!   the packet's final narrow beat only. One narrow beat per cycle out;
//!   the next wide beat is taken in the cycle the previous one's final
//!   narrow beat leaves.
//!
//! Both keep the stream conventions of spec §7 (`tkeep` all ones but on a
//! packet's last beat, contiguous from byte 0), hold nothing back between
//! packets, and drop what they hold on the synchronous `reset`, as the
//! core does. The 16-byte core then runs at most one beat in `16 / W`
//! cycles: its throughput margin (it sustains 0.97 wide beats per cycle)
//! absorbs the bytes the protocol adds, so a narrow instance takes about
//! one input beat per cycle.
//!
//! The wrapper is the instance's top `csi2sec_<name>`: the core's ports
//! by the same names, the four stream data and keep ports narrowed; the
//! core is `csi2sec_<name>_core`.

use crate::emit::Module;
use crate::ports::{declaration, instance, ports};

/// The narrow top `csi2sec_<name>` of width `width` bytes around `core`
/// (the 16-byte design, top first, emitted as `<name>_core`), with the
/// two adapters; top first.
pub fn narrow(
    core: Vec<Module>,
    name: &str,
    config: &str,
    width: usize,
) -> Result<Vec<Module>, String> {
    if ![4, 8].contains(&width) {
        return Err(format!(
            "stream width {width}: the adapters go to 4 or 8 bytes"
        ));
    }
    let top = format!("csi2sec_{name}");
    let c = core.first().ok_or("no core module")?;
    let cp = ports(&c.text);
    let user = cp
        .iter()
        .find(|p| p.name == "m_axis_tuser")
        .ok_or_else(|| format!("{}: no m_axis_tuser", c.name))?
        .width;
    let user_in = cp
        .iter()
        .find(|p| p.name == "s_axis_tuser")
        .ok_or_else(|| format!("{}: no s_axis_tuser", c.name))?
        .width;
    let up = Module::generated(
        &format!("{top}_width_up"),
        config,
        &width_up(&format!("{top}_width_up"), width, user_in),
    );
    let down = Module::generated(
        &format!("{top}_width_down"),
        config,
        &width_down(&format!("{top}_width_down"), width, user),
    );
    let narrowed = |p: &str| match p {
        "s_axis_tdata" | "m_axis_tdata" => Some(8 * width),
        "s_axis_tkeep" | "m_axis_tkeep" => Some(width),
        _ => None,
    };
    let names: Vec<&str> = cp.iter().map(|p| p.name.as_str()).collect();
    let mut v = format!(
        "// {top}: the {w}-byte-wide instance; the 16-byte core {core} between\n\
         // the stream width adapters (csi2sec stream_width).\nmodule {top}({});\n",
        names.join(", "),
        w = width,
        core = c.name
    );
    for p in &cp {
        v += &declaration(p, narrowed(&p.name).unwrap_or(p.width));
    }
    v += &format!(
        "wire [127:0] up_tdata, core_tdata;\nwire [15:0] up_tkeep, core_tkeep;\n\
         wire up_tlast, up_tvalid, core_s_tready, core_tlast, core_tvalid, down_tready;\n\
         wire [{}:0] core_tuser;\nwire [{}:0] up_tuser;\n",
        user - 1,
        user_in - 1
    );
    v += &instance(
        &up,
        "up",
        &[
            ("clock", "clock"),
            ("reset", "reset"),
            ("s_data", "s_axis_tdata"),
            ("s_keep", "s_axis_tkeep"),
            ("s_last", "s_axis_tlast"),
            ("s_user", "s_axis_tuser"),
            ("s_valid", "s_axis_tvalid"),
            ("s_ready", "s_axis_tready"),
            ("m_data", "up_tdata"),
            ("m_keep", "up_tkeep"),
            ("m_last", "up_tlast"),
            ("m_user", "up_tuser"),
            ("m_valid", "up_tvalid"),
            ("m_ready", "core_s_tready"),
        ],
    )?;
    let inner = [
        ("s_axis_tdata", "up_tdata"),
        ("s_axis_tkeep", "up_tkeep"),
        ("s_axis_tlast", "up_tlast"),
        ("s_axis_tuser", "up_tuser"),
        ("s_axis_tvalid", "up_tvalid"),
        ("s_axis_tready", "core_s_tready"),
        ("m_axis_tdata", "core_tdata"),
        ("m_axis_tkeep", "core_tkeep"),
        ("m_axis_tlast", "core_tlast"),
        ("m_axis_tuser", "core_tuser"),
        ("m_axis_tvalid", "core_tvalid"),
        ("m_axis_tready", "down_tready"),
    ];
    let conns: Vec<(&str, &str)> = names
        .iter()
        .map(|&n| {
            inner
                .iter()
                .find(|(p, _)| *p == n)
                .map_or((n, n), |&(p, s)| (p, s))
        })
        .collect();
    v += &instance(c, "core", &conns)?;
    v += &instance(
        &down,
        "down",
        &[
            ("clock", "clock"),
            ("reset", "reset"),
            ("s_data", "core_tdata"),
            ("s_keep", "core_tkeep"),
            ("s_last", "core_tlast"),
            ("s_user", "core_tuser"),
            ("s_valid", "core_tvalid"),
            ("s_ready", "down_tready"),
            ("m_data", "m_axis_tdata"),
            ("m_keep", "m_axis_tkeep"),
            ("m_last", "m_axis_tlast"),
            ("m_user", "m_axis_tuser"),
            ("m_valid", "m_axis_tvalid"),
            ("m_ready", "m_axis_tready"),
        ],
    )?;
    v += "endmodule";
    let mut out = vec![Module::generated(&top, config, &v), up, down];
    out.extend(core);
    Ok(out)
}

/// `W`-byte beats in, 16-byte beats out; `u` bits of `tuser` (ORed over
/// the narrow beats of a wide one).
fn width_up(module: &str, w: usize, u: usize) -> String {
    format!(
        r#"module {module}(clock, reset, s_data, s_keep, s_last, s_user, s_valid, s_ready, m_data, m_keep, m_last, m_user, m_valid, m_ready);
  input wire clock;
  input wire reset;
  input wire [{wb}:0] s_data;
  input wire [{wk}:0] s_keep;
  input wire s_last;
  input wire [{ub}:0] s_user;
  input wire s_valid;
  output wire s_ready;
  output reg [127:0] m_data;
  output reg [15:0] m_keep;
  output reg m_last;
  output reg [{ub}:0] m_user;
  output reg m_valid;
  input wire m_ready;
// Bytes of the wide beat gathered so far (0 while none or while it waits).
reg [4:0] n;
initial begin
  m_data = 128'd0; m_keep = 16'd0; m_last = 1'b0; m_user = {u}'d0; m_valid = 1'b0; n = 5'd0;
end
assign s_ready = ~m_valid | m_ready;
wire take = s_valid & s_ready;
wire [4:0] n_next = n + 5'd{w};
always @(posedge clock) begin
  if (m_ready) m_valid <= 1'b0;
  if (take) begin
    m_data <= (n == 5'd0 ? 128'd0 : m_data) | ({{{pad_d}'d0, s_data}} << {{n, 3'd0}});
    m_keep <= (n == 5'd0 ? 16'd0 : m_keep) | ({{{pad_k}'d0, s_keep}} << n);
    m_user <= (n == 5'd0 ? {u}'d0 : m_user) | s_user;
    if (s_last | n_next[4]) begin
      m_valid <= 1'b1;
      m_last <= s_last;
      n <= 5'd0;
    end else n <= n_next;
  end
  if (reset) begin
    m_valid <= 1'b0;
    n <= 5'd0;
  end
end
endmodule"#,
        wb = 8 * w - 1,
        wk = w - 1,
        pad_d = 128 - 8 * w,
        pad_k = 16 - w,
        ub = u - 1,
    )
}

/// 16-byte beats in, `W`-byte beats out; `u` bits of `tuser`.
fn width_down(module: &str, w: usize, u: usize) -> String {
    format!(
        r#"module {module}(clock, reset, s_data, s_keep, s_last, s_user, s_valid, s_ready, m_data, m_keep, m_last, m_user, m_valid, m_ready);
  input wire clock;
  input wire reset;
  input wire [127:0] s_data;
  input wire [15:0] s_keep;
  input wire s_last;
  input wire [{ub}:0] s_user;
  input wire s_valid;
  output wire s_ready;
  output wire [{wb}:0] m_data;
  output wire [{wk}:0] m_keep;
  output wire m_last;
  output wire [{ub}:0] m_user;
  output wire m_valid;
  input wire m_ready;
// The wide beat held, and the byte where its next narrow beat starts.
reg [127:0] d;
reg [15:0] k;
reg l, v;
reg [{ub}:0] u;
reg [4:0] p;
initial begin
  d = 128'd0; k = 16'd0; l = 1'b0; v = 1'b0; u = {u}'d0; p = 5'd0;
end
wire [4:0] p_next = p + 5'd{w};
// This narrow beat is the wide beat's final one: the next would be past
// byte 15 or hold no byte.
wire final_slice = p_next[4] | ~k[p_next[3:0]];
/* verilator lint_off UNUSEDSIGNAL */
wire [127:0] d_at = d >> {{p, 3'd0}};
wire [15:0] k_at = k >> p;
/* verilator lint_on UNUSEDSIGNAL */
assign m_data = d_at[{wb}:0];
assign m_keep = k_at[{wk}:0];
assign m_last = l & final_slice;
assign m_user = l & final_slice ? u : {u}'d0;
assign m_valid = v;
assign s_ready = ~v | (m_ready & final_slice);
always @(posedge clock) begin
  if (v & m_ready) begin
    if (final_slice) v <= 1'b0;
    else p <= p_next;
  end
  if (s_valid & s_ready) begin
    d <= s_data;
    k <= s_keep;
    l <= s_last;
    u <= s_user;
    v <= 1'b1;
    p <= 5'd0;
  end
  if (reset) begin
    v <= 1'b0;
    p <= 5'd0;
  end
end
endmodule"#,
        wb = 8 * w - 1,
        wk = w - 1,
        ub = u - 1,
    )
}
