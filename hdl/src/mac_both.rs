//! The MAC unit of an instance with both suite families (`--suites
//! both`): GHASH for the GMAC suites and [`CbcMac`] for the CMAC suites
//! side by side, the context's suite choosing one (`cmac`, from
//! `CONFIG.suite` bit 1) for every stream beat and `y`.
//!
//! Its ports are [`CbcMac`]'s (a superset of GHASH's), so the tops drive
//! it as they drive the CMAC unit. A key load gives E_K(0) to both: GHASH
//! takes it as H, the CMAC unit as L (K1 = dbl(L)); `h_ready` waits for
//! both, so a later context of the other family finds its unit keyed.
//! The unit not chosen sees no beat and keeps no state.

use crate::cbc_mac::CbcMac;
use crate::ghash::Ghash;
use rust_hdl::prelude::*;

/// GHASH and CBC-MAC, one chosen by `cmac`.
#[derive(LogicBlock)]
pub struct MacBoth {
    pub clock: Signal<In, Clock>,
    /// Clear both units (one cycle).
    pub zeroize: Signal<In, Bit>,
    /// The context's suite is a CMAC one.
    pub cmac: Signal<In, Bit>,
    /// E_K(0): H for GHASH, L for the CMAC unit.
    pub h: Signal<In, Bits<128>>,
    pub h_valid: Signal<In, Bit>,
    pub h_ready: Signal<Out, Bit>,
    /// The chosen unit is keyed.
    pub h_loaded: Signal<Out, Bit>,
    /// As [`CbcMac`]'s stream port (GHASH ignores `s_part`).
    pub s_data: Signal<In, Bits<128>>,
    pub s_last: Signal<In, Bit>,
    pub s_part: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_ready: Signal<Out, Bit>,
    /// The chosen unit's result.
    pub y: Signal<Out, Bits<128>>,
    pub y_valid: Signal<Out, Bit>,
    pub y_ready: Signal<In, Bit>,
    /// The CMAC unit's blocks through the top's AES core.
    pub a_data: Signal<Out, Bits<128>>,
    pub a_valid: Signal<Out, Bit>,
    pub a_ready: Signal<In, Bit>,
    pub r_data: Signal<In, Bits<128>>,
    pub r_valid: Signal<In, Bit>,
    pub r_ready: Signal<Out, Bit>,
    gm: Ghash,
    cm: CbcMac,
}

impl MacBoth {
    /// GHASH on a multiplier of `stages` pipeline stages, and the CMAC unit.
    pub fn new(stages: usize) -> Self {
        MacBoth {
            clock: Default::default(),
            zeroize: Default::default(),
            cmac: Default::default(),
            h: Default::default(),
            h_valid: Default::default(),
            h_ready: Default::default(),
            h_loaded: Default::default(),
            s_data: Default::default(),
            s_last: Default::default(),
            s_part: Default::default(),
            s_valid: Default::default(),
            s_ready: Default::default(),
            y: Default::default(),
            y_valid: Default::default(),
            y_ready: Default::default(),
            a_data: Default::default(),
            a_valid: Default::default(),
            a_ready: Default::default(),
            r_data: Default::default(),
            r_valid: Default::default(),
            r_ready: Default::default(),
            gm: Ghash::new(stages),
            cm: CbcMac::default(),
        }
    }

    /// Mark every input as driven by the parent (custom glue).
    pub fn claim_inputs(&mut self) {
        for s in [
            &mut self.zeroize,
            &mut self.cmac,
            &mut self.h_valid,
            &mut self.s_last,
            &mut self.s_part,
            &mut self.s_valid,
            &mut self.y_ready,
            &mut self.a_ready,
            &mut self.r_valid,
        ] {
            s.connect();
        }
        self.clock.connect();
        self.h.connect();
        self.s_data.connect();
        self.r_data.connect();
    }
}

impl Logic for MacBoth {
    #[hdl_gen]
    fn update(&mut self) {
        self.gm.clock.next = self.clock.val();
        self.cm.clock.next = self.clock.val();
        self.gm.zeroize.next = self.zeroize.val();
        self.cm.zeroize.next = self.zeroize.val();
        self.gm.h.next = self.h.val();
        self.cm.h.next = self.h.val();
        self.gm.h_valid.next = self.h_valid.val();
        self.cm.h_valid.next = self.h_valid.val();
        self.gm.s_data.next = self.s_data.val();
        self.cm.s_data.next = self.s_data.val();
        self.gm.s_last.next = self.s_last.val();
        self.cm.s_last.next = self.s_last.val();
        self.cm.s_part.next = self.s_part.val();
        self.gm.s_valid.next = self.s_valid.val() & !self.cmac.val();
        self.cm.s_valid.next = self.s_valid.val() & self.cmac.val();
        self.gm.y_ready.next = self.y_ready.val() & !self.cmac.val();
        self.cm.y_ready.next = self.y_ready.val() & self.cmac.val();
        self.cm.a_ready.next = self.a_ready.val();
        self.cm.r_data.next = self.r_data.val();
        self.cm.r_valid.next = self.r_valid.val();
        self.a_data.next = self.cm.a_data.val();
        self.a_valid.next = self.cm.a_valid.val();
        self.r_ready.next = self.cm.r_ready.val();
        self.h_ready.next = self.gm.h_ready.val() & self.cm.h_ready.val();
        if self.cmac.val() {
            self.h_loaded.next = self.cm.h_loaded.val();
            self.s_ready.next = self.cm.s_ready.val();
            self.y.next = self.cm.y.val();
            self.y_valid.next = self.cm.y_valid.val();
        } else {
            self.h_loaded.next = self.gm.h_loaded.val();
            self.s_ready.next = self.gm.s_ready.val();
            self.y.next = self.gm.y.val();
            self.y_valid.next = self.gm.y_valid.val();
        }
    }
}
