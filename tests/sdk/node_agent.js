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
const {
    startScenario, withTimeout, STEP_MS, loadSdk, abortPolicy, makeEventLog, step, getters, runScenario, sdkPath, simControlClient,
} = require('./scenario-common');

// Parent: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA; child: the actual scenario.
const { args, control } = startScenario(__filename, {
    control: true, required: ['host', 'ca'],
    defaults: { login: 'oxe2001', password: '2001', proacd: '2101', group: '3010', pilot: '3000' },
});
const simControl = simControlClient(control, args.ca); // the simulator's control API, for the customer call

const sdk = loadSdk(require, sdkPath(args));
const {
    O2G, O2GServers, Host, Subscription, LogLevel,
    Telephony, CallCenterAgent, OperatorState, OperatorType, CallCause, MediaState,
} = sdk;
const MAIN = OperatorState.OperatorMainState;
const DYN = OperatorState.OperatorDynamicState;

const fmtState = (s) => s ? `main=${s.mainState} sub=${s.subState} proacd=${s.proAcdDeviceNumber} pg=${s.pgNumber} withdraw=${s.withdraw} reason=${s.withdrawReason}` : String(s);
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
        O2G.setMonitoringPolicy(abortPolicy(sdk));
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

runScenario(main, O2G, '15 shutdown');
