"""Streamlit sessions driven without a browser, over the app's own websocket protocol.

Each `Session` is one browser tab as the Streamlit server sees it: a websocket to
`/_stcore/stream` (subprotocol `streamlit`) on which the client sends `BackMsg`s and reads
`ForwardMsg`s. Asking for a page is a `rerun_script` whose `page_name` is the page's url
path; the run has ended at a `script_finished` with status 0 (FINISHED_SUCCESSFULLY).
Status 2 (FINISHED_EARLY_FOR_RERUN) means the app reran itself: the answer is still coming,
so keep reading. An `exception` element drawn in the run counts as an error, and so do a
"page not found", a run that does not finish within the timeout, a compile error (status 1)
and a closed socket.

Only loopback addresses are ever contacted (`connect` refuses anything else), and every
wait is bounded.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

RUN_TIMEOUT = 120.0  # seconds for one page run, however loaded the machine
CONNECT_TIMEOUT = 60.0
MAX_MESSAGE = 64 * 1024 * 1024  # a page's largest ForwardMsg (a chart's figure) fits
FINISHED, COMPILE_ERROR, RERAN = 0, 1, 2
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class Run:
    seconds: float
    errors: int  # exception elements, or 1 for a run that failed outright


class Session:
    """One Streamlit session (a tab) on `url` (ws://... or wss://.../_stcore/stream)."""

    def __init__(self, url: str, cookie: str = "", tls: ssl.SSLContext | None = None):
        if urlparse(url).hostname not in LOOPBACK:
            raise ValueError(f"The load test only talks to this machine, not {url}.")
        self.url, self.cookie, self.tls = url, cookie, tls
        self.socket: ClientConnection | None = None

    async def open(self) -> Run:
        """Connect and run the app's default page, as a browser does on arrival."""
        self.socket = await connect(
            self.url,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            ssl=self.tls,
            proxy=None,  # never through a proxy from the environment: loopback only
            open_timeout=CONNECT_TIMEOUT,
            ping_interval=None,  # a busy server may not answer pings in time; runs are bounded
            max_size=MAX_MESSAGE,
            compression=None,
        )
        return await self.ask("")

    async def ask(self, page: str) -> Run:
        """Ask for `page` (a url path; "" is the default page) and wait for the run to end."""
        assert self.socket is not None, "open the session first"
        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = ""
        start = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        errors = 0
        deadline = start + RUN_TIMEOUT
        try:
            while True:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return Run(time.perf_counter() - start, errors + 1)
                data = await asyncio.wait_for(self.socket.recv(), timeout=left)
                forward = ForwardMsg()
                forward.ParseFromString(data if isinstance(data, bytes) else data.encode())
                kind = forward.WhichOneof("type")
                if kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    errors += forward.delta.new_element.WhichOneof("type") == "exception"
                elif kind == "page_not_found":  # a url path the app does not have
                    errors += 1
                elif kind == "script_finished":
                    if forward.script_finished == RERAN:
                        continue
                    failed = forward.script_finished == COMPILE_ERROR
                    return Run(time.perf_counter() - start, errors + failed)
        except Exception:  # a closed socket or a timeout: the run failed
            return Run(time.perf_counter() - start, errors + 1)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()
            self.socket = None


async def open_all(sessions: list[Session], at_once: int = 10) -> list[Run]:
    """Open every session, `at_once` at a time (a room of people arriving, not one burst)."""
    gate = asyncio.Semaphore(at_once)

    async def one(session: Session) -> Run:
        async with gate:
            return await session.open()

    return list(await asyncio.gather(*(one(s) for s in sessions)))


async def all_ask(sessions: list[Session], page: str) -> list[Run]:
    """Every session asks for `page` at the same moment; each run timed on its own."""
    return list(await asyncio.gather(*(s.ask(page) for s in sessions)))
