//! Opening the system browser, for `login` and `quickstart --user`.

/// Opens `url` in the system browser when there is one (RFC 8252 §8.12: the system browser, not
/// an embedded view); returns whether a browser was started. The URL is printed either way.
pub(crate) fn open_browser(url: &str) -> bool {
    let commands: &[(&str, &[&str])] = if cfg!(target_os = "macos") {
        &[("open", &[])]
    } else if cfg!(windows) {
        &[("rundll32", &["url.dll,FileProtocolHandler"])]
    } else {
        if !crate::env::is_set("DISPLAY") && !crate::env::is_set("WAYLAND_DISPLAY") {
            return false;
        }
        &[("xdg-open", &[])]
    };
    commands.iter().any(|(cmd, args)| {
        std::process::Command::new(cmd)
            .args(*args)
            .arg(url)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .is_ok()
    })
}
