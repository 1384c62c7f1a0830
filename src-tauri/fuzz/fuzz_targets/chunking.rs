//! How a target turns one fuzz input into a stream and a way to cut it:
//! the first 8 bytes are control bytes (line-ending rewrite, a leading BOM,
//! and the seed of the chunk sizes, empty chunks included); the rest is the
//! stream. Seeds taken from recordings get 8 zero bytes in front (see
//! `src-tauri/fuzz/run.sh`), which means "as recorded, LF, no BOM".

pub const CONTROL_BYTES: usize = 8;

/// The stream body, rewritten as the control bytes say.
pub fn body(data: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let (control, raw) = data.split_at(data.len().min(CONTROL_BYTES));
    let mut control = control.to_vec();
    control.resize(CONTROL_BYTES, 0);
    let mut body = Vec::with_capacity(raw.len() + 3);
    if control[1] & 1 == 1 {
        body.extend_from_slice(b"\xEF\xBB\xBF");
    }
    // Every recording uses LF; rewriting reaches CRLF and CR framing too.
    for &byte in raw {
        match (byte, control[0] % 3) {
            (b'\n', 1) => body.extend_from_slice(b"\r\n"),
            (b'\n', 2) => body.push(b'\r'),
            _ => body.push(byte),
        }
    }
    let seed = u64::from_le_bytes(control.try_into().unwrap_or([0; 8]));
    (body.clone(), cuts(&body, seed))
}

/// Chunk lengths (0 allowed: an empty read) covering `body`; seed 0 means
/// the whole body in one chunk.
fn cuts(body: &[u8], seed: u64) -> Vec<usize> {
    if seed == 0 {
        return vec![body.len()];
    }
    let mut state = seed;
    let mut left = body.len();
    let mut lengths = Vec::new();
    while left > 0 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // A quarter of the chunks empty, the rest 1..=16 bytes.
        let n = if state % 4 == 0 {
            0
        } else {
            1 + (state >> 8) as usize % 16
        };
        let n = n.min(left);
        lengths.push(n);
        left -= n;
    }
    lengths
}

/// `body` as chunks of the given lengths.
pub fn chunks<'a>(body: &'a [u8], lengths: &[usize]) -> Vec<&'a [u8]> {
    let mut out = Vec::with_capacity(lengths.len());
    let mut start = 0;
    for &n in lengths {
        out.push(&body[start..start + n]);
        start += n;
    }
    out.push(&body[start..]);
    out
}
