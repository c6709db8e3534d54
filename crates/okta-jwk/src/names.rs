//! Algorithm and curve names read from input: [`FromStr`] for [`Algorithm`] and [`Curve`].
//!
//! Apart from alg.rs so that the two point one way: the errors name algorithms
//! ([`Error::AlgorithmMismatch`]), and an unknown name is an error.

use std::str::FromStr;

use crate::error::{Error, sanitize};
use crate::{Algorithm, Curve};

impl FromStr for Algorithm {
    type Err = Error;

    /// Parses a JOSE name exactly (`"RS256"`, not `"rs256"`), as JWS requires.
    fn from_str(s: &str) -> Result<Self, Error> {
        Algorithm::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| Error::UnsupportedAlgorithm { alg: sanitize(s) })
    }
}

impl FromStr for Curve {
    type Err = Error;

    /// Parses the JWK name exactly (`"P-256"`), as RFC 7518 §6.2.1.1 spells it.
    fn from_str(s: &str) -> Result<Self, Error> {
        Curve::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| Error::UnsupportedCurve { crv: sanitize(s) })
    }
}
