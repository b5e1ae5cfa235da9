"""pysaml2 (Debian python3-pysaml2) acting as a SAML IdP for Federa Workspace's interop tests.

Reads one JSON object on stdin and prints one JSON object on stdout:
  {"action": "metadata", ...idp}            -> {"metadata": "<EntityDescriptor ...>"}
  {"action": "respond", ...idp, "spMetadata": "...", "user": {...},
   "samlRequest": "<SAMLRequest value of an HTTP-Redirect URL>" | null,
   "acsUrl": "...", "spEntityId": "..."}   -> {"SAMLResponse": "<base64>"}
idp = {"entityId", "ssoUrl", "keyPem", "certPem"}. With samlRequest, pysaml2 parses our AuthnRequest
and answers it (SP-initiated); without, it issues an unsolicited response (IdP-initiated).
"""

import base64
import json
import os
import sys
import tempfile

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_EMAILADDRESS, NameID
from saml2.server import Server
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

PASSWORD = "urn:oasis:names:tc:SAML:2.0:ac:classes:Password"


def server(spec, tmp):
    key_file = os.path.join(tmp, "idp.key")
    cert_file = os.path.join(tmp, "idp.crt")
    with open(key_file, "w") as f:
        f.write(spec["keyPem"])
    with open(cert_file, "w") as f:
        f.write(spec["certPem"])
    conf = {
        "entityid": spec["entityId"],
        "service": {
            "idp": {
                "endpoints": {
                    "single_sign_on_service": [
                        (spec["ssoUrl"], BINDING_HTTP_REDIRECT),
                        (spec["ssoUrl"], BINDING_HTTP_POST),
                    ],
                },
                "name_id_format": [NAMEID_FORMAT_EMAILADDRESS],
                "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}},
                "want_authn_requests_signed": False,
            }
        },
        "key_file": key_file,
        "cert_file": cert_file,
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "metadata": {"inline": [spec["spMetadata"]]} if spec.get("spMetadata") else {},
        "accepted_time_diff": 60,
    }
    config = IdPConfig()
    config.load(conf)
    return Server(config=config)


def main():
    spec = json.load(sys.stdin)
    with tempfile.TemporaryDirectory() as tmp:
        idp = server(spec, tmp)
        if spec["action"] == "metadata":
            print(json.dumps({"metadata": str(entity_descriptor(idp.config))}))
            return
        user = spec["user"]
        name_id = NameID(format=NAMEID_FORMAT_EMAILADDRESS, text=user["email"])
        identity = {"givenName": [user["givenName"]], "sn": [user["surname"]], "mail": [user["email"]]}
        authn = {"class_ref": PASSWORD, "authn_auth": spec["entityId"]}
        if spec.get("samlRequest"):
            request = idp.parse_authn_request(spec["samlRequest"], BINDING_HTTP_REDIRECT)
            args = idp.response_args(request.message, [BINDING_HTTP_POST])
            args.pop("binding", None)
            response = idp.create_authn_response(
                identity, userid=user["email"], name_id=name_id, authn=authn, sign_assertion=True, sign_response=True,
                sign_alg=SIG_RSA_SHA256, digest_alg=DIGEST_SHA256, **args
            )
        else:
            response = idp.create_authn_response(
                identity,
                in_response_to=None,
                destination=spec["acsUrl"],
                sp_entity_id=spec["spEntityId"],
                userid=user["email"],
                name_id=name_id,
                authn=authn,
                sign_assertion=True,
                sign_response=True,
                sign_alg=SIG_RSA_SHA256,
                digest_alg=DIGEST_SHA256,
            )
        print(json.dumps({"SAMLResponse": base64.b64encode(str(response).encode("utf-8")).decode("ascii")}))


if __name__ == "__main__":
    main()
