//! The app's commands, by area. `handler()` is the one list of them; the
//! capability file and build.rs grant exactly these.

mod app;

pub use app::*;

pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    tauri::generate_handler![app::app_info, app::stream_demo]
}
