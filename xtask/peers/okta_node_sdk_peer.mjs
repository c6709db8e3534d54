// Okta's own node SDK (@okta/okta-sdk-nodejs, pinned by xtask) against the emulator: SSWS and
// private-key (DPoP) modes. Prints {"seen": [...]} with each step that behaved as Okta would.
import okta from '@okta/okta-sdk-nodejs';
import { readFileSync } from 'node:fs';

const [base, token, clientId, keyFile, kid] = process.argv.slice(2);
import { done, expect } from './seen.mjs';

const ssws = new okta.Client({ orgUrl: base, token, testing: { disableHttpsCheck: true } });
let count = 0;
for await (const _user of await ssws.userApi.listUsers({ limit: 200 })) count += 1;
expect('ssws: every user across pages', count === 450, count);
const user = await ssws.userApi.getUser({ userId: 'user7@example.com' });
expect('ssws: a user by login', user.profile.login === 'user7@example.com', user.profile.login);
try {
  await ssws.userApi.getUser({ userId: '00uNOPE' });
  expect("ssws: Okta's 404 error", false, 'no error');
} catch (e) {
  expect("ssws: Okta's 404 error", e.status === 404 && e.errorCode === 'E0000007', `${e.status} ${e.errorCode}`);
}
const app = await ssws.applicationApi.getApplication({ appId: clientId });
expect('ssws: the service app', app.id === clientId, app.id);
// Not `applicationSSOPublicKeysApi.listJwk`: this SDK's generated ListJwk200Response wants
// `{"keys": [...]}`, while Okta's current contract (and the Python SDK) has an array, which the
// emulator serves (docs/emulator.md lists it as a limitation of this SDK version).

// A service app made the way Okta's guide makes one, with the key of the app read above.
const jwk = { ...app.settings.oauthClient.jwks.keys[0], kid: 'node-made' };
for (const added of ['id', 'status', 'created', 'lastUpdated', '_links']) delete jwk[added];
const body = {
  name: 'oidc_client', label: 'made by the node SDK', signOnMode: 'OPENID_CONNECT',
  credentials: { oauthClient: { token_endpoint_auth_method: 'private_key_jwt' } },
  settings: { oauthClient: { application_type: 'service', grant_types: ['client_credentials'], response_types: ['token'], jwks: { keys: [jwk] } } },
};
const made = await ssws.applicationApi.createApplication({ application: body });
expect('ssws: a service app created', made.id?.startsWith('0oa') && made.label === body.label, made.id);
const grant = await ssws.applicationApi.grantConsentToScope({ appId: made.id, oAuth2ScopeConsentGrant: { issuer: base, scopeId: 'okta.users.read' } });
expect('ssws: a scope granted', grant.scopeId === 'okta.users.read', grant.scopeId);
const grants = [];
for await (const g of await ssws.applicationApi.listScopeConsentGrants({ appId: made.id })) grants.push(g.scopeId);
expect('ssws: its grants', grants.join() === 'okta.users.read', grants);
try {
  await ssws.applicationApi.grantConsentToScope({ appId: made.id, oAuth2ScopeConsentGrant: { issuer: base, scopeId: 'okta.nothing.read' } });
  expect("ssws: Okta's 400 error", false, 'no error');
} catch (e) {
  expect("ssws: Okta's 400 error", e.status === 400 && e.errorCode === 'E0000001', `${e.status} ${e.errorCode}`);
}
const role = await ssws.roleAssignmentApi.assignRoleToClient({ clientId: made.id, assignRoleRequest: { type: 'READ_ONLY_ADMIN' } });
expect('ssws: a role assigned', role.type === 'READ_ONLY_ADMIN', role.type);
const roles = [];
for await (const r of await ssws.roleAssignmentApi.listRolesForClient({ clientId: made.id })) roles.push(r.type);
expect('ssws: its roles', roles.join() === 'READ_ONLY_ADMIN', roles);
const renamed = await ssws.applicationApi.replaceApplication({ appId: made.id, application: { ...body, label: 'renamed by the node SDK' } });
expect('ssws: the app replaced', renamed.label === 'renamed by the node SDK', renamed.label);
await ssws.applicationApi.deactivateApplication({ appId: made.id });
await ssws.applicationApi.deleteApplication({ appId: made.id });
expect('ssws: the app deactivated and deleted', true);

// Users and groups.
const grace = await ssws.userApi.createUser({ body: { profile: { firstName: 'Grace', lastName: 'Hopper', email: 'grace@example.org', login: 'grace@example.org' }, credentials: { password: { value: 'a long enough password 1' } } } });
expect('ssws: a user created', grace.status === 'ACTIVE', grace.status);
const group = await ssws.groupApi.createGroup({ group: { profile: { name: 'Compilers' } } });
expect('ssws: a group created', group.id?.startsWith('00g'), group.id);
await ssws.groupApi.assignUserToGroup({ groupId: group.id, userId: grace.id });
const members = [];
for await (const m of await ssws.groupApi.listGroupUsers({ groupId: group.id })) members.push(m.id);
expect("ssws: the group's members", members.join() === grace.id, members);
const found = [];
for await (const u of await ssws.userApi.listUsers({ search: 'profile.lastName eq "hopper"' })) found.push(u.id);
expect('ssws: a user by search', found.join() === grace.id, found);
await ssws.userApi.suspendUser({ userId: grace.id });
expect('ssws: a user suspended', (await ssws.userApi.getUser({ userId: grace.id })).status === 'SUSPENDED');
await ssws.userApi.unsuspendUser({ userId: grace.id });
expect('ssws: a user unsuspended', (await ssws.userApi.getUser({ userId: grace.id })).status === 'ACTIVE');
try {
  const wrong = new okta.Client({ orgUrl: base, token: '00' + 'x'.repeat(40), testing: { disableHttpsCheck: true } });
  await wrong.userApi.getUser({ userId: 'user7@example.com' });
  expect("ssws: Okta's 401 error", false, 'no error');
} catch (e) {
  expect("ssws: Okta's 401 error", e.status === 401 && e.errorCode === 'E0000011', `${e.status} ${e.errorCode}`);
}

const pk = new okta.Client({
  orgUrl: base, authorizationMode: 'PrivateKey', clientId, scopes: ['okta.users.read'],
  privateKey: readFileSync(keyFile, 'utf8'), keyId: kid, dpopEnabled: true,
  testing: { disableHttpsCheck: true },
});
let some = 0;
for await (const _u of await pk.userApi.listUsers({ limit: 5 })) { some += 1; if (some === 5) break; }
expect('private key + DPoP: users', some === 5, some);
try {
  await pk.applicationApi.getApplication({ appId: clientId });
  expect("private key + DPoP: Okta's 403 without the scope", false, 'no error');
} catch (e) {
  expect("private key + DPoP: Okta's 403 without the scope", e.status === 403, `${e.status} ${e}`);
}
done();
