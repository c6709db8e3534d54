// An independent authorization server for interop: the npm `oidc-provider` (a certified OpenID
// provider), configured for private_key_jwt, client credentials and DPoP with required nonces.
//
// usage: node oidc_provider_server.mjs PUBLIC_JWKS_FILE
// Prints "listening http://127.0.0.1:PORT" once ready, then serves until killed.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const jwks = JSON.parse(readFileSync(process.argv[2], "utf8"));
const server = createServer();
server.listen(0, "127.0.0.1", () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const client = (id, dpop) => ({
    client_id: id,
    token_endpoint_auth_method: "private_key_jwt",
    jwks,
    grant_types: ["client_credentials"],
    response_types: [],
    redirect_uris: [],
    scope: "okta.users.read okta.apps.read",
    dpop_bound_access_tokens: dpop,
  });
  const provider = new Provider(issuer, {
    clients: [client("interop-dpop", true), client("interop-bearer", false)],
    scopes: ["okta.users.read", "okta.apps.read"],
    clientAuthMethods: ["private_key_jwt"],
    features: {
      clientCredentials: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
  });
  provider.on("server_error", (_ctx, err) => console.error("server_error", err));
  server.on("request", provider.callback());
  console.log(`listening ${issuer}`);
});
