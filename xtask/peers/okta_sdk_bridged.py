"""Okta's own Python SDK (okta, pinned by xtask), unchanged and in SSWS mode, run by
`okta-oauth exec`: it reads its org URL and token from the environment exec sets and reaches an
org whose service app requires DPoP through the bridge. With the argument `users`, it only
lists every user and reads one (the script whose least-privilege app `--learn` makes). Prints
{"seen": [...]}."""

import asyncio
import os
import sys

from okta.client import Client as OktaClient
from okta.models import AddGroupRequest
from okta.pagination import PaginationHelper

from seen import done, expect


async def main():
    async with OktaClient() as client:
        users, resp, err = await client.list_users(limit=200)
        expect("bridged: first page of users", err is None and len(users) == 200, err)
        count = len(users)
        # The SDK's own pagination helper reads the Link header, which the bridge points at
        # itself.
        while PaginationHelper.has_next_page(resp.headers):
            link = resp.headers.get("Link") or resp.headers.get("link") or ""
            expect("bridged: the next link is the bridge's", os.environ["OKTA_CLIENT_ORGURL"] + "/api/v1/users?" in link, link)
            after = PaginationHelper.extract_next_cursor(resp.headers)
            more, resp, err = await client.list_users(limit=200, after=after)
            expect("bridged: a next page", err is None, err)
            count += len(more)
        expect("bridged: every user across pages", count == 450, count)
        user, _, err = await client.get_user("user7@example.com")
        expect("bridged: a user by login", err is None and user.profile.login == "user7@example.com", err)
        if sys.argv[1:] == ["users"]:
            done()
            return
        group, _, err = await client.add_group(AddGroupRequest.from_dict({"profile": {"name": "Bridged"}}))
        expect("bridged: a group created", err is None and group.id.startswith("00g"), err)
        _, _, err = await client.delete_group(group.id)
        expect("bridged: the group deleted", err is None, err)
        tokens, _, err = await client.list_api_tokens()
        expect("bridged: the org's API tokens", err is None and len(tokens) >= 1, err)
        # Only a super admin revokes API tokens: Okta's 403, passed through with its body.
        _, err = await client.revoke_api_token(tokens[0].id)
        expect("bridged: Okta's 403 error", getattr(err, "status", None) == 403 and getattr(err, "error_code", None) == "E0000006", err)
    done()


asyncio.run(main())
