"""Okta's own Python SDK (okta, pinned by xtask) against the emulator: SSWS and private-key
(DPoP) modes. Prints {"seen": [...]} with each step that behaved as Okta would."""

import asyncio
import json
import sys
from urllib.parse import parse_qs, urlparse

from okta.client import Client as OktaClient

BASE, TOKEN, CLIENT_ID, KEY_FILE, KID = sys.argv[1:6]
seen = []


def expect(step, ok, detail=""):
    if not ok:
        print(json.dumps({"failed": step, "detail": str(detail)[:400], "seen": seen}))
        sys.exit(1)
    seen.append(step)


def next_cursor(resp):
    headers = resp.headers or {}
    for part in (headers.get("Link") or headers.get("link") or "").split(","):
        if 'rel="next"' in part:
            url = part.split(";")[0].strip().strip("<>")
            return parse_qs(urlparse(url).query).get("after", [None])[0]
    return None


async def ssws():
    config = {"orgUrl": BASE, "token": TOKEN, "rateLimit": {"maxRetries": 1}}
    async with OktaClient(config) as client:
        users, resp, err = await client.list_users(limit=200)
        expect("ssws: first page of users", err is None and len(users) == 200, err)
        count, cursor = len(users), next_cursor(resp)
        while cursor:
            more, resp, err = await client.list_users(limit=200, after=cursor)
            expect("ssws: a next page", err is None, err)
            count, cursor = count + len(more), next_cursor(resp)
        expect("ssws: every user across pages", count == 450, count)
        user, _, err = await client.get_user("user7@example.com")
        expect("ssws: a user by login", err is None and user.profile.login == "user7@example.com", err)
        _, _, err = await client.get_user("00uNOPE")
        expect("ssws: Okta's 404 error", getattr(err, "status", None) == 404 and getattr(err, "error_code", None) == "E0000007", err)
        app, _, err = await client.get_application(CLIENT_ID)
        expect("ssws: the service app", err is None and app.id == CLIENT_ID, err)
        keys, _, err = await client.list_jwk(CLIENT_ID)
        expect("ssws: the app's keys", err is None and len(keys) == 1, err)


async def private_key():
    config = {"orgUrl": BASE, "authorizationMode": "PrivateKey", "clientId": CLIENT_ID,
              "scopes": ["okta.users.read"], "privateKey": open(KEY_FILE).read(), "kid": KID,
              "dpopEnabled": True, "rateLimit": {"maxRetries": 1}}
    async with OktaClient(config) as client:
        users, _, err = await client.list_users(limit=5)
        expect("private key + DPoP: users", err is None and len(users) == 5, err)


asyncio.run(ssws())
asyncio.run(private_key())
print(json.dumps({"seen": seen}))
