"""An independent Okta client for the emulator: PyJWT and jwcrypto sign, curl sends.

usage: emulator_client.py BASE_URL SSWS_TOKEN_FILE
Walks the service-app path with DPoP (register through /api/v1/apps, grant, role, nonce
challenge, token, /api/v1/users with a proof carrying ath) and a few refusals; prints one JSON
document of what it saw and exits non-zero on the first surprise.
"""
import base64
import hashlib
import json
import subprocess
import sys
import time
import uuid

import jwt  # PyJWT
from jwcrypto import jwk

BASE, TOKEN = sys.argv[1], open(sys.argv[2]).read().strip()
seen = []


def curl(method, path, headers=(), data=None, form=None):
    """One request through the curl binary; returns (status, headers dict, body text)."""
    cmd = ["curl", "-s", "-S", "-i", "-X", method, BASE + path, "--max-redirs", "0"]
    for h in headers:
        cmd += ["-H", h]
    if data is not None:
        cmd += ["-H", "Content-Type: application/json", "--data-binary", json.dumps(data)]
    if form is not None:
        for k, v in form.items():
            cmd += ["--data-urlencode", f"{k}={v}"]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    head, _, body = out.replace("\r\n", "\n").partition("\n\n")
    lines = head.split("\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return status, hdrs, body


def expect(what, cond, detail=""):
    seen.append({"step": what, "ok": bool(cond)})
    if not cond:
        print(json.dumps({"failed": what, "detail": detail, "seen": seen}))
        sys.exit(1)


ssws = [f"Authorization: SSWS {TOKEN}"]
key = jwk.JWK.generate(kty="EC", crv="P-256", kid="py-key-1")
public = json.loads(key.export_public())
app = {"name": "oidc_client", "label": "python-interop", "signOnMode": "OPENID_CONNECT",
       "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
       "settings": {"oauthClient": {"application_type": "service", "grant_types": ["client_credentials"],
                                    "response_types": ["token"], "jwks": {"keys": [public]},
                                    "dpop_bound_access_tokens": True}}}
status, _, body = curl("POST", "/api/v1/apps", ssws, data=app)
expect("create app", status == 200, body)  # the contract declares 200
client_id = json.loads(body)["credentials"]["oauthClient"]["client_id"]
status, _, body = curl("POST", f"/api/v1/apps/{client_id}/grants", ssws, data={"scopeId": "okta.users.read", "issuer": BASE})
expect("grant okta.users.read", status == 201, body)
status, _, body = curl("POST", f"/oauth2/v1/clients/{client_id}/roles", ssws, data={"type": "READ_ONLY_ADMIN"})
expect("assign role", status == 200, body)  # the contract declares 200

token_url = BASE + "/oauth2/v1/token"
private_pem = key.export_to_pem(private_key=True, password=None)
dpop_key = jwk.JWK.generate(kty="EC", crv="P-256")
dpop_public = json.loads(dpop_key.export_public())
dpop_pem = dpop_key.export_to_pem(private_key=True, password=None)


def assertion():
    now = int(time.time())
    claims = {"iss": client_id, "sub": client_id, "aud": token_url, "iat": now, "exp": now + 300, "jti": str(uuid.uuid4())}
    return jwt.encode(claims, private_pem, algorithm="ES256", headers={"kid": "py-key-1"})


def proof(method, url, nonce=None, access_token=None):
    claims = {"jti": str(uuid.uuid4()), "htm": method, "htu": url, "iat": int(time.time())}
    if nonce:
        claims["nonce"] = nonce
    if access_token:
        claims["ath"] = base64.urlsafe_b64encode(hashlib.sha256(access_token.encode()).digest()).rstrip(b"=").decode()
    return jwt.encode(claims, dpop_pem, algorithm="ES256", headers={"typ": "dpop+jwt", "jwk": dpop_public})


def token_request(a, p):
    form = {"grant_type": "client_credentials", "scope": "okta.users.read",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": a}
    return curl("POST", "/oauth2/v1/token", [f"DPoP: {p}"], form=form)


status, headers, body = token_request(assertion(), proof("POST", token_url))
expect("nonce challenge", status == 400 and json.loads(body)["error"] == "use_dpop_nonce" and "dpop-nonce" in headers, body)
nonce = headers["dpop-nonce"][0]
a = assertion()
status, _, body = token_request(a, proof("POST", token_url, nonce))
expect("DPoP token", status == 200 and json.loads(body)["token_type"] == "DPoP", body)
access = json.loads(body)["access_token"]
status, _, body = token_request(a, proof("POST", token_url, nonce))
expect("replayed assertion refused", status == 401 and "already been used" in body, body)
users_url = BASE + "/api/v1/users"
status, headers, body = curl("GET", "/api/v1/users?limit=5", [f"Authorization: DPoP {access}", f"DPoP: {proof('GET', users_url, access_token=access)}"])
expect("list users with DPoP", status == 200 and len(json.loads(body)) == 5 and "link" in headers, body)
status, headers, body = curl("GET", "/api/v1/users?limit=5", [f"Authorization: DPoP {access}", f"DPoP: {proof('GET', users_url)}"])
expect("proof without ath refused", status == 400 and "ath" in headers.get("www-authenticate", [""])[0], str(headers))
status, _, body = curl("GET", "/api/v1/users", [f"Authorization: Bearer {access}"])
expect("DPoP token as Bearer refused", status == 400, body)
print(json.dumps({"client_id": client_id, "seen": seen}))
