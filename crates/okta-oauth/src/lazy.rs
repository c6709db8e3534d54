//! Subcommands whose arguments clap defines only when that subcommand runs.
//!
//! clap's derive builds every subcommand's arguments before it parses, so a cached
//! `okta-oauth token` used to pay for the arguments of every command. [`Lazy`] wraps a
//! subcommand's payload and hands its definition to [`clap::Command::defer`]: clap runs it when
//! it parses that subcommand, or when something walks the whole tree (`--help`, completions, the
//! man page, `Command::build`). What users read is unchanged: the CLI test
//! `every_help_text_and_the_man_page_are_pinned` holds every `--help` and the man page to their
//! text from before the definitions were deferred.
//!
//! The completion scripts and the man page want the whole tree at once, and clap's `help`
//! command copies the tree when the top level is built, before any deferred part would be
//! defined: [`define_everything_now`] makes every later definition eager, as the derive's own
//! (the test `completion_scripts_cover_every_command` checks every command path in them).
//!
//! A deferred subcommand must not define an argument with the id of a global one: the globals
//! reach it before its own arguments do, and clap refuses the duplicate (a debug assertion, which
//! that test runs into for every subcommand).

use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::Resettable;
use clap::{ArgMatches, Args, Command, FromArgMatches, Subcommand};

static EAGER: AtomicBool = AtomicBool::new(false);

/// From now on, `Cli::command()` defines every subcommand at once (for completions and the man
/// page).
pub(crate) fn define_everything_now() {
    EAGER.store(true, Ordering::Relaxed);
}

/// Defines now, or hands `define` to clap for when the subcommand is used.
fn now_or_later(cmd: Command, define: fn(Command) -> Command) -> Command {
    if EAGER.load(Ordering::Relaxed) {
        define(cmd)
    } else {
        cmd.defer(define)
    }
}

/// A subcommand's payload (its [`Args`] or its own [`Subcommand`] enum), defined on first use.
#[derive(Debug)]
pub(crate) struct Lazy<T>(pub(crate) T);

impl<T> std::ops::Deref for Lazy<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: FromArgMatches> FromArgMatches for Lazy<T> {
    fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Self)
    }

    fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches_mut(matches).map(Self)
    }

    fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }

    fn update_from_arg_matches_mut(&mut self, matches: &mut ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches_mut(matches)
    }
}

/// The derive sets the variant's own doc comment (and attributes) on the subcommand after the
/// payload's definition, so the variant's text wins over the payload's. A deferred definition
/// runs later: keep what the variant set.
fn keeping_variant_text(cmd: Command, define: fn(Command) -> Command) -> Command {
    let about = cmd.get_about().cloned();
    let long_about = cmd.get_long_about().cloned();
    let cmd = define(cmd);
    match about {
        Some(about) => cmd
            .about(about)
            .long_about(long_about.map_or(Resettable::Reset, Resettable::Value)),
        None => cmd,
    }
}

fn define_args<T: Args>(cmd: Command) -> Command {
    keeping_variant_text(cmd, T::augment_args)
}

fn define_args_for_update<T: Args>(cmd: Command) -> Command {
    keeping_variant_text(cmd, T::augment_args_for_update)
}

fn define_subcommands<T: Subcommand>(cmd: Command) -> Command {
    keeping_variant_text(cmd, T::augment_subcommands)
}

fn define_subcommands_for_update<T: Subcommand>(cmd: Command) -> Command {
    keeping_variant_text(cmd, T::augment_subcommands_for_update)
}

impl<T: Args> Args for Lazy<T> {
    fn augment_args(cmd: Command) -> Command {
        now_or_later(cmd, define_args::<T>)
    }

    fn augment_args_for_update(cmd: Command) -> Command {
        now_or_later(cmd, define_args_for_update::<T>)
    }

    fn group_id() -> Option<clap::Id> {
        T::group_id()
    }
}

impl<T: Subcommand> Subcommand for Lazy<T> {
    fn augment_subcommands(cmd: Command) -> Command {
        now_or_later(cmd, define_subcommands::<T>)
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        now_or_later(cmd, define_subcommands_for_update::<T>)
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}
