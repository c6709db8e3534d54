// Okta's own node SDK (@okta/okta-sdk-nodejs, pinned by xtask) against the emulator: SSWS and
// private-key (DPoP) modes. Prints {"seen": [...]} with each step that behaved as Okta would.
import okta from '@okta/okta-sdk-nodejs';
import { readFileSync } from 'node:fs';

const [base, token, clientId, keyFile, kid] = process.argv.slice(2);
const seen = [];
function expect(step, ok, detail = '') {
  if (!ok) {
    console.log(JSON.stringify({ failed: step, detail: String(detail).slice(0, 400), seen }));
    process.exit(1);
  }
  seen.push(step);
}

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

const pk = new okta.Client({
  orgUrl: base, authorizationMode: 'PrivateKey', clientId, scopes: ['okta.users.read'],
  privateKey: readFileSync(keyFile, 'utf8'), keyId: kid, dpopEnabled: true,
  testing: { disableHttpsCheck: true },
});
let some = 0;
for await (const _u of await pk.userApi.listUsers({ limit: 5 })) { some += 1; if (some === 5) break; }
expect('private key + DPoP: users', some === 5, some);
console.log(JSON.stringify({ seen }));
