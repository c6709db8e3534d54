//! Keys made by OpenSSL, in every form OpenSSL and jwcrypto write, read by us with the same
//! thumbprint jwcrypto computed; and the fixtures are what `cargo xtask fixtures` last wrote.

use okta_jwk::{AnyKey, KeyPair, Passphrase, PublicJwk};

use crate::{fixture, fixtures_dir};

fn manifest() -> serde_json::Value {
    serde_json::from_str(&fixture("keys/manifest.json")).unwrap()
}

const GOOD: [&str; 6] = ["rsa2048", "rsa3072", "rsa4096", "p256", "p384", "p521"];

fn expected_thumbprint(name: &str) -> String {
    manifest()["jwcrypto_thumbprints"][name]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn fixtures_are_fresh() {
    let m = manifest();
    let listed = m["sha256"].as_object().unwrap();
    let mut on_disk = Vec::new();
    for entry in std::fs::read_dir(fixtures_dir().join("keys")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.contains(".test-only.") {
            on_disk.push(name);
        }
    }
    on_disk.sort();
    let mut names: Vec<&String> = listed.keys().collect();
    names.sort();
    assert_eq!(
        names,
        on_disk.iter().collect::<Vec<_>>(),
        "run `cargo xtask fixtures`"
    );
    for (name, hash) in listed {
        let bytes = std::fs::read(fixtures_dir().join("keys").join(name)).unwrap();
        let digest = ring::digest::digest(&ring::digest::SHA256, &bytes);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(
            &hex,
            hash.as_str().unwrap(),
            "{name} is stale: run `cargo xtask fixtures`"
        );
    }
}

#[test]
fn every_private_form_reads_with_the_thumbprint_jwcrypto_computed() {
    for name in GOOD {
        let want = expected_thumbprint(name);
        for form in ["test-only.pem", "traditional.test-only.pem"] {
            let key = KeyPair::from_pem(&fixture(&format!("keys/{name}.{form}"))).unwrap();
            assert_eq!(key.thumbprint().as_str(), want, "{name}.{form}");
            assert_eq!(key.kid().as_str(), want, "kid defaults to the thumbprint");
        }
        let jwk = KeyPair::from_jwk(&fixture(&format!("keys/{name}.jwk.test-only.json"))).unwrap();
        assert_eq!(jwk.thumbprint().as_str(), want, "{name} private JWK");
    }
}

#[test]
fn every_public_form_reads_with_the_thumbprint_jwcrypto_computed() {
    for name in GOOD {
        let want = expected_thumbprint(name);
        let spki =
            PublicJwk::from_pem(&fixture(&format!("keys/{name}.spki.test-only.pem"))).unwrap();
        assert_eq!(spki.thumbprint().as_str(), want, "{name} SPKI");
        let jwk =
            PublicJwk::from_json(&fixture(&format!("keys/{name}.pub.jwk.test-only.json"))).unwrap();
        assert_eq!(jwk.thumbprint().as_str(), want, "{name} public JWK");
        if name.starts_with("rsa") {
            let pkcs1 =
                PublicJwk::from_pem(&fixture(&format!("keys/{name}.pkcs1-public.test-only.pem")));
            assert_eq!(
                pkcs1.unwrap().thumbprint().as_str(),
                want,
                "{name} PKCS#1 public"
            );
        }
    }
}

#[test]
fn our_exports_equal_what_openssl_and_jwcrypto_wrote() {
    for name in GOOD {
        let key = KeyPair::from_pem(&fixture(&format!("keys/{name}.test-only.pem"))).unwrap();
        // PEM encodings of one key are canonical DER, so the text must match exactly.
        assert_eq!(
            key.to_pkcs8_pem().unwrap().expose_secret(),
            fixture(&format!("keys/{name}.test-only.pem"))
        );
        let traditional = if name.starts_with("rsa") {
            key.to_pkcs1_pem()
        } else {
            key.to_sec1_pem()
        };
        assert_eq!(
            traditional.unwrap().expose_secret(),
            fixture(&format!("keys/{name}.traditional.test-only.pem")),
            "{name} traditional"
        );
        assert_eq!(
            key.public_jwk().to_spki_pem().unwrap(),
            fixture(&format!("keys/{name}.spki.test-only.pem")),
            "{name} SPKI"
        );
        if name.starts_with("rsa") {
            assert_eq!(
                key.public_jwk().to_pkcs1_pem().unwrap(),
                fixture(&format!("keys/{name}.pkcs1-public.test-only.pem")),
                "{name} PKCS#1 public"
            );
        }
        // The private JWK members equal jwcrypto's, value for value.
        let theirs: serde_json::Value =
            serde_json::from_str(&fixture(&format!("keys/{name}.jwk.test-only.json"))).unwrap();
        let ours: serde_json::Value =
            serde_json::from_str(key.to_private_jwk().unwrap().expose_secret()).unwrap();
        for (member, value) in theirs.as_object().unwrap() {
            assert_eq!(&ours[member], value, "{name} member {member}");
        }
    }
}

#[test]
fn encrypted_keys_need_their_passphrase() {
    let pass = Passphrase::new(manifest()["passphrase"].as_str().unwrap());
    let wrong = Passphrase::new("not it");
    for (file, twin) in [
        ("rsa2048.encrypted.test-only.pem", "rsa2048"),
        ("p256.legacy-encrypted.test-only.pem", "p256"),
    ] {
        let text = fixture(&format!("keys/{file}"));
        assert!(
            matches!(KeyPair::from_pem(&text), Err(okta_jwk::Error::Encrypted)),
            "{file}"
        );
        assert!(matches!(
            KeyPair::from_encrypted_pem(&text, &wrong),
            Err(okta_jwk::Error::Decrypt)
        ));
        let key = KeyPair::from_encrypted_pem(&text, &pass).unwrap();
        assert_eq!(
            key.thumbprint().as_str(),
            expected_thumbprint(twin),
            "{file}"
        );
    }
}

#[test]
fn any_key_reads_every_form() {
    for name in GOOD {
        let want = expected_thumbprint(name);
        for form in [
            "test-only.pem",
            "traditional.test-only.pem",
            "jwk.test-only.json",
        ] {
            let key = AnyKey::read(&fixture(&format!("keys/{name}.{form}"))).unwrap();
            assert!(matches!(key, AnyKey::Private(_)), "{name}.{form}");
            assert_eq!(key.public_jwk().thumbprint().as_str(), want);
        }
        for form in ["spki.test-only.pem", "pub.jwk.test-only.json"] {
            let key = AnyKey::read(&fixture(&format!("keys/{name}.{form}"))).unwrap();
            assert!(matches!(key, AnyKey::Public(_)), "{name}.{form}");
            assert_eq!(key.public_jwk().thumbprint().as_str(), want);
        }
    }
}
