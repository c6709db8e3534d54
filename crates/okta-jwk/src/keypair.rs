//! Key pairs: generation, import from PEM and JWK, export to every form, signing.

use std::fmt;

use openssl::bn::{BigNum, BigNumRef};
use openssl::ec::EcKey;
use openssl::pkey::{PKey, Private};
use openssl::rsa::{Rsa, RsaPrivateKeyBuilder};
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use crate::backend::{Check, PrivateKey, check_private};
use crate::error::{Error, Result};
use crate::params::{KeyKind, Params, backend, bn, ec_group};
use crate::public::{KeyUse, MAX_JWK_LEN, PublicJwk, octets, uint};
use crate::secret::{Passphrase, PrivateJwk, PrivatePem};
use crate::{Algorithm, Curve, Kid, Thumbprint, b64, pem_io, strict_json};

/// What key to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySpec {
    /// RSA with a 2048-, 3072- or 4096-bit modulus, signing with an `RS*` algorithm.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
        /// `RS256`, `RS384` or `RS512`.
        alg: Algorithm,
    },
    /// ECDSA on a NIST curve; the algorithm follows from the curve.
    Ec(Curve),
}

impl KeySpec {
    /// RSA of `bits` with RS256.
    pub fn rsa(bits: usize) -> KeySpec {
        KeySpec::Rsa {
            bits,
            alg: Algorithm::RS256,
        }
    }

    /// The usual key for an algorithm: RSA 2048 for `RS*`, the matching curve for `ES*`.
    pub fn for_algorithm(alg: Algorithm) -> KeySpec {
        match alg.curve() {
            Some(curve) => KeySpec::Ec(curve),
            None => KeySpec::Rsa { bits: 2048, alg },
        }
    }
}

impl Default for KeySpec {
    /// RSA 2048 with RS256, what Okta's guides use.
    fn default() -> KeySpec {
        KeySpec::rsa(2048)
    }
}

/// A private key with its public JWK, algorithm and key id. Signs JWS payloads.
///
/// The `kid` is the RFC 7638 thumbprint unless one was given or read from a JWK; `use` is always
/// `"sig"`. `Debug` shows only public facts.
pub struct KeyPair {
    private: PrivateKey,
    public: PublicJwk,
    alg: Algorithm,
    kid: Kid,
}

impl fmt::Debug for KeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyPair")
            .field("kind", &self.kind())
            .field("alg", &self.alg)
            .field("kid", &self.kid.as_str())
            .field("private", &format_args!("[redacted]"))
            .finish()
    }
}

impl KeyPair {
    /// Generates a new key pair with the operating system's random source.
    pub fn generate(spec: KeySpec) -> Result<KeyPair> {
        let (pkey, alg) = match spec {
            KeySpec::Rsa { bits, alg } => {
                if !matches!(bits, 2048 | 3072 | 4096) {
                    return Err(Error::RsaGenerateSize { bits });
                }
                KeyKind::Rsa { bits }.check(alg)?;
                // INVARIANT: bits is one of three small constants.
                let rsa = Rsa::generate(bits as u32).map_err(|_| backend("generating RSA"))?;
                (
                    PKey::from_rsa(rsa).map_err(|_| backend("generating RSA"))?,
                    alg,
                )
            }
            KeySpec::Ec(curve) => {
                let ec =
                    EcKey::generate(&*ec_group(curve)?).map_err(|_| backend("generating EC"))?;
                (
                    PKey::from_ec_key(ec).map_err(|_| backend("generating EC"))?,
                    curve.algorithm(),
                )
            }
        };
        KeyPair::from_openssl(pkey, Some(alg), None, Check::Trusted)
    }

    /// Reads one private key from PEM: PKCS#8 (`PRIVATE KEY`), PKCS#1 (`RSA PRIVATE KEY`) or
    /// SEC1 (`EC PRIVATE KEY`). CRLF line ends and surrounding blank lines are fine; an
    /// `EC PARAMETERS` block is skipped. Refuses certificates, public keys, encrypted keys, two
    /// keys in one text, and literal `\n` escapes (see [`crate::unescape_newlines`]).
    ///
    /// The key's parts must agree: an EC point must be on its curve and equal `d·G`; an RSA key
    /// must have n = p·q, d·e ≡ 1 (mod p−1, q−1) and matching CRT values, and its first
    /// signature is verified before it is returned ([`Error::KeyMismatch`] otherwise). Whether
    /// p and q are prime is not tested here, which would cost tens of milliseconds on every run;
    /// [`KeyPair::check_thoroughly`] does, for a key entering the system.
    pub fn from_pem(text: &str) -> Result<KeyPair> {
        KeyPair::from_openssl(
            pem_io::read_private(text, None)?,
            None,
            None,
            Check::Consistent,
        )
    }

    /// Everything OpenSSL can prove of a private key, including that an RSA key's p and q are
    /// prime (`RSA_check_key`; about 35 ms for RSA-2048, several hundred for RSA-4096). Reading
    /// a key already checks that its parts agree; call this where a key first enters (an
    /// import, a conversion, a registration), not on every use.
    pub fn check_thoroughly(&self) -> Result<()> {
        check_private(self.private.pkey(), Check::Thorough).map(|_| ())
    }

    /// Like [`KeyPair::from_pem`], decrypting an encrypted PKCS#8 or legacy OpenSSL PEM.
    pub fn from_encrypted_pem(text: &str, passphrase: &Passphrase) -> Result<KeyPair> {
        KeyPair::from_openssl(
            pem_io::read_private(text, Some(passphrase))?,
            None,
            None,
            Check::Consistent,
        )
    }

    /// Reads a private JWK (RSA with `d`, `p`, `q`, `dp`, `dq`, `qi`; EC with `d`), checking
    /// every member, that the private and public parts belong together (as
    /// [`KeyPair::from_pem`] does), and `alg`/`use`. Its `kid` is kept.
    pub fn from_jwk(text: &str) -> Result<KeyPair> {
        let value = strict_json::parse(text, "JWK", MAX_JWK_LEN)?;
        let obj = value.as_object().ok_or(Error::Json {
            what: "JWK",
            line: 1,
            column: 1,
        })?;
        let public = PublicJwk::from_object(obj)?;
        if !obj.contains_key("d") {
            return Err(Error::NotPrivate {
                found: "a public JWK (no \"d\")".to_owned(),
            });
        }
        if let Some(key_use) = public.key_use().filter(|u| *u != KeyUse::Sig) {
            return Err(Error::KeyUse {
                found: key_use.as_str().to_owned(),
            });
        }
        let pkey = match &public.params {
            Params::Rsa { n, e } => rsa_from_jwk(obj, n, e)?,
            Params::Ec { crv, x, y } => ec_from_jwk(obj, *crv, x, y)?,
        };
        KeyPair::from_openssl(pkey, public.alg(), public.kid().cloned(), Check::Consistent)
    }

    fn from_openssl(
        pkey: PKey<Private>,
        alg: Option<Algorithm>,
        kid: Option<Kid>,
        check: Check,
    ) -> Result<KeyPair> {
        let params = check_private(&pkey, check)?;
        let kind = params.kind();
        let alg = alg.unwrap_or_else(|| kind.default_algorithm());
        kind.check(alg)?;
        let private = PrivateKey::new(pkey, &params, check)?;
        let bare = PublicJwk::from_params(params);
        let kid = kid.unwrap_or_else(|| Kid::from(bare.thumbprint()));
        let public = bare
            .with_kid(kid.clone())
            .with_use(KeyUse::Sig)
            .with_alg(alg)?;
        Ok(KeyPair {
            private,
            public,
            alg,
            kid,
        })
    }

    /// Replaces the key id.
    pub fn with_kid(mut self, kid: Kid) -> KeyPair {
        self.public = self.public.with_kid(kid.clone());
        self.kid = kid;
        self
    }

    /// Chooses another algorithm: any `RS*` for an RSA key; an EC key's is fixed by its curve.
    pub fn with_algorithm(mut self, alg: Algorithm) -> Result<KeyPair> {
        self.public = self.public.with_alg(alg)?;
        self.alg = alg;
        Ok(self)
    }

    /// The signing algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.alg
    }

    /// The key id.
    pub fn kid(&self) -> &Kid {
        &self.kid
    }

    /// What kind of key this is.
    pub fn kind(&self) -> KeyKind {
        self.public.kind()
    }

    /// The public JWK with `kid`, `use: "sig"` and `alg`; never any private member.
    pub fn public_jwk(&self) -> &PublicJwk {
        &self.public
    }

    /// The RFC 7638 thumbprint of the public key.
    pub fn thumbprint(&self) -> Thumbprint {
        self.public.thumbprint()
    }

    /// Signs `message` (a JWS signing input), returning the JWS signature octets.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
        self.private.sign(self.alg, message)
    }

    /// The private key as PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn to_pkcs8_pem(&self) -> Result<PrivatePem> {
        let der = self
            .private
            .pkey()
            .private_key_to_pkcs8()
            .map_err(|_| backend("encoding PKCS#8"))?;
        Ok(PrivatePem::new(pem_io::encode("PRIVATE KEY", der)))
    }

    /// A secret derived from this private key (its PKCS#8 encoding) and `info` with HKDF-SHA256:
    /// the same for every copy of the key, whatever file format it was read from. `None` only
    /// if the crypto library cannot encode the key.
    pub fn derive_secret(&self, info: &[u8]) -> Option<crate::DerivedSecret> {
        let der = Zeroizing::new(self.private.pkey().private_key_to_pkcs8().ok()?);
        Some(crate::DerivedSecret::from_material(&der, info))
    }

    /// An RSA private key as PKCS#1 PEM (`-----BEGIN RSA PRIVATE KEY-----`).
    pub fn to_pkcs1_pem(&self) -> Result<PrivatePem> {
        let rsa = self
            .private
            .pkey()
            .rsa()
            .map_err(|_| self.wrong_format("PKCS#1, which holds only RSA keys"))?;
        let der = Zeroizing::new(
            rsa.private_key_to_der()
                .map_err(|_| backend("encoding PKCS#1"))?,
        );
        Ok(PrivatePem::new(pem_io::encode(
            "RSA PRIVATE KEY",
            der.to_vec(),
        )))
    }

    /// An EC private key as SEC1 PEM (`-----BEGIN EC PRIVATE KEY-----`).
    pub fn to_sec1_pem(&self) -> Result<PrivatePem> {
        let ec = self
            .private
            .pkey()
            .ec_key()
            .map_err(|_| self.wrong_format("SEC1, which holds only EC keys"))?;
        let der = Zeroizing::new(
            ec.private_key_to_der()
                .map_err(|_| backend("encoding SEC1"))?,
        );
        Ok(PrivatePem::new(pem_io::encode(
            "EC PRIVATE KEY",
            der.to_vec(),
        )))
    }

    fn wrong_format(&self, format: &str) -> Error {
        Error::AlgorithmMismatch {
            alg: self.alg,
            key: format.to_owned(),
        }
    }

    /// The private key as a JWK: `kty`, the public members, the private ones, then `kid`, `use`
    /// and `alg`.
    pub fn to_private_jwk(&self) -> Result<PrivateJwk> {
        let pkey = self.private.pkey();
        let mut private: Vec<(&str, Zeroizing<Vec<u8>>)> = Vec::new();
        if let Ok(rsa) = pkey.rsa() {
            let parts: [(&str, Option<&BigNumRef>); 6] = [
                ("d", Some(rsa.d())),
                ("p", rsa.p()),
                ("q", rsa.q()),
                ("dp", rsa.dmp1()),
                ("dq", rsa.dmq1()),
                ("qi", rsa.iqmp()),
            ];
            for (name, part) in parts {
                let part = part.ok_or(Error::MissingMember { member: name })?;
                private.push((name, Zeroizing::new(part.to_vec())));
            }
        } else if let (Ok(ec), KeyKind::Ec(crv)) = (pkey.ec_key(), self.kind()) {
            let len = crv.coordinate_len() as i32; // INVARIANT: 32, 48 or 66.
            let d = ec
                .private_key()
                .to_vec_padded(len)
                .map_err(|_| backend("encoding d"))?;
            private.push(("d", Zeroizing::new(d)));
        }
        let (public, key_members) = self.public.members();
        let mut members: Vec<(&str, Zeroizing<String>)> = Vec::new();
        for (i, (name, value)) in public.into_iter().enumerate() {
            if i == key_members {
                members.extend(
                    private
                        .iter()
                        .map(|(n, b)| (*n, Zeroizing::new(b64::encode(b.as_slice())))),
                );
            }
            members.push((name, Zeroizing::new(value)));
        }
        if members.len() == key_members {
            members.extend(
                private
                    .iter()
                    .map(|(n, b)| (*n, Zeroizing::new(b64::encode(b.as_slice())))),
            );
        }
        let mut out = Zeroizing::new(String::from("{"));
        for (i, (name, value)) in members.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            // serde_json quotes the kid (the only free text) correctly.
            out.push_str(&serde_json::to_string(name).unwrap_or_default());
            out.push(':');
            out.push_str(&Zeroizing::new(
                serde_json::to_string(value.as_str()).unwrap_or_default(),
            ));
        }
        out.push('}');
        Ok(PrivateJwk::new(out.as_str()))
    }
}

fn rsa_from_jwk(obj: &Map<String, Value>, n: &[u8], e: &[u8]) -> Result<PKey<Private>> {
    if obj.contains_key("oth") {
        return Err(Error::InvalidMember {
            member: "oth",
            reason: "multi-prime RSA keys are not supported",
        });
    }
    // RFC 7518 allows `d` alone, but without the CRT members signing is slow and nothing can
    // check that `d` belongs to `n`: require them, as every key generator writes them.
    let part = |m| uint(obj, m).map(Zeroizing::new);
    let (d, p, q) = (part("d")?, part("p")?, part("q")?);
    let (dp, dq, qi) = (part("dp")?, part("dq")?, part("qi")?);
    let num = |bytes: &[u8]| BigNum::from_slice(bytes);
    let build = || {
        RsaPrivateKeyBuilder::new(num(n)?, num(e)?, num(&d)?)?
            .set_factors(num(&p)?, num(&q)?)?
            .set_crt_params(num(&dp)?, num(&dq)?, num(&qi)?)
            .map(RsaPrivateKeyBuilder::build)
    };
    let rsa = build().map_err(|_| backend("building an RSA key"))?;
    // `check_private` (via `from_openssl`) then proves the parts belong together.
    PKey::from_rsa(rsa).map_err(|_| backend("building an RSA key"))
}

fn ec_from_jwk(obj: &Map<String, Value>, crv: Curve, x: &[u8], y: &[u8]) -> Result<PKey<Private>> {
    let d = Zeroizing::new(octets(obj, "d")?);
    if d.len() != crv.coordinate_len() {
        return Err(Error::InvalidMember {
            member: "d",
            reason: "the private scalar must be as long as a coordinate (RFC 7518 §6.2.2.1)",
        });
    }
    let group = ec_group(crv)?;
    let public = EcKey::from_public_key_affine_coordinates(&group, &*bn(x)?, &*bn(y)?)
        .map_err(|_| Error::PointNotOnCurve { crv: crv.as_str() })?;
    let ec = EcKey::from_private_components(&group, &*bn(&d)?, public.public_key())
        .map_err(|_| Error::KeyMismatch)?;
    PKey::from_ec_key(ec).map_err(|_| backend("building an EC key"))
}
