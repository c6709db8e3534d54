//! Properties over many inputs.

use okta_assertion::{
    ClientAssertionBuilder, ClientId, DpopKey, Endpoint, Htm, Htu, Lifetime, OsRandom, UnixTime,
    Unverified, Verifier,
};
use okta_jwk::{Algorithm, Jwks, KeyPair};
use proptest::prelude::*;

use crate::{fixture, parts};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn exp_minus_iat_never_reaches_an_hour(secs in any::<u64>(), now in 0u64..4_000_000_000) {
        match Lifetime::from_secs(secs) {
            Ok(lifetime) => {
                prop_assert!(lifetime.secs() < 3600);
                let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
                let b = ClientAssertionBuilder::new(ClientId::new("c").unwrap(), Endpoint::parse("https://o.example/oauth2/v1/token").unwrap());
                let jwt = b.lifetime(lifetime).sign(&key, UnixTime(now), &OsRandom::new()).unwrap();
                let (_, claims) = parts(jwt.expose_secret());
                let (iat, exp) = (claims["iat"].as_u64().unwrap(), claims["exp"].as_u64().unwrap());
                prop_assert!(exp > iat && exp - iat < 3600);
            }
            Err(_) => prop_assert!(secs == 0 || secs >= 3600),
        }
    }

    #[test]
    fn htu_never_holds_a_query_or_fragment(
        host in "[a-z]{1,10}\\.example",
        path in "(/[A-Za-z0-9%._~@!$&'()*+,;=:-]{0,12}){0,4}",
        query in "[A-Za-z0-9=&%]{0,20}",
        frag in "[A-Za-z0-9]{0,10}",
    ) {
        let url = format!("https://{host}{path}?{query}#{frag}");
        if let Ok(htu) = Htu::from_url(&url) {
            prop_assert!(!htu.as_str().contains('?') && !htu.as_str().contains('#'), "{}", htu.as_str());
            let prefix = format!("https://{host}/");
            prop_assert!(htu.as_str().starts_with(&prefix));
            // Normalising twice changes nothing.
            prop_assert_eq!(Htu::from_url(htu.as_str()).unwrap(), htu);
        }
    }

    #[test]
    fn verification_never_panics(text in ".{0,300}", dots in proptest::collection::vec(".{0,80}", 0..5)) {
        let keys = Jwks::new(vec![KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap().public_jwk().clone()]);
        let joined = dots.join(".");
        for t in [&text, &joined] {
            let _ = Unverified::decode(t);
            let _ = Verifier::new(&Algorithm::ALL).verify(t, &keys, &crate::signature_only());
        }
    }

    #[test]
    fn tampering_any_byte_breaks_a_proof(at in any::<prop::sample::Index>()) {
        let dpop = DpopKey::generate(Algorithm::ES256).unwrap();
        let htu = Htu::from_url("https://o.example/api/v1/users").unwrap();
        let proof = dpop.proof(&Htm::new("GET").unwrap(), &htu, UnixTime(1), &OsRandom::new(), None, Some("t")).unwrap();
        let mut bytes = proof.expose_secret().as_bytes().to_vec();
        let i = at.index(bytes.len());
        if bytes[i] == b'.' { return Ok(()); }
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        let result = Verifier::new(&[Algorithm::ES256]).verify_with_key(&tampered, &dpop.public_jwk(), &crate::signature_only());
        prop_assert!(result.is_err());
    }
}
