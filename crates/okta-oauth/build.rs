//! Links GCC's unwinder into `okta-oauth` statically, on GNU/Linux.
//!
//! Rust's standard library asks the linker for `-lgcc_s`, the unwinder as a shared library, so
//! every run of the program would load `libgcc_s.so.1`: one more library to map and relocate
//! before `main`, and its constructor (`__cpu_indicator_init`) runs CPUID, which a virtual
//! machine traps. GCC ships the same unwinder as the static `libgcc_eh.a`, which is what Rust
//! links for `crt-static` targets. This script copies it into a folder of its own as
//! `libgcc_s.a` and puts that folder first on the linker's search path, where the linker finds it
//! before the shared library. `cargo xtask bench` measures the start it saves (docs/benchmarks.md).
//!
//! Nothing changes elsewhere: other systems, cross builds, and a compiler without `libgcc_eh.a`
//! link the shared unwinder as before.

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    let var = |name: &str| env::var(name).unwrap_or_default();
    let native_gnu_linux = var("CARGO_CFG_TARGET_OS") == "linux"
        && var("CARGO_CFG_TARGET_ENV") == "gnu"
        && var("TARGET") == var("HOST");
    if !native_gnu_linux {
        return;
    }
    let Some(unwinder) = static_unwinder() else {
        return;
    };
    let dir = PathBuf::from(var("OUT_DIR")).join("unwinder");
    let copied = std::fs::create_dir_all(&dir)
        .and_then(|()| std::fs::copy(&unwinder, dir.join("libgcc_s.a")));
    if copied.is_ok() {
        println!("cargo::rustc-link-search=native={}", dir.display());
    }
}

/// Where the C compiler that links Rust programs (`cc`) keeps `libgcc_eh.a`, if it has one.
fn static_unwinder() -> Option<PathBuf> {
    let out = Command::new("cc")
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .filter(|out| out.status.success())?;
    // A compiler without the file prints its bare name back.
    let path = PathBuf::from(String::from_utf8(out.stdout).ok()?.trim());
    (path.is_absolute() && path.is_file()).then_some(path)
}
