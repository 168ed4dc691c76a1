// The embedded PostgreSQL (PGlite) is one session shared by every connection: its gate must give it
// to one connection at a time, or concurrent parameterised queries bind against each other's
// statements. Always the embedded database here, whatever TEST_DATABASE_URL says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/db/embedded-postgres.js';

describe('embedded PostgreSQL: one connection at a time through the session gate', () => {
  let embedded: EmbeddedPostgres;
  let pools: pg.Pool[];
  before(async () => {
    embedded = await startEmbeddedPostgres();
    pools = [new pg.Pool({ connectionString: embedded.url, max: 4 }), new pg.Pool({ connectionString: embedded.url, max: 4 })];
  });
  after(async () => {
    await Promise.all(pools.map((pool) => pool.end()));
    await embedded?.stop();
  });

  it('answers concurrent queries of different shapes, in and out of transactions, each with its own result', async () => {
    const answers = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const pool = pools[i % 2]!;
        if (i % 3 === 0) {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            const { rows } = await client.query('SELECT $1::int AS v, $2::int AS w, $3::int AS x', [i, 1, 2]);
            await client.query('COMMIT');
            return rows[0].v;
          } finally {
            client.release();
          }
        }
        const { rows } =
          i % 2 ? await pool.query('SELECT $1::int AS v, $2::text AS t', [i, `x${i}`]) : await pool.query('SELECT ($1::bigint)::int AS v', [i]);
        return rows[0].v;
      }),
    );
    assert.deepEqual(
      answers,
      answers.map((_, i) => i),
    );
  });

  it("keeps another connection out of a transaction in progress: it never sees that transaction's rows", async () => {
    await pools[0]!.query('CREATE TABLE gate_probe (id int)');
    const writer = await pools[0]!.connect();
    try {
      await writer.query('BEGIN');
      await writer.query('INSERT INTO gate_probe VALUES (1)');
      const reader = pools[1]!.query('SELECT count(*)::int AS n FROM gate_probe');
      await writer.query('ROLLBACK');
      assert.equal((await reader).rows[0].n, 0);
    } finally {
      writer.release();
    }
  });

  it('streams a COPY whole while another connection queries', async () => {
    const client = await pools[1]!.connect();
    try {
      const copy = (async () => {
        let text = '';
        for await (const chunk of client.query(copyTo('COPY (SELECT g FROM generate_series(1, 5000) AS g) TO STDOUT'))) text += chunk;
        return text.split('\n').filter(Boolean).length;
      })();
      const other = pools[0]!.query('SELECT $1::int AS v', [7]);
      assert.equal(await copy, 5000);
      assert.equal((await other).rows[0].v, 7);
    } finally {
      client.release();
    }
  });
});
