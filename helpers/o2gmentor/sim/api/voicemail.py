"""The messaging service: voice mailboxes (``{base}/messaging/mailboxes``, o2g-api-core.md §15).

The path is inferred from the OpenTouch clients; the simulator lists it in ``services[]`` as
``Voicemail``, the key the SDKs look up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from o2gmentor.sim.api.errors import bad_request, forbidden, not_found
from o2gmentor.sim.api.requests_ import BASE_PATH, flag, json_body
from o2gmentor.sim.api.scope import licensed_user
from o2gmentor.sim.model.comlog import iso
from o2gmentor.sim.model.site import User
from o2gmentor.sim.model.voicemail import Voicemail, VoiceMessage, recording

if TYPE_CHECKING:
    from o2gmentor.sim.api.app import SimState

M = BASE_PATH + "/messaging/mailboxes"
CAPABILITIES = {"listMessages": True, "getMessages": True, "getRecord": True, "play": True, "pause": True,
                "hangup": True, "record": False, "resume": True, "cancel": True, "forward": False,
                "callback": True, "send": False, "events": True}


def routes(state: SimState) -> list[web.RouteDef]:
    def box() -> Voicemail:
        return state.pbx.voicemail

    def owner_of(request: web.Request) -> User:
        _, user = licensed_user(state, request)
        if not user.voicemail:
            raise not_found(f"{user.login} has no voice mailbox")
        wanted = request.match_info.get("box")
        if wanted is not None and wanted != Voicemail.mailbox_id(user.number):
            raise not_found(f"no mailbox {wanted} for {user.login}")
        return user

    def message_json(message: VoiceMessage) -> dict[str, Any]:
        return {"voicemailId": message.message_id, "from": state.pbx.calls.identity(message.sender),
                "duration": message.duration, "date": iso(message.date), "unread": message.unread,
                "highPriority": message.high_priority}

    async def mailboxes(request: web.Request) -> web.Response:
        user = owner_of(request)
        return web.json_response({"mailboxes": [{"id": Voicemail.mailbox_id(user.number),
                                                 "name": f"{user.name} ({user.voicemail})",
                                                 "capabilities": CAPABILITIES}]})

    async def connect(request: web.Request) -> web.Response:
        user = owner_of(request)
        if not flag(request, "withUserPwd"):
            body = await json_body(request, required=False)
            if body.get("password") != user.password:
                raise forbidden("wrong mailbox password (it is the user's secret code; or use ?withUserPwd)")
        return web.json_response(box().info(user.login))

    async def messages(request: web.Request) -> web.Response:
        user = owner_of(request)
        q = request.query
        try:
            offset, limit = int(q.get("offset", 0)), int(q.get("limit", 0))
        except ValueError:
            raise bad_request("'offset' and 'limit' are whole numbers") from None
        rows = box().of(user.login, new_only=q.get("newOnly", "false").lower() == "true")
        rows = rows[offset:offset + limit] if limit > 0 else rows[offset:]
        return web.json_response({"voicemails": [message_json(m) for m in rows]})

    async def download(request: web.Request) -> web.Response:
        user = owner_of(request)
        message = box().get(user.login, request.match_info["vid"])
        if message is None:
            raise not_found(f"no voice message {request.match_info['vid']}")
        audio = recording(message)
        box().mark_read(message)  # listening marks it read; Node "acknowledges" with a 2-byte Range read
        headers = {"Content-Disposition": f"attachment; filename=voicemail-{message.message_id}.wav",
                   "Accept-Ranges": "bytes"}
        rng = request.headers.get("Range", "")
        if rng.startswith("bytes="):
            try:
                first, _, last = rng[6:].partition("-")
                start, end = int(first), min(int(last) if last else len(audio) - 1, len(audio) - 1)
            except ValueError:
                raise bad_request("malformed Range header") from None
            if start > end:
                return web.Response(status=416, headers={"Content-Range": f"bytes */{len(audio)}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{len(audio)}"
            return web.Response(status=206, body=audio[start:end + 1], content_type="audio/wav", headers=headers)
        return web.Response(body=audio, content_type="audio/wav", headers=headers)

    async def delete_one(request: web.Request) -> web.Response:
        user = owner_of(request)
        if not box().delete(user.login, [request.match_info["vid"]]):
            raise not_found(f"no voice message {request.match_info['vid']}")
        return web.Response(status=204)

    async def delete_many(request: web.Request) -> web.Response:
        user = owner_of(request)
        ids = [i for i in request.query.get("msgIds", "").split(";") if i]
        if not ids:
            raise bad_request("'msgIds' lists the messages to delete, separated by ';'")
        box().delete(user.login, ids)
        return web.Response(status=204)

    return [
        web.get(M, mailboxes, allow_head=False),
        web.post(M + "/{box}", connect),
        web.get(M + "/{box}/voicemails", messages, allow_head=False),
        web.delete(M + "/{box}/voicemails", delete_many),
        web.get(M + "/{box}/voicemails/{vid}", download, allow_head=False),
        web.delete(M + "/{box}/voicemails/{vid}", delete_one),
    ]
