//! DPoP proofs: RFC 9449 vectors, Okta's rules (its "Configure OAuth 2.0 Demonstrating
//! Proof-of-Possession" guide), exact shape.

use okta_assertion::{DPOP_TYP, DpopKey, DpopNonce, Htm, Htu, OsRandom, UnixTime, Verifier, ath};
use okta_jwk::{Algorithm, KeyPair, PublicJwk};

use crate::{Seeded, fixture, parts, vectors};

const NOW: UnixTime = UnixTime(1_700_000_000);

#[test]
fn rfc9449_ath_vector() {
    assert_eq!(
        ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU"),
        "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo"
    );
}

#[test]
fn rfc9449_example_proofs_verify_as_dpop_jwts() {
    let v = vectors();
    for (name, htm, htu) in [
        ("token_proof", "POST", "https://server.example.com/token"),
        (
            "resource_proof",
            "GET",
            "https://resource.example.org/protectedresource",
        ),
    ] {
        let proof = v["rfc9449"][name].as_str().unwrap();
        let (header, _) = parts(proof);
        let key = PublicJwk::from_json(&header["jwk"].to_string()).unwrap();
        assert_eq!(
            key.thumbprint().as_str(),
            v["rfc9449"]["thumbprint"].as_str().unwrap()
        );
        let verified = Verifier::new(&[Algorithm::ES256])
            .require_type(DPOP_TYP)
            .verify_with_key(proof, &key, &crate::signature_only())
            .unwrap();
        assert_eq!(verified.claims()["htm"], htm);
        assert_eq!(verified.claims()["htu"], htu);
    }
    let resource = v["rfc9449"]["resource_proof"].as_str().unwrap();
    assert_eq!(
        parts(resource).1["ath"],
        ath("Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU")
    );
}

#[test]
fn jkt_is_the_rfc7638_thumbprint_of_the_dpop_key() {
    let v = vectors();
    let key = KeyPair::from_jwk(&v["rfc7515_a3"]["jwk"].to_string()).unwrap();
    let dpop = DpopKey::new(key).unwrap();
    assert_eq!(
        dpop.jkt().as_str(),
        v["rfc7515_a3"]["thumbprint_computed"].as_str().unwrap()
    );
}

#[test]
fn shape_under_a_fixed_clock_and_seeded_randomness() {
    let key = KeyPair::from_jwk(&vectors()["rfc7520_rsa"]["jwk"].to_string()).unwrap();
    let dpop = DpopKey::new(key).unwrap();
    let htu =
        Htu::from_url("https://example.okta.com/api/v1/users?after=00ud4tVDDXYVKPXKVLCO&limit=200")
            .unwrap();
    let nonce = DpopNonce::new("8NLZUUhVawx1ns8AjrC4F6j8D2phvaw7").unwrap();
    let proof = dpop
        .proof(
            &Htm::new("GET").unwrap(),
            &htu,
            NOW,
            &Seeded::new(3),
            Some(&nonce),
            Some("an.access.token"),
        )
        .unwrap();
    let (header, claims) = parts(proof.expose_secret());
    insta::with_settings!({sort_maps => true}, { insta::assert_json_snapshot!("proof_header", header) });
    insta::with_settings!({sort_maps => true}, { insta::assert_json_snapshot!("proof_claims", claims) });
    assert_eq!(format!("{proof:?}"), "DpopProof([redacted])");
}

#[test]
fn proofs_for_all_six_algorithms_verify_with_their_own_header_key() {
    for alg in Algorithm::ALL {
        let dpop = DpopKey::generate(alg).unwrap();
        let htu = Htu::from_url("https://example.okta.com/oauth2/v1/token").unwrap();
        let proof = dpop
            .proof(&Htm::post(), &htu, NOW, &OsRandom::new(), None, None)
            .unwrap();
        let (header, claims) = parts(proof.expose_secret());
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], alg.as_str());
        let jwk = header["jwk"].as_object().unwrap();
        let mut members: Vec<&str> = jwk.keys().map(String::as_str).collect();
        members.sort_unstable();
        let want: &[&str] = if alg.is_rsa() {
            &["e", "kty", "n"]
        } else {
            &["crv", "kty", "x", "y"]
        };
        assert_eq!(
            members, want,
            "{alg}: the header jwk holds only public key members"
        );
        assert!(claims.get("nonce").is_none() && claims.get("ath").is_none());
        let key = PublicJwk::from_json(&header["jwk"].to_string()).unwrap();
        assert_eq!(&key.thumbprint(), dpop.jkt());
        Verifier::new(&[alg])
            .require_type(DPOP_TYP)
            .verify_with_key(proof.expose_secret(), &key, &crate::signature_only())
            .unwrap();
    }
}

#[test]
fn each_proof_has_a_fresh_jti_and_iat_now() {
    let dpop = DpopKey::generate(Algorithm::ES256).unwrap();
    let htu = Htu::from_url("https://example.okta.com/api/v1/users").unwrap();
    let rng = OsRandom::new();
    let mut seen = std::collections::HashSet::new();
    for i in 0..300 {
        let proof = dpop
            .proof(
                &Htm::new("GET").unwrap(),
                &htu,
                UnixTime(NOW.0 + i),
                &rng,
                None,
                Some("t"),
            )
            .unwrap();
        let (_, claims) = parts(proof.expose_secret());
        assert_eq!(claims["iat"], NOW.0 + i);
        let jti = claims["jti"].as_str().unwrap();
        assert!(
            okta_jwk::__private::base64url::decode(jti).unwrap().len() * 8 >= 96,
            "RFC 9449 §4.2: 96 bits at least"
        );
        assert!(seen.insert(jti.to_owned()));
    }
}

#[test]
fn a_persisted_key_gives_the_same_jkt() {
    let key = KeyPair::from_pem(&fixture("keys/p256.test-only.pem")).unwrap();
    let saved = key.to_private_jwk().unwrap();
    let first = DpopKey::new(key).unwrap();
    let again = DpopKey::new(KeyPair::from_jwk(saved.expose_secret()).unwrap()).unwrap();
    assert_eq!(first.jkt(), again.jkt());
    assert!(format!("{first:?}").starts_with("DpopKey { alg: ES256, jkt: "));
}
