#!/usr/bin/env node
'use strict';
// CCD agent scenario (user session) driving ALE's O2G Node SDK through its public API only:
// login, subscribe (acd agent + telephony), operator configuration and state, logon on the pro-ACD set
// into an agent group (READY), a customer calls the pilot (simulator control API, not O2G), the call is
// distributed to the pro-ACD set (OnCallCreated cause DISTRIBUTED, agent BUSY), answer (ACTIVE), release
// (OnCallRemoved, agent WRAPUP), setReady (READY), withdraw with the first reason (WITHDRAW), logoff
// (LOG_OFF), shutdown.
// Usage:
//   node node_agent.js --control /path/to/control.json --login oxe2001 --password 2001 --proacd 2101 \
//        --group 3010 --pilot 3000 --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js \
//        [--host 127.0.0.1:8443] [--ca /path/to/ca.pem] [--debug]
// --host and --ca default to the host/port/ca found in control.json.
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { spawnSync } = require('child_process');

function parseArgs(argv) {
    const a = {};
    for (let i = 0; i < argv.length; i++) {
        const k = argv[i];
        if (!k.startsWith('--')) continue;
        const name = k.slice(2);
        if (name === 'debug') { a.debug = true; continue; }
        a[name] = argv[++i];
    }
    return a;
}
const args = parseArgs(process.argv.slice(2));
function die(step, msg) { console.log(`FAIL ${step}: ${msg}`); console.log('0 passed, 1 failed'); process.exit(2); }
if (!args.control) die('args', 'missing --control');
let control;
try { control = JSON.parse(fs.readFileSync(path.resolve(args.control), 'utf8')); } catch (e) { die('args', `cannot read --control ${args.control}: ${e.message}`); }
for (const k of ['host', 'port', 'token']) if (control[k] == null) die('args', `control.json has no "${k}"`);
args.host = args.host || `${control.host}:${control.port}`;
args.ca = args.ca || control.ca;
args.login = args.login || 'oxe2001';
args.password = args.password || '2001';
args.proacd = args.proacd || '2101';
args.group = args.group || '3010';
args.pilot = args.pilot || '3000';
for (const req of ['host', 'ca']) if (!args[req]) die('args', `missing --${req}`);
const SDK_PATH = args.sdk || process.env.O2G_NODE_SDK || 'o2g-node-sdk';

// ── TLS: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA (verification stays on) ──
if (process.env.O2G_SCENARIO_CHILD !== '1') {
    const caPath = path.resolve(args.ca);
    let caPem;
    try { caPem = fs.readFileSync(caPath, 'utf8'); } catch (e) {
        console.log(`FAIL tls-setup: cannot read CA ${caPath}: ${e.message}`); console.log('0 passed, 1 failed'); process.exit(1);
    }
    let sys = '';
    try { sys = fs.readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8'); } catch { /* no system bundle */ }
    const bundle = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sdk-scenario-')), 'ca-bundle.pem');
    fs.writeFileSync(bundle, sys + (sys.endsWith('\n') || !sys ? '' : '\n') + caPem + '\n');
    const env = { ...process.env, NODE_EXTRA_CA_CERTS: bundle, O2G_SCENARIO_CHILD: '1' };
    delete env.NODE_TLS_REJECT_UNAUTHORIZED;
    const r = spawnSync(process.execPath, [__filename, ...process.argv.slice(2)], { env, stdio: 'inherit', timeout: 60_000 });
    try { fs.rmSync(path.dirname(bundle), { recursive: true, force: true }); } catch { }
    if (r.status == null) { console.log('FAIL watchdog: child killed after 60 s'); console.log('0 passed, 1 failed'); }
    process.exit(r.status == null ? 1 : r.status);
}

// ── Child: the actual scenario ───────────────────────────────────────────────
let passed = 0, failed = 0;
function pass(step) { passed++; console.log(`PASS ${step}`); }
function fail(step, reason) { failed++; console.log(`FAIL ${step}: ${reason}`); }
function summaryAndExit(code) {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(code !== undefined ? code : (failed === 0 && passed > 0 ? 0 : 1));
}
const watchdog = setTimeout(() => {
    fail('watchdog', 'scenario exceeded 55 s');
    summaryAndExit(1);
}, 55_000);

function withTimeout(promise, ms, what) {
    let t;
    return Promise.race([
        Promise.resolve(promise).finally(() => clearTimeout(t)),
        new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); }),
    ]);
}
const STEP_MS = 5_000;
const errMsg = (e) => (e && e.message) ? e.message : String(e);

// The simulator's control API (not part of O2G): POST https://host:port/sim/<path>, X-Sim-Token header.
function simControl(method, p, body) {
    return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
        const req = https.request({
            host: control.host, port: control.port, method, path: '/sim' + p,
            ca: fs.readFileSync(args.ca),
            headers: { 'X-Sim-Token': control.token, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': data.length } : {}) },
        }, (res) => {
            let buf = '';
            res.setEncoding('utf8');
            res.on('data', (c) => { buf += c; });
            res.on('end', () => {
                if (res.statusCode < 200 || res.statusCode >= 300) return reject(new Error(`${method} /sim${p} -> HTTP ${res.statusCode} ${buf}`));
                try { resolve(buf ? JSON.parse(buf) : null); } catch (e) { reject(new Error(`${method} /sim${p}: bad JSON ${buf}`)); }
            });
        });
        req.on('error', reject);
        if (data) req.write(data);
        req.end();
    });
}

let sdk;
try { sdk = require(SDK_PATH); } catch (e) { fail('load-sdk', errMsg(e)); summaryAndExit(1); }
const {
    O2G, O2GServers, Host, Subscription, SessionMonitoringPolicy, Behavior, LogLevel,
    Telephony, CallCenterAgent, OperatorState, OperatorType, CallCause, MediaState,
} = sdk;
const MAIN = OperatorState.OperatorMainState;
const DYN = OperatorState.OperatorDynamicState;

class ScenarioPolicy extends SessionMonitoringPolicy {
    onConnectError(err) { return Behavior.abort(); }
    onChunkError(err, n) { return Behavior.abort(); }
    onKeepAliveError(err) { return Behavior.abort(); }
}

function makeEventLog() {
    const seen = [];
    const waiters = [];
    return {
        seen,
        push(ev) {
            seen.push(ev);
            for (const w of [...waiters]) if (w.pred(ev)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(ev); }
        },
        // only events arriving after `since` (an index into seen) are considered
        wait(pred, ms, what, since = 0) {
            const hit = seen.slice(since).find(pred);
            if (hit) return Promise.resolve(hit);
            return withTimeout(new Promise((resolve) => waiters.push({ pred, resolve })), ms, what);
        },
    };
}

async function step(name, fn) {
    try {
        const detail = await fn();
        pass(name + (detail ? ` (${detail})` : ''));
        return true;
    } catch (e) {
        fail(name, errMsg(e));
        return false;
    }
}

const fmtState = (s) => s ? `main=${s.mainState} sub=${s.subState} proacd=${s.proAcdDeviceNumber} pg=${s.pgNumber} withdraw=${s.withdraw} reason=${s.withdrawReason}` : String(s);
// public getter values of an SDK object (for reporting)
function getters(o) {
    if (!o) return o;
    const r = {};
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(o)))) if (d.get) r[k] = o[k];
    return r;
}
const legsOf = (ev) => (ev.legs || ev.modifiedLegs || []).map((l) => `${l.deviceId}:${l.state}`).join(',');

async function main() {
    const agentEvents = makeEventLog();
    const created = makeEventLog();
    const modified = makeEventLog();
    const removed = makeEventLog();
    const waitAgent = (pred, what, since) => agentEvents.wait((e) => e.state && pred(e.state), 8_000, `OnAgentStateChanged(${what})`, since)
        .catch((err) => { throw new Error(`${err.message}; agent events seen since: [${agentEvents.seen.slice(since).map((e) => fmtState(e.state)).join(' | ')}]`); });

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login
    const loggedIn = await step(`1 login ${args.login}`, async () => {
        O2G.initialize('sdk-ccd-agent', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(new ScenarioPolicy());
        const ok = await withTimeout(O2G.login(args.login, args.password), 10_000, 'login');
        if (ok !== true) throw new Error('O2G.login returned ' + ok);
    });
    if (!loggedIn) return;

    // 2. subscribe agent + telephony events (listeners first)
    const subscribed = await step('2 subscribe acdAgent/telephony', async () => {
        O2G.callCenterAgent.on(CallCenterAgent.ON_AGENT_STATE_CHANGED, (ev) => agentEvents.push(ev));
        O2G.telephony.on(Telephony.ON_CALL_CREATED, (ev) => created.push(ev));
        O2G.telephony.on(Telephony.ON_CALL_MODIFIED, (ev) => modified.push(ev));
        O2G.telephony.on(Telephony.ON_CALL_REMOVED, (ev) => removed.push(ev));
        const sub = Subscription.Builder
            .addCallCenterAgentEvents([args.login])
            .addTelephonyEvents([args.login])
            .build();
        await withTimeout(O2G.subscribe(sub), STEP_MS, 'subscribe');
    });
    if (!subscribed) return;

    // 3. operator configuration
    await step(`3 getConfiguration proacd=${args.proacd}`, async () => {
        const c = await withTimeout(O2G.callCenterAgent.getConfiguration(), STEP_MS, 'getConfiguration');
        if (!c) throw new Error('getConfiguration returned ' + c);
        const groups = c.processingGroups ? (c.processingGroups.groups || []) : [];
        const d = `type=${c.type} proacd=${c.proacd} groups=[${groups.join(',')}] preferred=${c.processingGroups && c.processingGroups.preferred} skills=${c.skills ? c.skills.skills.length : null} selfAssign=${c.selfAssign} headset=${c.headset} help=${c.help} multiline=${c.multiline}`;
        if (c.type !== OperatorType.AGENT) throw new Error('type is not AGENT: ' + d);
        if (c.proacd !== args.proacd) throw new Error('unexpected proacd: ' + d);
        if (!groups.includes(args.group)) throw new Error(`group ${args.group} not in processingGroups: ` + d);
        return d;
    });

    // 4. operator state: LOG_OFF
    await step('4 getState LOG_OFF', async () => {
        const s = await withTimeout(O2G.callCenterAgent.getState(), STEP_MS, 'getState');
        if (!s) throw new Error('getState returned ' + s);
        if (s.mainState !== MAIN.LOG_OFF) throw new Error('not logged off: ' + fmtState(s));
        return fmtState(s);
    });

    // 5. logon on the pro-ACD set into the group → READY
    let mark = agentEvents.seen.length;
    const loggedOn = await step(`5 logon ${args.proacd} pg=${args.group} -> READY`, async () => {
        const ok = await withTimeout(O2G.callCenterAgent.logon(args.proacd, args.group), STEP_MS, 'logon');
        if (ok !== true) throw new Error('logon returned ' + ok);
        const ev = await waitAgent((s) => s.mainState === MAIN.LOG_ON && s.subState === DYN.READY, 'LOG_ON/READY', mark);
        return `event loginName=${ev.loginName} ${fmtState(ev.state)}`;
    });
    if (!loggedOn) return;

    // 6. a customer calls the pilot (simulator control API)
    let simCallRef = null;
    mark = agentEvents.seen.length;
    const cMark = created.seen.length;
    const called = await step(`6 customer calls pilot ${args.pilot} (control API)`, async () => {
        const r = await withTimeout(simControl('POST', '/ccd/customer-call', { pilot: args.pilot }), STEP_MS, 'customer-call');
        if (!r || !r.callRef) throw new Error('no callRef in ' + JSON.stringify(r));
        simCallRef = r.callRef;
        return `control API callRef=${simCallRef}`;
    });
    if (!called) return;

    // 7. OnCallCreated on the pro-ACD set, cause DISTRIBUTED
    let callRef = null;
    await step('7 OnCallCreated on pro-ACD, cause DISTRIBUTED', async () => {
        const ev = await created.wait((e) => !!e.callRef, 8_000, 'OnCallCreated', cMark);
        callRef = ev.callRef;
        const legs = ev.legs || [];
        const acd = ev.callData ? ev.callData.acdCallData : null;
        const acdTxt = acd ? `acdCallData{pilot=${acd.pilotNumber} rsi=${acd.rsiNumber} supervisedTransfer=${acd.isSupervisedTransfer}` +
            ` callInfo=${JSON.stringify(getters(acd.callInfo))} queueData=${JSON.stringify(getters(acd.queueData))}}` : 'acdCallData=null';
        const d = `callRef=${callRef} cause=${ev.cause} legs=[${legsOf(ev)}] state=${ev.callData && ev.callData.state} ${acdTxt}`;
        if (!legs.some((l) => l.deviceId === args.proacd)) throw new Error(`no leg on ${args.proacd}: ` + d);
        if (ev.cause !== CallCause.DISTRIBUTED) throw new Error('cause is not DISTRIBUTED: ' + d);
        return d;
    });

    // 8. agent BUSY
    await step('8 OnAgentStateChanged BUSY', async () => {
        const ev = await waitAgent((s) => s.subState === DYN.BUSY, 'BUSY', mark);
        return fmtState(ev.state);
    });
    if (!callRef) return;

    // 9. answer on the pro-ACD set → OnCallModified ACTIVE
    const mMark = modified.seen.length;
    await step(`9 answer on ${args.proacd} -> OnCallModified ACTIVE`, async () => {
        const ok = await withTimeout(O2G.telephony.answer(callRef, args.proacd), STEP_MS, 'answer');
        if (ok !== true) throw new Error('answer returned ' + ok);
        const ev = await modified.wait((e) => e.callRef === callRef && e.callData && e.callData.state === MediaState.ACTIVE, 8_000,
            'OnCallModified(ACTIVE)', mMark).catch((err) => {
            throw new Error(`${err.message}; OnCallModified seen: [${modified.seen.slice(mMark).map((e) => `${e.callRef}:${e.callData && e.callData.state}`).join(', ')}]`);
        });
        return `cause=${ev.cause} state=${ev.callData.state} modifiedLegs=[${(ev.modifiedLegs || []).map((l) => `${l.deviceId}:${l.state}`).join(',')}]`;
    });

    // 10. release → OnCallRemoved
    mark = agentEvents.seen.length;
    await step('10 release -> OnCallRemoved', async () => {
        const ok = await withTimeout(O2G.telephony.release(callRef), STEP_MS, 'release');
        if (ok !== true) throw new Error('release returned ' + ok);
        const ev = await removed.wait((e) => e.callRef === callRef, 8_000, 'OnCallRemoved');
        return `cause=${ev.cause}`;
    });

    // 11. agent WRAPUP
    await step('11 OnAgentStateChanged WRAPUP', async () => {
        const ev = await waitAgent((s) => s.subState === DYN.WRAPUP, 'WRAPUP', mark);
        return fmtState(ev.state);
    });

    // 12. setReady → READY (no real-time wait for the 15 s simulated wrap-up)
    mark = agentEvents.seen.length;
    await step('12 setReady -> READY', async () => {
        const ok = await withTimeout(O2G.callCenterAgent.setReady(), STEP_MS, 'setReady');
        if (ok !== true) throw new Error('setReady returned ' + ok);
        const ev = await waitAgent((s) => s.subState === DYN.READY, 'READY', mark);
        return fmtState(ev.state);
    });

    // 13. withdraw reasons + withdraw with the first → WITHDRAW
    await step(`13 getWithdrawReasons ${args.group} + setWithdraw -> WITHDRAW`, async () => {
        const reasons = await withTimeout(O2G.callCenterAgent.getWithdrawReasons(args.group), STEP_MS, 'getWithdrawReasons');
        if (!reasons || reasons.length === 0) throw new Error('getWithdrawReasons returned ' + JSON.stringify(reasons));
        const list = reasons.map((r) => `${r.index}:${r.label}`).join(', ');
        const m = agentEvents.seen.length;
        const ok = await withTimeout(O2G.callCenterAgent.setWithdraw(reasons[0]), STEP_MS, 'setWithdraw');
        if (ok !== true) throw new Error(`setWithdraw(${reasons[0].index}) returned ${ok}; reasons=[${list}]`);
        const ev = await waitAgent((s) => s.subState === DYN.WITHDRAW, 'WITHDRAW', m);
        if (ev.state.withdrawReason !== reasons[0].index) throw new Error(`withdrawReason=${ev.state.withdrawReason}, expected ${reasons[0].index}; ${fmtState(ev.state)}`);
        return `reasons=[${list}] event ${fmtState(ev.state)}`;
    });

    // 14. logoff → LOG_OFF
    mark = agentEvents.seen.length;
    await step('14 logoff -> LOG_OFF', async () => {
        const ok = await withTimeout(O2G.callCenterAgent.logoff(), STEP_MS, 'logoff');
        if (ok !== true) throw new Error('logoff returned ' + ok);
        const ev = await waitAgent((s) => s.mainState === MAIN.LOG_OFF, 'LOG_OFF', mark);
        return fmtState(ev.state);
    });
}

main()
    .catch((e) => fail('scenario', errMsg(e)))
    .then(async () => {
        try {
            await withTimeout(O2G.shutdown(), STEP_MS, 'shutdown');
            pass('15 shutdown');
        } catch (e) {
            fail('15 shutdown', errMsg(e));
        }
        clearTimeout(watchdog);
        summaryAndExit();
    });
