// Independent JOSE peer for cross-checks: node `jose`.
//
// Commands (one JSON document on stdout):
//   describe FILE ALG          read a key (PEM PKCS#8/SPKI or JWK); print public JWK + thumbprint
//   generate ALG OUT_PREFIX    generate a key for ALG; write OUT_PREFIX.jwk.json and OUT_PREFIX.pem
//   sign KEY_FILE ALG PAYLOAD_FILE   print a compact JWS
//   verify KEY_FILE ALG JWS_FILE     print {"jose": bool}
import { readFileSync, writeFileSync } from "node:fs";
import * as jose from "jose";

async function load(path, alg) {
  const text = readFileSync(path, "utf8");
  if (text.trimStart().startsWith("{")) return jose.importJWK(JSON.parse(text), alg, { extractable: true });
  if (text.includes("PUBLIC KEY")) return jose.importSPKI(text, alg, { extractable: true });
  return jose.importPKCS8(text, alg, { extractable: true });
}

async function publicJwk(key) {
  const jwk = await jose.exportJWK(key);
  for (const m of ["d", "p", "q", "dp", "dq", "qi"]) delete jwk[m];
  return jwk;
}

const commands = {
  async describe(path, alg) {
    const pub = await publicJwk(await load(path, alg));
    return { thumbprint: await jose.calculateJwkThumbprint(pub, "sha256"), public: pub };
  },
  async generate(alg, prefix) {
    const opts = { extractable: true };
    if (alg.startsWith("RS")) opts.modulusLength = 2048;
    const { privateKey } = await jose.generateKeyPair(alg, opts);
    const jwk = await jose.exportJWK(privateKey);
    writeFileSync(prefix + ".jwk.json", JSON.stringify(jwk));
    writeFileSync(prefix + ".pem", await jose.exportPKCS8(privateKey));
    return { thumbprint: await jose.calculateJwkThumbprint(await publicJwk(privateKey), "sha256") };
  },
  async sign(path, alg, payloadPath) {
    const key = await load(path, alg);
    const jws = await new jose.CompactSign(readFileSync(payloadPath))
      .setProtectedHeader({ alg })
      .sign(key);
    return { jws };
  },
  async verify(path, alg, jwsPath) {
    const key = await load(path, alg);
    try {
      await jose.compactVerify(readFileSync(jwsPath, "utf8").trim(), key, { algorithms: [alg] });
      return { jose: true };
    } catch {
      return { jose: false };
    }
  },
};

const [cmd, ...args] = process.argv.slice(2);
process.stdout.write(JSON.stringify(await commands[cmd](...args)));
