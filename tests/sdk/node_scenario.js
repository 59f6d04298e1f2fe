#!/usr/bin/env node
'use strict';
// The official-SDK compatibility scenario (official-node-sdk-contract.md §2), driving ALE's unmodified
// O2G Node SDK against an O2G (the simulator, or a real one). See tests/sdk/README.md.
// Usage:
//   node tests/sdk/node_scenario.js --host 127.0.0.1:8443 --login oxe1001 --password 1001 \
//        --caller 1001 --callee 1002 --ca /path/to/ca.pem --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js [--debug]
const fs = require('fs');
const os = require('os');
const path = require('path');
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
for (const req of ['host', 'login', 'password', 'caller', 'callee', 'ca']) {
    if (!args[req]) { console.log(`FAIL args: missing --${req}`); console.log('0 passed, 1 failed'); process.exit(2); }
}
const SDK_PATH = args.sdk || process.env.O2G_NODE_SDK || 'o2g-node-sdk';

// ── TLS: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA ───────
// (The SDK's chunk-eventing channel uses the global fetch, so the CA must be
//  trusted process-wide; TLS verification stays enabled.)
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
    fail('watchdog', 'scenario exceeded 40 s');
    summaryAndExit(1);
}, 40_000);

function withTimeout(promise, ms, what) {
    let t;
    return Promise.race([
        Promise.resolve(promise).finally(() => clearTimeout(t)),
        new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); }),
    ]);
}
const STEP_MS = 5_000;
const errMsg = (e) => (e && e.message) ? e.message : String(e);
const prop = (o, ...names) => { for (const n of names) { if (o != null && o[n] !== undefined) return o[n]; } return undefined; };

let sdk;
try { sdk = require(SDK_PATH); } catch (e) { fail('load-sdk', errMsg(e)); summaryAndExit(1); }
const { O2G, O2GServers, Host, Subscription, Telephony, SessionMonitoringPolicy, Behavior, LogLevel } = sdk;

// Abort (instead of retrying forever) when the initial connection/login fails.
class ScenarioPolicy extends SessionMonitoringPolicy {
    onConnectError(err) { return Behavior.abort(); }
    onChunkError(err, n) { return Behavior.abort(); }
    onKeepAliveError(err) { return Behavior.abort(); }
}

// A small event waiter that records every event so nothing is missed between steps.
function makeEventLog() {
    const seen = [];
    const waiters = [];
    return {
        push(ev) {
            seen.push(ev);
            for (const w of [...waiters]) if (w.pred(ev)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(ev); }
        },
        wait(pred, ms, what) {
            const hit = seen.find(pred);
            if (hit) return Promise.resolve(hit);
            return withTimeout(new Promise((resolve) => waiters.push({ pred, resolve })), ms, what);
        },
    };
}

async function main() {
    const created = makeEventLog();
    const removed = makeEventLog();
    let callRef = null;

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login
    try {
        O2G.initialize('sdk-scenario', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(new ScenarioPolicy());
        const ok = await withTimeout(O2G.login(args.login, args.password), 10_000, 'login');
        if (ok !== true) throw new Error('O2G.login returned ' + ok);
        pass('1 login');
    } catch (e) {
        fail('1 login', errMsg(e));
        return; // nothing else can work
    }

    // 2. subscribe telephony + eventSummary (listeners attached before subscribing: the
    //    SDK routes events to the service object, which registers itself on creation)
    try {
        const tel = O2G.telephony;
        const onCreated = Telephony && Telephony.ON_CALL_CREATED ? Telephony.ON_CALL_CREATED : 'OnCallCreated';
        const onRemoved = Telephony && Telephony.ON_CALL_REMOVED ? Telephony.ON_CALL_REMOVED : 'OnCallRemoved';
        tel.on(onCreated, (ev) => created.push(ev));
        tel.on(onRemoved, (ev) => removed.push(ev));
        try { O2G.eventSummary; } catch { /* service may be absent; subscription still requested */ }
        const sub = Subscription.Builder
            .addTelephonyEvents([args.login])
            .addEventSummaryEvents([args.login])
            .build();
        await withTimeout(O2G.subscribe(sub), STEP_MS, 'subscribe');
        pass('2 subscribe');
    } catch (e) {
        fail('2 subscribe', errMsg(e));
    }

    // 3. makeCall caller -> callee, autoAnswer
    try {
        const r = await withTimeout(O2G.telephony.makeCall(args.caller, args.callee, true), STEP_MS, 'makeCall');
        if (r === false) throw new Error('makeCall returned false');
        pass('3 makeCall');
    } catch (e) {
        fail('3 makeCall', errMsg(e));
    }

    // 4. OnCallCreated
    try {
        const ev = await created.wait((ev) => !!prop(ev, 'callRef'), STEP_MS, 'OnCallCreated');
        callRef = prop(ev, 'callRef');
        pass(`4 OnCallCreated callRef=${callRef}`);
    } catch (e) {
        fail('4 OnCallCreated', errMsg(e));
    }

    // 5. getCalls lists callRef
    try {
        const calls = await withTimeout(O2G.telephony.getCalls(), STEP_MS, 'getCalls');
        if (!Array.isArray(calls)) throw new Error('getCalls did not return an array: ' + JSON.stringify(calls));
        const refs = calls.map((c) => prop(c, 'callRef', 'reference'));
        if (!callRef) throw new Error('no callRef from step 4; got calls ' + JSON.stringify(refs));
        if (!refs.includes(callRef)) throw new Error(`callRef ${callRef} not in ${JSON.stringify(refs)}`);
        pass('5 getCalls');
    } catch (e) {
        fail('5 getCalls', errMsg(e));
    }

    // 6. release
    try {
        if (!callRef) throw new Error('no callRef');
        const r = await withTimeout(O2G.telephony.release(callRef), STEP_MS, 'release');
        if (r === false) throw new Error('release returned false');
        pass('6 release');
    } catch (e) {
        fail('6 release', errMsg(e));
    }

    // 7. OnCallRemoved with same callRef
    try {
        if (!callRef) throw new Error('no callRef');
        await removed.wait((ev) => prop(ev, 'callRef') === callRef, STEP_MS, 'OnCallRemoved');
        pass('7 OnCallRemoved');
    } catch (e) {
        fail('7 OnCallRemoved', errMsg(e));
    }

    // 8. get user A
    try {
        const u = await withTimeout(O2G.users.getByLoginName(args.login), STEP_MS, 'users.get');
        if (!u) throw new Error('users.get returned ' + u);
        const loginName = prop(u, 'loginName');
        const companyPhone = prop(u, 'companyPhone');
        if (loginName !== args.login) throw new Error(`loginName=${loginName} expected ${args.login}`);
        if (companyPhone !== args.caller) throw new Error(`companyPhone=${companyPhone} expected ${args.caller}`);
        pass('8 users.get');
    } catch (e) {
        fail('8 users.get', errMsg(e));
    }

    // 9. routing state
    try {
        const rs = await withTimeout(O2G.routing.getRoutingState(), STEP_MS, 'getRoutingState');
        if (rs == null || typeof rs !== 'object') throw new Error('getRoutingState returned ' + rs);
        pass('9 getRoutingState');
    } catch (e) {
        fail('9 getRoutingState', errMsg(e));
    }
}

main()
    .catch((e) => fail('scenario', errMsg(e)))
    .then(async () => {
        // 10. shutdown (logout)
        try {
            await withTimeout(O2G.shutdown(), STEP_MS, 'shutdown');
            pass('10 shutdown');
        } catch (e) {
            fail('10 shutdown', errMsg(e));
        }
        clearTimeout(watchdog);
        summaryAndExit();
    });
