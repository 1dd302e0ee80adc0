// Drives stela with node-postgres (npm "pg"): plain and prepared
// (named) queries, parameter types, transactions, errors, a pool.
//
// Usage: node pg_compat.js CONNECTION-STRING
// Prints "PASS name" or "FAIL name: why" per check; exits 1 on a failure.
'use strict';

const { Client, Pool } = require('pg');

let failures = 0;

async function check(name, fn) {
  try {
    await fn();
    console.log('PASS ' + name);
  } catch (e) {
    failures++;
    const why = (e.code ? 'SQLSTATE ' + e.code + ': ' : '') + String(e.message).replace(/\n/g, ' ');
    console.log('FAIL ' + name + ': ' + why);
    console.error(e);
  }
}

function expect(ok, what) {
  if (!ok) throw new Error(what);
}

async function main() {
  const url = process.argv[2];
  const c = new Client({ connectionString: url });
  await c.connect();

  await check('connect', async () => {
    const r = await c.query('SELECT 1 AS one');
    expect(r.rows[0].one === 1, 'SELECT 1');
  });

  await check('create-and-insert', async () => {
    await c.query('DROP TABLE IF EXISTS node_types');
    await c.query('CREATE TABLE node_types (id int PRIMARY KEY, n numeric(10,2), ok boolean, t text, ts timestamptz, j jsonb, a int[])');
    for (let k = 1; k <= 5; k++) {
      await c.query({
        name: 'ins',
        text: 'INSERT INTO node_types VALUES ($1, $2, $3, $4, $5, $6, $7)',
        values: [k, k + '.50', k % 2 === 0, 'node ' + k, new Date(Date.UTC(2024, 6, k, 12)), { k }, [k, k * 2]],
      });
    }
    const r = await c.query('SELECT count(*)::int AS n FROM node_types');
    expect(r.rows[0].n === 5, 'rows ' + r.rows[0].n);
  });

  await check('types-read-back', async () => {
    const r = await c.query({ name: 'sel', text: 'SELECT * FROM node_types WHERE id = $1', values: [4] });
    const row = r.rows[0];
    expect(row.n === '4.50', 'numeric ' + row.n);
    expect(row.ok === true, 'bool');
    expect(row.t === 'node 4', 'text');
    expect(row.ts.getTime() === Date.UTC(2024, 6, 4, 12), 'timestamptz ' + row.ts);
    expect(row.j.k === 4, 'jsonb');
    expect(row.a.length === 2 && row.a[1] === 8, 'array ' + row.a);
    expect(r.fields.map((f) => f.name).join(',') === 'id,n,ok,t,ts,j,a', 'fields');
  });

  await check('transaction', async () => {
    await c.query('BEGIN');
    await c.query('INSERT INTO node_types (id) VALUES (100)');
    await c.query('ROLLBACK');
    const r = await c.query('SELECT count(*)::int AS n FROM node_types WHERE id = 100');
    expect(r.rows[0].n === 0, 'rolled back');
  });

  await check('errors', async () => {
    try {
      await c.query('INSERT INTO node_types (id) VALUES (1)');
      throw new Error('duplicate accepted');
    } catch (e) {
      expect(e.code === '23505', 'code ' + e.code);
    }
    try {
      await c.query('SELECT $1::int', ['not a number']);
      throw new Error('bad integer accepted');
    } catch (e) {
      expect(e.code === '22P02', 'code ' + e.code);
    }
    const r = await c.query('SELECT 2 AS two');
    expect(r.rows[0].two === 2, 'session goes on');
  });

  await check('pool', async () => {
    const pool = new Pool({ connectionString: url, max: 4 });
    const rs = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((k) => pool.query('SELECT $1::int * 2 AS v', [k])));
    expect(rs.map((r) => r.rows[0].v).join(',') === '2,4,6,8,10,12,14,16', 'pool results');
    await pool.end();
  });

  await c.end();
  process.exit(failures === 0 ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
