#!/usr/bin/env node
'use strict';
// The official-SDK compatibility scenario (official-node-sdk-contract.md §2), driving ALE's unmodified
// O2G Node SDK against an O2G (the simulator, or a real one). See tests/sdk/README.md.
// Usage:
//   node tests/sdk/node_scenario.js --host 127.0.0.1:8443 --login oxe1001 --password 1001 \
//        --caller 1001 --callee 1002 --ca /path/to/ca.pem --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js [--debug]
const {
    startScenario, pass, fail, withTimeout, STEP_MS, errMsg, loadSdk, abortPolicy, makeEventLog, runScenario, sdkPath,
} = require('./scenario-common');

// Parent: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA; child: the actual scenario.
const { args } = startScenario(__filename, {
    required: ['host', 'login', 'password', 'caller', 'callee', 'ca'],
    watchdogSeconds: 40, reportKill: false,
});
const prop = (o, ...names) => { for (const n of names) { if (o != null && o[n] !== undefined) return o[n]; } return undefined; };

const sdk = loadSdk(require, sdkPath(args));
const { O2G, O2GServers, Host, Subscription, Telephony, LogLevel } = sdk;

async function main() {
    const created = makeEventLog();
    const removed = makeEventLog();
    let callRef = null;

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login
    try {
        O2G.initialize('sdk-scenario', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(abortPolicy(sdk));
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

// 10. shutdown (logout)
runScenario(main, O2G, '10 shutdown');
