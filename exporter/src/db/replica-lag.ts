import type pg from 'pg';
import type { Logger } from 'pino';
import type { Gauge } from 'prom-client';
import { errorFields } from '../logger.js';

/**
 * How far a hot standby's data is behind its primary, in seconds:
 * - 0 on a server that is not in recovery (a primary);
 * - 0 when all the WAL the standby has received is replayed: an idle primary sends nothing, and
 *   the standby then has everything, however long ago the last transaction was;
 * - otherwise now() − the commit time of the last transaction replayed (or, before any since
 *   the standby started, its start time): an upper bound that grows while replay waits.
 * WAL the standby has not even received yet (a cut network) shows only once it arrives.
 */
export const REPLICA_LAG_SQL = `
  SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() <= pg_last_wal_replay_lsn() THEN 0
    ELSE greatest(0, extract(epoch FROM now() - coalesce(pg_last_xact_replay_timestamp(), pg_postmaster_start_time())))
  END::float8 AS lag_seconds`;

export interface ReplicaLagProbeOptions {
  /** The read pool (a hot standby). */
  pool: pg.Pool;
  gauge: Gauge;
  /** Lag above this is logged as a warning (once when it crosses, once when it is back). */
  warnAboveSeconds: number;
  logger: Logger;
}

/** Measures the read replica's lag into `kewhats_replica_lag_seconds`; run at each snapshot refresh. */
export class ReplicaLagProbe {
  private lagging = false;

  constructor(private readonly options: ReplicaLagProbeOptions) {}

  /** Never rejects: a failed measurement keeps the last value (the refresh's own queries report the outage). */
  async measure(): Promise<void> {
    const { pool, gauge, warnAboveSeconds, logger } = this.options;
    let lagSeconds: number;
    try {
      const { rows } = await pool.query<{ lag_seconds: number }>(REPLICA_LAG_SQL);
      lagSeconds = Number(rows[0]?.lag_seconds ?? 0);
    } catch (error) {
      logger.debug(errorFields(error), 'replica lag not measured');
      return;
    }
    gauge.set(lagSeconds);
    const lagging = lagSeconds > warnAboveSeconds;
    if (lagging && !this.lagging) logger.warn({ lagSeconds, warnAboveSeconds }, 'read replica is lagging: aggregates and exports show older data');
    if (!lagging && this.lagging) logger.info({ lagSeconds }, 'read replica caught up');
    this.lagging = lagging;
  }
}
