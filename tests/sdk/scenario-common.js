'use strict';
// Shared plumbing of the tests/sdk/node_*.js scenario programs (ALE's O2G Node SDK against an O2G):
// argument parsing, the TLS re-exec with NODE_EXTRA_CA_CERTS, PASS/FAIL counting with the final
// `N passed, N failed` line, the watchdog, timeouts, the abort session policy, event waiters, steps,
// the simulator's control.json and control API. One scenario per process: the counters are module state.
const fs = require('fs');
const os = require('os');
const path = require('path');
const https = require('https');
const { spawnSync } = require('child_process');

// ── Arguments ────────────────────────────────────────────────────────────────
// --name value pairs; --debug is a flag.
function parseArgs(argv = process.argv.slice(2)) {
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
// Fail before anything ran: one FAIL line, the summary, exit 2.
function die(step, msg) { console.log(`FAIL ${step}: ${msg}`); console.log('0 passed, 1 failed'); process.exit(2); }
function requireArgs(args, names) {
    for (const req of names) if (!args[req]) die('args', `missing --${req}`);
}
const sdkPath = (args) => args.sdk || process.env.O2G_NODE_SDK || 'o2g-node-sdk';

// The simulator's control.json (--control): host, port, token, ca. --host and --ca default to it.
function readControl(args) {
    if (!args.control) die('args', 'missing --control');
    let control;
    try { control = JSON.parse(fs.readFileSync(path.resolve(args.control), 'utf8')); } catch (e) { die('args', `cannot read --control ${args.control}: ${e.message}`); }
    for (const k of ['host', 'port', 'token']) if (control[k] == null) die('args', `control.json has no "${k}"`);
    args.host = args.host || `${control.host}:${control.port}`;
    args.ca = args.ca || control.ca;
    return control;
}

// ── TLS: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA ───────
// (The SDK's chunk-eventing channel uses the global fetch, so the CA must be
//  trusted process-wide; TLS verification stays enabled.)
// In the parent this runs `script` again as the child and exits with its status; in the child it returns.
// reportKill: print a FAIL line and the summary when the child is killed after 60 s.
function reexecWithCa(script, caFile, { reportKill = true } = {}) {
    if (process.env.O2G_SCENARIO_CHILD === '1') return;
    const caPath = path.resolve(caFile);
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
    const r = spawnSync(process.execPath, [script, ...process.argv.slice(2)], { env, stdio: 'inherit', timeout: 60_000 });
    try { fs.rmSync(path.dirname(bundle), { recursive: true, force: true }); } catch { }
    if (reportKill && r.status == null) { console.log('FAIL watchdog: child killed after 60 s'); console.log('0 passed, 1 failed'); }
    process.exit(r.status == null ? 1 : r.status);
}

// ── Child: counting, watchdog, timeouts ──────────────────────────────────────
let passed = 0, failed = 0;
let watchdog = null;
function pass(step) { passed++; console.log(`PASS ${step}`); }
function fail(step, reason) { failed++; console.log(`FAIL ${step}: ${reason}`); }
function summaryAndExit(code) {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(code !== undefined ? code : (failed === 0 && passed > 0 ? 0 : 1));
}
function startWatchdog(seconds) {
    watchdog = setTimeout(() => {
        fail('watchdog', `scenario exceeded ${seconds} s`);
        summaryAndExit(1);
    }, seconds * 1000);
    return watchdog;
}

function withTimeout(promise, ms, what) {
    let t;
    return Promise.race([
        Promise.resolve(promise).finally(() => clearTimeout(t)),
        new Promise((_, rej) => { t = setTimeout(() => rej(new Error(`${what} timed out after ${ms} ms`)), ms); }),
    ]);
}
const STEP_MS = 5_000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const errMsg = (e) => (e && e.message) ? e.message : String(e);

// ── The SDK ──────────────────────────────────────────────────────────────────
// `req` is the program's own require, so the SDK path resolves (and errors read) as from the program.
function loadSdk(req, sdkFile) {
    let sdk;
    try { sdk = req(sdkFile); } catch (e) { fail('load-sdk', errMsg(e)); summaryAndExit(1); }
    return sdk;
}

// Abort (instead of retrying forever) when the initial connection/login fails.
function abortPolicy(sdk) {
    const { SessionMonitoringPolicy, Behavior } = sdk;
    class ScenarioPolicy extends SessionMonitoringPolicy {
        onConnectError(err) { return Behavior.abort(); }
        onChunkError(err, n) { return Behavior.abort(); }
        onKeepAliveError(err) { return Behavior.abort(); }
    }
    return new ScenarioPolicy();
}

// A small event waiter that records every event so nothing is missed between steps.
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

// One step: PASS name (detail) when fn resolves (to an optional detail string), FAIL name: reason otherwise.
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

// public getter values of an SDK object (for reporting)
function getters(o) {
    if (!o) return o;
    const r = {};
    for (const [k, d] of Object.entries(Object.getOwnPropertyDescriptors(Object.getPrototypeOf(o)))) {
        if (d.get && o[k] !== undefined) r[k] = o[k];
    }
    return r;
}

// Run main(), then the last step (shutdown, i.e. logout), stop the watchdog and print the summary.
function runScenario(main, O2G, shutdownStep) {
    return main()
        .catch((e) => fail('scenario', errMsg(e)))
        .then(async () => {
            try {
                await withTimeout(O2G.shutdown(), STEP_MS, 'shutdown');
                pass(shutdownStep);
            } catch (e) {
                fail(shutdownStep, errMsg(e));
            }
            clearTimeout(watchdog);
            summaryAndExit();
        });
}

// ── The simulator's control API (not part of O2G) ───────────────────────────
// simControl(method, path, body): https://host:port/sim<path>, X-Sim-Token header, JSON in and out.
function simControlClient(control, caFile) {
    return function simControl(method, p, body) {
        return new Promise((resolve, reject) => {
            const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
            const req = https.request({
                host: control.host, port: control.port, method, path: '/sim' + p,
                ca: fs.readFileSync(caFile),
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
    };
}

// ── Start of every program ───────────────────────────────────────────────────
// Parse the command line (--control: read control.json), check the required options, fill the defaults;
// in the parent, re-exec as the child (reexecWithCa) and exit with its status; in the child, start the
// watchdog and return { args, control }.
function startScenario(script, { control: useControl = false, required = [], defaults = {}, watchdogSeconds = 55, reportKill = true } = {}) {
    const args = parseArgs();
    const control = useControl ? readControl(args) : null;
    requireArgs(args, required);
    for (const [k, v] of Object.entries(defaults)) args[k] = args[k] || v;
    reexecWithCa(script, args.ca, { reportKill });
    startWatchdog(watchdogSeconds);
    return { args, control };
}

module.exports = {
    startScenario, sdkPath, loadSdk, abortPolicy, makeEventLog, step, runScenario,
    pass, fail, withTimeout, STEP_MS, sleep, errMsg, getters, simControlClient,
};
