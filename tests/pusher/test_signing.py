"""Pusher's published golden vectors for request, channel and user signatures."""

from __future__ import annotations

from membrane_pusher.pusher.signing import channel_auth, sign_request, user_auth

KEY = "278d425bdf160c739803"
SECRET = "7ad3773142a6692b25b8"


def test_rest_request_golden_vector():
    body = b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
    signed = sign_request(
        method="POST",
        path="/apps/3/events",
        query={},
        body=body,
        key=KEY,
        secret=SECRET,
        timestamp=1353088179,
    )
    assert signed["body_md5"] == "ec365a775a4cd0599faeb73354201b6f"
    assert (
        signed["auth_signature"]
        == "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c"
    )


def test_channel_and_user_auth_vectors():
    private = channel_auth(
        key=KEY, secret=SECRET, socket_id="1234.1234", channel="private-foobar"
    )
    user = user_auth(
        key=KEY, secret=SECRET, socket_id="1234.1234", user_data='{"id":"12345"}'
    )
    assert private.startswith(f"{KEY}:58df8b0c")
    assert private.endswith("51c3a4")
    assert user.startswith(f"{KEY}:4708d583")
    assert user.endswith("de336ba")
