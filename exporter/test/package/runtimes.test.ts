// The supported Node.js lines (22 and 24 LTS) are declared, built on and tested on.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
const enginesOf = (path: string) => (JSON.parse(read(path)) as { engines: { node: string } }).engines.node;

describe('supported runtimes', () => {
  test('engines names the LTS lines 22 and 24 (and 20, which the test machines still run), alike in the root and the exporter', () => {
    const root = enginesOf('package.json');
    assert.equal(enginesOf('exporter/package.json'), root);
    assert.deepEqual(
      root.split('||').map((range) => range.trim().replace(/^\^(\d+).*$/, '$1')),
      ['20', '22', '24'],
    );
    const major = process.versions.node.split('.')[0];
    assert.ok(['20', '22', '24'].includes(major!), `this Node.js (${process.version}) is one of them`);
  });

  test('CI runs the whole suite on Node.js 24 too, installed from the npm registry', () => {
    const ci = read('.ci/run');
    const node24 = ci.indexOf('node@24');
    assert.ok(node24 > 0, '.ci/run installs node@24');
    assert.match(ci.slice(node24), /PATH="[^"]+:\$PATH" npm test/);
  });
});
