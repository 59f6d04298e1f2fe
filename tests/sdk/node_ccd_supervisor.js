#!/usr/bin/env node
'use strict';
// CCD supervision scenario (administrator session) driving ALE's O2G Node SDK through its public API only:
// login, subscribe (acd pilot events for the pilot + rti), start pilot monitoring, a customer calls the pilot
// (simulator control API, not O2G) while no agent is logged on (OnPilotCallCreated, OnPilotCallQueued),
// then the realtime service: list the RTI objects, set a context (queue + agents, ALL attributes), start
// (snapshot), OnQueueRtiChanged (nbOfWaitingCalls >= 1) and OnAgentRtiChanged, delete the context; the
// customer hangs up (OnPilotCallRemoved), stop monitoring, shutdown. The pilot steps do not depend on the RTI steps.
// Usage:
//   node node_ccd_supervisor.js --control /path/to/control.json --login admin --password admin-o2g \
//        --pilot 3000 --queue 3001 --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js \
//        [--host 127.0.0.1:8443] [--ca /path/to/ca.pem] [--debug]
// --host and --ca default to the host/port/ca found in control.json.
const {
    startScenario, withTimeout, STEP_MS, loadSdk, abortPolicy, makeEventLog, step, getters, runScenario, sdkPath, simControlClient,
} = require('./scenario-common');

// Parent: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA; child: the actual scenario.
const { args, control } = startScenario(__filename, {
    control: true, required: ['host', 'ca'],
    defaults: { login: 'admin', password: 'admin-o2g', pilot: '3000', queue: '3001' },
});
const simControl = simControlClient(control, args.ca); // the simulator's control API, for the customer calls

const sdk = loadSdk(require, sdkPath(args));
const {
    O2G, O2GServers, Host, Subscription, LogLevel,
    CallCenterPilot, CallCenterRealtime, RtiContext, RtiFilter, RtiQueueAttributes, RtiAgentAttributes,
} = sdk;

const ids = (list) => list == null ? String(list) : `[${list.map((o) => o.number + (o.name ? `:${o.name}` : '')).join(', ')}]`;

async function main() {
    const pilotCreated = makeEventLog();
    const pilotQueued = makeEventLog();
    const pilotRemoved = makeEventLog();
    const queueRti = makeEventLog();
    const agentRti = makeEventLog();
    const otherRti = makeEventLog();

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login as administrator
    const loggedIn = await step(`1 login (${args.login})`, async () => {
        O2G.initialize('sdk-ccd-supervisor', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(abortPolicy(sdk));
        const ok = await withTimeout(O2G.login(args.login, args.password), 10_000, 'login');
        if (ok !== true) throw new Error('O2G.login returned ' + ok);
    });
    if (!loggedIn) return;

    // 2. subscribe pilot events (this pilot) + rti (listeners first)
    await step(`2 subscribe acdPilot[${args.pilot}] + rti`, async () => {
        O2G.callCenterPilot.on(CallCenterPilot.ON_PILOT_CALL_CREATED, (ev) => pilotCreated.push(ev));
        O2G.callCenterPilot.on(CallCenterPilot.ON_PILOT_CALL_QUEUED, (ev) => pilotQueued.push(ev));
        O2G.callCenterPilot.on(CallCenterPilot.ON_PILOT_CALL_REMOVED, (ev) => pilotRemoved.push(ev));
        O2G.callCenterRealtime.on(CallCenterRealtime.ON_QUEUE_RTI_CHANGED, (ev) => queueRti.push(ev));
        O2G.callCenterRealtime.on(CallCenterRealtime.ON_AGENT_RTI_CHANGED, (ev) => agentRti.push(ev));
        for (const n of [CallCenterRealtime.ON_PILOT_RTI_CHANGED, CallCenterRealtime.ON_AGENT_PG_RTI_CHANGED, CallCenterRealtime.ON_OTHER_PG_RTI_CHANGED]) {
            O2G.callCenterRealtime.on(n, (ev) => otherRti.push({ name: n, ev }));
        }
        const sub = Subscription.Builder
            .addCallCenterPilotEvents([args.pilot])
            .addCallCenterRealtimeEvents()
            .build();
        await withTimeout(O2G.subscribe(sub), STEP_MS, 'subscribe');
    });

    // ── Pilot part ──
    // 3. start pilot monitoring
    await step(`3 callCenterPilot.monitorStart ${args.pilot}`, async () => {
        const ok = await withTimeout(O2G.callCenterPilot.monitorStart(args.pilot), STEP_MS, 'monitorStart');
        if (ok !== true) throw new Error('monitorStart returned ' + ok);
    });

    // 4. a customer calls the pilot (no agent logged on: it queues)
    let simCallRef = null;
    await step(`4 customer calls pilot ${args.pilot} (control API)`, async () => {
        const r = await withTimeout(simControl('POST', '/ccd/customer-call', { pilot: args.pilot }), STEP_MS, 'customer-call');
        if (!r || !r.callRef) throw new Error('no callRef in ' + JSON.stringify(r));
        simCallRef = r.callRef;
        return `control API callRef=${simCallRef}`;
    });

    // 5. OnPilotCallCreated
    let customer = null;
    await step('5 OnPilotCallCreated', async () => {
        const ev = await pilotCreated.wait((e) => e.pilot === args.pilot, 8_000, 'OnPilotCallCreated')
            .catch((err) => { throw new Error(`${err.message}; seen: ${JSON.stringify(pilotCreated.seen.map(getters))}`); });
        customer = ev.caller;
        const cd = ev.callData;
        return `pilot=${ev.pilot} caller=${ev.caller} callRef=${ev.callRef} cause=${ev.cause}` +
            (cd ? ` callData{initialCalled=${cd.initialCalled} anonymous=${cd.anonymous} networkRerouted=${cd.networkRerouted}}` : ' callData=null') +
            (simCallRef && ev.callRef !== simCallRef ? ` [control API callRef was ${simCallRef}]` : '');
    });

    // 6. OnPilotCallQueued (numberOfQueued >= 1)
    await step('6 OnPilotCallQueued queued>=1', async () => {
        const ev = await pilotQueued.wait((e) => e.pilot === args.pilot, 8_000, 'OnPilotCallQueued')
            .catch((err) => { throw new Error(`${err.message}; seen: ${JSON.stringify(pilotQueued.seen.map(getters))}`); });
        const d = `pilot=${ev.pilot} caller=${ev.caller} queue=${ev.queue} callRef=${ev.callRef} cause=${ev.cause} queuedCallsCount=${ev.queuedCallsCount}`;
        if (!(ev.queuedCallsCount >= 1)) throw new Error('queuedCallsCount < 1: ' + d);
        return d;
    });

    // ── Realtime (RTI) part: independent of the pilot part ──
    let agentNumbers = [];
    await step('7 callCenterRealtime.getRtiObjects', async () => {
        const o = await withTimeout(O2G.callCenterRealtime.getRtiObjects(), STEP_MS, 'getRtiObjects');
        if (!o) throw new Error('getRtiObjects returned ' + o + ' (null = non-2xx answer or empty body; see the simulator request log)');
        agentNumbers = (o.agents || []).map((a) => a.number);
        const d = `agents=${ids(o.agents)} pilots=${ids(o.pilots)} queues=${ids(o.queues)} pgAgents=${ids(o.agentProcessingGroups)} pgOthers=${ids(o.otherProcessingGroups)}`;
        if (!o.agents || !o.agents.length) throw new Error('no agents: ' + d);
        if (!o.pilots || !o.pilots.some((p) => p.number === args.pilot)) throw new Error(`pilot ${args.pilot} missing: ` + d);
        if (!o.queues || !o.queues.some((q) => q.number === args.queue)) throw new Error(`queue ${args.queue} missing: ` + d);
        return d;
    });
    for (const [label, fn, n] of [['agents', 'getAgents', '8a'], ['pilots', 'getPilots', '8b'], ['queues', 'getQueues', '8c']]) {
        await step(`${n} callCenterRealtime.${fn}`, async () => {
            const l = await withTimeout(O2G.callCenterRealtime[fn](), STEP_MS, fn);
            if (!l || !l.length) throw new Error(`${fn} returned ${l == null ? l : '[]'}`);
            if (label === 'agents' && !agentNumbers.length) agentNumbers = l.map((a) => a.number);
            return `${label}=${ids(l)}`;
        });
    }

    const ctxSet = await step(`9 setContext obsPeriod=15 notifFrequency=5 queue ${args.queue} + agents, ALL`, async () => {
        const filter = new RtiFilter();
        filter.setQueueNumbers([args.queue]);
        filter.setQueueAttributes(RtiQueueAttributes.ALL);
        if (agentNumbers.length) filter.setAgentNumbers(agentNumbers);
        filter.setAgentAttributes(RtiAgentAttributes.ALL);
        const ctx = new RtiContext(15, 5, filter);
        const ok = await withTimeout(O2G.callCenterRealtime.setContext(ctx), STEP_MS, 'setContext');
        if (ok !== true) throw new Error('setContext returned ' + ok);
        const back = await withTimeout(O2G.callCenterRealtime.getContext(), STEP_MS, 'getContext');
        if (!back) return `getContext returned ${back}`;
        const f = back.filter ? back.filter.toJson() : null;
        return `getContext: active=${back.active} obsPeriod=${back.observationPeriod} notifFrequency=${back.notificationFrequency} filter=${JSON.stringify(f)}`;
    });

    const qMark = queueRti.seen.length;
    const aMark = agentRti.seen.length;
    const started = ctxSet && await step('10 callCenterRealtime.start (snapshot)', async () => {
        const ok = await withTimeout(O2G.callCenterRealtime.start(), STEP_MS, 'start');
        if (ok !== true) throw new Error('start returned ' + ok);
    });

    if (started) {
        await step(`11 OnQueueRtiChanged ${args.queue} nbOfWaitingCalls>=1`, async () => {
            const ev = await queueRti.wait((e) => e.number === args.queue && e.nbOfWaitingCalls >= 1, 12_000, 'OnQueueRtiChanged', qMark)
                .catch((err) => { throw new Error(`${err.message}; OnQueueRtiChanged seen: ${JSON.stringify(queueRti.seen.slice(qMark).map(getters))}; other RTI events seen: ${otherRti.seen.length}`); });
            return JSON.stringify(getters(ev));
        });
        await step('12 OnAgentRtiChanged', async () => {
            const ev = await agentRti.wait(() => true, 12_000, 'OnAgentRtiChanged', aMark)
                .catch((err) => { throw new Error(`${err.message}; other RTI events seen: ${otherRti.seen.length}`); });
            return `${agentRti.seen.length - aMark} event(s); first ${JSON.stringify(getters(ev))}`;
        });
    }

    if (ctxSet) {
        await step('13 callCenterRealtime.deleteContext', async () => {
            const ok = await withTimeout(O2G.callCenterRealtime.deleteContext(), STEP_MS, 'deleteContext');
            if (ok !== true) throw new Error('deleteContext returned ' + ok);
        });
    }

    // 14. the waiting customer hangs up (control API) → OnPilotCallRemoved
    if (customer) {
        const rMark = pilotRemoved.seen.length;
        await step(`14 customer ${customer} hangs up (control API) -> OnPilotCallRemoved`, async () => {
            await withTimeout(simControl('POST', `/phones/${encodeURIComponent(customer)}/hangup`), STEP_MS, 'control API hangup');
            const ev = await pilotRemoved.wait((e) => e.pilot === args.pilot, 8_000, 'OnPilotCallRemoved', rMark);
            return `pilot=${ev.pilot} releasingDevice=${ev.releasingDevice} newDestination=${ev.newDestination} callRef=${ev.callRef} cause=${ev.cause}`;
        });
    }

    // 15. stop pilot monitoring
    await step(`15 callCenterPilot.monitorStop ${args.pilot}`, async () => {
        const ok = await withTimeout(O2G.callCenterPilot.monitorStop(args.pilot), STEP_MS, 'monitorStop');
        if (ok !== true) throw new Error('monitorStop returned ' + ok);
    });

}

runScenario(main, O2G, '16 shutdown');
