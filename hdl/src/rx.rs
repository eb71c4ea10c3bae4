//! `csi2sec_rx`: the SoC-side block that checks and removes csi2sec/1
//! security (spec §6): it verifies the GMAC or CMAC tags, decrypts SV-1
//! payloads (AES-CTR, GMAC suites), strips the SEP header and footer and the SEP tag packets,
//! rebuilds WC, ECC and CRC-16, and gives each verdict on `m_axis_tuser`.
//!
//! The rule is the spec's: decode as sent, judge against the context. The
//! SEP header on the wire says how long the footer is and how to decrypt;
//! the registers (CONFIG, and NEXT_FRAME for each frame) say what the
//! frame must be: the expected record headers, coverage (the RX's own
//! line indices), key_id and tag mode. Records enter GHASH with the record
//! header the context expects, so a downgraded or altered SEP header can
//! never verify.
//!
//! Streams are AXI4-Stream, 16 bytes per beat, one packet per `tlast`
//! burst (spec §7). A wrapped packet's first beat is its CSI-2 header and
//! SEP header (4 + 12 bytes), so its payload starts on a beat boundary:
//! keystream block j XORs beat j + 1 with no realignment. The output's
//! parts (header, payload, CRC-16) go through [`BytePacker`].
//!
//! `m_axis_tuser[7:0]` on the last beat of a packet:
//! - bit 0: a frame verdict (on the FE, or on the FS that abandons a frame);
//! - bit 1: a packet verdict (message tag mode, on each classified packet);
//! - bits 4:2: the verdict code: 0 format_error, 1 policy_violation,
//!   2 missing_tag, 3 auth_fail, 4 replay, 5 unprotected, 6 ok;
//! - bits 7:5: zero.
//!
//! This version: SEP, GMAC-128, GMAC-256, CMAC-128 or CMAC-256 (the
//! MAC unit is the type parameter `M`, as in the TX), tag modes frame and message,
//! SV-1 to SV-5, CRC-32, VCX, one configured stream (the others pass
//! through). Differences from the golden model, all on malformed or
//! hostile input: an uncorrectable header is dropped and counted (format
//! error for the open frame) and processing goes on, where the model's
//! raw byte stream ends; a packet whose wire key_id names the other key
//! slot than the frame's is released undecrypted (the model decrypts it;
//! its frame is a policy_violation either way).

use crate::aes_iterative::AesCore;
use crate::axis_slice::AxisSlice;
use crate::byte_packer::BytePacker;
use crate::cbc_mac::CbcMac;
use crate::header_ecc::HeaderEcc;
use crate::link_glue::MacUnit;
use rust_hdl::prelude::*;

/// The RX, on AES core `A` with MAC unit `M`.
#[derive(LogicBlock)]
pub struct Rx<A: AesCore, M: MacUnit> {
    pub clock: Signal<In, Clock>,
    /// Synchronous reset: drops the packets in progress, zeroises the key
    /// slots and the engines, forgets the replay state, and sets every
    /// register to its reset value.
    pub reset: Signal<In, Bit>,
    /// Protected CSI-2 packets (from the PHY).
    pub s_axis_tdata: Signal<In, Bits<128>>,
    pub s_axis_tkeep: Signal<In, Bits<16>>,
    pub s_axis_tlast: Signal<In, Bit>,
    /// On a last beat: verdicts from an upstream RX of a chain
    /// ([`crate::stream_chain`]), kept on the packets this RX passes
    /// through. 0 for a stand-alone RX.
    pub s_axis_tuser: Signal<In, Bits<8>>,
    pub s_axis_tvalid: Signal<In, Bit>,
    pub s_axis_tready: Signal<Out, Bit>,
    /// The original CSI-2 packets (to the SoC).
    pub m_axis_tdata: Signal<Out, Bits<128>>,
    pub m_axis_tkeep: Signal<Out, Bits<16>>,
    pub m_axis_tlast: Signal<Out, Bit>,
    /// On a last beat: the verdicts (see the module documentation).
    pub m_axis_tuser: Signal<Out, Bits<8>>,
    pub m_axis_tvalid: Signal<Out, Bit>,
    pub m_axis_tready: Signal<In, Bit>,
    /// APB3 register port (see the register map).
    pub psel: Signal<In, Bit>,
    pub penable: Signal<In, Bit>,
    pub pwrite: Signal<In, Bit>,
    pub paddr: Signal<In, Bits<12>>,
    pub pwdata: Signal<In, Bits<32>>,
    pub prdata: Signal<Out, Bits<32>>,
    pub pready: Signal<Out, Bit>,
    pub pslverr: Signal<Out, Bit>,
    /// One-cycle pulse with each frame verdict that is not ok or
    /// unprotected (an interrupt source).
    pub alarm: Signal<Out, Bit>,
    in_slice: AxisSlice,
    /// The header of a beat entering the slice (its WC counts the
    /// beats' payload bytes there).
    hin_s: HeaderEcc,
    hin: HeaderEcc,
    hout: HeaderEcc,
    pk: BytePacker,
    aes: A,
    gh: M,
    _key_bits: usize,
    _fsed: bool,
    _dt_scopes: usize,
}

impl<A: AesCore> Rx<A, CbcMac> {
    /// CMAC suites on AES core `aes`.
    pub fn cmac(aes: A, key_bits: usize) -> Self {
        Rx::new(aes, CbcMac::default(), key_bits)
    }
}

impl<A: AesCore, M: MacUnit> Rx<A, M> {
    pub fn new(aes: A, gh: M, key_bits: usize) -> Self {
        Rx {
            clock: Default::default(),
            reset: Default::default(),
            s_axis_tdata: Default::default(),
            s_axis_tkeep: Default::default(),
            s_axis_tlast: Default::default(),
            s_axis_tuser: Default::default(),
            s_axis_tvalid: Default::default(),
            s_axis_tready: Default::default(),
            m_axis_tdata: Default::default(),
            m_axis_tkeep: Default::default(),
            m_axis_tlast: Default::default(),
            m_axis_tuser: Default::default(),
            m_axis_tvalid: Default::default(),
            m_axis_tready: Default::default(),
            psel: Default::default(),
            penable: Default::default(),
            pwrite: Default::default(),
            paddr: Default::default(),
            pwdata: Default::default(),
            prdata: Default::default(),
            pready: Default::default(),
            pslverr: Default::default(),
            alarm: Default::default(),
            in_slice: Default::default(),
            hin_s: Default::default(),
            hin: Default::default(),
            hout: Default::default(),
            pk: Default::default(),
            aes,
            gh,
            _key_bits: key_bits,
            _fsed: false,
            _dt_scopes: 4,
        }
    }

    /// The FSED protocol instead of SEP (spec §5.2, §6).
    pub fn fsed(mut self, on: bool) -> Self {
        self._fsed = on;
        self
    }

    /// The most data-type scopes a frame can have (data-type tag mode;
    /// [`crate::dt_scopes`]).
    pub fn dt_scopes(mut self, n: usize) -> Self {
        self._dt_scopes = n;
        self
    }
}

impl<A: AesCore, M: MacUnit> Logic for Rx<A, M> {
    // The Verilog is the design; it is verified frame by frame against
    // the golden model in Verilator cosimulation (`testbench/tests/rx.rs`).
    fn update(&mut self) {
        self.aes.set_clock(self.clock.val());
        self.gh.set_clock(self.clock.val());
        self.pk.clock.next = self.clock.val();
        self.in_slice.clock.next = self.clock.val();
    }

    fn connect(&mut self) {
        self.s_axis_tready.connect();
        self.m_axis_tdata.connect();
        self.m_axis_tkeep.connect();
        self.m_axis_tlast.connect();
        self.m_axis_tuser.connect();
        self.m_axis_tvalid.connect();
        self.prdata.connect();
        self.pready.connect();
        self.pslverr.connect();
        self.alarm.connect();
        self.aes.claim_inputs();
        self.gh.claim_inputs();
        self.in_slice.claim_inputs();
        self.hin_s.header.connect();
        self.hin_s.vcx_on.connect();
        crate::link_glue::connect_children(&mut self.pk, [&mut self.hin, &mut self.hout]);
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(crate::link_glue::top_verilog(
            crate::regs::Side::Rx,
            self._key_bits,
            M::SUITES,
            self._fsed,
            self._dt_scopes,
            CONTROL,
        ))
    }
}

/// The RX control and datapath glue.
const CONTROL: &str = include_str!("rx_control.v");
