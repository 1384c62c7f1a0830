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

#[cfg(test)]
mod tests {
    /// The CSP is what stops a load the sanitizer missed: no directive may
    /// name a remote scheme, host or wildcard.
    #[test]
    fn csp_lets_the_webview_load_nothing_remote() {
        let config: serde_json::Value =
            serde_json::from_str(include_str!("../../../tauri.conf.json"))
                .expect("tauri.conf.json is JSON");
        let csp = config["app"]["security"]["csp"]
            .as_object()
            .expect("the CSP is written as an object of directives");
        for (directive, sources) in csp {
            let sources = sources.as_str().expect("each directive is a string");
            for source in sources.split_whitespace() {
                let allowed = match source {
                    "'self'" | "'none'" | "data:" | "blob:" => true,
                    // Svelte and KaTeX set inline styles; style-src governs no image load.
                    "'unsafe-inline'" => directive == "style-src",
                    // Tauri's IPC, which is the app's own backend.
                    "ipc:" | "http://ipc.localhost" => directive == "connect-src",
                    _ => false,
                };
                assert!(allowed, "{directive} allows {source}");
            }
        }
        assert_eq!(csp["default-src"], "'self'");
        assert_eq!(csp["img-src"], "'self' data: blob:");
        for closed in ["object-src", "base-uri", "form-action", "frame-src"] {
            assert_eq!(csp[closed], "'none'", "{closed}");
        }
    }
}
