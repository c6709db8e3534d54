// An independent authorization server for interop: the npm `oidc-provider` (a certified OpenID
// provider), configured for private_key_jwt, client credentials and DPoP with required nonces.
//
// usage: node oidc_provider_server.mjs PUBLIC_JWKS_FILE NATIVE_REDIRECT_URI WEB_SECRET_FILE
// Prints "listening http://127.0.0.1:PORT" once ready, then serves until killed. The native
// client "interop-native" (public, PKCE) signs in user "user-1" by script: its interaction page
// logs the user in and grants the requested scopes without a form. The web client "interop-web"
// (confidential: client_secret_post with the secret in WEB_SECRET_FILE, and PKCE) uses the same
// redirect URI and sign-in.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import Provider from "oidc-provider";

const jwks = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nativeRedirect = process.argv[3];
const webSecret = readFileSync(process.argv[4], "utf8").trim();
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
    clients: [
      client("interop-dpop", true),
      client("interop-bearer", false),
      {
        client_id: "interop-native",
        application_type: "native",
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [nativeRedirect],
      },
      {
        client_id: "interop-web",
        client_secret: webSecret,
        application_type: "web",
        token_endpoint_auth_method: "client_secret_post",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        redirect_uris: [nativeRedirect],
      },
    ],
    findAccount: (_ctx, sub) => ({ accountId: sub, claims: () => ({ sub, email: `${sub}@example.com` }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    scopes: ["okta.users.read", "okta.apps.read"],
    clientAuthMethods: ["private_key_jwt", "client_secret_post", "none"],
    features: {
      clientCredentials: { enabled: true },
      dPoP: { enabled: true, nonceSecret: randomBytes(32), requireNonce: () => true },
      devInteractions: { enabled: false },
      introspection: { enabled: true },
      revocation: { enabled: true },
    },
  });
  provider.on("server_error", (_ctx, err) => console.error("server_error", err));
  const oidc = provider.callback();
  server.on("request", async (req, res) => {
    if (!req.url.startsWith("/interaction/")) return oidc(req, res);
    try {
      // The scripted sign-in: user-1 logs in and grants what was asked.
      const details = await provider.interactionDetails(req, res);
      const grant = new provider.Grant({ accountId: "user-1", clientId: details.params.client_id });
      grant.addOIDCScope(details.params.scope);
      const grantId = await grant.save();
      await provider.interactionFinished(req, res, { login: { accountId: "user-1" }, consent: { grantId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      console.error("interaction failed", err);
      res.statusCode = 500;
      res.end();
    }
  });
  console.log(`listening ${issuer}`);
});
