"""The OpenAPI 3 description of the simulated O2G REST API 1.0 (``openapi.json`` beside this module).

What it describes is **the simulator's** O2G API — every route it serves under ``/api/rest`` (plus the event
channel's ``/OTEvents`` alias and the statistics file downloads), built from the aiohttp route table, with the
request bodies, responses and the O2G error body written by hand below from ``o2g-api-core.md`` and
``o2g-api-ccd.md``. It is not ALE's description of a real O2G (ALE publishes none; a real O2G serves a WADL at
``{base}/application.wadl``): where the simulator made a choice the public sources do not settle, the text
says *inferred*. The simulator's own control API (``/sim/…``) is left out: it is not O2G.

The simulator serves the file, unauthenticated, at ``GET /api/rest/openapi.json`` (``OPENAPI_PATH``).
Regenerate the packaged file after changing a route or a schema here::

    python -m o2gmentor.sim.openapi            # writes helpers/o2gmentor/sim/openapi.json
    python -m o2gmentor.sim.openapi --check    # exit 1 when the packaged file is stale

``tests/integration/test_openapi.py`` fails when a served route is not described, a described one is not
served, or the packaged file differs from what this module builds.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

OPENAPI_PATH = "/api/rest/openapi.json"
BASE = "/api/rest/1.0"
FILE = Path(__file__).with_name("openapi.json")
SIM_ONLY = "Simulator only (not O2G)"

# ------------------------------------------------------------------------------------------------ schemas
S = str  # readability: a schema name


def ref(name: S) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(props: dict[str, Any], required: tuple[str, ...] = (), desc: str | None = None, **extra: Any) -> dict:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    if desc:
        schema["description"] = desc
    schema.update(extra)
    return schema


def arr(items: dict[str, Any], desc: str | None = None, **extra: Any) -> dict:
    schema: dict[str, Any] = {"type": "array", "items": items}
    if desc:
        schema["description"] = desc
    schema.update(extra)
    return schema


STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
BOOL: dict[str, Any] = {"type": "boolean"}
ANY_OBJ: dict[str, Any] = {"type": "object"}
STRS = arr(STR)
NUMBER_OR_TEXT: dict[str, Any] = {"oneOf": [STR, INT], "description": "a string (numbers are accepted too)"}


def enum(*values: str, desc: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": list(values)}
    if desc:
        schema["description"] = desc
    return schema


MEDIA_STATE = enum("UNKNOWN", "OFF_HOOK", "IDLE", "RELEASING", "DIALING", "HELD", "RINGING_INCOMING",
                   "RINGING_OUTGOING", "ACTIVE")

SCHEMAS: dict[str, dict[str, Any]] = {
    # -------------------------------------------------------------------- errors (o2g-api-core.md §21)
    "ErrorDetail": obj({"errorType": STR, "errorCause": STR, "message": STR},
                       desc="The service-specific part of an error (routing, telephony)."),
    "Error": obj(
        {"httpStatus": {**STR, "description": "the status as text, e.g. NOT_FOUND"},
         "code": {**INT, "description": "the HTTP status code"},
         "helpMessage": {**STR, "description": "what went wrong, in words"},
         "type": STR, "Type": {**STR, "description": "the same as type, spelled as the Java SDK reads it"},
         "innerMessage": STR, "canRetry": {**BOOL, "description": "true on 503: try again later"},
         "routing": ref("ErrorDetail"), "telephony": ref("ErrorDetail"),
         "userPreferences": obj({"userPreferencesErrorTypeDTO": STR, "userPreferencesParameterDTO": STR})},
        ("httpStatus", "code", "helpMessage", "type", "canRetry"),
        desc="RestErrorInfo: the body of every error answer (o2g-api-core.md §21.2). The SDKs only rely on "
             "the status code; the body is diagnostic."),
    # -------------------------------------------------------------------- discovery, sessions
    "Descriptor": obj(
        {"serverInfo": obj({"productName": STR, "productType": STR,
                            "productVersion": obj({"major": STR, "minor": STR}), "haMode": BOOL}),
         "versions": arr(obj({"id": STR, "status": STR, "publicUrl": STR, "internalUrl": STR},
                             ("id", "publicUrl", "internalUrl"))),
         "custoFeatures": arr(ANY_OBJ)},
        ("serverInfo", "versions")),
    "Authentication": obj({"credential": {**STR, "description": "also set as the AlcUserId cookie"},
                           "publicUrl": STR, "internalUrl": STR, "loginName": STR, "expired": BOOL},
                          ("credential", "publicUrl", "internalUrl")),
    "SessionRequest": obj(
        {"applicationName": {**STR, "minLength": 1, "description": "any name (read case-insensitively)"},
         "supervisedAccount": obj({"type": enum("LOGIN_NAME", "PHONE_NUMBER"), "id": STR},
                                  desc="administrators only (semantics inferred)")},
        ("applicationName",)),
    "Service": obj({"serviceName": STR, "serviceVersion": STR, "relativeUrl": STR},
                   ("serviceName", "relativeUrl")),
    "SessionInfo": obj(
        {"admin": BOOL, "login": STR, "timeToLive": {**INT, "description": "seconds; keep alive before it ends"},
         "publicBaseUrl": STR, "privateBaseUrl": STR,
         "services": arr(ref("Service"), "the services this session may use (licences and role decide)"),
         "creationDate": STR, "expirationDate": STR,
         "otherSessions": arr(obj({"sessionId": STR, "creationDate": STR, "timeToLive": INT}))},
        ("admin", "login", "timeToLive", "publicBaseUrl", "privateBaseUrl", "services")),
    # -------------------------------------------------------------------- subscriptions and events
    "Selector": obj(
        {"names": arr(enum("telephony", "eventSummary", "routingManagement", "unifiedComLog", "user",
                           "userManagement", "system", "pbxManagement", "agent", "pilot", "rti", "acdstats",
                           "rsi"), minItems=1),
         "ids": arr(NUMBER_OR_TEXT, "logins (pilot numbers for pilot); empty or absent: the session's user "
                                    "(an administrator must list the users)")},
        ("names",)),
    "SubscriptionRequest": obj(
        {"filter": obj({"selectors": arr(ref("Selector"), minItems=1)}, ("selectors",)),
         "version": {**STR, "default": "1.0"},
         "timeout": {**INT, "minimum": 0, "description": "minutes (0: the default)"},
         "subscriptionId": STR},
        ("filter",)),
    "Subscription": obj({"subscriptionId": STR, "status": enum("ACCEPTED"), "mode": STR, "format": STR,
                         "message": STR, "publicPollingUrl": STR, "privatePollingUrl": STR},
                        ("subscriptionId", "status", "publicPollingUrl", "privatePollingUrl")),
    "Event": obj({"eventName": {**STR, "description": "e.g. OnChannelInformation, OnCallCreated"}},
                 ("eventName",), desc="One line of the event channel (newline-delimited JSON)."),
    # -------------------------------------------------------------------- users
    "LoginNames": obj({"loginNames": STRS}, ("loginNames",)),
    "Device": obj({"type": STR, "id": STR, "subType": STR, "label": STR}, ("type", "id")),
    "Devices": obj({"devices": arr(ref("Device"))}, ("devices",)),
    "User": obj({"companyPhone": STR, "firstName": STR, "lastName": STR, "loginName": STR, "nodeId": STR,
                 "devices": arr(ref("Device")), "voicemail": obj({"number": STR, "type": STR, "id": STR}),
                 "eMailAddress": STR, "externalLogin": STR},
                ("companyPhone", "loginName", "nodeId")),
    "Users": obj({"users": arr(ref("User"))}, ("users",)),
    "Preferences": obj({"guiLanguage": STR, "oxeLanguage": STR}),
    "SupportedLanguages": obj({"supportedLanguages": STRS, "supportedGuiLanguages": STRS},
                              ("supportedLanguages",)),
    "PasswordChange": obj({"oldPassword": {**STR, "description": "required for a user session"},
                           "newPassword": {**STR, "minLength": 4}}, ("newPassword",)),
    # -------------------------------------------------------------------- telephony (o2g-api-core.md §9)
    "PartyInfo": obj({"id": obj({"loginName": STR, "phoneNumber": STR, "multiLine": BOOL}),
                      "firstName": STR, "lastName": STR, "displayName": {**STR, "nullable": True},
                      "type": obj({"main": enum("USER", "DEVICE", "SERVICE", "EXTERNAL", "UNKNOWN"),
                                   "subType": STR})}),
    "Leg": obj({"deviceId": STR, "state": MEDIA_STATE, "ringingRemote": BOOL,
                "capabilities": obj({k: BOOL for k in ("answer", "drop", "hold", "retrieve", "reconnect", "mute",
                                                       "unMute", "sendDtmf", "switchDevice")})},
               ("deviceId", "state")),
    "Participant": obj({"participantId": STR, "identity": ref("PartyInfo"), "anonymous": BOOL,
                        "undroppable": BOOL, "state": MEDIA_STATE}, ("participantId",)),
    "CallData": obj({"initialCalled": ref("PartyInfo"), "lastRedirecting": ref("PartyInfo"), "deviceCall": BOOL,
                     "anonymous": BOOL, "callUUID": STR, "state": MEDIA_STATE, "recordState": STR,
                     "tags": arr(obj({"name": STR, "value": STR, "visibilities": STRS})),
                     "capabilities": obj({}, desc="CallCapabilities: booleans (transfer, merge, dropMe…)"),
                     "associatedData": STR, "hexaBinaryAssociatedData": STR, "accountInfo": STR,
                     "acdCallData": ANY_OBJ}),
    "Call": obj({"callRef": {**STR, "description": "16 hexadecimal characters"}, "callData": ref("CallData"),
                 "legs": arr(ref("Leg")), "participants": arr(ref("Participant"))}, ("callRef",)),
    "Calls": obj({"calls": arr(ref("Call"))}, ("calls",)),
    "Legs": obj({"legs": arr(ref("Leg"))}, ("legs",)),
    "Participants": obj({"participants": arr(ref("Participant"))}, ("participants",)),
    "DeviceState": obj({"deviceId": STR, "state": enum("IN_SERVICE", "OUT_OF_SERVICE", "UNKNOWN")},
                       ("deviceId", "state")),
    "DeviceStates": obj({"deviceStates": arr(ref("DeviceState"))}, ("deviceStates",)),
    "TelephonicState": obj({"calls": arr(ref("Call")),
                            "deviceCapabilities": arr(obj({"deviceId": STR, "makeCall": BOOL,
                                                           "makeBusinessCall": BOOL, "makePrivateCall": BOOL,
                                                           "unParkCall": BOOL})),
                            "userState": enum("FREE", "BUSY", "UNKNOWN"),
                            "deviceStates": obj({"deviceStates": arr(ref("DeviceState"))})},
                           ("calls", "userState")),
    "BasicCall": obj({"deviceId": {**NUMBER_OR_TEXT, "description": "one of the user's own devices"},
                      "callee": NUMBER_OR_TEXT, "autoAnswer": {**BOOL, "default": True}},
                     ("deviceId", "callee")),
    "MakeCall": obj({"deviceId": {**NUMBER_OR_TEXT, "description": "one of the user's devices (default: its first)"},
                     "callee": {**NUMBER_OR_TEXT, "description": "required unless acdCall.callToSupervisor"},
                     "autoAnswer": {**BOOL, "default": True}, "inhibitProgressTone": BOOL,
                     "hexaBinaryAssociatedData": STR, "callingNumber": STR, "pin": STR, "secretCode": STR,
                     "businessCode": STR,
                     "acdCall": obj({"callToSupervisor": BOOL, "supervisedTransfer": BOOL, "skills": ANY_OBJ})},
                    desc="MakeCall and its variants (o2g-api-core.md §9.2)."),
    "DeviceIdBody": obj({"deviceId": NUMBER_OR_TEXT}, ("deviceId",)),
    "OptionalDeviceBody": obj({"deviceId": {**NUMBER_OR_TEXT, "description": "the user's device in the call "
                                                                              "(default: the one in it)"}}),
    "ReconnectBody": obj({"deviceId": NUMBER_OR_TEXT, "enquiryCallRef": STR}, ("enquiryCallRef",)),
    "HeldCallBody": obj({"deviceId": NUMBER_OR_TEXT, "heldCallRef": STR}, ("heldCallRef",)),
    "BlindTransferBody": obj({"deviceId": NUMBER_OR_TEXT, "transferTo": NUMBER_OR_TEXT, "anonymous": BOOL},
                             ("transferTo",)),
    "RedirectBody": obj({"deviceId": NUMBER_OR_TEXT,
                         "redirectTo": {**NUMBER_OR_TEXT, "description": "a number, or VOICEMAIL"},
                         "anonymous": BOOL}, ("redirectTo",)),
    "DtmfBody": obj({"deviceId": NUMBER_OR_TEXT, "number": {**STR, "pattern": "^[0-9*#A-Da-d]+$"}}, ("number",)),
    "CalleeBody": obj({"callee": NUMBER_OR_TEXT}, ("callee",)),
    "PilotQuery": obj({"agentNumber": STR, "priorityTransfer": BOOL, "supervisedTransfer": BOOL,
                       "skills": obj({"skills": arr(obj({"skillNumber": INT, "acrStatus": BOOL,
                                                         "expertEvalLevel": INT}))})},
                      desc="PilotQueryParam (o2g-api-ccd.md §6.3), all optional"),
    "PilotInfo": obj({"number": STR, "waitingTime": INT, "saturation": BOOL, "supervisedTransfer": BOOL,
                      "pilotTransferInfo": obj({"transferPossible": BOOL, "pilotStatus": STR})},
                     ("number", "waitingTime", "saturation")),
    "Callbacks": obj({"callbacks": arr(obj({"callbackId": STR, "partyInfo": ref("PartyInfo")}))}, ("callbacks",)),
    # -------------------------------------------------------------------- routing (§11)
    "RoutingCapabilities": obj({k: BOOL for k in ("presentationRoute", "forwardRoute", "overflowRoute", "dnd")}),
    "Destination": obj({"type": enum("NUMBER", "VOICEMAIL", "MOBILE", "ASSOCIATE"), "number": STR,
                        "selected": BOOL}, ("type",)),
    "ForwardRoute": obj({"forwardType": enum("BUSY", "NO_ANSWER", "BUSY_NO_ANSWER",
                                             desc="absent: immediate forward"),
                         "destinations": arr(ref("Destination"), minItems=1, maxItems=1)}, ("destinations",)),
    "OverflowRoute": obj({"overflowType": enum("BUSY", "NO_ANSWER", "BUSY_NO_ANSWER"),
                          "destinations": arr(ref("Destination"), minItems=1, maxItems=1)}, ("destinations",)),
    "ForwardRouteBody": obj({"forwardRoute": ref("ForwardRoute")}, ("forwardRoute",)),
    "OverflowRouteBody": obj({"overflowRoutes": {"oneOf": [arr(ref("OverflowRoute"), minItems=1, maxItems=1),
                                                           ref("OverflowRoute")],
                                                 "description": "a one-item list (Java) or an object (Node)"}},
                             ("overflowRoutes",)),
    "PresentationRouteBody": obj({"presentationRoutes": arr(obj({"destinations": arr(ref("Destination"))}))},
                                 ("presentationRoutes",)),
    "Dnd": obj({"activate": BOOL}, ("activate",)),
    "RoutingState": obj({"presentationRoutes": arr(ANY_OBJ), "forwardRoutes": arr(ref("ForwardRoute")),
                         "overflowRoutes": arr(ref("OverflowRoute")), "dndState": ref("Dnd")}),
    # -------------------------------------------------------------------- event summary, comlog (§12, §13)
    "EventSummary": obj({k: INT for k in ("missedCallsNb", "voiceMessagesNb", "callBackRequestsNb", "faxNb",
                                          "newTextNb", "oldTextNb")} | {"eventWaiting": BOOL},
                        ("missedCallsNb", "voiceMessagesNb", "callBackRequestsNb", "eventWaiting")),
    "ComParticipant": obj({"role": enum("CALLER", "CALLEE", "UNKNOWN"), "answered": BOOL,
                           "identity": ref("PartyInfo"), "anonymous": BOOL, "initialCalled": ref("PartyInfo"),
                           "reason": {**STR, "nullable": True}, "leg": STR}),
    "ComRecord": obj({"recordId": INT, "comRef": STR, "acknowledged": BOOL,
                      "participants": arr(ref("ComParticipant")), "beginDate": STR, "endDate": STR,
                      "convDate": STR, "holdDuration": NUM, "transferredBy": STR, "associatedData": STR},
                     ("recordId", "comRef", "acknowledged", "participants")),
    "ComlogPage": obj({"offset": INT, "limit": INT, "totalCount": INT, "comHistoryRecords": arr(ref("ComRecord")),
                       "count": {**INT, "description": "totalCount again, for the Java SDK"},
                       "records": arr(ref("ComRecord"), "comHistoryRecords again, for the Java SDK")},
                      ("totalCount", "comHistoryRecords")),
    "RecordIds": obj({"recordIds": arr(INT)}, ("recordIds",)),
    # -------------------------------------------------------------------- voice mail (§15)
    "Mailboxes": obj({"mailboxes": arr(obj({"id": STR, "name": STR, "capabilities": ANY_OBJ}, ("id",)))},
                     ("mailboxes",)),
    "MailboxPassword": obj({"password": STR}),
    "MailboxInfo": obj({"totalVoiceMsg": INT, "newVoiceMsg": INT, "storageUsage": INT},
                       ("totalVoiceMsg", "newVoiceMsg")),
    "VoiceMessage": obj({"voicemailId": STR, "from": ref("PartyInfo"), "duration": NUM, "date": STR,
                         "unread": BOOL, "highPriority": BOOL}, ("voicemailId",)),
    "Voicemails": obj({"voicemails": arr(ref("VoiceMessage"))}, ("voicemails",)),
    # -------------------------------------------------------------------- directory (§14)
    "Criterion": obj({"field": enum("lastName", "firstName", "id.phoneNumber", "id.loginName"),
                      "operation": enum("EQUAL_IGNORE_CASE", "BEGIN_WITH", "CONTAIN", "END_WITH", "AND", "OR"),
                      "operand": {"description": "a string (leaf) or a list of criteria (AND / OR)"}},
                     ("operation", "operand")),
    "DirectorySearch": obj({"filter": ref("Criterion"), "limit": {**INT, "minimum": 1, "maximum": 100}},
                           ("filter",)),
    "DirectoryResults": obj({"resultCode": enum("NOK", "OK", "FINISH", "TIMEOUT"),
                             "resultElements": arr(obj({"contacts": arr(ref("PartyInfo"))}))}, ("resultCode",)),
    # -------------------------------------------------------------------- phone-set programming (§16)
    "Key": obj({"position": INT, "number": STR, "mnemonic": STR, "locked": BOOL}, ("position",)),
    "KeyBody": obj({"position": INT, "number": STR, "mnemonic": STR}),
    "PKeys": obj({"pkeys": arr(ref("Key"))}, ("pkeys",)),
    "SKeys": obj({"skeys": arr(ref("Key"))}, ("skeys",)),
    "Pin": obj({"Pin_Number": STR, "With_Secret_Code": BOOL,
                "Pin_Type_Of_Control": enum("PIN_Category", "PIN_Restricted_To_Owner_Set", "PIN_Universal_Access",
                                            "PIN_By_Group"), "Pin_Group": INT}),
    "DynamicState": obj({"lock": BOOL, "campon": BOOL, "associate": STR}),
    "AssociateBody": obj({"associate": NUMBER_OR_TEXT}, ("associate",)),
    # -------------------------------------------------------------------- system (§17)
    "SystemStatus": obj({"logicalAddress": ANY_OBJ, "startDate": STR, "ha": BOOL, "primary": STR,
                         "primaryVersion": STR, "primaryServicesStatus": ANY_OBJ, "secondary": STR,
                         "secondaryVersion": STR, "secondaryServicesStatus": ANY_OBJ,
                         "pbxs": arr(obj({"name": STR, "nodeId": INT, "version": STR, "connected": BOOL,
                                          "loaded": BOOL, "ctiLinkState": enum("CONNECTED_MAIN",
                                                                               "CONNECTED_SECONDARY",
                                                                               "DISCONNECTED"),
                                          "secured": BOOL, "monitoredUserNumber": INT})),
                         "license": obj({"type": STR, "status": STR,
                                         "lics": arr(obj({"name": STR, "total": INT, "currentUsed": INT,
                                                          "expiration": STR, "application": BOOL}))}),
                         "configurationType": enum("PBX_MANAGEMENT", "FULL_SERVICES"), "subscriberFilter": STR},
                        ("pbxs", "license")),
    # -------------------------------------------------------------------- PBX management (§19)
    "NodeIds": obj({"nodeIds": STRS}, ("nodeIds",)),
    "PbxNode": obj({"nodeId": INT, "fqdn": STR}, ("nodeId",)),
    "Attribute": obj({"name": STR, "value": arr(STR, "always a list, even for one value"),
                      "complexValue": arr(ANY_OBJ)}, ("name",)),
    "AttributesBody": obj({"attributes": arr(ref("Attribute"))}, ("attributes",)),
    "ObjectModel": obj({"objectName": STR, "hidden": BOOL, "create": BOOL, "delete": BOOL, "set": BOOL, "get": BOOL,
                        "otherActions": STRS, "attributes": arr(ANY_OBJ), "objects": arr(ANY_OBJ)},
                       ("objectName",)),
    "PbxObject": obj({"objectName": STR, "objectId": STR, "attributes": arr(ref("Attribute")),
                      "objectNames": STRS, "objectIds": STRS},
                     ("objectName",), desc="One object (objectId, attributes, objectNames of its children) or "
                                           "a list of a class's objects (objectIds), as the path says."),
    # -------------------------------------------------------------------- users management (§20)
    "UserManagementCreate": obj({"nodeId": {**NUMBER_OR_TEXT, "description": "a node number"},
                                 "deviceNumbers": arr(NUMBER_OR_TEXT), "all": BOOL}, ("nodeId",)),
    # -------------------------------------------------------------------- analytics (§18)
    "Incidents": obj({"incidents": arr(obj({"date": STR, "hour": STR, "severity": INT, "value": STR, "type": STR,
                                            "nbOccurs": INT, "node": STR, "main": BOOL}))}, ("incidents",)),
    "ChargingFiles": obj({"files": arr(obj({"name": STR, "date": STR, "time": STR}))}, ("files",)),
    "Chargings": obj({"chargings": arr(ANY_OBJ), "fromDate": STR, "toDate": STR, "nbChargingFiles": INT,
                      "totalTicketNb": INT, "valuableTicketNb": INT}, ("chargings",)),
    # -------------------------------------------------------------------- CC agent (ccd §2)
    "OperatorConfiguration": obj({"type": enum("AGENT", "SUPERVISOR"), "proacd": STR,
                                  "processingGroups": obj({"preferred": STR, "groups": STRS}),
                                  "skills": obj({"skills": arr(obj({"number": INT, "level": INT, "active": BOOL,
                                                                    "domain": INT, "name": STR, "abvName": STR}))}),
                                  "selfAssign": BOOL, "headset": BOOL, "help": BOOL, "multiline": BOOL},
                                 ("type",)),
    "OperatorState": obj({"mainState": enum("UNKNOWN", "LOG_ON", "LOG_OFF", "ERROR"),
                          "subState": STR, "proAcdDeviceNumber": STR, "pgNumber": STR, "withdrawReason": INT,
                          "withdraw": BOOL, "withdrawn": {**BOOL, "description": "withdraw again, for Java"}},
                         ("mainState",)),
    "LogonBody": obj({"proAcdDeviceNumber": NUMBER_OR_TEXT, "pgGroupNumber": NUMBER_OR_TEXT, "headset": BOOL},
                     ("proAcdDeviceNumber",)),
    "PgBody": obj({"pgGroupNumber": NUMBER_OR_TEXT}, ("pgGroupNumber",)),
    "OptionalPgBody": obj({"pgGroupNumber": NUMBER_OR_TEXT}),
    "WithdrawReasons": obj({"reasons": arr(obj({"index": INT, "label": STR}))}, ("reasons",)),
    "WithdrawBody": obj({"reasonIndex": INT}, ("reasonIndex",)),
    "SkillsBody": obj({"skills": arr(INT)}, ("skills",)),
    "AgentNumberBody": obj({"agentNumber": NUMBER_OR_TEXT}, ("agentNumber",)),
    "IntrusionBody": obj({"agentNumber": NUMBER_OR_TEXT, "mode": enum("NORMAL", "RESTRICTED", "DISCRETE", "STOP")},
                         ("agentNumber",)),
    "IntrusionModeBody": obj({"mode": enum("NORMAL", "RESTRICTED", "DISCRETE", "STOP")}, ("mode",)),
    # -------------------------------------------------------------------- CC realtime (ccd §7)
    "RtiId": obj({"number": STR, "name": STR, "firstName": STR}, ("number",)),
    "RtiObjects": obj({k: arr(ref("RtiId")) for k in ("agents", "pilots", "queues", "pgAgents", "pgOthers")}),
    "RtiContext": obj({"active": BOOL, "obsPeriod": {**INT, "minimum": 15, "maximum": 60},
                       "notifFrequency": {**INT, "minimum": 5}, "filter": ANY_OBJ},
                      desc="RtiContext (o2g-api-ccd.md §7.2): pgAgentFilter/pgOtherFilter (Node) or "
                           "teamFilter/otherPgFilter (Java) are both accepted."),
    # -------------------------------------------------------------------- CC statistics (ccd §8)
    "Requester": obj({"identifier": STR, "language": enum("EN", "FR", "DE"), "timezone": STR}, ("identifier",)),
    "ScopeBody": obj({"supervisor": ref("Requester"), "agents": arr(obj({"number": STR}))}, ("supervisor",)),
    "StatsContextBody": obj({"supervisorId": STR, "label": STR, "description": STR, "filter": ANY_OBJ},
                            ("filter",)),
    "StatsContext": obj({"ctxId": STR, "supervisorId": STR, "label": STR, "description": STR,
                         "isScheduled": BOOL, "shortHeader": BOOL, "filter": ANY_OBJ}, ("ctxId",)),
    "StatsContexts": obj({"contexts": arr(ref("StatsContext"))}, ("contexts",)),
    "Id": obj({"id": STR}, ("id",)),
    "StatisticsData": obj({"supervisor": STR, "agentsStats": arr(ANY_OBJ), "pilotsStats": arr(ANY_OBJ),
                           "pilotAbandonedCalls": ANY_OBJ},
                          desc="StatisticsData (o2g-api-ccd.md §8.4); {} when an export was started (async)"),
    "ScheduleRequest": obj({"name": STR, "description": STR, "obsPeriod": ANY_OBJ, "frequency": ANY_OBJ,
                            "recipients": arr(STR, minItems=1), "fileType": enum("csv", "xls")},
                           ("name", "obsPeriod", "frequency", "recipients")),
    "Schedule": obj({"id": STR, "name": STR, "state": STR, "enable": BOOL, "lastExecDate": {**STR, "nullable": True}}),
    "Schedules": obj({"schedules": arr(ref("Schedule"))}, ("schedules",)),
    # -------------------------------------------------------------------- CC management (ccd §9)
    "CcdPilot": obj({"number": STR, "name": STR, "state": STR, "detailedState": STR, "waitingTime": INT,
                     "saturation": BOOL, "rules": {"description": "{ruleList:[…]} (Java, C#) or a bare list "
                                                                 "(User-Agent node…)"},
                     "possibleTransfer": BOOL, "supervisedTransfer": BOOL}, ("number",)),
    "CcdPilots": obj({"pilotList": arr(ref("CcdPilot"))}, ("pilotList",)),
    "Transition": obj({"time": {**STR, "description": "HH:MM"}, "ruleNumber": NUMBER_OR_TEXT,
                       "mode": enum("normal", "closed", "forward")}, ("time", "ruleNumber", "mode")),
    "Calendar": obj({"calendar": arr(ANY_OBJ)}, ("calendar",)),
    "Calendars": obj({"normalDays": ref("Calendar"), "exceptionDays": ref("Calendar")}),
    # -------------------------------------------------------------------- RSI (ccd §10)
    "RsiPoints": obj({"rsiPoints": arr(obj({"number": STR, "name": STR, "node": INT, "registered": BOOL}))},
                     ("rsiPoints",)),
    "RouteSession": obj({"routeCrid": STR, "caller": STR, "called": STR, "routedCallRef": STR}, ("routeCrid",)),
    "RouteSessions": obj({"routeSessions": arr(ref("RouteSession"))}, ("routeSessions",)),
    "RouteSelectBody": obj({"routeCrid": STR, "selectedRoute": NUMBER_OR_TEXT, "callingLine": STR,
                            "associatedData": STR, "routeToVoiceMail": BOOL}, ("routeCrid", "selectedRoute")),
    "RouteEndBody": obj({"routeCrid": STR}, ("routeCrid",)),
    "PlayToneBody": obj({"callRef": STR, "tone": enum("BUSY", "RINGBACK", "SILENCE", "MUSIC", "ANNOUNCEMENT"),
                         "type": {**STR, "description": "the tone, as Java and C# name it"},
                         "duration": {**NUM, "minimum": 0}}, ("callRef",)),
    "CallRefBody": obj({"callRef": STR}, ("callRef",)),
    "VoiceGuideBody": obj({"callRef": STR, "guideNumber": {**INT, "minimum": 0}, "duration": {**NUM, "minimum": 0}},
                          ("callRef", "guideNumber")),
    "CollectDigitsBody": obj({"callRef": STR, "numChars": INT, "flushChar": STR, "timeout": {**NUM, "minimum": 0},
                              "additionalCriteria": ANY_OBJ}, ("callRef",)),
    "Collection": obj({"collCrid": STR}, ("collCrid",)),
}

# ------------------------------------------------------------------------------------------------ parameters
# path parameter → (description, example). The examples are the default site's (o2gmentor users).
PATH_PARAMS: dict[str, tuple[str, str]] = {
    "sub_id": ("a subscriptionId", "sub-example"),
    "login": ("a login name (a company phone number is accepted too)", "oxe1001"),
    "ref": ("a callRef", "0123456789abcdef"),
    "leg": ("a leg, named by its deviceId", "1001"),
    "pid": ("a participantId", "1002"),
    "device": ("one of the user's deviceIds (phone numbers)", "1001"),
    "deviceId": ("one of the user's deviceIds (phone numbers)", "1001"),
    "cid": ("an identifier", "1"),
    "node": ("an OXE node id", "1"),
    "pilot": ("a CCD pilot number", "3000"),
    "rid": ("a statistics requester id (a + may stand for a space)", "super1"),
    "sid": ("a scheduled report id", "report1"),
    "box": ("a mailbox id", "VM4635_1001"),
    "vid": ("a voicemailId", "1"),
    "rid_record": ("a comlog recordId", "1"),
    "position": ("a key position (from 1)", "3"),
    "path": ("an object path: {objectName}[/{objectId}[/{objectName}…]], slashes included", "Subscriber/1001"),
    "name": ("an object name (a path of names is accepted)", "Subscriber"),
    "kind": ("the calendar", "normal"),
    "day": ("a weekday (normal) or a date yyyyMMdd (exception)", "monday"),
    "n": ("a transition number, from 1", "1"),
    "rsi": ("an RSI point number", "3900"),
    "crid": ("a routeCrid", "rc1"),
    "coll": ("a collCrid", "coll1"),
    "token": ("the token in the file's fullResPath", "x"),
}
# query parameter → (schema, description)
QUERY: dict[str, tuple[dict[str, Any], str]] = {
    "loginName": (STR, "the user to act for: ignored for a user session, mandatory for an administrator session"),
    "version": (STR, "the API version (1.0)"),
    "subscriptionId": (STR, "the subscription whose events to stream"),
    "nodeIds": (STR, "node ids separated by ';'"),
    "onlyACD": (STR, "a flag: present means true"),
    "onlyWithExtLogin": (STR, "a flag: present means true"),
    "companyPhone": (STR, "a company phone number: the user who has it"),
    "afterDate": (STR, "ISO-8601 date"), "beforeDate": (STR, "ISO-8601 date"),
    "unanswered": (STR, "true: only unanswered calls"), "unacknowledged": (STR, "true: only unacknowledged ones"),
    "role": ({"type": "string", "enum": ["CALLER", "CALLEE"]}, "the user's role in the call"),
    "comRef": (STR, "a call reference"), "remotePartyId": (STR, "the other party's number or login"),
    "offset": ({"type": "integer", "minimum": 0}, "the first item to return"),
    "limit": ({"type": "integer", "minimum": 0}, "how many items at most (0: all)"),
    "optimized": (STR, "true: a lighter payload (accepted, no effect)"),
    "recordIdList": (STR, "record ids separated by ','"),
    "acknowledge": ({"type": "string", "enum": ["true", "false"]}, "acknowledge (true) or not (false)"),
    "withUserPwd": (STR, "a flag: connect with the user's own password"),
    "newOnly": (STR, "true: only unread messages"),
    "msgIds": (STR, "voicemailIds separated by ';'"),
    "activate": ({"type": "string", "enum": ["true", "false"]}, "on (true) or off (false)"),
    "filter": (STR, "a filter expression, e.g. Directory_Number==10*"),
    "attributes": (STR, "attribute names separated by ','"),
    "force": (STR, "a flag: delete even when the object is in use (FORCED_DELETE)"),
    "deviceNumber": (STR, "a directory number: the login that has it"),
    "nodeId": (STR, "an OXE node id"),
    "last": ({"type": "integer", "minimum": 1}, "the K most recent only"),
    "fromDate": (STR, "yyyyMMdd"), "toDate": (STR, "yyyyMMdd"),
    "files": (STR, "charging file names separated by ','"),
    "top": ({"type": "integer", "minimum": 1}, "the top N callers"),
    "all": (STR, "true: every ticket, valuable or not"),
    "pgNumber": (STR, "a processing group number"),
    "other": (STR, "the other party's number (supervisor or agent)"),
    "date": (STR, "yyyy-MM-dd (or yyyy-MM-dd HH:mm)"),
    "slotType": ({"type": "string", "enum": ["aQuarterOfAnHour", "halfAnHour", "anHour"]}, "the time slot"),
    "format": ({"type": "string", "enum": ["json", "csv", "xls"]}, "json, or a ZIP of csv / xls"),
    "shortHeader": (STR, "a flag (accepted, no effect)"),
    "async": (STR, "a flag: export the file in the background (OnAcdStatsProgress events)"),
    "begindate": (STR, "yyyy-MM-dd"), "enddate": (STR, "yyyy-MM-dd"),
    "enable": ({"type": "string", "enum": ["true", "false"]}, "enable (true) or disable (false)"),
    "backup": (STR, "a flag: enable in backup mode (Node's form)"),
}

# ------------------------------------------------------------------------------------------------ operations
# (method, path) → what is written by hand. Paths are OpenAPI templates; ``~`` stands for ``/api/rest/1.0``.
TAGS = [
    ("Discovery and sessions", "Discovery, authentication and sessions (o2g-api-core.md §2–4)"),
    ("Events", "Subscriptions and the chunked event channel (§7)"),
    ("Users", "Users, logins, preferences, password (§10)"),
    ("Telephony", "Call control and supervision (§9); the basicCall routes need no licence"),
    ("Routing", "Remote extension, DND, forward, overflow (§11)"),
    ("Event summary", "Missed calls and message counters (§12)"),
    ("Communication log", "Call history (§13)"),
    ("Voice mail", "Mailboxes and messages (§15)"),
    ("Directory", "Directory search (§14)"),
    ("Phone-set programming", "Keys, PIN, lock, camp-on, associate (§16)"),
    ("Maintenance", "The O2G server's status: nodes, CTI links, licences, HA (§17); administrators only"),
    ("PBX management", "The OXE object tree (§19); administrators only, MANAGEMENT licence"),
    ("Users management", "Which OXE subscribers are O2G users (§20); administrators only"),
    ("Analytics", "Incidents and charging (§18); administrators only, ANALYTICS licence"),
    ("CC agent", "Contact-center operators (o2g-api-ccd.md §2–4); CONTACTCENTER_AGENT licence"),
    ("CC pilot monitoring", "Pilot events on or off (ccd §6); administrators only"),
    ("CC realtime", "RTI objects and context (ccd §7); administrators only"),
    ("CC statistics", "Requesters, contexts, data and scheduled reports (ccd §8); administrators only"),
    ("CC management", "Pilots, calendars, open / close (ccd §9); administrators only"),
    ("CC RSI", "Routing service interface (ccd §10); administrators only, CONTACTCENTER_RSI licence"),
    (SIM_ONLY, "Served by the simulator only: a real O2G does not have it"),
]


def op(tag: str, summary: str, ok: int = 204, resp: S | None = None, *, body: S | None = None,
       body_required: bool = True, query: tuple[str, ...] = (), login: bool = False, admin: bool = False,
       conflict: bool = False, security: list | None = None, desc: str | None = None,
       content: dict[str, Any] | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"tag": tag, "summary": summary, "ok": ok, "resp": resp, "body": body, "body_required": body_required,
            "query": (("loginName",) if login else ()) + query, "admin": admin, "conflict": conflict,
            "security": security, "desc": desc, "content": content, "extra": extra or {}}


# a PBX object path names a class (odd length) or an object (even length): the wrong method for it is 405
WRONG_PATH_KIND = {"405": {"description": "POST needs a class path, PUT and DELETE an object path (Allow says which)",
                           "headers": {"Allow": {"schema": STR}},
                           "content": {"application/json": {"schema": ref("Error")}}}}


TEL, RT, CL, VM, DIR = "Telephony", "Routing", "Communication log", "Voice mail", "Directory"
PSP, PBX, UM, AN = "Phone-set programming", "PBX management", "Users management", "Analytics"
AG, PM, RTI, ST, MG, RSI = "CC agent", "CC pilot monitoring", "CC realtime", "CC statistics", "CC management", "CC RSI"
DS, EV, US = "Discovery and sessions", "Events", "Users"
NDJSON = {"application/json": {"schema": ref("Event")}}
EMPTY_200 = ("When there is none the answer is 200 with an empty body and no content type, as on a real O2G "
             "(the Node and Java SDKs read that as 'none').")

OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    # discovery and sessions
    ("GET", "/api/rest"): op(DS, "Discovery: server info and the authenticate URL of each API version", 200,
                             "Descriptor", security=[]),
    ("GET", "/api/rest/authenticate"): op(
        DS, "Log in with Basic credentials: a credential, also set as the AlcUserId cookie", 200, "Authentication",
        query=("version",), security=[{"basicAuth": []}]),
    ("GET", OPENAPI_PATH): op(SIM_ONLY, "This description (the simulator's, not a real O2G's)", 200, security=[],
                              content={"application/json": {"schema": ANY_OBJ}}),
    ("POST", "~/sessions"): op(DS, "Open a session: its time to live, base URLs and services", 200, "SessionInfo",
                               body="SessionRequest"),
    ("GET", "~/sessions"): op(DS, "The session", 200, "SessionInfo"),
    ("DELETE", "~/sessions"): op(DS, "Log out (close the session and its subscriptions)"),
    ("POST", "~/sessions/keepalive"): op(DS, "Keep the session alive (403 when it is gone)"),
    # events
    ("POST", "~/subscriptions"): op(EV, "Subscribe to event packages", 200, "Subscription",
                                    body="SubscriptionRequest"),
    ("DELETE", "~/subscriptions/{sub_id}"): op(EV, "Unsubscribe"),
    ("POST", "~/events/{sub_id}"): op(EV, "The event channel: one JSON event per line, never ending", 200,
                                      security=[], content=NDJSON,
                                      desc="The subscription id is the credential (the SDKs send no cookie). "
                                           "OnChannelInformation first, keep-alive lines when idle."),
    ("GET", "~/events/{sub_id}"): op(EV, "The event channel (GET works too)", 200, security=[], content=NDJSON),
    ("POST", "/OTEvents"): op(EV, "The event channel under its real-O2G path", 200, query=("subscriptionId",),
                              security=[], content=NDJSON),
    ("GET", "/OTEvents"): op(EV, "The event channel under its real-O2G path (GET)", 200, query=("subscriptionId",),
                             security=[], content=NDJSON),
    # users
    ("GET", "~/logins"): op(US, "The logins this session may see", 200, "LoginNames",
                            query=("nodeIds", "onlyACD", "onlyWithExtLogin")),
    ("GET", "~/users"): op(US, "The session's user (or the one with ?companyPhone=)", 200, "User",
                           query=("companyPhone",)),
    ("GET", "~/users/{login}"): op(US, "A user", 200, "User"),
    ("GET", "~/users/{login}/devices"): op(US, "A user's devices", 200, "Devices"),
    ("GET", "~/users/{login}/preferences"): op(US, "A user's preferences", 200, "Preferences"),
    ("GET", "~/users/{login}/preferences/supportedLanguages"): op(US, "The supported languages", 200,
                                                                  "SupportedLanguages"),
    ("PUT", "~/users/{login}/password"): op(US, "Change a password (an administrator needs no old one)",
                                            body="PasswordChange"),
    # telephony
    ("POST", "~/telephony/basicCall"): op(TEL, "Make a call (no licence needed)", 201, body="BasicCall",
                                          conflict=True),
    ("POST", "~/telephony/basicCall/answer"): op(TEL, "Answer the call ringing on a device", body="DeviceIdBody",
                                                 conflict=True),
    ("POST", "~/telephony/basicCall/dropme"): op(TEL, "Leave the current call", login=True, conflict=True),
    ("GET", "~/telephony/calls"): op(TEL, "The user's calls", 200, "Calls", login=True),
    ("POST", "~/telephony/calls"): op(TEL, "Make a call (Location: …/calls/{callRef})", 201, body="MakeCall",
                                      login=True, conflict=True),
    ("GET", "~/telephony/calls/{ref}"): op(TEL, "A call", 200, "Call", login=True),
    ("DELETE", "~/telephony/calls/{ref}"): op(TEL, "Release a call (every party)", login=True, conflict=True),
    ("GET", "~/telephony/calls/{ref}/deviceLegs"): op(TEL, "A call's legs", 200, "Legs", login=True),
    ("GET", "~/telephony/calls/{ref}/deviceLegs/{leg}"): op(TEL, "One leg", 200, "Leg", login=True),
    ("GET", "~/telephony/calls/{ref}/participants"): op(TEL, "A call's participants", 200, "Participants",
                                                        login=True),
    ("GET", "~/telephony/calls/{ref}/participants/{pid}"): op(TEL, "One participant", 200, "Participant",
                                                              login=True),
    ("DELETE", "~/telephony/calls/{ref}/participants/{pid}"): op(TEL, "Drop a participant", login=True,
                                                                 conflict=True),
    ("GET", "~/telephony/state"): op(TEL, "The user's telephonic state", 200, "TelephonicState", login=True),
    ("POST", "~/telephony/state/snapshot"): op(TEL, "Ask for OnTelephonyState events (an administrator without "
                                                    "loginName: every user)", login=True),
    ("GET", "~/telephony/devices"): op(TEL, "The user's device states", 200, "DeviceStates", login=True),
    ("GET", "~/telephony/devices/{device}"): op(TEL, "One device's state", 200, "DeviceState", login=True),
    ("POST", "~/telephony/calls/{ref}/callback"): op(TEL, "Ask the busy or unanswering user to call back",
                                                     login=True, conflict=True),
    ("POST", "~/telephony/pilots/{node}/{pilot}/transferInfo"): op(
        TEL, "Could a call be transferred to this pilot now", 200, "PilotInfo", body="PilotQuery",
        body_required=False, login=True),
    ("GET", "~/telephony/incomingCallbacks"): op(TEL, "Callback requests left for the user", 200, "Callbacks",
                                                 login=True),
    ("DELETE", "~/telephony/incomingCallbacks"): op(TEL, "Delete every callback request", login=True),
    ("DELETE", "~/telephony/incomingCallbacks/{cid}"): op(TEL, "Delete one callback request", login=True),
    ("POST", "~/telephony/outgoingCallbacks"): op(TEL, "Leave a callback request on another user", body="CalleeBody",
                                                  login=True),
    **{("POST", f"~/telephony/calls/{{ref}}/{name}"): op(TEL, summary, body=body, body_required=required,
                                                          login=True, conflict=True)
       for name, summary, body, required in [
           ("answer", "Answer", "OptionalDeviceBody", False),
           ("hold", "Hold", "OptionalDeviceBody", False),
           ("retrieve", "Retrieve a held call", "OptionalDeviceBody", False),
           ("alternate", "Hold the active call and retrieve this held one", "OptionalDeviceBody", False),
           ("dropme", "Leave the call (a conference goes on)", "OptionalDeviceBody", False),
           ("reconnect", "End the enquiry call and go back to this held one", "ReconnectBody", True),
           ("transfer", "Transfer: connect the held call and this active one", "HeldCallBody", True),
           ("merge", "Three-party conference from this active call and the held one", "HeldCallBody", True),
           ("blindtransfer", "Blind transfer", "BlindTransferBody", True),
           ("redirect", "Deflect a ringing call (redirectTo VOICEMAIL: to voice mail)", "RedirectBody", True),
           ("sendDtmf", "Send DTMF digits on an active call", "DtmfBody", True)]},
    # routing
    ("GET", "~/routing"): op(RT, "What the user may route", 200, "RoutingCapabilities", login=True),
    ("POST", "~/routing"): op(RT, "Remote extension (mobile) on or off", body="PresentationRouteBody", login=True),
    ("GET", "~/routing/state"): op(RT, "The routing state", 200, "RoutingState", login=True),
    ("POST", "~/routing/state/snapshot"): op(RT, "Ask for an OnRoutingStateChanged event", login=True),
    ("GET", "~/routing/dnd"): op(RT, "Do not disturb: on or off", 200, "Dnd", login=True),
    ("POST", "~/routing/dnd"): op(RT, "Do not disturb on", login=True),
    ("DELETE", "~/routing/dnd"): op(RT, "Do not disturb off", login=True),
    ("GET", "~/routing/forwardroute"): op(RT, "The forward route (an empty body: none)", 200, login=True,
                                          resp="ForwardRoute", desc=EMPTY_200),
    ("POST", "~/routing/forwardroute"): op(RT, "Forward calls", body="ForwardRouteBody", login=True),
    ("DELETE", "~/routing/forwardroute"): op(RT, "Cancel the forward", login=True),
    ("GET", "~/routing/overflowroute"): op(RT, "The overflow route (an empty body: none)", 200, login=True,
                                           resp="OverflowRoute", desc=EMPTY_200),
    ("POST", "~/routing/overflowroute"): op(RT, "Overflow calls", body="OverflowRouteBody", login=True),
    ("DELETE", "~/routing/overflowroute"): op(RT, "Cancel the overflow", login=True),
    # event summary, comlog
    ("GET", "~/eventsummary"): op("Event summary", "Missed calls, messages, callback requests", 200, "EventSummary",
                                  login=True),
    ("GET", "~/comlog/records"): op(CL, "Query the call history", 200, "ComlogPage", login=True,
                                    query=("afterDate", "beforeDate", "unanswered", "unacknowledged", "role",
                                           "comRef", "remotePartyId", "offset", "limit", "optimized")),
    ("DELETE", "~/comlog/records"): op(CL, "Delete records (recordIdList, else every record that matches)",
                                       login=True, query=("recordIdList", "afterDate", "beforeDate", "unanswered",
                                                          "unacknowledged", "role", "comRef", "remotePartyId")),
    ("PUT", "~/comlog/records"): op(CL, "Acknowledge records (or not)", body="RecordIds", login=True,
                                    query=("acknowledge",)),
    ("GET", "~/comlog/records/{rid}"): op(CL, "One record", 200, "ComRecord", login=True),
    ("DELETE", "~/comlog/records/{rid}"): op(CL, "Delete one record", login=True),
    # voice mail
    ("GET", "~/messaging/mailboxes"): op(VM, "The user's mailboxes", 200, "Mailboxes", login=True),
    ("POST", "~/messaging/mailboxes/{box}"): op(VM, "Connect to a mailbox", 200, "MailboxInfo",
                                                body="MailboxPassword", body_required=False, login=True,
                                                query=("withUserPwd",)),
    ("GET", "~/messaging/mailboxes/{box}/voicemails"): op(VM, "The messages", 200, "Voicemails", login=True,
                                                          query=("newOnly", "offset", "limit")),
    ("DELETE", "~/messaging/mailboxes/{box}/voicemails"): op(VM, "Delete messages", login=True, query=("msgIds",)),
    ("GET", "~/messaging/mailboxes/{box}/voicemails/{vid}"): op(
        VM, "Download a message (WAV; a Range request gets 206 and marks it read)", 200, login=True,
        content={"audio/wav": {"schema": {"type": "string", "format": "binary"}}},
        extra={"206": {"description": "the part a Range header asked for (how Node marks a message read)",
                       "headers": {"Content-Range": {"schema": STR}},
                       "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}},
               "416": {"description": "a Range beyond the message", "headers": {"Content-Range": {"schema": STR}}}}),
    ("DELETE", "~/messaging/mailboxes/{box}/voicemails/{vid}"): op(VM, "Delete a message", login=True),
    # directory
    ("POST", "~/directory/search"): op(DIR, "Start a search (at most 5 at once)", 201, body="DirectorySearch",
                                       login=True),
    ("GET", "~/directory/search"): op(DIR, "The next results (poll until FINISH or TIMEOUT)", 200,
                                      "DirectoryResults", login=True),
    ("DELETE", "~/directory/search"): op(DIR, "Cancel the search", login=True),
    # phone-set programming
    ("GET", "~/users/{login}/devices/{deviceId}"): op(PSP, "A device", 200, "Device"),
    ("GET", "~/users/{login}/devices/{deviceId}/programmeableKeys"): op(PSP, "Its programmable keys", 200, "PKeys"),
    ("GET", "~/users/{login}/devices/{deviceId}/programmedKeys"): op(PSP, "Its programmed keys", 200, "PKeys"),
    ("PUT", "~/users/{login}/devices/{deviceId}/programmeableKeys/{position}"): op(PSP, "Program a key",
                                                                                   body="KeyBody", conflict=True),
    ("DELETE", "~/users/{login}/devices/{deviceId}/programmeableKeys/{position}"): op(PSP, "Clear a key",
                                                                                      conflict=True),
    ("GET", "~/users/{login}/devices/{deviceId}/softKeys"): op(PSP, "Its soft keys", 200, "SKeys"),
    ("PUT", "~/users/{login}/devices/{deviceId}/softKeys/{position}"): op(PSP, "Program a soft key",
                                                                          body="KeyBody"),
    ("DELETE", "~/users/{login}/devices/{deviceId}/softKeys/{position}"): op(PSP, "Clear a soft key"),
    ("PUT", "~/users/{login}/devices/{deviceId}/lock"): op(PSP, "Lock or unlock the set", query=("activate",)),
    ("PUT", "~/users/{login}/devices/{deviceId}/campon"): op(PSP, "Camp-on on or off", query=("activate",)),
    ("PUT", "~/users/{login}/devices/{deviceId}/REActive"): op(PSP, "Remote extension on or off",
                                                               query=("activate",), conflict=True),
    ("GET", "~/users/{login}/devices/{deviceId}/pin"): op(PSP, "The PIN settings", 200, "Pin"),
    ("PUT", "~/users/{login}/devices/{deviceId}/pin"): op(PSP, "Change the PIN settings", body="Pin"),
    ("GET", "~/users/{login}/devices/{deviceId}/dynamicState"): op(PSP, "Lock, camp-on, associate", 200,
                                                                   "DynamicState"),
    ("PUT", "~/users/{login}/devices/{deviceId}/associate"): op(PSP, "Set the associate number",
                                                                body="AssociateBody"),
    # maintenance
    ("GET", "~/system/status"): op("Maintenance", "The O2G server's status", 200, "SystemStatus", admin=True),
    # PBX management
    ("GET", "~/pbxs"): op(PBX, "The OXE nodes", 200, "NodeIds", admin=True),
    ("GET", "~/pbxs/"): op(PBX, "The OXE nodes (trailing slash)", 200, "NodeIds", admin=True),
    ("GET", "~/pbxs/{node}"): op(PBX, "A node", 200, "PbxNode", admin=True),
    ("GET", "~/pbxs/{node}/model"): op(PBX, "The object model of the root", 200, "ObjectModel", admin=True),
    ("GET", "~/pbxs/{node}/model/{name}"): op(PBX, "An object's model", 200, "ObjectModel", admin=True),
    ("GET", "~/pbxs/{node}/instances"): op(PBX, "The root object", 200, "PbxObject", admin=True),
    ("GET", "~/pbxs/{node}/instances/"): op(PBX, "The root object (trailing slash)", 200, "PbxObject", admin=True),
    ("GET", "~/pbxs/{node}/instances/{path}"): op(PBX, "A class's objects (odd path) or one object (even path)",
                                                  200, "PbxObject", admin=True, query=("filter", "attributes")),
    ("POST", "~/pbxs/{node}/instances/{path}"): op(PBX, "Create an object (Location: its URL)", 201,
                                                   body="AttributesBody", admin=True, conflict=True,
                                                   extra=WRONG_PATH_KIND),
    ("PUT", "~/pbxs/{node}/instances/{path}"): op(PBX, "Change an object's attributes", body="AttributesBody",
                                                  admin=True, conflict=True, extra=WRONG_PATH_KIND),
    ("DELETE", "~/pbxs/{node}/instances/{path}"): op(PBX, "Delete an object", admin=True, query=("force",),
                                                     conflict=True, extra=WRONG_PATH_KIND),
    # users management
    ("GET", "~/usermanagement"): op(UM, "O2G users' logins (by node, or the one with a number)", 200, "LoginNames",
                                    admin=True, query=("nodeIds", "deviceNumber")),
    ("POST", "~/usermanagement"): op(UM, "Make OXE subscribers O2G users", 200, "Users",
                                     body="UserManagementCreate", admin=True, conflict=True),
    ("GET", "~/usermanagement/{login}"): op(UM, "An O2G user", 200, "User", admin=True),
    ("DELETE", "~/usermanagement/{login}"): op(UM, "Stop being an O2G user (the OXE subscriber stays)",
                                               admin=True, conflict=True),
    # analytics
    ("GET", "~/analytics/incidents"): op(AN, "OXE incidents", 200, "Incidents", admin=True,
                                         query=("nodeId", "last")),
    ("GET", "~/analytics/charging/files"): op(AN, "Charging files", 200, "ChargingFiles", admin=True,
                                              query=("nodeId", "fromDate", "toDate")),
    ("GET", "~/analytics/charging"): op(AN, "Charging tickets", 200, "Chargings", admin=True,
                                        query=("nodeId", "fromDate", "toDate", "files", "top", "all")),
    # CC agent
    ("GET", "~/acdagent/config"): op(AG, "The operator's configuration", 200, "OperatorConfiguration", login=True),
    ("GET", "~/acdagent/state"): op(AG, "The operator's state", 200, "OperatorState", login=True),
    ("POST", "~/acdagent/state/snapshot"): op(AG, "Ask for OnAgentStateChanged events", login=True),
    ("POST", "~/acdagent/logon"): op(AG, "Log on a pro-ACD set", body="LogonBody", login=True, conflict=True),
    ("POST", "~/acdagent/logoff"): op(AG, "Log off", login=True, conflict=True),
    ("POST", "~/acdagent/enterPG"): op(AG, "Enter a processing group (supervisor; Java's path)", body="PgBody",
                                       login=True, conflict=True),
    ("POST", "~/acdagent/enter"): op(AG, "Enter a processing group (supervisor; Node's path)", body="PgBody",
                                     login=True, conflict=True),
    ("POST", "~/acdagent/exitPG"): op(AG, "Leave the processing group (Java's path)", body="OptionalPgBody",
                                      body_required=False, login=True, conflict=True),
    ("POST", "~/acdagent/exit"): op(AG, "Leave the processing group (Node's path)", body="OptionalPgBody",
                                    body_required=False, login=True, conflict=True),
    ("POST", "~/acdagent/ready"): op(AG, "Ready", login=True, conflict=True),
    ("POST", "~/acdagent/pause"): op(AG, "Pause", login=True, conflict=True),
    ("POST", "~/acdagent/wrapUp"): op(AG, "Wrap-up", login=True, conflict=True),
    ("GET", "~/acdagent/withdrawReasons"): op(AG, "A group's withdraw reasons", 200, "WithdrawReasons", login=True,
                                              query=("pgNumber",)),
    ("POST", "~/acdagent/withdraw"): op(AG, "Withdraw, with a reason", body="WithdrawBody", login=True,
                                        conflict=True),
    ("POST", "~/acdagent/config/skills/activate"): op(AG, "Activate skills", body="SkillsBody", login=True),
    ("POST", "~/acdagent/config/skills/deactivate"): op(AG, "Deactivate skills", body="SkillsBody", login=True),
    ("POST", "~/acdagent/supervisorHelp"): op(AG, "Ask the supervisor for help", login=True, conflict=True),
    ("DELETE", "~/acdagent/supervisorHelp"): op(AG, "Cancel or reject a help request", login=True,
                                                query=("other",), conflict=True),
    ("POST", "~/acdagent/permanentListening"): op(AG, "Listen to an agent (supervisor)", body="AgentNumberBody",
                                                  login=True, conflict=True),
    ("DELETE", "~/acdagent/permanentListening"): op(AG, "Stop listening", login=True, conflict=True),
    ("POST", "~/acdagent/intrusion"): op(AG, "Intrude into an agent's call (supervisor)", body="IntrusionBody",
                                         login=True, conflict=True),
    ("PUT", "~/acdagent/intrusion"): op(AG, "Change the intrusion mode", body="IntrusionModeBody", login=True,
                                        conflict=True),
    ("DELETE", "~/acdagent/intrusion"): op(AG, "End an intrusion, or cancel help (Java's form)", login=True,
                                           conflict=True),
    # CC pilot monitoring
    ("POST", "~/acdpilotmonitoring/{pilot}"): op(PM, "Start monitoring a pilot", admin=True),
    ("DELETE", "~/acdpilotmonitoring/{pilot}"): op(PM, "Stop monitoring a pilot", admin=True),
    ("POST", "~/acdpilotmonitoring/{node}/{pilot}"): op(PM, "Start monitoring a pilot (Java's form)", admin=True),
    ("DELETE", "~/acdpilotmonitoring/{node}/{pilot}"): op(PM, "Stop monitoring a pilot (Java's form)",
                                                          admin=True),
    # CC realtime
    ("GET", "~/acdrealtime"): op(RTI, "Every RTI object", 200, "RtiObjects", admin=True),
    **{("GET", f"~/acdrealtime/{kind}"): op(RTI, f"The RTI {kind}", 200, admin=True,
                                            content={"application/json": {"schema": obj(
                                                {kind: arr(ref("RtiId"))}, (kind,))}})
       for kind in ("agents", "pilots", "queues", "pgAgents", "pgOthers")},
    ("GET", "~/acdrealtime/ctx"): op(RTI, "The session's RTI context", 200, "RtiContext", admin=True),
    ("POST", "~/acdrealtime/ctx"): op(RTI, "Set the RTI context", body="RtiContext", admin=True),
    ("PUT", "~/acdrealtime/ctx"): op(RTI, "Set the RTI context", body="RtiContext", admin=True),
    ("DELETE", "~/acdrealtime/ctx"): op(RTI, "Delete the RTI context", admin=True),
    ("POST", "~/acdrealtime/snapshot"): op(RTI, "Start RTI events", admin=True, conflict=True),
    # CC statistics
    ("POST", "~/acdstats/scope"): op(ST, "Create a requester", 200, body="ScopeBody", admin=True,
                                     content={"application/json": {"schema": ANY_OBJ}}),
    ("GET", "~/acdstats/scope/{rid}"): op(ST, "A requester", 200, "Requester", admin=True),
    ("DELETE", "~/acdstats/scope/{rid}"): op(ST, "Delete a requester and its contexts", admin=True),
    ("POST", "~/acdstats/scope/{rid}/ctx"): op(ST, "Create a context", 200, "Id", body="StatsContextBody",
                                               admin=True),
    ("GET", "~/acdstats/scope/{rid}/ctx"): op(ST, "The requester's contexts", 200, "StatsContexts", admin=True),
    ("DELETE", "~/acdstats/scope/{rid}/ctx"): op(ST, "Delete every context", admin=True),
    ("GET", "~/acdstats/scope/{rid}/ctx/{cid}"): op(ST, "A context", 200, "StatsContext", admin=True),
    ("PUT", "~/acdstats/scope/{rid}/ctx/{cid}"): op(ST, "Change a context", body="StatsContextBody", admin=True),
    ("DELETE", "~/acdstats/scope/{rid}/ctx/{cid}"): op(ST, "Delete a context", admin=True),
    ("GET", "~/acdstats/scope/{rid}/ctx/{cid}/oneday/data"): op(
        ST, "One day's statistics (JSON, or a ZIP of csv / xls)", 200, admin=True, conflict=True,
        query=("date", "slotType", "format", "shortHeader", "async"),
        content={"application/json": {"schema": ref("StatisticsData")},
                 "application/zip": {"schema": {"type": "string", "format": "binary"}}}),
    ("GET", "~/acdstats/scope/{rid}/ctx/{cid}/days/data"): op(
        ST, "Several days' statistics (JSON, or a ZIP of csv / xls)", 200, admin=True, conflict=True,
        query=("begindate", "enddate", "format", "shortHeader", "async"),
        content={"application/json": {"schema": ref("StatisticsData")},
                 "application/zip": {"schema": {"type": "string", "format": "binary"}}}),
    ("DELETE", "~/acdstats/scope/{rid}/data/request"): op(ST, "Cancel the running export", admin=True),
    ("POST", "~/acdstats/scope/{rid}/ctx/{cid}/schedule"): op(ST, "Create a scheduled report", 200, "Id",
                                                              body="ScheduleRequest", admin=True),
    ("GET", "~/acdstats/scope/{rid}/ctx/{cid}/schedule"): op(ST, "The scheduled reports", 200, "Schedules",
                                                             admin=True),
    ("GET", "~/acdstats/scope/{rid}/ctx/{cid}/schedule/{sid}"): op(ST, "A scheduled report", 200, "Schedule",
                                                                   admin=True),
    ("PUT", "~/acdstats/scope/{rid}/ctx/{cid}/schedule/{sid}"): op(ST, "Change a scheduled report",
                                                                   body="ScheduleRequest", admin=True),
    ("DELETE", "~/acdstats/scope/{rid}/ctx/{cid}/schedule/{sid}"): op(ST, "Delete a scheduled report", admin=True),
    ("POST", "~/acdstats/scope/{rid}/ctx/{cid}/schedule/{sid}/enable"): op(ST, "Enable or disable a report",
                                                                           admin=True, query=("enable",)),
    ("GET", "/acdstats-files/{token}/report.zip"): op(
        ST, "Download an exported statistics file (its fullResPath; no cookie needed)", 200, security=[],
        content={"application/zip": {"schema": {"type": "string", "format": "binary"}}}),
    # CC management
    ("GET", "~/acdmanagement/{node}/pilots"): op(MG, "The pilots", 200, "CcdPilots", admin=True),
    ("GET", "~/acdmanagement/{node}/pilots/{pilot}"): op(MG, "A pilot", 200, "CcdPilot", admin=True),
    ("POST", "~/acdmanagement/{node}/pilots/{pilot}"): op(MG, "A pilot, evaluated for an agent or skills", 200,
                                                          "CcdPilot", body="PilotQuery", body_required=False,
                                                          admin=True),
    ("GET", "~/acdmanagement/{node}/pilots/{pilot}/calendar"): op(MG, "A pilot's calendars", 200, "Calendars",
                                                                  admin=True),
    ("GET", "~/acdmanagement/{node}/pilots/{pilot}/calendar/{kind}"): op(MG, "The normal or exception calendar",
                                                                         200, "Calendar", admin=True),
    ("POST", "~/acdmanagement/{node}/pilots/{pilot}/calendar/{kind}/{day}"): op(
        MG, "Add a transition (Node's path)", body="Transition", admin=True, conflict=True),
    ("POST", "~/acdmanagement/{node}/pilots/{pilot}/calendar/{kind}/{day}/transitions"): op(
        MG, "Add a transition", body="Transition", admin=True, conflict=True),
    ("PUT", "~/acdmanagement/{node}/pilots/{pilot}/calendar/{kind}/{day}/transitions/{n}"): op(
        MG, "Change a transition", body="Transition", admin=True),
    ("DELETE", "~/acdmanagement/{node}/pilots/{pilot}/calendar/{kind}/{day}/transitions/{n}"): op(
        MG, "Delete a transition", admin=True),
    ("POST", "~/acdmanagement/{node}/pilots/{pilot}/open"): op(MG, "Open the pilot", admin=True),
    ("POST", "~/acdmanagement/{node}/pilots/{pilot}/close"): op(MG, "Close the pilot (calls overflow)", admin=True),
    # RSI
    ("GET", "~/acdrsi"): op(RSI, "The RSI points", 200, "RsiPoints", admin=True),
    ("POST", "~/acdrsi/{rsi}/enable"): op(RSI, "Enable an RSI point for this session", admin=True,
                                          query=("backup",), conflict=True),
    ("POST", "~/acdrsi/{rsi}/enable/backup"): op(RSI, "Enable an RSI point in backup mode (Java's form)",
                                                 admin=True, conflict=True),
    ("POST", "~/acdrsi/{rsi}/disable"): op(RSI, "Disable an RSI point", admin=True, conflict=True),
    ("GET", "~/acdrsi/{rsi}/routeSessions"): op(RSI, "Its route sessions", 200, "RouteSessions", admin=True),
    ("GET", "~/acdrsi/{rsi}/routeSessions/{crid}"): op(RSI, "A route session", 200, "RouteSession", admin=True),
    ("POST", "~/acdrsi/{rsi}/routeSelect"): op(RSI, "Route the call", body="RouteSelectBody", admin=True,
                                               conflict=True),
    ("POST", "~/acdrsi/{rsi}/routeEnd"): op(RSI, "End the route session", body="RouteEndBody", admin=True,
                                            conflict=True),
    ("POST", "~/acdrsi/{rsi}/playTone"): op(RSI, "Play a tone", body="PlayToneBody", admin=True, conflict=True),
    ("POST", "~/acdrsi/{rsi}/stopTone"): op(RSI, "Stop the tone", body="CallRefBody", admin=True, conflict=True),
    ("POST", "~/acdrsi/{rsi}/playVoiceGuide"): op(RSI, "Play a voice guide", body="VoiceGuideBody", admin=True,
                                                  conflict=True),
    ("POST", "~/acdrsi/{rsi}/collectDigits"): op(RSI, "Collect digits (Location and body: the collCrid)", 201,
                                                 "Collection", body="CollectDigitsBody", admin=True, conflict=True),
    ("DELETE", "~/acdrsi/{rsi}/collectDigits/{coll}"): op(RSI, "Stop collecting", admin=True, conflict=True),
}

ERRORS = {
    "400": "bad or missing parameter, malformed JSON, JSON nested deeper than 32 levels",
    "401": "no credential, or an unknown or expired one: authenticate again",
    "403": "no session for this credential, or not allowed (role, licence, someone else's resource)",
    "404": "unknown resource (call, user, record, pilot…)",
    "409": "not possible in the current state (the call, the agent, the object)",
    "413": "request body larger than 1 MiB",
    "503": "O2G restarting (Retry-After), the CTI link to the user's OXE node down, or the management link down",
}


# ------------------------------------------------------------------------------------------------ building
def openapi_path(aiohttp_path: str) -> str:
    """``/pbxs/{node}/instances/{path:.+}`` → ``/pbxs/{node}/instances/{path}``."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", aiohttp_path)


def _described(path: str) -> bool:
    return path.startswith("/api/rest") or path in ("/OTEvents",) or path.startswith("/acdstats-files/")


def served_operations(app: Any) -> list[tuple[str, str]]:
    """(method, OpenAPI path) of every O2G route the simulator serves — the control API ``/sim`` left out."""
    found: list[tuple[str, str]] = []
    for route in app.router.routes():
        if route.method == "HEAD" or route.resource is None:
            continue
        info = route.resource.get_info()
        path = info.get("path") or info.get("formatter")
        if path and _described(path):
            found.append((route.method, openapi_path(path)))
    return found


def _full(path: str) -> str:
    return BASE + path[1:] if path.startswith("~") else path


def _operation_id(method: str, path: str) -> str:
    words = [w for w in re.split(r"[^A-Za-z0-9]+", path.replace(BASE, "")) if w]
    name = method.lower() + "".join(w[:1].upper() + w[1:] for w in words)
    return name + "Slash" if path.endswith("/") and path != "/" else name


def _path_key(name: str, path: str) -> str:
    return "rid_record" if name == "rid" and "/comlog/" in path else name


def _path_parameter(key: str) -> dict[str, Any]:
    name = "rid" if key == "rid_record" else key
    description, example = PATH_PARAMS[key]
    schema: dict[str, Any] = dict(STR)
    if name == "kind":
        schema = {"type": "string", "enum": ["normal", "exception"]}
    elif name not in ("path", "name"):
        schema["pattern"] = "^[^/]+$"
    return {"name": name, "in": "path", "required": True, "description": description, "schema": schema,
            "example": example}


def _query_parameter(name: str) -> dict[str, Any]:
    schema, description = QUERY[name]
    return {"name": name, "in": "query", "required": False, "description": description, "schema": dict(schema)}


def _parameters(path: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """References to ``components/parameters`` (``p_<name>`` for path, ``q_<name>`` for query parameters)."""
    names = [f"p_{_path_key(n, path)}" for n in re.findall(r"\{(\w+)\}", path)]
    names += [f"q_{n}" for n in spec["query"]]
    return [{"$ref": f"#/components/parameters/{n}"} for n in names]


def _responses(spec: dict[str, Any]) -> dict[str, Any]:
    ok = str(spec["ok"])
    success: dict[str, Any] = {"description": {"200": "OK", "201": "Created", "204": "Done"}[ok]}
    if spec["content"] is not None:
        success["content"] = copy.deepcopy(spec["content"])
    elif spec["resp"]:
        success["content"] = {"application/json": {"schema": ref(spec["resp"])}}
    if ok == "201":
        success["headers"] = {"Location": {"description": "the URL of what was created", "schema": STR}}
    responses: dict[str, Any] = {ok: success}
    codes = ["400", "401", "403", "404"] + (["409"] if spec["conflict"] else []) + (["413"] if spec["body"] else [])
    codes.append("503")
    for code in codes:
        responses[code] = {"$ref": f"#/components/responses/E{code}"}
    for code, answer in spec.get("extra", {}).items():
        responses[code] = answer
    return responses


def _operation(method: str, path: str, spec: dict[str, Any]) -> dict[str, Any]:
    description = spec["desc"] or ""
    if spec["admin"]:
        description = ("Administrator sessions only. " + description).strip()
    elif "loginName" in spec["query"]:
        description = ("An administrator names the user with ?loginName=. " + description).strip()
    operation: dict[str, Any] = {"tags": [spec["tag"]], "summary": spec["summary"],
                                 "operationId": _operation_id(method, path)}
    if description:
        operation["description"] = description
    params = _parameters(path, spec)
    if params:
        operation["parameters"] = params
    if spec["body"]:
        operation["requestBody"] = {"required": spec["body_required"],
                                    "content": {"application/json": {"schema": ref(spec["body"])}}}
    operation["responses"] = _responses(spec)
    if spec["security"] is not None:
        operation["security"] = spec["security"]
    return operation


def build(app: Any) -> dict[str, Any]:
    """The OpenAPI document for the routes of ``app`` (a simulator's aiohttp application).

    Raises ``KeyError`` naming a served route that has no hand-written entry in ``OPERATIONS``, and
    ``ValueError`` naming an entry that is not served: the description never drifts from the routes.
    """
    served = served_operations(app)
    entries = {(m, _full(p)): spec for (m, p), spec in OPERATIONS.items()}
    missing = [f"{m} {p}" for m, p in served if (m, p) not in entries]
    if missing:
        raise KeyError("routes served but not described in o2gmentor/sim/openapi.py: " + ", ".join(missing))
    extra = sorted(f"{m} {p}" for (m, p) in entries if (m, p) not in set(served))
    if extra:
        raise ValueError("described in o2gmentor/sim/openapi.py but not served: " + ", ".join(extra))
    paths: dict[str, dict[str, Any]] = {}
    for method, path in sorted(set(served), key=lambda mp: (mp[1], mp[0])):
        paths.setdefault(path, {})[method.lower()] = _operation(method, path, entries[(method, path)])
    error = {"description": "an O2G error", "content": {"application/json": {"schema": ref("Error")}}}
    responses = {"Error": error}
    for code, text in ERRORS.items():
        responses[f"E{code}"] = {"description": text, "content": {"application/json": {"schema": ref("Error")}}}
    responses["E503"]["headers"] = {"Retry-After": {"description": "seconds to wait (O2G restarting)",
                                                    "schema": INT}}
    used_tags = {spec["tag"] for spec in OPERATIONS.values()}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "O2G REST API 1.0 — as the O2G Mentor simulator serves it",
            "version": "1.0",
            "description": (
                "The OmniPCX Open Gateway (O2G) REST API 1.0 as served by the simulated O2G of the O2G Mentor "
                "course — **the simulator's description, not ALE's**: a real O2G publishes no OpenAPI "
                "description. Paths, bodies and status codes follow the public SDKs and samples "
                "(o2g-api-core.md, o2g-api-ccd.md); details the sources do not settle are the simulator's "
                "choice. Log in with GET /api/rest/authenticate (Basic), then open a session with POST "
                "/api/rest/1.0/sessions: the AlcUserId cookie carries the credential on every later call. "
                "Every error answers with the O2G error body (Error). The simulator's control API (/sim/…) "
                "is not described: it is not O2G."),
        },
        "servers": [{"url": "https://{host}", "description": "an O2G (the simulator: 127.0.0.1:8443)",
                     "variables": {"host": {"default": "127.0.0.1:8443"}}}],
        "tags": [{"name": name, "description": text} for name, text in TAGS if name in used_tags],
        "security": [{"alcUserId": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "basicAuth": {"type": "http", "scheme": "basic", "description": "login and password"},
                "alcUserId": {"type": "apiKey", "in": "cookie", "name": "AlcUserId",
                              "description": "the credential GET /api/rest/authenticate returned (and set)"},
            },
            "parameters": {**{f"p_{k}": _path_parameter(k) for k in PATH_PARAMS},
                           **{f"q_{k}": _query_parameter(k) for k in QUERY}},
            "schemas": copy.deepcopy(SCHEMAS),
            "responses": responses,
        },
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def packaged_text() -> str:
    """The packaged ``openapi.json`` as text (what the simulator serves)."""
    return resources.files("o2gmentor.sim").joinpath("openapi.json").read_text(encoding="utf-8")


def _fresh_document() -> dict[str, Any]:
    from o2gmentor.sim import scenario
    from o2gmentor.sim.api.app import SimState, build_app
    from o2gmentor.sim.model.pbx import Pbx

    return build(build_app(SimState(Pbx(scenario.load("default")))))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = render(_fresh_document())
    if "--check" in args:
        if not FILE.exists() or FILE.read_text(encoding="utf-8") != text:
            print(f"{FILE} is stale: run python -m o2gmentor.sim.openapi", file=sys.stderr)
            return 1
        print(f"{FILE} is up to date")
        return 0
    FILE.write_text(text, encoding="utf-8")
    print(f"wrote {FILE} ({len(json.loads(text)['paths'])} paths)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
