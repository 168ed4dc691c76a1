-- CreateTable
CREATE TABLE "RevenueDay" (
    "currency" TEXT NOT NULL,
    "dayStart" TIMESTAMPTZ(3) NOT NULL,
    "amount" DECIMAL(24,2) NOT NULL,

    CONSTRAINT "RevenueDay_pkey" PRIMARY KEY ("currency","dayStart")
);

-- The per-day rollup of "RevenueBucket": the fold adds each delta to its bucket and to its UTC day
-- in one statement, so "RevenueDay" always equals the per-day sums of "RevenueBucket" (pending
-- deltas stay in "RevenueDelta" until the next fold puts them into both).
--
-- Only the fold moves value into "RevenueBucket" (an upsert: ROW EXCLUSIVE), so a SHARE lock on it
-- freezes the buckets until this transaction commits: a fold waits and then folds into both
-- tables; none runs between the backfill's read and the commit. "RevenueDelta" is not locked:
-- payment writes (their triggers append deltas) and TRUNCATE's reset keep running, and what they
-- append stays pending, read by every range, until a fold moves it.
LOCK TABLE "RevenueBucket" IN SHARE MODE;

-- The UTC day of each bucket, whatever the session's TimeZone (AT TIME ZONE 'UTC' on both sides).
INSERT INTO "RevenueDay" ("currency", "dayStart", "amount")
SELECT "currency", date_trunc('day', "bucketStart" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', sum("amount")
FROM "RevenueBucket" GROUP BY 1, 2;

-- Statistics now, not at the first autovacuum: without them the planner guesses the new table's
-- size, and a range read could pick a poor plan until then.
ANALYZE "RevenueDay";
