"""Wrong-password sign-ins against one account: GUESSES in all from CONNS keep-alive connections,
each waiting for its answer before sending the next. Prints one RESULT line: answers by status (401
hashed and wrong, 429 throttled before hashing, 503 hash queue full) and latency percentiles.

    python3 guesses.py PORT USERNAME GUESSES CONNS
"""
import http.client
import itertools
import re
import sys
import threading
import time
import urllib.parse

port, victim, guesses, conns = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
numbers = itertools.count()
lock = threading.Lock()
statuses, latencies = {}, []


def form(conn):
    """The sign-in form, as a browser fetches it: its pre-session CSRF cookie and bound token."""
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = next(c.split(";")[0] for c in response.headers.get_all("Set-Cookie")
                  if c.startswith("gh_csrf="))
    token = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    return cookie, token


def attacker():
    conn = http.client.HTTPConnection("127.0.0.1", int(port), timeout=60)
    cookie, csrf = form(conn)
    while True:
        n = next(numbers)
        if n >= guesses:
            return
        body = urllib.parse.urlencode({"username": victim, "password": f"guess-{n}", "csrf": csrf})
        t0 = time.monotonic()
        conn.request("POST", "/login", body, {
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        response = conn.getresponse()
        response.read()
        with lock:
            latencies.append((time.monotonic() - t0) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1


threads = [threading.Thread(target=attacker) for _ in range(conns)]
for t in threads:
    t.start()
for t in threads:
    t.join()
latencies.sort()
pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))]
other = sum(v for k, v in statuses.items() if k not in (401, 429, 503))
print(f"RESULT answered={len(latencies)} hashed_401={statuses.get(401, 0)}"
      f" throttled_429={statuses.get(429, 0)} busy_503={statuses.get(503, 0)} other={other}"
      f" p50_ms={pct(50):.1f} p99_ms={pct(99):.1f} max_ms={latencies[-1]:.1f}")
