import type pg from 'pg';
import { fixtures } from '../../support/fixtures.js';

/** Rows of about 1 kB each: the export is `count` kB, far beyond every socket buffer on the way. */
export async function addFatContacts(pool: pg.Pool, count: number): Promise<void> {
  const owner = await fixtures(pool).user();
  await pool.query(
    `INSERT INTO "Contact" ("id", "userId", "name", "phone", "createdAt")
     SELECT gen_random_uuid()::text, $1, 'Contact ' || i || ' ' || repeat('x', 1000), '+62812' || i, now()
     FROM generate_series(1, $2) AS i`,
    [owner, count],
  );
}
