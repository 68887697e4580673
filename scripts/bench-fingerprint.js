#!/usr/bin/env node
'use strict';
/**
 * What the journal's secret fingerprint costs a keyed mutation with a password: one scrypt at
 * OWASP's parameters (N = 2^17, r = 8, p = 1), made when the key is new and compared on a replay.
 * Runs the project's TypeScript directly; prints medians; asserts nothing.
 *
 *   node scripts/bench-fingerprint.js [runs]
 */
require('../test/support/register-ts.js');
const { inputSecrets, SCRYPT_PARAMETERS } = require('../src/store/input-fingerprint.ts');

async function main() {
  const runs = Number(process.argv[2] ?? 9);
  const key = 'bench-journal-key-0123456789abcdef';
  const made = [];
  const compared = [];
  for (let run = 0; run < runs; run += 1) {
    const secrets = inputSecrets(key, {
      mutation: 'changePassword',
      input: { id: 'usr_bench', password: `Bench-Password-${run}` },
    });
    let started = process.hrtime.bigint();
    const stored = await secrets.fingerprint();
    made.push(Number(process.hrtime.bigint() - started) / 1e6);
    started = process.hrtime.bigint();
    await secrets.matches(stored);
    compared.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(0);
  console.log(
    `scrypt N=${SCRYPT_PARAMETERS.N} r=${SCRYPT_PARAMETERS.r} p=${SCRYPT_PARAMETERS.p}, ${runs} runs: fingerprint (new key) median ${median(made)} ms, compare (replay) median ${median(compared)} ms`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
