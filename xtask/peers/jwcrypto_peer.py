"""Independent JOSE peer for cross-checks: Python jwcrypto (and PyJWT for JWS verification).

Commands (all output is one JSON document on stdout):
  export FILE              print the private key as a JWK with every RFC 7518 member
  describe FILE            read a private or public key (PEM or JWK); print its public JWK and
                           RFC 7638 thumbprint
  generate KIND OUT_PREFIX generate a key (RSA-2048 | RSA-3072 | EC-P-256 | EC-P-384 | EC-P-521),
                           write OUT_PREFIX.jwk.json and OUT_PREFIX.pem; print the thumbprint
  sign KEY_FILE ALG PAYLOAD_FILE   print a compact JWS of the payload
  verify KEY_FILE ALG JWS_FILE     print {"jwcrypto": bool, "pyjwt": bool|null}
"""
import json
import sys

import jwcrypto.jwk as jwk
import jwcrypto.jws as jws


def load(path):
    data = open(path, "rb").read()
    if data.lstrip().startswith(b"{"):
        return jwk.JWK.from_json(data.decode())
    return jwk.JWK.from_pem(data)


def describe(path):
    key = load(path)
    public = json.loads(key.export_public())
    return {"thumbprint": key.thumbprint(), "public": public, "private": key.has_private}


def export(path):
    return json.loads(load(path).export_private())


def generate(kind, prefix):
    kty, size = kind.split("-", 1)
    if kty == "RSA":
        key = jwk.JWK.generate(kty="RSA", size=int(size))
    else:
        key = jwk.JWK.generate(kty="EC", crv=size)
    open(prefix + ".jwk.json", "w").write(key.export_private())
    open(prefix + ".pem", "wb").write(key.export_to_pem(private_key=True, password=None))
    return {"thumbprint": key.thumbprint()}


def sign(path, alg, payload_path):
    key = load(path)
    token = jws.JWS(open(payload_path, "rb").read())
    token.add_signature(key, alg=alg, protected=json.dumps({"alg": alg}))
    return {"jws": token.serialize(compact=True)}


def verify(path, alg, jws_path):
    key = load(path)
    compact = open(jws_path).read().strip()
    out = {}
    try:
        token = jws.JWS()
        token.deserialize(compact)
        token.verify(key, alg=alg)
        out["jwcrypto"] = True
    except Exception:
        out["jwcrypto"] = False
    try:
        import jwt  # PyJWT

        header, payload, sig = compact.split(".")
        pub = jwt.algorithms.get_default_algorithms()[alg].from_jwk(key.export_public())
        from jwt.utils import base64url_decode

        out["pyjwt"] = jwt.algorithms.get_default_algorithms()[alg].verify(
            (header + "." + payload).encode(), pub, base64url_decode(sig)
        )
    except ImportError:
        out["pyjwt"] = None
    except Exception:
        out["pyjwt"] = False
    return out


def main(argv):
    cmd, args = argv[1], argv[2:]
    result = {"describe": describe, "export": export, "generate": generate, "sign": sign, "verify": verify}[cmd](*args)
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main(sys.argv)
