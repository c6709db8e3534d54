//! Signing and verification, per algorithm on the fastest backend measured on our machines
//! (docs/benchmarks.md): OpenSSL for RSA and P-521, ring for P-256 and P-384.

use openssl::ecdsa::EcdsaSig;
use openssl::hash::MessageDigest;
use openssl::md::{Md, MdRef};
use openssl::pkey::{PKey, Private};
use openssl::pkey_ctx::PkeyCtx;
use openssl::rsa::Padding;
use ring::rand::SystemRandom;
use ring::signature::{self as rsig, EcdsaKeyPair, KeyPair as _};

use crate::error::{Error, Result};
use crate::params::{Params, affine, backend, bn, ec_group, key_type_name};
use crate::{Algorithm, Curve};

/// The private half of a key pair, ready to sign.
pub(crate) enum PrivateKey {
    /// RSA through OpenSSL, with initialised signing contexts kept for reuse. `public` verifies
    /// the key's first signature when its primes were not proven (see [`Check::Consistent`]).
    Rsa {
        pkey: PKey<Private>,
        pool: RsaPool,
        public: Params,
        proven: std::sync::atomic::AtomicBool,
    },
    /// P-256 or P-384: kept in OpenSSL for export, signed with ring.
    EcRing {
        pkey: PKey<Private>,
        ring: Box<EcdsaKeyPair>,
        rng: SystemRandom,
    },
    /// P-521: ring has no P-521, so OpenSSL does both.
    EcOpenssl { pkey: PKey<Private> },
}

impl PrivateKey {
    /// Wraps an OpenSSL key that was already checked to `check`, choosing the signing backend.
    pub(crate) fn new(pkey: PKey<Private>, params: &Params, check: Check) -> Result<PrivateKey> {
        match params {
            Params::Rsa { .. } => Ok(PrivateKey::Rsa {
                pkey,
                pool: RsaPool::default(),
                public: params.clone(),
                proven: std::sync::atomic::AtomicBool::new(check != Check::Consistent),
            }),
            Params::Ec {
                crv: Curve::P521, ..
            } => Ok(PrivateKey::EcOpenssl { pkey }),
            Params::Ec { crv, x, y } => {
                let ec = pkey.ec_key().map_err(|_| backend("reading an EC key"))?;
                let len = crv.coordinate_len() as i32; // INVARIANT: 32 or 48.
                let d = ec
                    .private_key()
                    .to_vec_padded(len)
                    .map_err(|_| backend("reading d"))?;
                let d = zeroize::Zeroizing::new(d);
                let alg = match crv {
                    Curve::P256 => &rsig::ECDSA_P256_SHA256_FIXED_SIGNING,
                    _ => &rsig::ECDSA_P384_SHA384_FIXED_SIGNING,
                };
                let rng = SystemRandom::new();
                let point = Params::ec_point(x, y);
                let ring = EcdsaKeyPair::from_private_key_and_public_key(alg, &d, &point, &rng)
                    .map_err(|_| Error::KeyMismatch)?;
                debug_assert_eq!(ring.public_key().as_ref(), point.as_slice());
                Ok(PrivateKey::EcRing {
                    pkey,
                    ring: Box::new(ring),
                    rng,
                })
            }
        }
    }

    pub(crate) fn pkey(&self) -> &PKey<Private> {
        match self {
            PrivateKey::Rsa { pkey, .. }
            | PrivateKey::EcRing { pkey, .. }
            | PrivateKey::EcOpenssl { pkey } => pkey,
        }
    }

    /// Signs `message`, returning the JWS signature octets.
    pub(crate) fn sign(&self, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |_| Error::Signing { alg, source: None };
        match self {
            PrivateKey::Rsa {
                pkey,
                pool,
                public,
                proven,
            } => {
                let sig = pool.sign(pkey, alg, message)?;
                // The one sign-and-verify of a key whose primes were not tested: composite
                // "primes" pass the arithmetic of `rsa_parts_agree` but sign wrongly.
                if !proven.load(std::sync::atomic::Ordering::Relaxed) {
                    verify(public, alg, message, &sig).map_err(|_| Error::KeyMismatch)?;
                    proven.store(true, std::sync::atomic::Ordering::Relaxed);
                }
                Ok(sig)
            }
            PrivateKey::EcRing { ring, rng, .. } => ring
                .sign(rng, message)
                .map(|sig| sig.as_ref().to_vec())
                .map_err(|_| Error::Signing { alg, source: None }),
            PrivateKey::EcOpenssl { pkey } => {
                let mut signer =
                    openssl::sign::Signer::new(MessageDigest::sha512(), pkey).map_err(failed)?;
                let der = signer.sign_oneshot_to_vec(message).map_err(failed)?;
                let sig = EcdsaSig::from_der(&der).map_err(failed)?;
                let len = Curve::P521.coordinate_len() as i32; // INVARIANT: 66.
                let mut out = sig.r().to_vec_padded(len).map_err(failed)?;
                out.extend(sig.s().to_vec_padded(len).map_err(failed)?);
                Ok(out)
            }
        }
    }
}

/// Initialised RSA signing contexts, one per algorithm, reused across calls.
///
/// OpenSSL 3 spends about a tenth of an RSA-2048 signature on `EVP_DigestSignInit` (fetching the
/// provider's algorithm, copying the key into a context). Signing a SHA digest with a context
/// initialised once is what `openssl speed` measures. A context is used by one thread at a time:
/// it is taken from the pool and put back after signing, and the lock is never held while
/// signing, so threads do not queue behind each other.
#[derive(Default)]
pub(crate) struct RsaPool {
    idle: std::sync::Mutex<Idle>,
}

type Idle = Vec<(Algorithm, PkeyCtx<Private>)>;

/// Enough for every core of a large machine; extra contexts are dropped, not kept.
const MAX_IDLE: usize = 64;

impl RsaPool {
    fn sign(&self, pkey: &PKey<Private>, alg: Algorithm, message: &[u8]) -> Result<Vec<u8>> {
        let failed = |_| Error::Signing { alg, source: None };
        let taken = self.lock().and_then(|mut idle| {
            let at = idle.iter().position(|(a, _)| *a == alg)?;
            Some(idle.swap_remove(at).1)
        });
        let mut ctx = match taken {
            Some(ctx) => ctx,
            None => {
                let mut ctx = PkeyCtx::new(pkey).map_err(failed)?;
                ctx.sign_init().map_err(failed)?;
                ctx.set_rsa_padding(Padding::PKCS1).map_err(failed)?;
                ctx.set_signature_md(md(alg)).map_err(failed)?;
                ctx
            }
        };
        let hash = ring::digest::digest(ring_digest(alg), message);
        let mut sig = Vec::new();
        ctx.sign_to_vec(hash.as_ref(), &mut sig).map_err(failed)?;
        if let Some(mut idle) = self.lock()
            && idle.len() < MAX_IDLE
        {
            idle.push((alg, ctx));
        }
        Ok(sig)
    }

    fn lock(&self) -> Option<std::sync::MutexGuard<'_, Idle>> {
        // A poisoned pool only means another thread panicked mid-push: start a fresh context.
        self.idle.lock().ok()
    }
}

/// The checks of `RSA_check_key` but the primality tests (RFC 8017 §3.2, second
/// representation): p, q > 1, n = p·q, e·d ≡ 1 (mod p−1) and (mod q−1), dP = d mod (p−1),
/// dQ = d mod (q−1), qInv·q ≡ 1 (mod p). `None` when a part is missing or OpenSSL fails.
fn rsa_parts_agree(rsa: &openssl::rsa::Rsa<Private>) -> Option<bool> {
    use openssl::bn::{BigNum, BigNumContext};
    let mut ctx = BigNumContext::new().ok()?;
    let (n, e, d) = (rsa.n(), rsa.e(), rsa.d());
    let (p, q) = (rsa.p()?, rsa.q()?);
    let (dp, dq, qi) = (rsa.dmp1()?, rsa.dmq1()?, rsa.iqmp()?);
    let one = BigNum::from_u32(1).ok()?;
    if p <= &one || q <= &one || p == q {
        return Some(false);
    }
    let mut pq = BigNum::new().ok()?;
    pq.checked_mul(p, q, &mut ctx).ok()?;
    if &pq != n {
        return Some(false);
    }
    let mut ed = BigNum::new().ok()?;
    ed.checked_mul(e, d, &mut ctx).ok()?;
    for (prime, exponent) in [(p, dp), (q, dq)] {
        let mut minus_one = BigNum::new().ok()?;
        minus_one.checked_sub(prime, &one).ok()?;
        let mut r = BigNum::new().ok()?;
        r.nnmod(&ed, &minus_one, &mut ctx).ok()?;
        if r != one {
            return Some(false);
        }
        r.nnmod(d, &minus_one, &mut ctx).ok()?;
        if &r != exponent {
            return Some(false);
        }
    }
    let mut r = BigNum::new().ok()?;
    r.mod_mul(qi, q, p, &mut ctx).ok()?;
    Some(r == one)
}

fn md(alg: Algorithm) -> &'static MdRef {
    match alg {
        Algorithm::RS256 | Algorithm::ES256 => Md::sha256(),
        Algorithm::RS384 | Algorithm::ES384 => Md::sha384(),
        Algorithm::RS512 | Algorithm::ES512 => Md::sha512(),
    }
}

fn ring_digest(alg: Algorithm) -> &'static ring::digest::Algorithm {
    match alg {
        Algorithm::RS256 | Algorithm::ES256 => &ring::digest::SHA256,
        Algorithm::RS384 | Algorithm::ES384 => &ring::digest::SHA384,
        Algorithm::RS512 | Algorithm::ES512 => &ring::digest::SHA512,
    }
}

/// Verifies a JWS signature; `alg` was already checked against the key kind.
pub(crate) fn verify(params: &Params, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<()> {
    match params {
        Params::Rsa { n, e } => {
            let ring_alg = match alg {
                Algorithm::RS256 => &rsig::RSA_PKCS1_2048_8192_SHA256,
                Algorithm::RS384 => &rsig::RSA_PKCS1_2048_8192_SHA384,
                _ => &rsig::RSA_PKCS1_2048_8192_SHA512,
            };
            rsig::RsaPublicKeyComponents { n, e }
                .verify(ring_alg, message, sig)
                .map_err(|_| Error::BadSignature)
        }
        Params::Ec {
            crv: Curve::P521,
            x,
            y,
        } => verify_p521(x, y, message, sig),
        Params::Ec { crv, x, y } => {
            let ring_alg = match crv {
                Curve::P256 => &rsig::ECDSA_P256_SHA256_FIXED,
                _ => &rsig::ECDSA_P384_SHA384_FIXED,
            };
            rsig::UnparsedPublicKey::new(ring_alg, Params::ec_point(x, y))
                .verify(message, sig)
                .map_err(|_| Error::BadSignature)
        }
    }
}

fn verify_p521(x: &[u8], y: &[u8], message: &[u8], sig: &[u8]) -> Result<()> {
    let len = Curve::P521.coordinate_len();
    if sig.len() != 2 * len {
        return Err(Error::BadSignature);
    }
    let (r, s) = sig.split_at(len);
    let sig = EcdsaSig::from_private_components(bn(r)?, bn(s)?).map_err(|_| Error::BadSignature)?;
    let group = ec_group(Curve::P521)?;
    let key = openssl::ec::EcKey::from_public_key_affine_coordinates(&group, &*bn(x)?, &*bn(y)?)
        .map_err(|_| Error::PointNotOnCurve { crv: "P-521" })?;
    let hash =
        openssl::hash::hash(MessageDigest::sha512(), message).map_err(|_| backend("hashing"))?;
    // OpenSSL checks 0 < r, s < n itself.
    match sig.verify(&hash, &key) {
        Ok(true) => Ok(()),
        _ => Err(Error::BadSignature),
    }
}

/// How much a private key is checked when it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// None: OpenSSL has just generated it.
    Trusted,
    /// Every part agrees with every other (for RSA: n = p·q, d·e ≡ 1 modulo p−1 and q−1, and
    /// the CRT values), and the key's first signature is verified before it is used. What a key
    /// read again on every run gets: the arithmetic costs microseconds.
    Consistent,
    /// Also p and q proven prime (OpenSSL's `RSA_check_key`, tens of milliseconds for RSA-2048):
    /// for a key entering the system.
    Thorough,
}

/// The public numbers of a private OpenSSL key, once it has passed `check`.
pub(crate) fn check_private(pkey: &PKey<Private>, check: Check) -> Result<Params> {
    if let Ok(rsa) = pkey.rsa() {
        let params = Params::rsa(rsa.n().to_vec(), rsa.e().to_vec())?;
        if rsa.p().is_none() || rsa.q().is_none() {
            return Err(Error::MissingMember { member: "p" });
        }
        let agrees = match check {
            Check::Trusted => true,
            Check::Consistent => rsa_parts_agree(&rsa).unwrap_or(false),
            // Checks p and q are prime, n = p·q, d·e ≡ 1 and the CRT values.
            Check::Thorough => rsa.check_key().unwrap_or(false),
        };
        return if agrees {
            Ok(params)
        } else {
            Err(Error::KeyMismatch)
        };
    }
    let verify = check != Check::Trusted;
    if let Ok(ec) = pkey.ec_key() {
        let crv = crate::params::curve_of(ec.group())?;
        // Checks the point is on the curve, of the right order, and equals d·G.
        if verify {
            ec.check_key().map_err(|_| Error::KeyMismatch)?;
        }
        let (x, y) = affine(&ec, crv)?;
        return if verify {
            Params::ec(crv, x, y)
        } else {
            Ok(Params::Ec { crv, x, y })
        };
    }
    Err(Error::UnsupportedKeyType {
        kty: key_type_name(pkey.id()),
    })
}
