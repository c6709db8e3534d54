// Okta's own node SDK (@okta/okta-sdk-nodejs, pinned by xtask), unchanged and in SSWS mode, run
// by `okta-oauth exec`: it reads its org URL and token from the environment exec sets and
// reaches an org whose service app requires DPoP through the bridge. Prints {"seen": [...]}.
import okta from '@okta/okta-sdk-nodejs';

import { done, expect } from './seen.mjs';

const client = new okta.Client();
let count = 0;
// The SDK's collection follows each page's Link, which the bridge points at itself.
for await (const _user of await client.userApi.listUsers({ limit: 200 })) count += 1;
expect('bridged: every user across pages', count === 450, count);
const user = await client.userApi.getUser({ userId: 'user7@example.com' });
expect('bridged: a user by login', user.profile.login === 'user7@example.com', user.profile.login);
const group = await client.groupApi.createGroup({ group: { profile: { name: 'Bridged' } } });
expect('bridged: a group created', group.id.startsWith('00g'), group.id);
await client.groupApi.deleteGroup({ groupId: group.id });
expect('bridged: the group deleted', true);
const tokens = [];
for await (const t of await client.apiTokenApi.listApiTokens()) tokens.push(t);
expect("bridged: the org's API tokens", tokens.length >= 1, tokens.length);
try {
  await client.apiTokenApi.revokeApiToken({ apiTokenId: tokens[0].id });
  expect("bridged: Okta's 403 error", false, 'no error');
} catch (e) {
  expect("bridged: Okta's 403 error", e.status === 403 && e.errorCode === 'E0000006', `${e.status} ${e.errorCode}`);
}
done();
