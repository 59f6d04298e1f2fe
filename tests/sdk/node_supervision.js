#!/usr/bin/env node
'use strict';
// Supervision scenario (user session) driving ALE's O2G Node SDK through its public API only:
// login, subscribe (routing, eventSummary, comlog, telephony), DND on/off with OnRoutingStateChanged,
// immediate forward on number and read-back, event summary, a call A -> 1001 to create a comlog record
// (OnComRecordCreated + getComRecords), directory search (last name begins with "Mar"), shutdown.
// Usage:
//   node node_supervision.js --host 127.0.0.1:8443 --login oxe1002 --password 1002 --number 1002 \
//        --forward-to 1003 --call-to 1001 --ca /path/to/ca.pem --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js [--debug]
const {
    startScenario, withTimeout, STEP_MS, sleep, loadSdk, abortPolicy, makeEventLog, step, runScenario, sdkPath,
} = require('./scenario-common');

// Parent: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA; child: the actual scenario.
const { args } = startScenario(__filename, {
    required: ['host', 'login', 'password', 'ca'],
    defaults: { number: '1002', 'forward-to': '1003', 'call-to': '1001', 'dir-login': 'oxe1001' },
});

const sdk = loadSdk(require, sdkPath(args));
const {
    O2G, O2GServers, Host, Subscription, LogLevel,
    Telephony, Routing, CommunicationLog, ForwardCondition, Destination,
    Criteria, FilterItem, OperationFilter, SearchResult,
} = sdk;

async function main() {
    const routingEvents = makeEventLog();
    const comlogEvents = makeEventLog();
    const callCreated = makeEventLog();
    const callRemoved = makeEventLog();
    let callRef = null;
    let callMade = false;

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login
    const loggedIn = await step('1 login', async () => {
        O2G.initialize('sdk-supervision', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(abortPolicy(sdk));
        const ok = await withTimeout(O2G.login(args.login, args.password), 10_000, 'login');
        if (ok !== true) throw new Error('O2G.login returned ' + ok);
    });
    if (!loggedIn) return;

    // 2. subscribe routing + eventSummary + unifiedComLog + telephony (listeners first)
    await step('2 subscribe routing/eventSummary/comlog/telephony', async () => {
        O2G.routing.on(Routing.ON_ROUTING_STATE_CHANGED, (ev) => routingEvents.push(ev));
        O2G.comlog.on(CommunicationLog.ON_COM_RECORD_CREATED, (ev) => comlogEvents.push(ev));
        O2G.telephony.on(Telephony.ON_CALL_CREATED, (ev) => callCreated.push(ev));
        O2G.telephony.on(Telephony.ON_CALL_REMOVED, (ev) => callRemoved.push(ev));
        O2G.eventSummary; // instantiate the service so its event is registered
        const sub = Subscription.Builder
            .addRoutingEvents([args.login])
            .addEventSummaryEvents([args.login])
            .addCommunicationLogEvents([args.login])
            .addTelephonyEvents([args.login])
            .build();
        await withTimeout(O2G.subscribe(sub), STEP_MS, 'subscribe');
    });

    // 3. activate DND
    let mark = routingEvents.seen.length;
    await step('3 activateDnd', async () => {
        const r = await withTimeout(O2G.routing.activateDnd(), STEP_MS, 'activateDnd');
        if (r !== true) throw new Error('activateDnd returned ' + r);
    });

    // 4. OnRoutingStateChanged with dnd active
    await step('4 OnRoutingStateChanged dnd=true', async () => {
        const ev = await routingEvents.wait((e) => e.routingState && e.routingState.dndState && e.routingState.dndState.activate === true,
            STEP_MS, 'OnRoutingStateChanged(dnd=true)', mark);
        return `loginName=${ev.loginName}`;
    });

    // 5. read routing state: dnd true
    await step('5 getRoutingState dnd=true', async () => {
        const rs = await withTimeout(O2G.routing.getRoutingState(), STEP_MS, 'getRoutingState');
        if (!rs) throw new Error('getRoutingState returned ' + rs);
        if (rs.dndState.activate !== true) throw new Error('dndState.activate=' + rs.dndState.activate);
    });

    // 6. cancel DND (and see it reported inactive)
    mark = routingEvents.seen.length;
    await step('6 cancelDnd', async () => {
        const r = await withTimeout(O2G.routing.cancelDnd(), STEP_MS, 'cancelDnd');
        if (r !== true) throw new Error('cancelDnd returned ' + r);
        await routingEvents.wait((e) => e.routingState && e.routingState.dndState && e.routingState.dndState.activate === false,
            STEP_MS, 'OnRoutingStateChanged(dnd=false)', mark);
        const d = await withTimeout(O2G.routing.getDndState(), STEP_MS, 'getDndState');
        if (!d || d.activate !== false) throw new Error('getDndState.activate=' + (d && d.activate));
    });

    // 7. immediate forward on number
    mark = routingEvents.seen.length;
    await step(`7 forwardOnNumber ${args['forward-to']} IMMEDIATE`, async () => {
        const r = await withTimeout(O2G.routing.forwardOnNumber(args['forward-to'], ForwardCondition.IMMEDIATE), STEP_MS, 'forwardOnNumber');
        if (r !== true) throw new Error('forwardOnNumber returned ' + r);
    });

    // 8. read it back
    await step('8 getRoutingState forward', async () => {
        const rs = await withTimeout(O2G.routing.getRoutingState(), STEP_MS, 'getRoutingState');
        if (!rs) throw new Error('getRoutingState returned ' + rs);
        const f = rs.forward;
        if (f.destination !== Destination.NUMBER) throw new Error(`forward.destination=${f.destination} (number=${f.number})`);
        if (f.number !== args['forward-to']) throw new Error(`forward.number=${f.number}`);
        if (f.condition !== ForwardCondition.IMMEDIATE) throw new Error(`forward.condition=${f.condition}`);
        const ev = routingEvents.seen.slice(mark).find((e) => e.routingState && e.routingState.forward.number === args['forward-to']);
        return `destination=${f.destination} number=${f.number} condition=${f.condition}; event ${ev ? 'seen' : 'not seen'}`;
    });

    // 9. cancel forward
    await step('9 cancelForward', async () => {
        const r = await withTimeout(O2G.routing.cancelForward(), STEP_MS, 'cancelForward');
        if (r !== true) throw new Error('cancelForward returned ' + r);
        const f = await withTimeout(O2G.routing.getForward(), STEP_MS, 'getForward');
        if (!f) throw new Error('getForward returned ' + f);
        if (f.destination !== Destination.NONE) throw new Error(`after cancel forward.destination=${f.destination} number=${f.number}`);
    });

    // 10. event summary
    await step('10 eventSummary.get', async () => {
        const c = await withTimeout(O2G.eventSummary.get(), STEP_MS, 'eventSummary.get');
        if (!c) throw new Error('eventSummary.get returned ' + c);
        for (const k of ['missedCallsCount', 'voiceMessagesCount', 'callBackRequestsCount']) {
            if (typeof c[k] !== 'number') throw new Error(`${k}=${c[k]}`);
        }
        return `missed=${c.missedCallsCount} vm=${c.voiceMessagesCount} cb=${c.callBackRequestsCount} waiting=${c.eventWaiting}`;
    });

    // 11. a call A -> call-to, so that a comlog record exists
    const comMark = comlogEvents.seen.length;
    await step(`11 makeCall ${args.number} -> ${args['call-to']}`, async () => {
        const r = await withTimeout(O2G.telephony.makeCall(args.number, args['call-to'], true), STEP_MS, 'makeCall');
        if (r !== true) throw new Error('makeCall returned ' + r);
        const ev = await callCreated.wait((e) => !!e.callRef, STEP_MS, 'OnCallCreated');
        callRef = ev.callRef;
        callMade = true;
        return `callRef=${callRef}`;
    });
    if (callMade) {
        await step('12 release + OnCallRemoved', async () => {
            await sleep(500);
            const r = await withTimeout(O2G.telephony.release(callRef), STEP_MS, 'release');
            if (r !== true) throw new Error('release returned ' + r);
            await callRemoved.wait((e) => e.callRef === callRef, STEP_MS, 'OnCallRemoved');
        });
        await step('13 OnComRecordCreated', async () => {
            const ev = await comlogEvents.wait((e) => !!e.record, STEP_MS, 'OnComRecordCreated', comMark);
            return `loginName=${ev.loginName} recordId=${ev.record.id} comRef=${ev.record.comRef}`;
        });
    }

    // 14. comlog records
    await step('14 comlog.getComRecords', async () => {
        const qr = await withTimeout(O2G.comlog.getComRecords(), STEP_MS, 'getComRecords');
        if (!qr) throw new Error('getComRecords returned ' + qr);
        if (!Array.isArray(qr.records)) throw new Error('records is not an array: ' + qr.records);
        if (callMade && qr.records.length < 1) throw new Error('a call was made but no record returned');
        for (const r of qr.records) {
            if (r.id == null || !Array.isArray(r.participants || [])) throw new Error('malformed record');
        }
        const r0 = qr.records[0];
        const parts = r0 ? (r0.participants || []).map((p) => `${p.role}:${p.identity && p.identity.id ? p.identity.id.phoneNumber : '?'}`).join(',') : '';
        return `count=${qr.count} records=${qr.records.length}${r0 ? ` first id=${r0.id} begin=${r0.beginDate && r0.beginDate.toISOString()} participants=[${parts}]` : ''}`;
    });

    // 15. directory search: last name begins with "Mar"
    await step('15 directory search lastName BEGINS_WITH "Mar"', async () => {
        const crit = Criteria.create(FilterItem.LAST_NAME, OperationFilter.BEGINS_WITH, 'Mar');
        const ok = await withTimeout(O2G.directory.search(crit, 10), STEP_MS, 'directory.search');
        if (ok !== true) throw new Error('directory.search returned ' + ok);
        const contacts = [];
        const codes = [];
        const deadline = Date.now() + 8_000;
        for (;;) {
            if (Date.now() > deadline) throw new Error('no FINISH/TIMEOUT within 8 s; codes=' + codes.join(','));
            const res = await withTimeout(O2G.directory.getResults(), STEP_MS, 'directory.getResults');
            if (!res) throw new Error('getResults returned ' + res);
            codes.push(res.status);
            for (const item of res.items || []) for (const c of item.contacts || []) contacts.push(c);
            if (res.status === SearchResult.Status.FINISH || res.status === SearchResult.Status.TIMEOUT) break;
            if (res.status === SearchResult.Status.NOK) await sleep(300);
            else if (res.status !== SearchResult.Status.OK) throw new Error('unexpected status ' + res.status);
        }
        const names = contacts.map((c) => `${c.firstName} ${c.lastName} <${c.id && c.id.loginName}/${c.id && c.id.phoneNumber}>`);
        const hit = contacts.find((c) => c.id && c.id.loginName === args['dir-login']);
        if (!hit) throw new Error(`no contact with loginName ${args['dir-login']}; codes=${codes.join(',')} got [${names.join('; ')}]`);
        return `codes=${codes.join(',')} found=[${names.join('; ')}]`;
    });
}

runScenario(main, O2G, '16 shutdown');
