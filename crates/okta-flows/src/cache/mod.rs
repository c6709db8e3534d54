//! Keeping tokens: a token source that fetches once for every thread, the stores it keeps them in
//! (a file, Redis, or one of the caller's), the layers it looks through, and the sealing of every
//! entry (with `seal`, at the crate root: AES-256-GCM under a key derived from the private key or a configured secret).

pub(crate) mod layers;
#[cfg(feature = "redis")]
pub(crate) mod redis;
pub(crate) mod source;
pub(crate) mod store;
