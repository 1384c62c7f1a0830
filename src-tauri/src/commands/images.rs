//! Remote images in model output: fetched by the backend on the user's click
//! and handed to the UI as bytes (shown as a `blob:` URL), since the
//! webview's CSP lets it load no remote image itself.

use tauri::ipc::Response;

use crate::error::{ErrorCode, IpcError, IpcResult};
use halley_core::remote_image::{fetch_remote_image, ImageFetchError, ImageFetchLimits};

/// Set to `1` by end-to-end tests, whose image server is plain http on loopback.
pub const LOOPBACK_IMAGES_ENV: &str = "HALLEY_LOOPBACK_IMAGES";

fn limits() -> ImageFetchLimits {
    ImageFetchLimits {
        allow_loopback_http: std::env::var(LOOPBACK_IMAGES_ENV).is_ok_and(|v| v == "1"),
        ..ImageFetchLimits::default()
    }
}

fn ipc_error(error: ImageFetchError) -> IpcError {
    let code = match &error {
        ImageFetchError::SchemeNotAllowed
        | ImageFetchError::InvalidUrl
        | ImageFetchError::TooLarge { .. }
        | ImageFetchError::NotAnImage
        | ImageFetchError::CrossOriginRedirect => ErrorCode::InvalidInput,
        ImageFetchError::Status(_) => ErrorCode::Api,
        ImageFetchError::Timeout(_) | ImageFetchError::Network { .. } => ErrorCode::Network,
    };
    IpcError::new(code, error.to_string())
}

/// The image's bytes (PNG, JPEG, GIF or WebP), as an ArrayBuffer in the UI.
#[tauri::command]
pub async fn fetch_image(url: String) -> IpcResult<Response> {
    let image = fetch_remote_image(&url, &limits())
        .await
        .map_err(ipc_error)?;
    Ok(Response::new(image.bytes))
}
