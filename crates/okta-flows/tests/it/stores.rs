//! Token stores: entries sealed at rest, a signer without its key in memory, a secret given by
//! configuration, a store of the caller's own, and a store that fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use okta_flows::{
    CacheSecret, DpopMode, Error, LazySigner, ServiceCredentials, StoreError, StoreLock,
    TokenRequest, TokenSource, TokenStore, TokenType, UnixTime,
};
use okta_jwk::{Curve, KeySpec, Signer};

use crate::Setup;

fn request() -> TokenRequest {
    TokenRequest::scopes(&["okta.users.read"]).unwrap()
}

/// A signer whose private key stays elsewhere (as a KMS's would): it signs, and derives nothing.
struct Remote(Arc<okta_jwk::KeyPair>);

impl Signer for Remote {
    fn algorithm(&self) -> okta_jwk::Algorithm {
        self.0.algorithm()
    }
    fn public_jwk(&self) -> &okta_jwk::PublicJwk {
        self.0.public_jwk()
    }
    fn sign(&self, input: &[u8]) -> okta_jwk::Result<Vec<u8>> {
        self.0.sign(input)
    }
}

/// A store in memory, shared by the "processes" of one test, which records what it was given.
#[derive(Default, Clone)]
struct Memory {
    entries: Arc<Mutex<HashMap<String, Vec<u8>>>>,
    fail: Arc<Mutex<bool>>,
}

impl TokenStore for Memory {
    fn load(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        if *self.fail.lock().unwrap() {
            return Err(StoreError::new("memory", "down"));
        }
        Ok(self.entries.lock().unwrap().get(name).cloned())
    }
    fn save(&self, name: &str, sealed: &[u8], _: UnixTime, _: UnixTime) -> Result<(), StoreError> {
        self.entries
            .lock()
            .unwrap()
            .insert(name.to_owned(), sealed.to_vec());
        Ok(())
    }
    fn remove(&self, name: &str) -> Result<(), StoreError> {
        self.entries.lock().unwrap().remove(name);
        Ok(())
    }
    fn lock(&self, _: &str) -> Result<Option<StoreLock>, StoreError> {
        Ok(Some(StoreLock::unlocked()))
    }
    fn describe(&self) -> String {
        "memory".into()
    }
}

#[test]
fn a_signer_without_its_key_in_memory_needs_a_configured_secret() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), false, 2);
    let dir = std::env::temp_dir().join(format!("okta-flows-remote-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let remote = || {
        ServiceCredentials::new(s.client_id.clone(), Arc::new(Remote(s.key.clone())))
            .dpop(DpopMode::Never)
    };
    let refused = TokenSource::new(s.okta.clone(), remote(), request()).persist_to(&file);
    assert!(matches!(refused.token(), Err(Error::CacheSecretNeeded)));
    assert_eq!(
        refused.tokens_fetched(),
        0,
        "nothing fetched to be stored in clear"
    );
    assert!(!file.exists(), "nothing written");
    // Without a store it works as ever.
    TokenSource::new(s.okta.clone(), remote(), request())
        .token()
        .unwrap();
    // With a configured secret, it is stored sealed and reused.
    let secret = CacheSecret::from_text("a fleet-wide cache secret of 32+ bytes").unwrap();
    let with = || {
        TokenSource::new(
            s.okta.clone(),
            remote().with_cache_secret(secret.clone()),
            request(),
        )
        .persist_to(&file)
    };
    let first = with();
    let token = first.token().unwrap();
    let second = with();
    assert_eq!(
        second.token().unwrap().access_token().expose_secret(),
        token.access_token().expose_secret()
    );
    assert_eq!(second.tokens_fetched(), 0);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(token.access_token().expose_secret()),
        "{text}"
    );
    // Another secret over the same file: the entry is a miss, not an error, and is replaced.
    let other = CacheSecret::from_text("another secret, also 32 bytes long!").unwrap();
    let third = TokenSource::new(s.okta.clone(), remote().with_cache_secret(other), request())
        .persist_to(&file);
    assert_ne!(
        third.token().unwrap().access_token().expose_secret(),
        token.access_token().expose_secret()
    );
    assert_eq!(third.tokens_fetched(), 1);
}

#[test]
fn entries_are_sealed_and_a_key_named_without_its_text_still_works() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 2);
    let store = Memory::default();
    let pem = s.key.to_pkcs8_pem().unwrap().expose_secret().to_owned();
    // `LazySigner::new` knows only the key's name: the key is loaded to derive the secret.
    let loads = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let lazy = |pem: String| {
        let loads = loads.clone();
        let identity = okta_flows::KeyIdentity::of_encoded_key(pem.as_bytes());
        LazySigner::new(identity, move || {
            loads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(Arc::new(okta_jwk::KeyPair::from_pem(&pem)?) as Arc<dyn Signer>)
        })
    };
    let run = || {
        TokenSource::new(
            s.okta.clone(),
            ServiceCredentials::lazy(s.client_id.clone(), lazy(pem.clone())).dpop(DpopMode::Always),
            request(),
        )
        .store(Arc::new(store.clone()))
    };
    let first = run();
    let token = first.token().unwrap();
    assert_eq!(token.token_type(), TokenType::DPoP);
    let later = run();
    assert_eq!(
        later.token().unwrap().access_token().expose_secret(),
        token.access_token().expose_secret()
    );
    assert_eq!(later.tokens_fetched(), 0);
    // The store saw a token entry and the app's DPoP hint, neither in clear.
    let entries = store.entries.lock().unwrap().clone();
    assert_eq!(entries.len(), 2);
    let access = token.access_token().expose_secret().as_bytes();
    for (name, sealed) in &entries {
        assert!(!name.contains(s.client_id.as_str()));
        for needle in [
            access,
            b"\"kty\"".as_slice(),
            b"\"d\"".as_slice(),
            b"DPoP".as_slice(),
        ] {
            assert!(!sealed.windows(needle.len()).any(|w| w == needle), "{name}");
        }
    }
    // One changed byte, and the entry is refused and replaced by a new token.
    {
        let mut map = store.entries.lock().unwrap();
        let token_entry = map.values_mut().max_by_key(|v| v.len()).unwrap();
        token_entry[30] ^= 0x80;
    }
    let after = run();
    assert_ne!(
        after.token().unwrap().access_token().expose_secret(),
        token.access_token().expose_secret()
    );
    assert_eq!(after.tokens_fetched(), 1);
}

#[test]
fn a_store_that_fails_is_reported_once_and_skipped() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), false, 2);
    let store = Memory::default();
    *store.fail.lock().unwrap() = true;
    let said = Arc::new(Mutex::new(Vec::new()));
    let heard = said.clone();
    let source = TokenSource::new(s.okta.clone(), s.creds(DpopMode::Never), request())
        .store(Arc::new(store.clone()))
        .on_store_failure(move |e| heard.lock().unwrap().push(e.to_string()));
    source.token().unwrap();
    source.invalidate();
    source.token().unwrap();
    assert_eq!(*said.lock().unwrap(), vec!["memory: down".to_owned()]);
    assert_eq!(source.tokens_fetched(), 2);
}

#[test]
fn a_version_1_file_with_tokens_in_clear_is_not_used_and_is_replaced() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), false, 2);
    let dir = std::env::temp_dir().join(format!("okta-flows-v1-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let clear = r#"{"version":1,"tokens":{"x":{"access_token":"CLEAR-TOKEN","token_type":"Bearer","expires_at":99999999999,"scopes":[],"dpop_key":null}},"dpop":{}}"#;
    okta_flows::write_private_file(&file, clear.as_bytes()).unwrap();
    let source =
        TokenSource::new(s.okta.clone(), s.creds(DpopMode::Never), request()).persist_to(&file);
    source.token().unwrap();
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains("CLEAR-TOKEN"), "{text}");
    assert!(text.contains("\"version\":2"), "{text}");
}
