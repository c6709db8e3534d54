//! Bad keys as people bring them (short RSA moduli, points off the curve, PEM mistakes, private
//! members in a public JWK, duplicate members): each input gives a typed error that names the problem and holds no key bytes.

use okta_jwk::__private::base64url;
use okta_jwk::{AnyKey, Error, Jwks, KeyPair, KeySpec, PublicJwk, unescape_newlines};
use serde_json::{Value, json};

use crate::fixture;

fn jwk(name: &str) -> Value {
    serde_json::from_str(&fixture(&format!("keys/{name}.jwk.test-only.json"))).unwrap()
}

fn public(name: &str) -> Value {
    serde_json::from_str(&fixture(&format!("keys/{name}.pub.jwk.test-only.json"))).unwrap()
}

/// Asserts the error's text and debug form hold no 12-character run of any secret string.
fn assert_clean(err: &Error, secrets: &[&str]) {
    let shown = format!("{err} {err:?}");
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(12) {
            let run: String = window.iter().collect();
            assert!(!shown.contains(&run), "error shows key material: {shown}");
        }
    }
}

/// Every secret value of a private JWK and the body lines of a PEM.
fn secrets_of(text: &str) -> Vec<String> {
    if let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(text) {
        return obj
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
    }
    text.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::to_owned)
        .collect()
}

fn private_err(text: &str) -> Error {
    let result = if text.trim_start().starts_with('{') {
        KeyPair::from_jwk(text)
    } else {
        KeyPair::from_pem(text)
    };
    let err = result
        .err()
        .unwrap_or_else(|| panic!("accepted: {}", &text[..40.min(text.len())]));
    let secrets = secrets_of(text);
    assert_clean(
        &err,
        &secrets.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    err
}

fn with(mut v: Value, member: &str, value: Value) -> String {
    v[member] = value;
    v.to_string()
}

#[test]
fn case_01_rsa_1024_is_refused_in_every_form() {
    for form in ["test-only.pem", "traditional.test-only.pem"] {
        let err = private_err(&fixture(&format!("keys/rsa1024.{form}")));
        assert!(
            matches!(err, Error::RsaKeySize { bits: 1024 }),
            "{form}: {err}"
        );
    }
    let err = private_err(&jwk("rsa1024").to_string());
    assert!(matches!(err, Error::RsaKeySize { bits: 1024 }));
    for form in ["spki.test-only.pem", "pkcs1-public.test-only.pem"] {
        let err = PublicJwk::from_pem(&fixture(&format!("keys/rsa1024.{form}"))).unwrap_err();
        assert!(matches!(err, Error::RsaKeySize { bits: 1024 }), "{form}");
    }
    let err = PublicJwk::from_json(&public("rsa1024").to_string()).unwrap_err();
    assert!(matches!(err, Error::RsaKeySize { bits: 1024 }));
    assert!(err.to_string().contains("2048"), "{err}");
    assert!(matches!(
        KeyPair::generate(KeySpec::rsa(1024)),
        Err(Error::RsaGenerateSize { bits: 1024 })
    ));
    assert!(matches!(
        KeyPair::generate(KeySpec::rsa(2047)),
        Err(Error::RsaGenerateSize { .. })
    ));
}

#[test]
fn case_02_non_minimal_integers_are_refused() {
    let pubkey = public("rsa2048");
    let mut n = base64url::decode(pubkey["n"].as_str().unwrap()).unwrap();
    n.insert(0, 0);
    let err =
        PublicJwk::from_json(&with(pubkey.clone(), "n", json!(base64url::encode(&n)))).unwrap_err();
    assert!(
        matches!(err, Error::InvalidMember { member: "n", .. }),
        "{err}"
    );
    let err = PublicJwk::from_json(&with(pubkey, "e", json!(base64url::encode([0, 1, 0, 1]))))
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidMember { member: "e", .. }),
        "{err}"
    );
    let private = jwk("rsa2048");
    let mut d = base64url::decode(private["d"].as_str().unwrap()).unwrap();
    d.insert(0, 0);
    let err = private_err(&with(private, "d", json!(base64url::encode(&d))));
    assert!(
        matches!(err, Error::InvalidMember { member: "d", .. }),
        "{err}"
    );
}

#[test]
fn case_03_standard_base64_and_padding_are_refused() {
    let pubkey = public("rsa2048");
    let n = pubkey["n"].as_str().unwrap();
    assert!(
        n.contains('-') || n.contains('_'),
        "fixture must exercise the URL-safe letters"
    );
    let standard = n.replace('-', "+").replace('_', "/");
    let err = PublicJwk::from_json(&with(pubkey.clone(), "n", json!(standard))).unwrap_err();
    assert!(
        matches!(err, Error::InvalidMember { member: "n", .. }),
        "{err}"
    );
    let ec = public("p256");
    let padded = format!("{}=", ec["x"].as_str().unwrap());
    let err = PublicJwk::from_json(&with(ec, "x", json!(padded))).unwrap_err();
    assert!(
        matches!(err, Error::InvalidMember { member: "x", .. }),
        "{err}"
    );
}

#[test]
fn case_04_private_members_never_enter_or_leave_a_public_jwk() {
    for member in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
        let text = with(public("rsa2048"), member, json!("AQAB"));
        let err = PublicJwk::from_json(&text).unwrap_err();
        assert!(
            matches!(err, Error::PrivateMemberInPublicKey { .. }),
            "{member}: {err}"
        );
        let set = format!(r#"{{"keys":[{text}]}}"#);
        assert!(matches!(
            Jwks::from_json(&set),
            Err(Error::PrivateMemberInPublicKey { .. })
        ));
    }
    for name in ["rsa2048", "p256", "p384", "p521"] {
        let key = KeyPair::from_jwk(&jwk(name).to_string()).unwrap();
        let out: Value = serde_json::from_str(&key.public_jwk().to_json()).unwrap();
        for member in ["d", "p", "q", "dp", "dq", "qi", "oth"] {
            assert!(
                out.get(member).is_none(),
                "{name} public JWK leaks {member}"
            );
        }
    }
}

#[test]
fn case_05_short_ec_coordinates_are_refused() {
    for (name, member) in [("p256", "x"), ("p256", "y"), ("p384", "x"), ("p521", "y")] {
        let key = public(name);
        let bytes = base64url::decode(key[member].as_str().unwrap()).unwrap();
        let short = base64url::encode(&bytes[1..]);
        let err = PublicJwk::from_json(&with(key, member, json!(short))).unwrap_err();
        assert!(
            matches!(err, Error::InvalidMember { .. }),
            "{name}.{member}: {err}"
        );
    }
    // P-521 coordinates keep their leading zero octets: 66 octets even when the top one is 0.
    let private = jwk("p256");
    let d = base64url::decode(private["d"].as_str().unwrap()).unwrap();
    let err = private_err(&with(private, "d", json!(base64url::encode(&d[1..]))));
    assert!(
        matches!(err, Error::InvalidMember { member: "d", .. }),
        "{err}"
    );
}

#[test]
fn case_06_points_off_the_curve_are_refused() {
    let key = public("p256");
    let mut y = base64url::decode(key["y"].as_str().unwrap()).unwrap();
    y[31] ^= 1;
    let err =
        PublicJwk::from_json(&with(key.clone(), "y", json!(base64url::encode(&y)))).unwrap_err();
    assert!(
        matches!(err, Error::PointNotOnCurve { crv: "P-256" }),
        "{err}"
    );
    let zero = base64url::encode([0u8; 32]);
    let identity = with(
        with(key, "x", json!(zero)).parse().unwrap(),
        "y",
        json!(zero),
    );
    assert!(matches!(
        PublicJwk::from_json(&identity),
        Err(Error::PointNotOnCurve { .. })
    ));
    // A coordinate at or above the field prime is not a point either.
    let big = base64url::encode([0xffu8; 32]);
    let out_of_field = with(public("p256"), "x", json!(big));
    assert!(matches!(
        PublicJwk::from_json(&out_of_field),
        Err(Error::PointNotOnCurve { .. })
    ));
    let private = jwk("p384");
    let mut x = base64url::decode(private["x"].as_str().unwrap()).unwrap();
    x[10] ^= 0x40;
    let err = private_err(&with(private, "x", json!(base64url::encode(&x))));
    assert!(matches!(err, Error::PointNotOnCurve { .. }), "{err}");
}

#[test]
fn case_07_jwks_skips_unknown_key_types() {
    let rsa = public("rsa2048");
    let set = json!({"keys": [
        {"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        rsa,
        {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr8"},
        {"kty": "EC", "crv": "secp256k1", "x": "AA", "y": "AA"},
    ]});
    let jwks = Jwks::from_json(&set.to_string()).unwrap();
    assert_eq!(jwks.keys().len(), 1);
    assert_eq!(
        jwks.keys()[0].thumbprint().as_str(),
        crate::fixtures_thumbprint("rsa2048")
    );
    let skipped: Vec<usize> = jwks.skipped().iter().map(|s| s.index).collect();
    assert_eq!(skipped, [0, 2, 3]);
    let only_okp = json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "AA"}]});
    let jwks = Jwks::from_json(&only_okp.to_string()).unwrap();
    assert!(jwks.is_empty() && jwks.skipped().len() == 1);
    assert!(matches!(
        Jwks::from_json("{}"),
        Err(Error::MissingMember { member: "keys" })
    ));
    assert!(matches!(
        Jwks::from_json(r#"{"keys":{}}"#),
        Err(Error::InvalidMember { .. })
    ));
}

#[test]
fn case_09_duplicate_member_names_are_refused() {
    let key = public("rsa2048");
    let n = key["n"].as_str().unwrap();
    let text = format!(r#"{{"kty":"RSA","n":"{n}","e":"AQAB","n":"{n}"}}"#);
    assert!(matches!(
        PublicJwk::from_json(&text),
        Err(Error::DuplicateMember { .. })
    ));
    let set = format!(r#"{{"keys":[{text}]}}"#);
    assert!(matches!(
        Jwks::from_json(&set),
        Err(Error::DuplicateMember { .. })
    ));
    let private = jwk("p256").to_string();
    let doubled = private.replacen('{', r#"{"d":"AAAA","#, 1);
    let err = private_err(&doubled);
    assert!(
        matches!(err, Error::DuplicateMember { ref member, .. } if member == "d"),
        "{err}"
    );
}

#[test]
fn case_11_certificates_and_public_keys_are_not_private_keys() {
    for file in [
        "p256.cert.test-only.pem",
        "p256.spki.test-only.pem",
        "rsa2048.pkcs1-public.test-only.pem",
    ] {
        let err = private_err(&fixture(&format!("keys/{file}")));
        assert!(matches!(err, Error::NotPrivate { .. }), "{file}: {err}");
        assert!(
            err.to_string().starts_with("expected a private key"),
            "{err}"
        );
    }
    let err = private_err(&public("p256").to_string());
    assert!(matches!(err, Error::NotPrivate { .. }), "{err}");
}

#[test]
fn case_12_encrypted_keys_without_passphrase() {
    let err = private_err(&fixture("keys/rsa2048.encrypted.test-only.pem"));
    assert!(matches!(err, Error::Encrypted), "{err}");
    assert!(err.to_string().contains("passphrase"));
    let err = private_err(&fixture("keys/p256.legacy-encrypted.test-only.pem"));
    assert!(matches!(err, Error::Encrypted), "{err}");
}

#[test]
fn case_13_crlf_blank_lines_and_escaped_newlines() {
    let pem = fixture("keys/p256.test-only.pem");
    let want = KeyPair::from_pem(&pem).unwrap().thumbprint();
    let crlf = pem.replace('\n', "\r\n");
    assert_eq!(KeyPair::from_pem(&crlf).unwrap().thumbprint(), want);
    let padded = format!("\n\n  \n{pem}\n\n \t\n");
    assert_eq!(KeyPair::from_pem(&padded).unwrap().thumbprint(), want);
    let escaped = pem.trim_end().replace('\n', "\\n");
    let err = private_err(&escaped);
    assert!(matches!(err, Error::EscapedNewlines), "{err}");
    // The BEGIN and END lines on lines of their own, only the body escaped (before: "the
    // base64 body is corrupted").
    let lines: Vec<&str> = pem.trim_end().lines().collect();
    let body_escaped = format!(
        "{}\n{}\n{}\n",
        lines[0],
        lines[1..lines.len() - 1].join("\\n"),
        lines[lines.len() - 1]
    );
    let err = private_err(&body_escaped);
    assert!(matches!(err, Error::EscapedNewlines), "{err}");
    let unescaped = unescape_newlines(&escaped);
    assert_eq!(KeyPair::from_pem(&unescaped).unwrap().thumbprint(), want);
    let escaped_crlf = pem.trim_end().replace('\n', "\\r\\n");
    assert_eq!(
        KeyPair::from_pem(&unescape_newlines(&escaped_crlf))
            .unwrap()
            .thumbprint(),
        want
    );
}

#[test]
fn case_14_truncated_or_corrupted_pem() {
    let pem = fixture("keys/rsa2048.test-only.pem");
    let lines: Vec<&str> = pem.lines().collect();
    // Cut before the END line.
    let cut = lines[..lines.len() / 2].join("\n");
    assert!(matches!(private_err(&cut), Error::Pem { .. }));
    // Body lines missing but the frame intact: the DER is short.
    let short = [&lines[..3], &lines[lines.len() - 1..]].concat().join("\n");
    assert!(matches!(
        private_err(&short),
        Error::Der { .. } | Error::Pem { .. }
    ));
    // Characters outside base64 in the body.
    let corrupt = pem.replacen(&lines[2][..8], "!!!!####", 1);
    assert!(matches!(private_err(&corrupt), Error::Pem { .. }));
    // Flipped bits in the body: valid base64, broken DER or broken key.
    let flipped = pem.replacen(&lines[1][10..20], "AAAAAAAAAA", 1);
    let err = private_err(&flipped);
    assert!(
        matches!(err, Error::Der { .. } | Error::KeyMismatch),
        "{err}"
    );
    assert!(matches!(private_err("just some text"), Error::Pem { .. }));
    assert!(matches!(private_err(""), Error::Pem { .. }));
}

#[test]
fn case_15_two_private_keys_are_ambiguous() {
    let two = format!(
        "{}{}",
        fixture("keys/p256.test-only.pem"),
        fixture("keys/p384.test-only.pem")
    );
    assert!(matches!(
        private_err(&two),
        Error::MultipleKeys { count: 2 }
    ));
    // A key with its certificate is fine: one key.
    let with_cert = format!(
        "{}{}",
        fixture("keys/p256.cert.test-only.pem"),
        fixture("keys/p256.test-only.pem")
    );
    assert!(KeyPair::from_pem(&with_cert).is_ok());
    let two_public = format!(
        "{}{}",
        fixture("keys/p256.spki.test-only.pem"),
        fixture("keys/p384.spki.test-only.pem")
    );
    assert!(matches!(
        PublicJwk::from_pem(&two_public),
        Err(Error::MultipleKeys { count: 2 })
    ));
}

#[test]
fn ec_parameters_block_before_the_key_is_skipped() {
    let params = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n";
    let text = format!("{params}{}", fixture("keys/p256.traditional.test-only.pem"));
    assert_eq!(
        KeyPair::from_pem(&text).unwrap().thumbprint().as_str(),
        crate::fixtures_thumbprint("p256")
    );
}

#[test]
fn unsupported_curves_and_key_types() {
    for form in ["test-only.pem", "traditional.test-only.pem"] {
        let err = private_err(&fixture(&format!("keys/secp256k1.{form}")));
        assert!(
            matches!(err, Error::UnsupportedCurve { .. }),
            "{form}: {err}"
        );
    }
    let err = PublicJwk::from_json(&public("secp256k1").to_string()).unwrap_err();
    assert!(matches!(err, Error::UnsupportedCurve { .. }), "{err}");
    let err = private_err(&fixture("keys/ed25519.test-only.pem"));
    assert!(matches!(err, Error::UnsupportedKeyType { .. }), "{err}");
    assert!(matches!(
        PublicJwk::from_json(r#"{"kty":"oct","k":"AA"}"#),
        Err(Error::UnsupportedKeyType { .. })
    ));
}

#[test]
fn private_and_public_parts_must_match() {
    // d of one P-256 key with the point of another.
    let mine = jwk("p256");
    let other = KeyPair::generate(KeySpec::Ec(okta_jwk::Curve::P256)).unwrap();
    let other: Value =
        serde_json::from_str(other.to_private_jwk().unwrap().expose_secret()).unwrap();
    let err = private_err(&with(mine, "d", other["d"].clone()));
    assert!(matches!(err, Error::KeyMismatch), "{err}");
    // RSA: a CRT value that does not belong to the key.
    let rsa = jwk("rsa2048");
    let mut qi = base64url::decode(rsa["qi"].as_str().unwrap()).unwrap();
    qi[5] ^= 1;
    let err = private_err(&with(rsa.clone(), "qi", json!(base64url::encode(&qi))));
    assert!(matches!(err, Error::KeyMismatch), "{err}");
    let mut d = base64url::decode(rsa["d"].as_str().unwrap()).unwrap();
    d[20] ^= 1;
    let err = private_err(&with(rsa, "d", json!(base64url::encode(&d))));
    assert!(matches!(err, Error::KeyMismatch), "{err}");
}

#[test]
fn rsa_private_jwk_needs_all_its_members() {
    for member in ["d", "p", "q", "dp", "dq", "qi"] {
        let mut key = jwk("rsa2048");
        key.as_object_mut().unwrap().remove(member);
        let err = private_err(&key.to_string());
        let expected = if member == "d" {
            "NotPrivate"
        } else {
            "MissingMember"
        };
        assert!(
            format!("{err:?}").starts_with(expected),
            "{member}: {err:?}"
        );
    }
    let err = private_err(&with(jwk("rsa2048"), "oth", json!([])));
    assert!(matches!(err, Error::InvalidMember { member: "oth", .. }));
}

#[test]
fn wrong_algorithm_or_use_for_the_key() {
    let err = private_err(&with(jwk("rsa2048"), "alg", json!("ES256")));
    assert!(matches!(err, Error::AlgorithmMismatch { .. }), "{err}");
    let err = private_err(&with(jwk("p256"), "alg", json!("ES384")));
    assert!(matches!(err, Error::AlgorithmMismatch { .. }), "{err}");
    let err = private_err(&with(jwk("rsa2048"), "alg", json!("PS256")));
    assert!(matches!(err, Error::UnsupportedAlgorithm { .. }), "{err}");
    let err = private_err(&with(jwk("p256"), "use", json!("enc")));
    assert!(matches!(err, Error::KeyUse { .. }), "{err}");
    let err = PublicJwk::from_json(&with(public("p256"), "use", json!("wrap"))).unwrap_err();
    assert!(matches!(err, Error::KeyUse { .. }), "{err}");
    let key = KeyPair::from_jwk(&with(jwk("rsa2048"), "alg", json!("RS512"))).unwrap();
    assert_eq!(key.algorithm(), okta_jwk::Algorithm::RS512);
    // Okta echoes "use": null; null optional members count as absent.
    let echoed = with(public("rsa2048"), "use", Value::Null);
    assert_eq!(PublicJwk::from_json(&echoed).unwrap().key_use(), None);
}

#[test]
fn rsa_exponents_must_be_odd_and_above_one() {
    for e in [vec![1u8], vec![2], vec![1, 0, 0], vec![1; 9]] {
        let text = with(public("rsa2048"), "e", json!(base64url::encode(&e)));
        assert!(
            matches!(PublicJwk::from_json(&text), Err(Error::RsaExponent)),
            "{e:?}"
        );
    }
}

#[test]
fn not_json_and_not_objects() {
    for text in [
        "",
        "[]",
        "null",
        "\"RSA\"",
        "{",
        "{\"kty\":\"RSA\"",
        "{\"kty\":7}",
    ] {
        let err = PublicJwk::from_json(text).unwrap_err();
        assert!(
            matches!(err, Error::Json { .. } | Error::InvalidMember { .. }),
            "{text}: {err}"
        );
        assert!(AnyKey::read(text).is_err());
    }
    let big = format!("{{\"kty\":\"RSA\",\"x\":\"{}\"}}", "A".repeat(70_000));
    assert!(matches!(
        PublicJwk::from_json(&big),
        Err(Error::TooLarge { .. })
    ));
}

/// An RSA key whose "p" is the product of two primes, with d and the CRT values computed from
/// it: every part agrees with every other, so only a primality test or a signature shows it is
/// not a key (RFC 8017 §3.2 asks for primes).
fn composite_rsa_pem() -> String {
    use openssl::bn::{BigNum, BigNumContext};
    let mut ctx = BigNumContext::new().unwrap();
    let prime = |bits: i32| {
        let mut p = BigNum::new().unwrap();
        p.generate_prime(bits, false, None, None).unwrap();
        p
    };
    let e = BigNum::from_u32(65537).unwrap();
    let one = BigNum::from_u32(1).unwrap();
    loop {
        let (a, b, q) = (prime(512), prime(512), prime(1024));
        let mut p = BigNum::new().unwrap();
        p.checked_mul(&a, &b, &mut ctx).unwrap();
        let minus_one = |x: &BigNum| {
            let mut r = BigNum::new().unwrap();
            r.checked_sub(x, &one).unwrap();
            r
        };
        let (p1, q1) = (minus_one(&p), minus_one(&q));
        let mut phi = BigNum::new().unwrap();
        phi.checked_mul(&p1, &q1, &mut ctx).unwrap();
        let mut d = BigNum::new().unwrap();
        if d.mod_inverse(&e, &phi, &mut ctx).is_err() {
            continue;
        }
        let mut n = BigNum::new().unwrap();
        n.checked_mul(&p, &q, &mut ctx).unwrap();
        // A random prime only has its top bit set, so the product can come out one bit short,
        // and a 2047-bit modulus is refused for its size before anything else is looked at.
        if n.num_bits() != 2048 {
            continue;
        }
        let (mut dp, mut dq, mut qi) = (
            BigNum::new().unwrap(),
            BigNum::new().unwrap(),
            BigNum::new().unwrap(),
        );
        dp.nnmod(&d, &p1, &mut ctx).unwrap();
        dq.nnmod(&d, &q1, &mut ctx).unwrap();
        if qi.mod_inverse(&q, &p, &mut ctx).is_err() {
            continue;
        }
        let rsa = openssl::rsa::Rsa::from_private_components(
            n,
            e.to_owned().unwrap(),
            d,
            p,
            q,
            dp,
            dq,
            qi,
        )
        .unwrap();
        return String::from_utf8(rsa.private_key_to_pem().unwrap()).unwrap();
    }
}

#[test]
fn an_rsa_key_of_composite_primes_signs_nothing() {
    let pem = composite_rsa_pem();
    // Its parts agree, so reading it costs no primality test and succeeds …
    let pair = KeyPair::from_pem(&pem).unwrap();
    // … but its first signature is verified before use, and does not verify.
    let err = pair.sign(b"header.claims").unwrap_err();
    assert!(matches!(err, Error::KeyMismatch), "{err}");
    // The thorough check, for a key entering the system, finds it at once.
    let err = pair.check_thoroughly().unwrap_err();
    assert!(matches!(err, Error::KeyMismatch), "{err}");
    // A real key passes both, and signs.
    let good = KeyPair::from_pem(&fixture("keys/rsa2048.test-only.pem")).unwrap();
    good.check_thoroughly().unwrap();
    assert!(good.sign(b"header.claims").is_ok());
}

#[test]
fn rsa_crt_values_that_do_not_belong_are_refused_on_reading() {
    for member in ["dp", "dq", "p"] {
        let mut rsa = jwk("rsa2048");
        let mut v = base64url::decode(rsa[member].as_str().unwrap()).unwrap();
        let last = v.len() - 1;
        v[last] ^= 2;
        rsa[member] = json!(base64url::encode(&v));
        let err = private_err(&rsa.to_string());
        assert!(matches!(err, Error::KeyMismatch), "{member}: {err}");
    }
}
