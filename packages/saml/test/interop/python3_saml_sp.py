"""OneLogin's python3-saml (the library Sentry's SAML SP uses) as a service provider, for interop tests.

Reads one JSON object on stdin:
  {"settings": {...python3-saml settings...}, "samlResponse": "<base64>", "requestId": "..." | null}
validates the response the way Sentry's ACS does (strict mode, schema validation, the settings'
security options), and prints one JSON object on stdout:
  {"ok": bool, "nameId": str | null, "attributes": {name: [values]}, "error": str | null,
   "code": str | null}
where "code" is python3-saml's own OneLogin_Saml2_ValidationError constant name (e.g. WRONG_AUDIENCE).

Run it with Debian's interpreter (/usr/bin/python3), which sees python3-onelogin-saml2.
"""

import json
import sys
from urllib.parse import urlsplit

try:
    from onelogin.saml2.errors import OneLogin_Saml2_ValidationError
    from onelogin.saml2.response import OneLogin_Saml2_Response
    from onelogin.saml2.settings import OneLogin_Saml2_Settings
except ImportError as error:  # the test turns this into a failure naming the Debian package
    print(json.dumps({"ok": False, "missing": "python3-onelogin-saml2", "error": str(error)}))
    sys.exit(3)


CODE_NAMES = {
    value: name
    for name, value in vars(OneLogin_Saml2_ValidationError).items()
    if name.isupper() and isinstance(value, int)
}


def request_data_for(acs_url, saml_response):
    """The request as python3-saml expects it from a web framework: the POST arrived at the ACS URL."""
    url = urlsplit(acs_url)
    return {
        "https": "on" if url.scheme == "https" else "off",
        "http_host": url.netloc,
        "script_name": url.path,
        "get_data": {},
        "post_data": {"SAMLResponse": saml_response},
    }


def main():
    given = json.load(sys.stdin)
    settings = OneLogin_Saml2_Settings(given["settings"])
    acs_url = given["settings"]["sp"]["assertionConsumerService"]["url"]
    saml_response = given["samlResponse"]
    result = {"ok": False, "nameId": None, "attributes": {}, "error": None, "code": None}
    try:
        response = OneLogin_Saml2_Response(settings, saml_response)
        response.is_valid(request_data_for(acs_url, saml_response), given.get("requestId"), raise_exceptions=True)
        result["ok"] = True
        result["nameId"] = response.get_nameid()
        result["attributes"] = response.get_attributes()
    except OneLogin_Saml2_ValidationError as error:
        result["error"] = str(error)
        result["code"] = CODE_NAMES.get(error.code, str(error.code))
    except Exception as error:  # a malformed message raises other errors
        result["error"] = "%s: %s" % (type(error).__name__, error)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
