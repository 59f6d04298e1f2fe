#!/usr/bin/env node
'use strict';
// Administrator scenario driving ALE's O2G Node SDK through its public API only:
// login as admin, maintenance system status (PBX ctiLinkState, licences with parseable expirations),
// PBX management (node ids, Subscriber object model, create / read / modify / read / delete / read-fails
// of a Subscriber, OnPbxObjectInstanceCreated/Modified/Deleted events), shutdown.
// Usage:
//   node node_admin.js --host 127.0.0.1:8443 --login admin --password admin-o2g [--dn 1040] [--node 1] \
//        --ca /path/to/ca.pem --sdk /path/to/o2g-node-sdk/dist/o2g-node-sdk.js [--debug]
const {
    startScenario, withTimeout, STEP_MS, errMsg, loadSdk, abortPolicy, makeEventLog, step, runScenario, sdkPath,
} = require('./scenario-common');

// Parent: re-exec with NODE_EXTRA_CA_CERTS = system bundle + private CA; child: the actual scenario.
const { args } = startScenario(__filename, {
    required: ['host', 'login', 'password', 'ca'],
    defaults: { node: '1', dn: '1040' },
});

const sdk = loadSdk(require, sdkPath(args));
const {
    O2G, O2GServers, Host, Subscription, LogLevel,
    PbxManagement, PbxAttribute, CTILinkState,
} = sdk;

const NODE = parseInt(args.node, 10);
const OBJ = 'Subscriber';
const DN = args.dn;
const CREATE_ATTRS = {
    Directory_Number: DN,
    Annu_Name: 'Sdk',
    Annu_First_Name: 'Test',
    Station_Type: 'SIP_Extension',
    ClickAndPh: 'A4980_Pro',
};
const READ_ATTRS = Object.keys(CREATE_ATTRS);

function attrValue(obj, name) {
    const a = obj.getAttribute(name);
    if (!a) return undefined;
    try { return a.asString(); } catch (e) { return `<${errMsg(e)}>`; }
}
function checkAttrs(obj, expected) {
    const bad = [];
    for (const [k, v] of Object.entries(expected)) {
        const got = attrValue(obj, k);
        if (got !== v) bad.push(`${k}=${JSON.stringify(got)} (expected ${JSON.stringify(v)})`);
    }
    if (bad.length) throw new Error(bad.join(', '));
}

async function main() {
    const created = makeEventLog();
    const modified = makeEventLog();
    const deleted = makeEventLog();
    let createdOk = false;

    if (args.debug && LogLevel) O2G.setLogLevel(LogLevel.DEBUG);

    // 1. login as administrator
    const loggedIn = await step('1 login (admin)', async () => {
        O2G.initialize('sdk-admin', O2GServers.Builder.primaryHost(new Host(args.host)).build());
        O2G.setMonitoringPolicy(abortPolicy(sdk));
        const ok = await withTimeout(O2G.login(args.login, args.password), 10_000, 'login');
        if (ok !== true) throw new Error('O2G.login returned ' + ok);
    });
    if (!loggedIn) return;

    // 2. subscribe to pbxManagement events (listeners first)
    await step('2 subscribe pbxManagement', async () => {
        const pm = O2G.pbxManagement;
        pm.on(PbxManagement.ON_PBX_OBJECT_INSTANCE_CREATED, (ev) => created.push(ev));
        pm.on(PbxManagement.ON_PBX_OBJECT_INSTANCE_MODIFIED, (ev) => modified.push(ev));
        pm.on(PbxManagement.ON_PBX_OBJECT_INSTANCE_DELETED, (ev) => deleted.push(ev));
        const sub = Subscription.Builder.addPbxManagementEvents().build();
        await withTimeout(O2G.subscribe(sub), STEP_MS, 'subscribe');
    });

    // 3. system status
    await step('3 maintenance.getSystemStatus', async () => {
        const st = await withTimeout(O2G.maintenance.getSystemStatus(), STEP_MS, 'getSystemStatus');
        if (!st) throw new Error('getSystemStatus returned ' + st);
        const pbxs = st.pbxs || [];
        if (pbxs.length < 1) throw new Error('no PBX in status');
        for (const p of pbxs) {
            if (!p.ctiLinkState) throw new Error(`pbx ${p.nodeId} has no ctiLinkState`);
            if (CTILinkState && !Object.values(CTILinkState).includes(p.ctiLinkState)) throw new Error(`pbx ${p.nodeId} ctiLinkState=${p.ctiLinkState} not a CTILinkState`);
        }
        const lics = (st.license && st.license.licenses) || [];
        if (lics.length < 1) throw new Error('no licences');
        for (const l of lics) {
            if (!(l.expiration instanceof Date) || isNaN(l.expiration.getTime())) throw new Error(`licence ${l.name} expiration=${l.expiration}`);
        }
        return `pbxs=[${pbxs.map((p) => `${p.nodeId}:${p.name}:${p.ctiLinkState}`).join(', ')}] licences=${lics.length} ` +
            `e.g. ${lics[0].name} ${lics[0].currentUsed}/${lics[0].total} exp=${lics[0].expiration.toDateString()}`;
    });

    // 4. node ids
    await step('4 pbxManagement.getPbxs', async () => {
        const ids = await withTimeout(O2G.pbxManagement.getPbxs(), STEP_MS, 'getPbxs');
        if (!Array.isArray(ids)) throw new Error('getPbxs returned ' + ids);
        if (!ids.includes(NODE)) throw new Error(`node ${NODE} not in ${JSON.stringify(ids)}`);
        return `nodeIds=${JSON.stringify(ids)}`;
    });

    // 5. Subscriber object model
    await step('5 getObjectModel Subscriber', async () => {
        const m = await withTimeout(O2G.pbxManagement.getObjectModel(NODE, OBJ), STEP_MS, 'getObjectModel');
        if (!m) throw new Error('getObjectModel returned ' + m);
        if (m.name !== OBJ) throw new Error('model name=' + m.name);
        if (!m.canCreate || !m.canDelete || !m.canSet || !m.canGet) throw new Error(`create=${m.canCreate} delete=${m.canDelete} set=${m.canSet} get=${m.canGet}`);
        const missing = READ_ATTRS.filter((n) => !m.attribute(n));
        if (missing.length) throw new Error('attributes missing from model: ' + missing.join(','));
        const mandatory = m.attributes().filter((a) => a.mandatory).map((a) => a.name);
        const notGiven = mandatory.filter((n) => !(n in CREATE_ATTRS));
        if (notGiven.length) throw new Error('mandatory attributes not provided: ' + notGiven.join(','));
        const st = m.attribute('Station_Type');
        if (!st.allowedValues || !st.allowedValues.includes('SIP_Extension')) throw new Error('Station_Type allowedValues=' + st.allowedValues);
        const dn = m.attribute('Directory_Number');
        return `attributes=${m.attributes().length} mandatory=[${mandatory.join(',')}] Directory_Number type=${dn.type} len=${dn.octetStringLength ? dn.octetStringLength.min + '..' + dn.octetStringLength.max : null} children=${m.children().length}`;
    });

    // 6. create Subscriber
    await step(`6 createObject Subscriber ${DN}`, async () => {
        const attrs = Object.entries(CREATE_ATTRS).map(([k, v]) => PbxAttribute.createString(k, v));
        const ok = await withTimeout(O2G.pbxManagement.createObject(NODE, OBJ, attrs), STEP_MS, 'createObject');
        if (ok !== true) throw new Error('createObject returned ' + ok);
        createdOk = true;
    });

    // 7. OnPbxObjectInstanceCreated
    await step('7 OnPbxObjectInstanceCreated', async () => {
        const ev = await created.wait((e) => e.object && e.object.objectId === DN, STEP_MS, 'OnPbxObjectInstanceCreated');
        return `object=${ev.object.objectName}/${ev.object.objectId} nodeId=${ev.nodeId}`;
    });

    // 8. read it back (with an attribute list, and full)
    await step('8 getObject (attribute list + full)', async () => {
        const o = await withTimeout(O2G.pbxManagement.getObject(NODE, OBJ, DN, READ_ATTRS.map((n) => new PbxAttribute(n))), STEP_MS, 'getObject');
        if (!o) throw new Error('getObject(attrs) returned ' + o);
        if (o.id !== DN) throw new Error('object id=' + o.id);
        checkAttrs(o, CREATE_ATTRS);
        const full = await withTimeout(O2G.pbxManagement.getObject(NODE, OBJ, DN), STEP_MS, 'getObject(full)');
        if (!full) throw new Error('getObject(full) returned ' + full);
        checkAttrs(full, CREATE_ATTRS);
        return `name=${o.name} id=${o.id} subObjects=${JSON.stringify(full.objectNames)}`;
    });

    // 9. modify Annu_Name and read it back
    await step('9 setObject Annu_Name=Sdk2 + read back', async () => {
        const ok = await withTimeout(O2G.pbxManagement.setObject(NODE, OBJ, DN, [PbxAttribute.createString('Annu_Name', 'Sdk2')]), STEP_MS, 'setObject');
        if (ok !== true) throw new Error('setObject returned ' + ok);
        const o = await withTimeout(O2G.pbxManagement.getObject(NODE, OBJ, DN, 'Annu_Name,Annu_First_Name'), STEP_MS, 'getObject');
        if (!o) throw new Error('getObject returned ' + o);
        checkAttrs(o, { Annu_Name: 'Sdk2', Annu_First_Name: 'Test' });
        const ev = modified.seen.find((e) => e.object && e.object.objectId === DN);
        return `OnPbxObjectInstanceModified ${ev ? 'seen' : 'not seen'}`;
    });

    // 10. delete it
    await step('10 deleteObject', async () => {
        const ok = await withTimeout(O2G.pbxManagement.deleteObject(NODE, OBJ, DN), STEP_MS, 'deleteObject');
        if (ok !== true) throw new Error('deleteObject returned ' + ok);
        createdOk = false;
    });

    // 11. OnPbxObjectInstanceDeleted
    await step('11 OnPbxObjectInstanceDeleted', async () => {
        const ev = await deleted.wait((e) => e.object && e.object.objectId === DN, STEP_MS, 'OnPbxObjectInstanceDeleted');
        return `object=${ev.object.objectName}/${ev.object.objectId} nodeId=${ev.nodeId}`;
    });

    // 12. subsequent read fails
    await step('12 getObject after delete fails', async () => {
        const o = await withTimeout(O2G.pbxManagement.getObject(NODE, OBJ, DN), STEP_MS, 'getObject');
        if (o !== null) throw new Error(`getObject after delete returned an object (id=${o.id} Annu_Name=${attrValue(o, 'Annu_Name')})`);
        const ids = await withTimeout(O2G.pbxManagement.getObjectInstances(NODE, OBJ), STEP_MS, 'getObjectInstances');
        if (Array.isArray(ids) && ids.includes(DN)) throw new Error(`${DN} still listed by getObjectInstances`);
        return `getObject -> null; instances=${Array.isArray(ids) ? ids.length : ids}`;
    });

    if (createdOk) { // best-effort cleanup if deletion was not reached
        try { await withTimeout(O2G.pbxManagement.deleteObject(NODE, OBJ, DN, true), STEP_MS, 'cleanup'); } catch { }
    }
}

runScenario(main, O2G, '13 shutdown');
