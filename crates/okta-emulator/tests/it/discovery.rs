//! Discovery documents (RFC 8414, OpenID Connect Discovery) and the org's keys.

use crate::{World, get};

#[test]
fn org_and_custom_server_documents() {
    let w = World::new(false);
    let base = w.org.url();
    for path in [
        "/.well-known/openid-configuration",
        "/.well-known/oauth-authorization-server",
    ] {
        let d = get(&w.url(path), &[]).json();
        assert_eq!(d["issuer"], base);
        assert_eq!(d["token_endpoint"], format!("{base}/oauth2/v1/token"));
        assert_eq!(
            d["registration_endpoint"],
            format!("{base}/oauth2/v1/clients")
        );
        assert_eq!(
            d["code_challenge_methods_supported"],
            serde_json::json!(["S256"])
        );
        assert_eq!(
            d["dpop_signing_alg_values_supported"],
            serde_json::json!(["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"])
        );
        assert!(
            d["token_endpoint_auth_methods_supported"]
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m == "private_key_jwt")
        );
    }
    for path in [
        "/oauth2/default/.well-known/openid-configuration",
        "/oauth2/default/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/oauth2/default",
    ] {
        let d = get(&w.url(path), &[]).json();
        assert_eq!(d["issuer"], format!("{base}/oauth2/default"), "{path}");
        assert_eq!(
            d["token_endpoint"],
            format!("{base}/oauth2/default/v1/token")
        );
        assert_eq!(
            d["registration_endpoint"],
            format!("{base}/oauth2/v1/clients")
        );
    }
    get(&w.url("/oauth2/nope/.well-known/openid-configuration"), &[]).expect(
        404,
        "Not found: Resource not found: nope (AuthorizationServer)",
    );
}

#[test]
fn keys_are_published_with_a_cache_header_and_rotate() {
    let w = World::new(false);
    let got = get(&w.url("/oauth2/v1/keys"), &[]);
    assert!(got.header("cache-control").unwrap().contains("max-age="));
    let keys = got.json()["keys"].as_array().unwrap().clone();
    assert_eq!(keys.len(), 2);
    for k in &keys {
        assert_eq!(k["kty"], "RSA");
        assert_eq!(k["alg"], "RS256");
        assert_eq!(k["use"], "sig");
        assert!(k.get("d").is_none());
    }
    w.org.rotate_signing_key().unwrap();
    let after = get(&w.url("/oauth2/v1/keys"), &[]).json()["keys"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(after.len(), 3);
    // A token minted now is signed by the new key, which is published first.
    let token = w.token(None)["access_token"].as_str().unwrap().to_owned();
    let header: serde_json::Value =
        serde_json::from_slice(&crate::unb64(token.split('.').next().unwrap())).unwrap();
    assert_eq!(header["kid"], after[0]["kid"]);
}

/// Issue 28: `/.well-known/okta-organization`, which tools read to tell an Identity Engine org
/// (`"pipeline": "idx"`) from a Classic one, is served; the discovery documents carry Okta's
/// front-channel logout members and name no endpoint the emulator does not serve.
#[test]
fn the_organization_document_and_discovery_members() {
    let w = World::new(false);
    let got = get(&w.url("/.well-known/okta-organization"), &[]);
    assert_eq!(got.status, 200, "{}", got.body);
    let org = got.json();
    assert_eq!(org["pipeline"], "idx");
    assert!(org["id"].as_str().unwrap().starts_with("00o"));
    assert_eq!(org["_links"]["organization"]["href"], w.org.url());
    let d = get(&w.url("/.well-known/openid-configuration"), &[]).json();
    assert_eq!(d["frontchannel_logout_supported"], true);
    assert_eq!(d["frontchannel_logout_session_supported"], true);
    assert!(d.get("pushed_authorization_request_endpoint").is_none());
}
