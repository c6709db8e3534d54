//! Exact output shapes, pinned with insta. Keys are the RFC ones, so no value is volatile.

use okta_jwk::__private::base64url;
use okta_jwk::{Jwks, KeyPair, PublicJwk};

use crate::vectors;

#[test]
fn jwks_output_is_exact() {
    let v = vectors();
    let rsa = KeyPair::from_jwk(&v["rfc7520_rsa"]["jwk"].to_string()).unwrap();
    let ec = KeyPair::from_jwk(&v["rfc7520_ec"]["jwk"].to_string()).unwrap();
    let bare = PublicJwk::from_json(&v["rfc9449"]["jwk"].to_string()).unwrap();
    let jwks = Jwks::new(vec![
        rsa.public_jwk().clone(),
        ec.public_jwk().clone(),
        bare,
    ]);
    insta::assert_snapshot!(jwks.to_json_pretty());
}

#[test]
fn private_jwk_member_order() {
    let v = vectors();
    let ec = KeyPair::from_jwk(&v["rfc7515_a3"]["jwk"].to_string()).unwrap();
    insta::assert_snapshot!(ec.to_private_jwk().unwrap().expose_secret());
}

#[test]
fn error_texts() {
    // The messages people read; docs/keys.md quotes them.
    let fx = |p: &str| crate::fixture(&format!("keys/{p}"));
    let rsa_pub: serde_json::Value =
        serde_json::from_str(&fx("rsa2048.pub.jwk.test-only.json")).unwrap();
    let p256_pub: serde_json::Value =
        serde_json::from_str(&fx("p256.pub.jwk.test-only.json")).unwrap();
    let with = |v: &serde_json::Value, k: &str, x: &str| {
        let mut v = v.clone();
        v[k] = serde_json::Value::String(x.to_owned());
        v.to_string()
    };
    let x = p256_pub["x"].as_str().unwrap();
    let short_x = base64url::decode(x).unwrap();
    let cases: Vec<(&str, okta_jwk::Error)> = vec![
        (
            "rsa1024 PEM",
            KeyPair::from_pem(&fx("rsa1024.test-only.pem")).unwrap_err(),
        ),
        (
            "leading zero n",
            PublicJwk::from_json(&with(
                &rsa_pub,
                "n",
                &format!("AA{}", rsa_pub["n"].as_str().unwrap()),
            ))
            .unwrap_err(),
        ),
        (
            "padded x",
            PublicJwk::from_json(&with(&p256_pub, "x", &format!("{x}="))).unwrap_err(),
        ),
        (
            "short x",
            PublicJwk::from_json(&with(&p256_pub, "x", &base64url::encode(&short_x[1..])))
                .unwrap_err(),
        ),
        (
            "private member",
            PublicJwk::from_json(&with(&p256_pub, "d", "AAAA")).unwrap_err(),
        ),
        (
            "off curve",
            PublicJwk::from_json(&with(&p256_pub, "x", &format!("{}A", &x[..42]))).unwrap_err(),
        ),
        (
            "duplicate",
            PublicJwk::from_json(r#"{"kty":"EC","kty":"EC"}"#).unwrap_err(),
        ),
        (
            "certificate",
            KeyPair::from_pem(&fx("p256.cert.test-only.pem")).unwrap_err(),
        ),
        (
            "encrypted",
            KeyPair::from_pem(&fx("rsa2048.encrypted.test-only.pem")).unwrap_err(),
        ),
        (
            "escaped",
            KeyPair::from_pem(&fx("p256.test-only.pem").trim().replace('\n', "\\n")).unwrap_err(),
        ),
        (
            "two keys",
            KeyPair::from_pem(&(fx("p256.test-only.pem") + &fx("p384.test-only.pem"))).unwrap_err(),
        ),
        (
            "truncated",
            KeyPair::from_pem(&fx("p256.test-only.pem")[..100]).unwrap_err(),
        ),
        (
            "secp256k1",
            KeyPair::from_pem(&fx("secp256k1.test-only.pem")).unwrap_err(),
        ),
        (
            "ed25519",
            KeyPair::from_pem(&fx("ed25519.test-only.pem")).unwrap_err(),
        ),
        (
            "alg mismatch",
            PublicJwk::from_json(&with(&p256_pub, "alg", "ES384")).unwrap_err(),
        ),
        (
            "PS256",
            PublicJwk::from_json(&with(&rsa_pub, "alg", "PS256")).unwrap_err(),
        ),
        (
            "use enc",
            KeyPair::from_jwk(&with(
                &serde_json::from_str(&fx("p256.jwk.test-only.json")).unwrap(),
                "use",
                "enc",
            ))
            .unwrap_err(),
        ),
        (
            "not json",
            PublicJwk::from_json("{\"kty\": RSA}").unwrap_err(),
        ),
        (
            "oct",
            PublicJwk::from_json(r#"{"kty":"oct","k":"AA"}"#).unwrap_err(),
        ),
    ];
    let text: String = cases
        .iter()
        .map(|(name, e)| format!("{name}: {e}\n"))
        .collect();
    insta::assert_snapshot!(text);
}
