"""OneLogin's python3-saml (the library Sentry's SAML SP uses) as a service provider of Federa Directory.

Extends packages/saml/test/interop/python3_saml_sp.py: the SP is configured from our App Federation
Metadata (OneLogin_Saml2_IdPMetadataParser, as Sentry's "paste the metadata URL" does), and it both
starts the sign-in (builds the AuthnRequest redirect) and validates the response.

Reads one JSON object on stdin:
  {"command": "login", "metadata": "<xml>", "sp": {...}, "security": {...}, "relayState": "..."}
    -> {"ok": true, "url": "<IdP SSO URL with SAMLRequest>", "requestId": "..."}
  {"command": "acs", "metadata": "<xml>", "sp": {...}, "security": {...}, "samlResponse": "<base64>",
   "requestId": "..." | null}
    -> {"ok": bool, "nameId", "nameIdFormat", "attributes", "error", "code"}
where "code" is python3-saml's OneLogin_Saml2_ValidationError constant name.

Run it with Debian's interpreter (/usr/bin/python3), which sees python3-onelogin-saml2.
"""

import json
import sys
from urllib.parse import urlsplit

try:
    from onelogin.saml2.auth import OneLogin_Saml2_Auth
    from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
    from onelogin.saml2.idp_metadata_parser import OneLogin_Saml2_IdPMetadataParser
except ImportError as error:  # the test turns this into a failure naming the Debian package
    print(json.dumps({"ok": False, "missing": "python3-onelogin-saml2", "error": str(error)}))
    sys.exit(3)


CODE_NAMES = {
    value: name
    for name, value in vars(OneLogin_Saml2_ValidationError).items()
    if name.isupper() and isinstance(value, int)
}


def settings_for(given):
    """Sentry's SP settings, the IdP part read from our metadata."""
    base = {"strict": True, "debug": False, "sp": given["sp"], "security": given["security"]}
    idp = OneLogin_Saml2_IdPMetadataParser.parse(given["metadata"])
    return OneLogin_Saml2_IdPMetadataParser.merge_settings(base, idp)


def request_data(url, post=None):
    """The request as python3-saml expects it from a web framework."""
    parts = urlsplit(url)
    return {
        "https": "on" if parts.scheme == "https" else "off",
        "http_host": parts.netloc,
        "script_name": parts.path,
        "get_data": {},
        "post_data": post or {},
    }


def login(given):
    settings = settings_for(given)
    login_url = given["sp"]["entityId"].replace("/saml/metadata/", "/auth/login/")
    auth = OneLogin_Saml2_Auth(request_data(login_url), settings)
    url = auth.login(return_to=given.get("relayState"))
    return {"ok": True, "url": url, "requestId": auth.get_last_request_id()}


def acs(given):
    settings = settings_for(given)
    acs_url = given["sp"]["assertionConsumerService"]["url"]
    result = {"ok": False, "nameId": None, "nameIdFormat": None, "attributes": {}, "error": None, "code": None}
    auth = OneLogin_Saml2_Auth(request_data(acs_url, {"SAMLResponse": given["samlResponse"]}), settings)
    try:
        auth.process_response(request_id=given.get("requestId"))
        errors = auth.get_errors()
        if errors:
            result["error"] = "%s: %s" % (", ".join(errors), auth.get_last_error_reason())
            exception = auth.get_last_validation_exception() if hasattr(auth, "get_last_validation_exception") else None
            if isinstance(exception, OneLogin_Saml2_ValidationError):
                result["code"] = CODE_NAMES.get(exception.code, str(exception.code))
        else:
            result["ok"] = auth.is_authenticated()
            result["nameId"] = auth.get_nameid()
            result["nameIdFormat"] = auth.get_nameid_format()
            result["attributes"] = auth.get_attributes()
    except OneLogin_Saml2_ValidationError as error:
        result["error"] = str(error)
        result["code"] = CODE_NAMES.get(error.code, str(error.code))
    except Exception as error:  # a malformed message raises other errors
        result["error"] = "%s: %s" % (type(error).__name__, error)
    return result


def main():
    given = json.load(sys.stdin)
    command = given.get("command")
    if command == "login":
        print(json.dumps(login(given)))
    elif command == "acs":
        print(json.dumps(acs(given)))
    else:
        print(json.dumps({"ok": False, "error": "unknown command %r" % command}))
        sys.exit(2)


if __name__ == "__main__":
    main()
