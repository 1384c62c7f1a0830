//! The echo's `image_generation`: a picture drawn from the prompt, streamed
//! as `partial_images` coarser versions before the final one, or a call
//! that fails after its first partial image when the user asks for it.

use base64::Engine as _;

use super::lifecycle::{ImageCall, Item, Terminal};
use super::said::Said;
use crate::create_request::{CreateRequest, ImageGenerationTool};
use crate::pictures::{Picture, MAX_SIDE, SCALE};

/// User text that makes the image fail after its first partial.
pub(crate) const FAIL_TRIGGER: &str = "fail image";

/// How a failed image ends the response. The API's error codes have none
/// for image generation as such, so this is its generic `server_error`.
pub(crate) const FAILED: Terminal = Terminal::Failed {
    code: "server_error",
    message: "Image generation failed before the image was finished.",
};

/// The size the API reports for `auto`.
const AUTO_SIZE: &str = "1024x1024";

/// Pixels of the mock's picture for a requested `WIDTHxHEIGHT` (the
/// request is checked when it is read): a quarter of each side, at most
/// [`MAX_SIDE`], at least 16.
fn pixels(size: &str) -> (u32, u32) {
    let (width, height) = size
        .split_once('x')
        .and_then(|(w, h)| Some((w.parse::<u32>().ok()?, h.parse::<u32>().ok()?)))
        .unwrap_or((1024, 1024));
    let side = |n: u32| (n / SCALE).clamp(16, MAX_SIDE);
    (side(width), side(height))
}

/// FNV-1a: the same picture for the same prompt, on every machine.
fn seed(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A setting as the API reports it: what was asked, or what `auto` became.
fn used(asked: Option<&str>, auto: &str) -> String {
    match asked {
        None | Some("auto") => auto.to_owned(),
        Some(value) => value.to_owned(),
    }
}

/// The `image_generation_call` item and the answer's paragraph.
pub(crate) fn answer(request: &CreateRequest, tool: &ImageGenerationTool) -> (Item, Said) {
    let size = used(tool.size.as_deref(), AUTO_SIZE);
    let background = used(tool.background.as_deref(), "opaque");
    let (width, height) = pixels(&size);
    let prompt = if request.user_text.is_empty() {
        "(no text)"
    } else {
        request.user_text.as_str()
    };
    let picture = Picture {
        width,
        height,
        seed: seed(prompt),
        transparent: background == "transparent",
    };
    let encode = |block: u32| base64::engine::general_purpose::STANDARD.encode(picture.png(block));
    // Coarse to fine: 32-pixel squares, then 16, then 8.
    let partials = (0..tool.partial_images).map(|i| encode(32 >> i)).collect();
    let call = ImageCall {
        partials,
        result: encode(1),
        revised_prompt: format!("A small landscape with a sun and a hill, for: {prompt}"),
        size,
        quality: used(tool.quality.as_deref(), "medium"),
        background,
        // The mock draws PNGs only, and says so whatever was asked.
        output_format: "png".to_owned(),
        fails: request.user_text.to_lowercase().contains(FAIL_TRIGGER),
    };
    (
        Item::ImageGeneration(call),
        Said::plain("Here is the image you asked for.".to_owned()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(text: &str, tool: serde_json::Value) -> ImageCall {
        let request =
            CreateRequest::parse(json!({"model": "echo", "input": text, "tools": [tool]}))
                .expect("a request");
        let tool = request.image_generation.clone().expect("the tool");
        match answer(&request, &tool).0 {
            Item::ImageGeneration(call) => call,
            other => panic!("an image call, not {other:?}"),
        }
    }

    #[test]
    fn partials_differ_and_the_settings_used_are_reported() {
        let image = call(
            "a cat",
            json!({"type": "image_generation", "partial_images": 3, "size": "1536x1024"}),
        );
        assert_eq!(image.partials.len(), 3);
        let mut all = image.partials.clone();
        all.push(image.result.clone());
        all.dedup();
        assert_eq!(
            all.len(),
            4,
            "every partial differs from the next and from the result"
        );
        assert_eq!(
            (
                image.size.as_str(),
                image.quality.as_str(),
                image.background.as_str()
            ),
            ("1536x1024", "medium", "opaque")
        );
        assert!(!image.fails);
        assert_eq!(pixels("1536x1024"), (384, 256));
        assert_eq!(pixels("3840x2160"), (MAX_SIDE, MAX_SIDE));
    }

    #[test]
    fn no_partials_by_default_and_fail_image_fails() {
        let image = call("please FAIL IMAGE", json!({"type": "image_generation"}));
        assert!(image.partials.is_empty(), "partial_images defaults to 0");
        assert!(image.fails);
        assert_eq!(image.size, AUTO_SIZE);
    }
}
