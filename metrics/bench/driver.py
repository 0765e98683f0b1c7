"""The load driver of bench_load, run as its own process (`python -m metrics.bench.driver`): no
Django, only the standard library, so that it costs the server as little CPU as it can and
that cost can be measured (its own CPU time is part of what it reports).

Reads its plan as JSON on stdin: {"host", "port", "seconds", "seed", "sessions": [{"cookie",
"pages": [[name, path], ...]}, ...], "users"}. Each virtual user is a thread with its own
keep-alive connection (http.client reconnects when the server closes it) and one of the logged-in
sessions (user i has session i mod the number of sessions). First each user opens each of its
pages once (the warm-up: a page its role may not see, 403 or 404, is left out of its round; the
warm-up is not timed into the figures), then it opens its pages in a shuffled round, again and
again, until the time is up. Writes JSON on stdout: per page the latencies (seconds) of the
requests that finished in time, and its errors (any answer but 200, or no answer); the users'
pages left out; its own CPU time; the wall time of the timed part.

"think" in the plan (seconds, default 0): after each timed answer a user pauses a random time,
uniform between 0.5 and 1.5 times it, as people reading a page do; 0 is wrk's way (the next
request as soon as the last is answered), the heaviest load N users can make.
"""

from __future__ import annotations

import http.client
import json
import random
import resource
import sys
import threading
import time

TIMEOUT = 60.0  # seconds for one answer: beyond it the request is an error


def _request(connection: http.client.HTTPConnection, path: str, cookie: str) -> int:
    """GET `path`; its status (the body is read whole, as a browser would), 0 on no answer."""
    try:
        connection.request("GET", path, headers={"Cookie": cookie, "Accept": "text/html"})
        response = connection.getresponse()
        response.read()
        if response.will_close:
            connection.close()
        return response.status
    except (OSError, http.client.HTTPException):
        connection.close()
        return 0


class User(threading.Thread):
    def __init__(self, *, plan: dict, session: dict, number: int, start: threading.Barrier):
        super().__init__(daemon=True)
        self.plan, self.session, self.number, self.start_barrier = plan, session, number, start
        self.random = random.Random(plan.get("seed", 1) * 1000 + number)
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, dict[str, int]] = {}
        self.left_out: list[str] = []
        self.pages: list[list[str]] = []
        self.deadline = 0.0
        self.think = float(plan.get("think", 0) or 0)

    def _connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.plan["host"], self.plan["port"], timeout=TIMEOUT)

    def warm_up(self, connection) -> None:
        for name, path in self.session["pages"]:
            status = _request(connection, path, self.session["cookie"])
            if status in (403, 404):
                self.left_out.append(name)
            else:
                self.pages.append([name, path])
                if status != 200:
                    self._error(name, status)

    def _error(self, name: str, status: int) -> None:
        by_status = self.errors.setdefault(name, {})
        by_status[str(status)] = by_status.get(str(status), 0) + 1

    def run(self) -> None:
        connection = self._connection()
        self.warm_up(connection)
        self.start_barrier.wait()  # everyone warmed up: the timed part begins
        cookie = self.session["cookie"]
        while self.pages:
            round_ = list(self.pages)
            self.random.shuffle(round_)
            for name, path in round_:
                began = time.perf_counter()
                if began >= self.deadline:
                    connection.close()
                    return
                status = _request(connection, path, cookie)
                ended = time.perf_counter()
                if ended > self.deadline:  # finished after the end: not counted
                    connection.close()
                    return
                if status == 200:
                    self.latencies.setdefault(name, []).append(ended - began)
                else:
                    self._error(name, status)
                if self.think:
                    pause = self.random.uniform(0.5 * self.think, 1.5 * self.think)
                    if ended + pause >= self.deadline:
                        connection.close()
                        return
                    time.sleep(pause)


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def drive(plan: dict) -> dict:
    sessions = plan["sessions"]
    timed: dict[str, float] = {}
    users: list[User] = []

    def begin() -> None:  # run once, when every user has warmed up
        timed["cpu"] = _cpu()
        timed["began"] = time.perf_counter()
        for user in users:
            user.deadline = timed["began"] + plan["seconds"]

    start = threading.Barrier(plan["users"] + 1, action=begin)
    users.extend(
        User(plan=plan, session=sessions[number % len(sessions)], number=number, start=start)
        for number in range(plan["users"])
    )
    for user in users:
        user.start()
    start.wait()
    for user in users:
        user.join()
    began = timed["began"]
    wall = time.perf_counter() - began
    pages: dict[str, dict] = {}
    for user in users:
        for name, _path in user.session["pages"]:
            page = pages.setdefault(name, {"latencies": [], "errors": {}, "users": 0})
            if name not in user.left_out:
                page["users"] += 1
        for name, latencies in user.latencies.items():
            pages[name]["latencies"].extend(latencies)
        for name, by_status in user.errors.items():
            for status, count in by_status.items():
                errors = pages[name]["errors"]
                errors[status] = errors.get(status, 0) + count
    return {
        "pages": pages,
        "wall": wall,
        "cpu": _cpu() - timed["cpu"],
    }


if __name__ == "__main__":
    json.dump(drive(json.load(sys.stdin)), sys.stdout)
