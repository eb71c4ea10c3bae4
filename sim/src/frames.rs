//! Synthetic sensor streams: FS, top embedded lines, image lines carrying
//! a recognisable test pattern (eight colour bars with a diagonal that
//! moves one step per frame), bottom embedded lines, FE.

use crate::packet::{self, DT_EMBEDDED, DT_FE, DT_FS, Header};

/// Pixel formats and their CSI-2 data types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PixelFormat {
    Raw8,
    Raw10,
    Raw12,
    Yuv422,
    Rgb888,
}

impl PixelFormat {
    pub fn from_name(s: &str) -> Option<PixelFormat> {
        Some(match s {
            "raw8" => PixelFormat::Raw8,
            "raw10" => PixelFormat::Raw10,
            "raw12" => PixelFormat::Raw12,
            "yuv422" => PixelFormat::Yuv422,
            "rgb888" => PixelFormat::Rgb888,
            _ => return None,
        })
    }

    /// CSI-2 data type.
    pub fn dt(self) -> u8 {
        match self {
            PixelFormat::Raw8 => 0x2A,
            PixelFormat::Raw10 => 0x2B,
            PixelFormat::Raw12 => 0x2C,
            PixelFormat::Yuv422 => 0x1E,
            PixelFormat::Rgb888 => 0x24,
        }
    }

    /// Pixels that pack into a whole number of bytes.
    pub fn pixel_group(self) -> usize {
        match self {
            PixelFormat::Raw10 => 4,
            PixelFormat::Raw12 | PixelFormat::Yuv422 => 2,
            _ => 1,
        }
    }

    /// Bytes of a line of `width` pixels.
    pub fn line_bytes(self, width: usize) -> usize {
        match self {
            PixelFormat::Raw8 => width,
            PixelFormat::Raw10 => width * 5 / 4,
            PixelFormat::Raw12 => width * 3 / 2,
            PixelFormat::Yuv422 => width * 2,
            PixelFormat::Rgb888 => width * 3,
        }
    }
}

/// What to generate.
#[derive(Clone, Debug)]
pub struct FrameSpec {
    pub width: usize,
    pub height: usize,
    pub format: PixelFormat,
    pub frames: usize,
    pub stream: u8,
    pub embedded_top: usize,
    pub embedded_bottom: usize,
    pub seed: u64,
}

impl FrameSpec {
    /// Check the numbers; the message names the option.
    pub fn validate(&self, vcx: bool) -> Result<(), String> {
        let g = self.format.pixel_group();
        if self.width == 0 || self.width % g != 0 {
            return Err(format!(
                "--width {}: must be a positive multiple of {g} for this format",
                self.width
            ));
        }
        if self.format.line_bytes(self.width) > u16::MAX as usize {
            return Err(format!(
                "--width {}: a line of {} bytes exceeds a CSI-2 word count",
                self.width,
                self.format.line_bytes(self.width)
            ));
        }
        if self.height == 0 {
            return Err("--height: must be at least 1".into());
        }
        let max_stream = if vcx { 15 } else { 3 };
        if self.stream > max_stream {
            return Err(format!("--stream {}: must be 0..{max_stream}", self.stream));
        }
        Ok(())
    }
}

/// 10-bit sample of pixel (x, y) of frame f and component c.
fn sample(spec: &FrameSpec, x: usize, y: usize, f: usize, c: usize) -> u16 {
    let bar = x * 8 / spec.width; // 0..7: white, yellow, cyan, green, magenta, red, blue, black
    let level = if (7 - bar) >> (2 - c.min(2)) & 1 == 1 {
        940
    } else {
        64
    };
    let diag = (x + spec.width - (y + 8 * f + spec.seed as usize) % spec.width) % spec.width < 2;
    if diag { 1023 - level / 2 } else { level }
}

fn image_line(spec: &FrameSpec, y: usize, f: usize) -> Vec<u8> {
    let w = spec.width;
    let mut out = Vec::with_capacity(spec.format.line_bytes(w));
    match spec.format {
        PixelFormat::Raw8 => out.extend((0..w).map(|x| (sample(spec, x, y, f, x % 3) >> 2) as u8)),
        PixelFormat::Raw10 => {
            for x in (0..w).step_by(4) {
                let p: [u16; 4] = std::array::from_fn(|i| sample(spec, x + i, y, f, (x + i) % 3));
                out.extend(p.iter().map(|v| (v >> 2) as u8));
                out.push(
                    p.iter()
                        .enumerate()
                        .fold(0u8, |a, (i, v)| a | ((v & 3) as u8) << (2 * i)),
                );
            }
        }
        PixelFormat::Raw12 => {
            for x in (0..w).step_by(2) {
                let p: [u16; 2] =
                    std::array::from_fn(|i| sample(spec, x + i, y, f, (x + i) % 3) << 2);
                out.extend([
                    (p[0] >> 4) as u8,
                    (p[1] >> 4) as u8,
                    ((p[0] & 0xf) | (p[1] & 0xf) << 4) as u8,
                ]);
            }
        }
        PixelFormat::Yuv422 => {
            for x in (0..w).step_by(2) {
                let y0 = (sample(spec, x, y, f, 1) >> 2) as u8;
                let y1 = (sample(spec, x + 1, y, f, 1) >> 2) as u8;
                let u = (sample(spec, x, y, f, 2) >> 2) as u8;
                let v = (sample(spec, x, y, f, 0) >> 2) as u8;
                out.extend([u, y0, v, y1]);
            }
        }
        PixelFormat::Rgb888 => {
            for x in 0..w {
                out.extend((0..3).map(|c| (sample(spec, x, y, f, 2 - c) >> 2) as u8));
            }
        }
    }
    out
}

/// An embedded-data line: a tag byte, the frame and line numbers, then a
/// register-dump-like ramp.
fn embedded_line(len: usize, frame: usize, line: usize, bottom: bool) -> Vec<u8> {
    (0..len)
        .map(|i| match i {
            0 => 0x0A,
            1 => (if bottom { 0xB0 } else { 0xA0 }) | (line as u8 & 0x0f),
            2 => frame as u8,
            _ => (i as u8).wrapping_mul(13).wrapping_add(line as u8),
        })
        .collect()
}

/// Append the stream of `spec` to `out`.
pub fn generate(spec: &FrameSpec, out: &mut Vec<u8>) {
    let line = spec.format.line_bytes(spec.width);
    for f in 0..spec.frames {
        let number = (f % 65535 + 1) as u16;
        packet::write_short(out, Header::for_stream(spec.stream, DT_FS, number));
        for l in 0..spec.embedded_top {
            packet::write_long(
                out,
                Header::for_stream(spec.stream, DT_EMBEDDED, 0),
                &[&embedded_line(line, f, l, false)],
                0,
            );
        }
        for y in 0..spec.height {
            packet::write_long(
                out,
                Header::for_stream(spec.stream, spec.format.dt(), 0),
                &[&image_line(spec, y, f)],
                0,
            );
        }
        for l in 0..spec.embedded_bottom {
            packet::write_long(
                out,
                Header::for_stream(spec.stream, DT_EMBEDDED, 0),
                &[&embedded_line(line, f, l, true)],
                0,
            );
        }
        packet::write_short(out, Header::for_stream(spec.stream, DT_FE, number));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::PacketReader;

    #[test]
    fn stream_has_the_announced_shape() {
        let spec = FrameSpec {
            width: 64,
            height: 4,
            format: PixelFormat::Raw10,
            frames: 2,
            stream: 5,
            embedded_top: 1,
            embedded_bottom: 2,
            seed: 0,
        };
        let mut s = Vec::new();
        generate(&spec, &mut s);
        let p: Vec<_> = PacketReader::new(&s, true).map(|p| p.unwrap()).collect();
        assert_eq!(p.len(), 2 * (2 + 1 + 4 + 2));
        assert!(
            p.iter()
                .all(|p| p.header.stream() == 5 && p.crc_error() == 0)
        );
        assert_eq!(p[2].header.wc, 80);
        assert_eq!(p[0].header.dt, DT_FS);
        assert_eq!(p[8].header.dt, DT_FE);
        assert_ne!(
            p[2].payload, p[11].payload,
            "the pattern moves between frames"
        );
    }
}
