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

use std::cell::RefCell;
use std::ffi::OsString;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::builder::Resettable;
use clap::{ArgMatches, Args, Command, FromArgMatches, Parser, Subcommand};

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

/// `FromArgMatches` for a wrapper of one `T`: the matches are `T`'s.
macro_rules! matches_of_the_wrapped {
    ($wrapper:ident) => {
        impl<T: FromArgMatches> FromArgMatches for $wrapper<T> {
            fn from_arg_matches(matches: &ArgMatches) -> Result<Self, clap::Error> {
                T::from_arg_matches(matches).map(Self)
            }

            fn from_arg_matches_mut(matches: &mut ArgMatches) -> Result<Self, clap::Error> {
                T::from_arg_matches_mut(matches).map(Self)
            }

            fn update_from_arg_matches(&mut self, matches: &ArgMatches) -> Result<(), clap::Error> {
                self.0.update_from_arg_matches(matches)
            }

            fn update_from_arg_matches_mut(
                &mut self,
                matches: &mut ArgMatches,
            ) -> Result<(), clap::Error> {
                self.0.update_from_arg_matches_mut(matches)
            }
        }
    };
}

matches_of_the_wrapped!(Lazy);

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

thread_local! {
    /// The arguments of this run, while [`parse`] builds the command line for them.
    static ARGUMENTS: RefCell<Option<Vec<OsString>>> = const { RefCell::new(None) };
}

/// Parses the command line into `C`, giving clap only the subcommand that `args` names.
///
/// clap copies every global option into every subcommand before it parses, and that copying was
/// most of what a cached `okta-oauth token` spent in clap. With `C`'s subcommand field a
/// [`Used`], clap is given one subcommand: the one the first word of `args` that is neither an
/// option nor an option's value names. When that parse fails for any reason (a typo in the
/// subcommand, `--help`, `--version`, a wrong option), this parses `args` again with every
/// subcommand, so errors, suggestions and help come from the whole tree as before. A parse of
/// one subcommand that succeeds is the parse the whole tree gives: clap itself found that
/// subcommand where the whole tree would look for one (the CLI test `one_subcommand_parses_as_all`
/// compares the two).
///
/// `--version` is the one failure not parsed again: its text names the program and the
/// subcommands on the way, which the tree of one subcommand has too.
pub(crate) fn parse<C: Parser>(args: Vec<OsString>) -> C {
    match with_arguments(&args, || C::try_parse_from(&args)) {
        Ok(parsed) => parsed,
        Err(e) if e.kind() == clap::error::ErrorKind::DisplayVersion => e.exit(),
        Err(_) => C::parse_from(args),
    }
}

/// Runs `f`, in which [`Used`] gives clap only the subcommand `args` names.
pub(crate) fn with_arguments<R>(args: &[OsString], f: impl FnOnce() -> R) -> R {
    ARGUMENTS.set(Some(args.to_vec()));
    let r = f();
    ARGUMENTS.set(None);
    r
}

/// The subcommand `args` names: the first word after the program's name that is neither an
/// option of `top` nor the value of one. `None` after `--`, or when there is no such word.
fn named_subcommand<'a>(top: &Command, args: &'a [OsString]) -> Option<&'a str> {
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let long_takes_value = |name: &str| {
        top.get_arguments()
            .any(|a| takes_value(a) && a.get_long() == Some(name))
    };
    let short_takes_value = |c: char| {
        top.get_arguments()
            .any(|a| takes_value(a) && a.get_short() == Some(c))
    };
    let mut words = args.iter().skip(1);
    while let Some(word) = words.next() {
        let word = word.to_str()?;
        if word == "--" {
            return None;
        }
        let needs_next = if let Some(long) = word.strip_prefix("--") {
            !long.contains('=') && long_takes_value(long)
        } else if let Some(shorts) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            // `-vp FILE` and `-pFILE`: the first short option that takes a value takes the rest
            // of the word, or the next word when the rest is empty.
            shorts
                .char_indices()
                .find(|&(_, c)| short_takes_value(c))
                .is_some_and(|(i, c)| i + c.len_utf8() == shorts.len())
        } else {
            return Some(word);
        };
        if needs_next {
            words.next();
        }
    }
    None
}

/// The subcommand enum `T` of a [`Parser`], of which clap is given every subcommand, or, while
/// [`parse`] runs, only the one the arguments name. It must be the parser's last field, so that
/// the top-level options are defined when the subcommands are (otherwise every run parses twice,
/// correctly but slower).
#[derive(Debug)]
pub(crate) struct Used<T>(pub(crate) T);

matches_of_the_wrapped!(Used);

/// Adds to `cmd` the subcommands of `all` that this run may use.
fn keep_used(cmd: Command, all: &Command) -> Command {
    ARGUMENTS.with_borrow(|args| {
        let Some(args) = args else {
            return cmd.subcommands(all.get_subcommands().cloned());
        };
        let name = named_subcommand(&cmd, args);
        let used = all.get_subcommands().filter(|sc| {
            name.is_some_and(|n| sc.get_name() == n || sc.get_all_aliases().any(|a| a == n))
        });
        cmd.subcommands(used.cloned())
    })
}

impl<T: Subcommand> Subcommand for Used<T> {
    fn augment_subcommands(cmd: Command) -> Command {
        keep_used(cmd, &T::augment_subcommands(Command::new("all")))
    }

    fn augment_subcommands_for_update(cmd: Command) -> Command {
        keep_used(cmd, &T::augment_subcommands_for_update(Command::new("all")))
    }

    fn has_subcommand(name: &str) -> bool {
        T::has_subcommand(name)
    }
}
