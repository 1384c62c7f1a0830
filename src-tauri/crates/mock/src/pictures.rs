//! Real, small PNGs the mock draws itself: the code interpreter's bar chart
//! and image generation's pictures (with coarser partial versions). They
//! are deterministic, so tests can compare bytes, and visible, so a
//! screenshot shows something.

/// An RGBA canvas.
struct Canvas {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Canvas {
    fn new(width: u32, height: u32, fill: [u8; 4]) -> Self {
        let pixels = fill
            .iter()
            .copied()
            .cycle()
            .take(width as usize * height as usize * 4)
            .collect();
        Self {
            width,
            height,
            pixels,
        }
    }

    fn set(&mut self, x: u32, y: u32, colour: [u8; 4]) {
        if x < self.width && y < self.height {
            let at = (y as usize * self.width as usize + x as usize) * 4;
            self.pixels[at..at + 4].copy_from_slice(&colour);
        }
    }

    fn get(&self, x: u32, y: u32) -> [u8; 4] {
        let at = (y as usize * self.width as usize + x as usize) * 4;
        [
            self.pixels[at],
            self.pixels[at + 1],
            self.pixels[at + 2],
            self.pixels[at + 3],
        ]
    }

    fn rect(&mut self, x0: u32, y0: u32, x1: u32, y1: u32, colour: [u8; 4]) {
        for y in y0..y1.min(self.height) {
            for x in x0..x1.min(self.width) {
                self.set(x, y, colour);
            }
        }
    }

    /// Each `block`×`block` square takes the colour of its top-left pixel:
    /// how a partial image looks coarser than the final one.
    fn pixelate(&mut self, block: u32) {
        if block <= 1 {
            return;
        }
        for y in 0..self.height {
            for x in 0..self.width {
                let colour = self.get(x - x % block, y - y % block);
                self.set(x, y, colour);
            }
        }
    }

    /// PNG bytes; RGB unless `alpha` (the alpha channel is then kept).
    fn png(&self, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut encoder = png::Encoder::new(&mut out, self.width, self.height);
        encoder.set_depth(png::BitDepth::Eight);
        let data: Vec<u8> = if alpha {
            encoder.set_color(png::ColorType::Rgba);
            self.pixels.clone()
        } else {
            encoder.set_color(png::ColorType::Rgb);
            self.pixels
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        };
        // Writing to a Vec fails only on a size the caller cannot ask for
        // (the sizes are bounded below).
        if let Ok(mut writer) = encoder.write_header() {
            let _ = writer.write_image_data(&data);
        }
        out
    }
}

const WHITE: [u8; 4] = [255, 255, 255, 255];
const AXIS: [u8; 4] = [60, 60, 60, 255];
const GRID: [u8; 4] = [225, 225, 225, 255];
const BAR: [u8; 4] = [31, 119, 180, 255];

/// A 320×200 bar chart of `values` (one bar each, tallest at the top),
/// with axes and grid lines, as a PNG.
pub(crate) fn bar_chart(values: &[u32]) -> Vec<u8> {
    let (width, height) = (320_u32, 200_u32);
    let (left, right, top, bottom) = (30_u32, 310_u32, 15_u32, 180_u32);
    let mut canvas = Canvas::new(width, height, WHITE);
    for step in 1..=4 {
        let y = bottom - (bottom - top) * step / 4;
        canvas.rect(left, y, right, y + 1, GRID);
    }
    let most = values.iter().copied().max().unwrap_or(1).max(1);
    let count = u32::try_from(values.len()).unwrap_or(1).max(1);
    let slot = (right - left) / count;
    for (index, value) in (0_u32..).zip(values) {
        let bar_height = (bottom - top) * value / most;
        let x = left + index * slot + slot / 5;
        canvas.rect(x, bottom - bar_height, x + slot * 3 / 5, bottom, BAR);
    }
    canvas.rect(left, top, left + 2, bottom + 1, AXIS);
    canvas.rect(left, bottom, right, bottom + 2, AXIS);
    canvas.png(false)
}

/// The largest side of a generated picture; the requested size is scaled
/// down by [`SCALE`] and capped here, to keep events small.
pub(crate) const MAX_SIDE: u32 = 512;
/// Requested sizes are divided by this (1024×1024 gives 256×256).
pub(crate) const SCALE: u32 = 4;

/// What a generated picture looks like.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Picture {
    pub width: u32,
    pub height: u32,
    /// Picks the colours (from the prompt), so different prompts differ.
    pub seed: u64,
    /// A transparent sky (the picture has an alpha channel).
    pub transparent: bool,
}

impl Picture {
    /// The picture as a PNG, pixelated in `block`-sized squares (1 = the
    /// final, full-detail picture).
    pub fn png(&self, block: u32) -> Vec<u8> {
        let (w, h) = (self.width, self.height);
        let hue = |shift: u32| u8::try_from((self.seed >> shift) & 0x7f).unwrap_or(0);
        let (sky_r, sky_g) = (hue(0), hue(8));
        let mut canvas = Canvas::new(w, h, [0, 0, 0, 0]);
        let sun = (w * 2 / 3, h / 3, (w.min(h) / 7).max(2));
        for y in 0..h {
            for x in 0..w {
                // A hill: a gentle curve across the lower third.
                let phase = f64::from(x) / f64::from(w) * std::f64::consts::TAU;
                let ridge = f64::from(h) * (0.68 + 0.08 * (phase + f64::from(hue(16))).sin());
                let colour = if f64::from(y) >= ridge {
                    let shade = u8::try_from(90 + 100 * y / h).unwrap_or(190);
                    [40, shade, 60, 255]
                } else if (x.abs_diff(sun.0).pow(2) + y.abs_diff(sun.1).pow(2)) <= sun.2.pow(2) {
                    [250, 200, 40, 255]
                } else if self.transparent {
                    [0, 0, 0, 0]
                } else {
                    let fade = u8::try_from(120 * y / h).unwrap_or(120);
                    [
                        sky_r.saturating_add(fade),
                        sky_g.saturating_add(fade),
                        235,
                        255,
                    ]
                };
                canvas.set(x, y, colour);
            }
        }
        canvas.pixelate(block);
        canvas.png(self.transparent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> (png::OutputInfo, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
            .read_info()
            .expect("a PNG");
        let mut buffer = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buffer).expect("a frame");
        buffer.truncate(info.buffer_size());
        (info, buffer)
    }

    #[test]
    fn the_chart_is_a_real_picture_with_bars() {
        let (info, pixels) = decode(&bar_chart(&[3, 5, 4]));
        assert_eq!((info.width, info.height), (320, 200));
        assert_eq!(info.color_type, png::ColorType::Rgb);
        let bar_pixels = pixels.chunks_exact(3).filter(|p| p == &&BAR[..3]).count();
        assert!(
            bar_pixels > 1000,
            "bars cover the chart: {bar_pixels} pixels"
        );
    }

    #[test]
    fn partials_are_coarser_and_transparency_gives_alpha() {
        let picture = Picture {
            width: 64,
            height: 48,
            seed: 7,
            transparent: false,
        };
        let coarse = picture.png(16);
        let fine = picture.png(1);
        assert_ne!(coarse, fine, "a partial differs from the final picture");
        assert_eq!(fine, picture.png(1), "the same picture every time");
        let (info, _) = decode(&fine);
        assert_eq!(
            (info.width, info.height, info.color_type),
            (64, 48, png::ColorType::Rgb)
        );
        let clear = Picture {
            transparent: true,
            ..picture
        };
        let (info, pixels) = decode(&clear.png(1));
        assert_eq!(info.color_type, png::ColorType::Rgba);
        assert!(
            pixels.chunks_exact(4).any(|p| p[3] == 0),
            "the sky is see-through"
        );
    }
}
