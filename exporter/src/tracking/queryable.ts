import type pg from 'pg';

/**
 * What the kit needs of the platform's database handle: `query`. A `pg.Pool` is the intended
 * one; a checked-out `pg.PoolClient` also fits (e.g. recording chatbot activity inside the
 * platform's own transaction).
 */
export type Queryable = Pick<pg.Pool, 'query'>;
