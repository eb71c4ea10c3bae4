## Arty A7-35T (XC7A35TICSG324-1L): pins of the csi2sec self-test top.
## Source: Digilent/digilent-xdc, Arty-A7-35-Master.xdc (CLK100MHZ E3,
## uart_rxd_out D10 = FPGA transmits to the FT2232, btn[0] D9, led[4..6]
## H5 J5 T9).
## Ports: clk (100 MHz), uart_tx (115200 8N1), btn_tamper (BTN0, active
## high), led_heartbeat, led_ok, led_fail (LD4..LD6, active high).
set_property -dict { PACKAGE_PIN E3  IOSTANDARD LVCMOS33 } [get_ports { clk }];
create_clock -add -name sys_clk_pin -period 10.00 -waveform {0 5} [get_ports { clk }];
set_property -dict { PACKAGE_PIN D10 IOSTANDARD LVCMOS33 } [get_ports { uart_tx }];
set_property -dict { PACKAGE_PIN D9  IOSTANDARD LVCMOS33 } [get_ports { btn_tamper }];
set_property -dict { PACKAGE_PIN H5  IOSTANDARD LVCMOS33 } [get_ports { led_heartbeat }];
set_property -dict { PACKAGE_PIN J5  IOSTANDARD LVCMOS33 } [get_ports { led_ok }];
set_property -dict { PACKAGE_PIN T9  IOSTANDARD LVCMOS33 } [get_ports { led_fail }];
