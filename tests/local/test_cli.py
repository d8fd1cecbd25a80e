"""The CLI with no shop to speak to, or the wrong one: one line on stderr, exit status 2, no traceback."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from local.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def nobody_listening() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


class _NotAShop(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<html>nothing here</html>")

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture
def another_web_server() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _NotAShop)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def one_line_refusal(capsys: pytest.CaptureFixture[str], arguments: list[str]) -> str:
    try:
        status = main(arguments)
    except SystemExit as exit_:  # argparse's own refusals
        status = int(exit_.code or 0)
    said = capsys.readouterr()
    assert status == 2
    assert said.out == ""
    assert len(said.err.splitlines()) == 1, said.err
    return said.err.strip()


COMMANDS = [
    ["token", "alice@example.com", "Figure#2027a"],
    ["clock", "show"],
    ["clock", "advance", "7d"],
    ["clock", "reset"],
    ["schedule", "run"],
    ["mail"],
    ["reset"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_a_shop_that_is_not_running_is_one_line(
    command: list[str], nobody_listening: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = one_line_refusal(capsys, ["--url", nobody_listening, *command])

    assert said == (
        f"error: no local shop answers at {nobody_listening}; start it with 'make run', "
        "or point to it with --url or $SHOP_URL"
    )


def test_a_url_that_is_not_a_local_shop_is_one_line(
    another_web_server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = one_line_refusal(capsys, ["--url", another_web_server, "clock", "show"])

    assert "not as a local shop (is --url right?)" in said


def test_a_url_that_is_not_one_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    said = one_line_refusal(capsys, ["--url", "localhost-3000", "mail"])

    assert said.startswith("error: cannot ask localhost-3000")


def test_a_missing_duration_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    said = one_line_refusal(capsys, ["clock", "advance"])

    assert said == ("error: the following arguments are required: duration (see: python -m local clock advance --help)")


def test_the_command_itself_exits_with_status_2_and_no_traceback(nobody_listening: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI, towards a loopback port nobody listens on
        [sys.executable, "-m", "local", "--url", nobody_listening, "token", "alice@example.com", "Figure#2027a"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 2
    assert result.stderr.startswith("error: no local shop answers")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("target", ["run", "demo"])
def test_make_takes_the_shops_ports(target: str) -> None:
    result = subprocess.run(  # noqa: S603 - make from the PATH, as a person runs it, printing only (-n)
        ["make", "-n", target, "PORT=3100", "AWS_PORT=4699"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert f"-m local {'start' if target == 'run' else 'demo'} --port 3100 --aws-port 4699" in result.stdout
