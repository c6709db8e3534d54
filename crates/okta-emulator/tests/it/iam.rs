//! Least-privilege admin roles (Okta's guide: "a custom admin role with permissions to specific
//! resource sets"): custom roles and resource sets, assigned to a client, enforced per resource.
//! An app bound to one group's users reads that group and its members, and nothing else.

use serde_json::json;

use crate::{World, get, post_form, post_json, put_json};

fn created(got: crate::Got) -> String {
    assert_eq!(got.status, 200, "{}", got.body);
    got.json()["id"].as_str().unwrap().to_owned()
}

#[test]
fn a_custom_role_on_one_groups_users_reads_them_and_nothing_else() {
    let w = World::new(false);
    let ssws = w.ssws();
    let admin = [("Authorization", ssws.as_str())];
    let group = |name: &str| {
        created(post_json(
            &w.url("/api/v1/groups"),
            &json!({"profile": {"name": name}}),
            &admin,
        ))
    };
    let (ours, theirs) = (group("Reporting"), group("Finance"));
    let member = |g: &str, login: &str| {
        let uid = get(&w.url(&format!("/api/v1/users/{login}")), &admin).json()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let put = put_json(
            &w.url(&format!("/api/v1/groups/{g}/users/{uid}")),
            &json!({}),
            &admin,
        );
        assert_eq!(put.status, 204);
        uid
    };
    let in_ours = member(&ours, "user1@example.com");
    let in_theirs = member(&theirs, "user2@example.com");

    let role = created(post_json(
        &w.url("/api/v1/iam/roles"),
        &json!({"label": "Reporting reader", "description": "reads reporting users",
                "permissions": ["okta.users.read", "okta.groups.read"]}),
        &admin,
    ));
    assert!(role.starts_with("cr0"), "{role}");
    let set = created(post_json(
        &w.url("/api/v1/iam/resource-sets"),
        &json!({"label": "Reporting users", "description": "the users of Reporting",
                "resources": [w.url(&format!("/api/v1/groups/{ours}/users"))]}),
        &admin,
    ));
    // Found again by label, as the contract's {roleIdOrLabel} says.
    assert_eq!(
        get(&w.url("/api/v1/iam/roles/Reporting%20reader"), &admin).json()["id"],
        role.as_str()
    );
    assert_eq!(
        get(
            &w.url("/api/v1/iam/resource-sets/Reporting%20users"),
            &admin
        )
        .json()["id"],
        set.as_str()
    );
    // A label used twice, an unknown role in an assignment: refused.
    let again = post_json(
        &w.url("/api/v1/iam/roles"),
        &json!({"label": "Reporting reader", "description": "x", "permissions": ["okta.users.read"]}),
        &admin,
    );
    // 400 E0000001 naming the label, as Okta answers (recorded 2025; was 409 E0000007).
    again.expect(400, "Api validation failed: label");

    // A service app holding only the custom role, bound to the resource set.
    let client = w
        .org
        .seed_service_app(
            okta_emulator::SeedApp::new("reporting", vec![w.key.public.clone()])
                .dpop(false)
                .scopes(&["okta.users.read", "okta.groups.read"]),
        )
        .unwrap();
    let bad = post_json(
        &w.url(&format!("/oauth2/v1/clients/{client}/roles")),
        &json!({"type": "CUSTOM", "role": "cr0nothere00000000000", "resource-set": set}),
        &admin,
    );
    assert_eq!(bad.status, 404);
    let assigned = post_json(
        &w.url(&format!("/oauth2/v1/clients/{client}/roles")),
        &json!({"type": "CUSTOM", "role": role, "resource-set": set}),
        &admin,
    );
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.json()["type"], "CUSTOM");
    assert_eq!(assigned.json()["role"], role.as_str());
    assert_eq!(assigned.json()["resource-set"], set.as_str());
    assert_eq!(assigned.json()["label"], "Reporting reader");

    let a = crate::assertion(&w.key, &client, &w.token_url(), &[], &[]);
    let token = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read okta.groups.read"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &a),
        ],
        &[],
    );
    assert_eq!(token.status, 200, "{}", token.body);
    let bearer = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    let h = [("Authorization", bearer.as_str())];
    let status = |path: &str| get(&w.url(path), &h).status;
    assert_eq!(status(&format!("/api/v1/groups/{ours}/users")), 200);
    assert_eq!(status(&format!("/api/v1/users/{in_ours}")), 200);
    // Another group's users, one of them, and every user: not in the resource set.
    let other = get(&w.url(&format!("/api/v1/groups/{theirs}/users")), &h);
    assert_eq!(other.status, 403);
    assert_eq!(other.json()["errorCode"], "E0000006");
    assert_eq!(status(&format!("/api/v1/users/{in_theirs}")), 403);
    assert_eq!(status("/api/v1/users"), 403);
}

#[test]
fn a_custom_role_allows_only_its_permissions() {
    let w = World::new(false);
    let ssws = w.ssws();
    let admin = [("Authorization", ssws.as_str())];
    let role = created(post_json(
        &w.url("/api/v1/iam/roles"),
        &json!({"label": "groups only", "description": "d", "permissions": ["okta.groups.read"]}),
        &admin,
    ));
    let set = created(post_json(
        &w.url("/api/v1/iam/resource-sets"),
        &json!({"label": "everyone", "description": "d", "resources": [w.url("/api/v1/users")]}),
        &admin,
    ));
    let client = w
        .org
        .seed_service_app(
            okta_emulator::SeedApp::new("narrow", vec![w.key.public.clone()])
                .dpop(false)
                .scopes(&["okta.users.read"]),
        )
        .unwrap();
    post_json(
        &w.url(&format!("/oauth2/v1/clients/{client}/roles")),
        &json!({"type": "CUSTOM", "role": role, "resource-set": set}),
        &admin,
    );
    let a = crate::assertion(&w.key, &client, &w.token_url(), &[], &[]);
    let token = post_form(
        &w.token_url(),
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &a),
        ],
        &[],
    );
    let bearer = format!("Bearer {}", token.json()["access_token"].as_str().unwrap());
    // The resource is in the set, but reading users is not one of the role's permissions.
    let got = get(
        &w.url("/api/v1/users?limit=1"),
        &[("Authorization", bearer.as_str())],
    );
    assert_eq!(got.status, 403);
    assert_eq!(got.json()["errorCode"], "E0000006");
}
