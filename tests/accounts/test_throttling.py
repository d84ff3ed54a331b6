"""quizzes.accounts.throttling: the client's address behind proxies."""

import pytest

from quizzes.accounts.throttling import forwarded_address

CONNECTION = "10.0.0.2"


@pytest.mark.parametrize(
    ("forwarded_for", "proxies", "expected"),
    [
        ("203.0.113.5", 0, CONNECTION),  # no trusted proxy: the header is the client's to forge
        ("203.0.113.5", 1, "203.0.113.5"),
        ("192.0.2.1, 203.0.113.5", 1, "203.0.113.5"),  # the client wrote the left entry
        ("192.0.2.1, 203.0.113.5, 10.0.0.9", 2, "203.0.113.5"),  # two proxies appended one each
        (" 2001:DB8::1 ", 1, "2001:db8::1"),  # written the same way each time, whatever the spelling
        ("", 1, CONNECTION),  # the balancer sent no header: a misconfiguration, not the client's address
        ("203.0.113.5", 2, CONNECTION),  # fewer entries than proxies
        ("192.0.2.1, not-an-address", 1, CONNECTION),
        ("203.0.113.5:4711", 1, CONNECTION),
    ],
)
def test_forwarded_address(forwarded_for, proxies, expected):
    assert forwarded_address(CONNECTION, forwarded_for, proxies) == expected
