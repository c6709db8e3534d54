//! `okta-emulator`: run a local Okta org on loopback until interrupted.

use clap::Parser as _;

fn main() -> anyhow::Result<()> {
    okta_emulator::cli::run(&okta_emulator::cli::Args::parse())
}
