"""A tiny plain-HTTP client that keeps cookies the way the benchmark needs.

Production sets its cookies ``Secure`` and names them ``__Host-...``; a standard
cookie jar never sends those back over plain http, which is all the loopback
benchmark has. This client parses Set-Cookie itself and always sends back
what it was given, so a sign-in works against gunicorn on 127.0.0.1.
"""

import http.client
import re
import urllib.parse

SESSION_COOKIE = "__Host-sessionid"
CSRF_COOKIE = "__Host-csrftoken"
CSRF_FIELD_RE = re.compile(r'name="csrfmiddlewaretoken"\s+value="([^"]+)"')


class Response:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One keep-alive connection to the server and the cookies it has set."""

    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self.host = host
        self.port = port
        self.origin = f"http://{host}:{port}"
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def close(self) -> None:
        self.connection.close()

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            pair, _, attributes = header.partition(";")
            name, _, value = pair.strip().partition("=")
            expired = re.search(r"max-age=0(?!\d)", attributes, re.IGNORECASE) or value in ('""', "")
            if expired:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Response:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = self.cookie_header()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            # The server closed a kept-alive connection between two requests: retry once on a new one.
            self.connection.close()
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        payload = response.read()
        self._keep_cookies(response)
        if response.will_close:
            self.connection.close()
        return Response(response.status, response.headers, payload)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict, referer: str) -> Response:
        body = urllib.parse.urlencode(fields).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer}
        return self.request("POST", path, body=body, headers=headers)

    def sign_in(
        self, email: str, password: str, login_path: str = "/accounts/login/", success_path: str = "/dashboard/"
    ) -> Response:
        """GET the form (CSRF cookie and token), POST the credentials; raise unless signed in."""
        form = self.get(login_path)
        if form.status != 200:
            raise SignInError(f"GET {login_path} answered {form.status}")
        match = CSRF_FIELD_RE.search(form.text)
        if not match or CSRF_COOKIE not in self.cookies:
            raise SignInError(f"no CSRF token or {CSRF_COOKIE} cookie on {login_path}")
        fields = {"csrfmiddlewaretoken": match.group(1), "username": email, "password": password, "next": ""}
        response = self.post_form(login_path, fields, referer=self.origin + login_path)
        if response.status != 302 or SESSION_COOKIE not in self.cookies:
            raise SignInError(f"POST {login_path} for {email} answered {response.status} without a session cookie")
        if not response.headers.get("Location", "").endswith(success_path):
            raise SignInError(f"POST {login_path} for {email} redirected to {response.headers.get('Location')}")
        return response


class SignInError(Exception):
    pass
