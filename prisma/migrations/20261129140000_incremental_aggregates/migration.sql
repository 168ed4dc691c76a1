-- Incremental aggregates (docs/aggregates.md). Every counted figure is kept by the database
-- itself: statement-level triggers with transition tables append one row per (figure, group) per
-- write statement to an append-only delta log (no hot row: concurrent writers only insert), a
-- fold moves the deltas into the counts, and a figure is counts + pending deltas, read in one
-- statement. This whole file runs as one transaction (one simple-query message, see
-- exporter/src/db/prisma-migrate-adapter.ts): the tables are locked first, the triggers installed
-- and the starting counts backfilled before any write can slip in between.

-- CreateTable
CREATE TABLE "AggregateCount" (
    "figure" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "value" BIGINT NOT NULL,

    CONSTRAINT "AggregateCount_pkey" PRIMARY KEY ("figure","group")
);

-- CreateTable
CREATE TABLE "AggregateDelta" (
    "id" BIGSERIAL NOT NULL,
    "figure" TEXT NOT NULL,
    "group" TEXT NOT NULL,
    "delta" BIGINT NOT NULL,

    CONSTRAINT "AggregateDelta_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "RevenueBucket" (
    "currency" TEXT NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "amount" DECIMAL(24,2) NOT NULL,

    CONSTRAINT "RevenueBucket_pkey" PRIMARY KEY ("currency","bucketStart")
);

-- CreateTable
CREATE TABLE "RevenueDelta" (
    "id" BIGSERIAL NOT NULL,
    "currency" TEXT NOT NULL,
    "bucketStart" TIMESTAMPTZ(3) NOT NULL,
    "amount" DECIMAL(24,2) NOT NULL,

    CONSTRAINT "RevenueDelta_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RevenueDelta_currency_bucketStart_idx" ON "RevenueDelta"("currency", "bucketStart");

-- Writers of the counted tables wait from here to the end of this transaction (the mode CREATE
-- TRIGGER takes anyway, taken up front and in one order); readers are not blocked. A write
-- committed before the lock is in the backfill, one after it goes through the triggers.
LOCK TABLE "User", "Device", "Message", "Integration", "Chatbot", "Broadcast", "Contact", "Webhook", "ApiKeyUsage", "Payment" IN SHARE ROW EXCLUSIVE MODE;

-- TRUNCATE empties a table under an ACCESS EXCLUSIVE lock (no writer of that table runs
-- meanwhile): the figure is reset by appending the opposite of its current value, read as counts +
-- pending deltas in one snapshot, so a concurrent fold (one atomic statement) is seen wholly or not
-- at all. TRUNCATE ... CASCADE fires this on every table it empties.
CREATE FUNCTION "aggregate_reset_figure"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "AggregateDelta" ("figure", "group", "delta")
  SELECT TG_ARGV[0], "group", -sum("value") FROM (
    SELECT "group", "value" FROM "AggregateCount" WHERE "figure" = TG_ARGV[0]
    UNION ALL SELECT "group", "delta" FROM "AggregateDelta" WHERE "figure" = TG_ARGV[0]) AS current
  GROUP BY "group" HAVING sum("value") <> 0;
  RETURN NULL;
END
$$;

CREATE FUNCTION "aggregate_reset_revenue"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount")
  SELECT "currency", "bucketStart", -sum("amount") FROM (
    SELECT "currency", "bucketStart", "amount" FROM "RevenueBucket"
    UNION ALL SELECT "currency", "bucketStart", "amount" FROM "RevenueDelta") AS current
  GROUP BY "currency", "bucketStart" HAVING sum("amount") <> 0;
  RETURN NULL;
END
$$;

-- One function per table: INSERT adds its rows' groups, DELETE subtracts them, UPDATE adds the
-- new rows and subtracts the old ones, so a group whose net change is zero (an update that moves
-- no row between groups) appends nothing. Transition tables cannot go with a column list
-- (AFTER UPDATE OF …), hence one trigger per event.

-- messages: "Message" rows by "type"::text || '/' || "status"::text
CREATE FUNCTION "aggregate_message_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'messages', "group", sum("value") FROM (SELECT "type"::text || '/' || "status"::text AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'messages', "group", sum("value") FROM (SELECT "type"::text || '/' || "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'messages', "group", sum("value") FROM (SELECT "type"::text || '/' || "status"::text AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT "type"::text || '/' || "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Message_aggregate_insert" AFTER INSERT ON "Message" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_message_deltas"();
CREATE TRIGGER "Message_aggregate_update" AFTER UPDATE ON "Message" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_message_deltas"();
CREATE TRIGGER "Message_aggregate_delete" AFTER DELETE ON "Message" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_message_deltas"();
CREATE TRIGGER "Message_aggregate_truncate" AFTER TRUNCATE ON "Message" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('messages');

-- users: "User" rows by "plan"::text || '/' || "role"::text
CREATE FUNCTION "aggregate_user_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'users', "group", sum("value") FROM (SELECT "plan"::text || '/' || "role"::text AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'users', "group", sum("value") FROM (SELECT "plan"::text || '/' || "role"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'users', "group", sum("value") FROM (SELECT "plan"::text || '/' || "role"::text AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT "plan"::text || '/' || "role"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "User_aggregate_insert" AFTER INSERT ON "User" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_user_deltas"();
CREATE TRIGGER "User_aggregate_update" AFTER UPDATE ON "User" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_user_deltas"();
CREATE TRIGGER "User_aggregate_delete" AFTER DELETE ON "User" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_user_deltas"();
CREATE TRIGGER "User_aggregate_truncate" AFTER TRUNCATE ON "User" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('users');

-- devices: "Device" rows by "status"::text
CREATE FUNCTION "aggregate_device_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'devices', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'devices', "group", sum("value") FROM (SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'devices', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Device_aggregate_insert" AFTER INSERT ON "Device" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_device_deltas"();
CREATE TRIGGER "Device_aggregate_update" AFTER UPDATE ON "Device" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_device_deltas"();
CREATE TRIGGER "Device_aggregate_delete" AFTER DELETE ON "Device" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_device_deltas"();
CREATE TRIGGER "Device_aggregate_truncate" AFTER TRUNCATE ON "Device" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('devices');

-- integrations: "Integration" rows by lower(btrim("type"))
CREATE FUNCTION "aggregate_integration_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'integrations', "group", sum("value") FROM (SELECT lower(btrim("type")) AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'integrations', "group", sum("value") FROM (SELECT lower(btrim("type")) AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'integrations', "group", sum("value") FROM (SELECT lower(btrim("type")) AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT lower(btrim("type")) AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Integration_aggregate_insert" AFTER INSERT ON "Integration" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_integration_deltas"();
CREATE TRIGGER "Integration_aggregate_update" AFTER UPDATE ON "Integration" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_integration_deltas"();
CREATE TRIGGER "Integration_aggregate_delete" AFTER DELETE ON "Integration" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_integration_deltas"();
CREATE TRIGGER "Integration_aggregate_truncate" AFTER TRUNCATE ON "Integration" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('integrations');

-- chatbots: "Chatbot" rows by "status"::text
CREATE FUNCTION "aggregate_chatbot_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'chatbots', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'chatbots', "group", sum("value") FROM (SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'chatbots', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Chatbot_aggregate_insert" AFTER INSERT ON "Chatbot" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_chatbot_deltas"();
CREATE TRIGGER "Chatbot_aggregate_update" AFTER UPDATE ON "Chatbot" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_chatbot_deltas"();
CREATE TRIGGER "Chatbot_aggregate_delete" AFTER DELETE ON "Chatbot" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_chatbot_deltas"();
CREATE TRIGGER "Chatbot_aggregate_truncate" AFTER TRUNCATE ON "Chatbot" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('chatbots');

-- broadcasts: "Broadcast" rows by "status"::text
CREATE FUNCTION "aggregate_broadcast_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'broadcasts', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'broadcasts', "group", sum("value") FROM (SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'broadcasts', "group", sum("value") FROM (SELECT "status"::text AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT "status"::text AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Broadcast_aggregate_insert" AFTER INSERT ON "Broadcast" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_broadcast_deltas"();
CREATE TRIGGER "Broadcast_aggregate_update" AFTER UPDATE ON "Broadcast" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_broadcast_deltas"();
CREATE TRIGGER "Broadcast_aggregate_delete" AFTER DELETE ON "Broadcast" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_broadcast_deltas"();
CREATE TRIGGER "Broadcast_aggregate_truncate" AFTER TRUNCATE ON "Broadcast" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('broadcasts');

-- contacts: "Contact" rows by CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END
CREATE FUNCTION "aggregate_contact_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'contacts', "group", sum("value") FROM (SELECT CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'contacts', "group", sum("value") FROM (SELECT CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'contacts', "group", sum("value") FROM (SELECT CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Contact_aggregate_insert" AFTER INSERT ON "Contact" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_contact_deltas"();
CREATE TRIGGER "Contact_aggregate_update" AFTER UPDATE ON "Contact" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_contact_deltas"();
CREATE TRIGGER "Contact_aggregate_delete" AFTER DELETE ON "Contact" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_contact_deltas"();
CREATE TRIGGER "Contact_aggregate_truncate" AFTER TRUNCATE ON "Contact" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('contacts');

-- webhooks: "Webhook" rows by CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END
CREATE FUNCTION "aggregate_webhook_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'webhooks', "group", sum("value") FROM (SELECT CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END AS "group", 1 AS "value" FROM new_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'webhooks', "group", sum("value") FROM (SELECT CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'webhooks', "group", sum("value") FROM (SELECT CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END AS "group", 1 AS "value" FROM new_rows
      UNION ALL SELECT CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END AS "group", -1 AS "value" FROM old_rows) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Webhook_aggregate_insert" AFTER INSERT ON "Webhook" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_webhook_deltas"();
CREATE TRIGGER "Webhook_aggregate_update" AFTER UPDATE ON "Webhook" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_webhook_deltas"();
CREATE TRIGGER "Webhook_aggregate_delete" AFTER DELETE ON "Webhook" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_webhook_deltas"();
CREATE TRIGGER "Webhook_aggregate_truncate" AFTER TRUNCATE ON "Webhook" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('webhooks');

-- api_traffic: sums of "ApiKeyUsage"."requestsIn" (requests_in) and "requestsOut" (requests_out)
CREATE FUNCTION "aggregate_api_key_usage_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'api_traffic', "group", sum("value") FROM (SELECT traffic."group", traffic."value" AS "value" FROM new_rows CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'api_traffic', "group", sum("value") FROM (SELECT traffic."group", -traffic."value" AS "value" FROM old_rows CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  ELSE
    INSERT INTO "AggregateDelta" ("figure", "group", "delta")
    SELECT 'api_traffic', "group", sum("value") FROM (SELECT traffic."group", traffic."value" AS "value" FROM new_rows CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")
      UNION ALL SELECT traffic."group", -traffic."value" AS "value" FROM old_rows CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")) AS changes
    GROUP BY "group" HAVING sum("value") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "ApiKeyUsage_aggregate_insert" AFTER INSERT ON "ApiKeyUsage" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_api_key_usage_deltas"();
CREATE TRIGGER "ApiKeyUsage_aggregate_update" AFTER UPDATE ON "ApiKeyUsage" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_api_key_usage_deltas"();
CREATE TRIGGER "ApiKeyUsage_aggregate_delete" AFTER DELETE ON "ApiKeyUsage" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_api_key_usage_deltas"();
CREATE TRIGGER "ApiKeyUsage_aggregate_truncate" AFTER TRUNCATE ON "ApiKeyUsage" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_figure"('api_traffic');

-- revenue: paid "Payment" amounts by currency and 15-minute UTC bucket of "paidAt"
CREATE FUNCTION "aggregate_payment_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount")
    SELECT "currency", "bucketStart", sum("amount") FROM (SELECT "currency", date_bin('15 minutes', "paidAt", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS "bucketStart", "amount" AS "amount" FROM new_rows WHERE "status" = 'paid' AND "paidAt" IS NOT NULL) AS changes
    GROUP BY "currency", "bucketStart" HAVING sum("amount") <> 0;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount")
    SELECT "currency", "bucketStart", sum("amount") FROM (SELECT "currency", date_bin('15 minutes', "paidAt", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS "bucketStart", -"amount" AS "amount" FROM old_rows WHERE "status" = 'paid' AND "paidAt" IS NOT NULL) AS changes
    GROUP BY "currency", "bucketStart" HAVING sum("amount") <> 0;
  ELSE
    INSERT INTO "RevenueDelta" ("currency", "bucketStart", "amount")
    SELECT "currency", "bucketStart", sum("amount") FROM (SELECT "currency", date_bin('15 minutes', "paidAt", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS "bucketStart", "amount" AS "amount" FROM new_rows WHERE "status" = 'paid' AND "paidAt" IS NOT NULL
      UNION ALL SELECT "currency", date_bin('15 minutes', "paidAt", TIMESTAMPTZ '2000-01-01 00:00:00+00') AS "bucketStart", -"amount" AS "amount" FROM old_rows WHERE "status" = 'paid' AND "paidAt" IS NOT NULL) AS changes
    GROUP BY "currency", "bucketStart" HAVING sum("amount") <> 0;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER "Payment_aggregate_insert" AFTER INSERT ON "Payment" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_payment_deltas"();
CREATE TRIGGER "Payment_aggregate_update" AFTER UPDATE ON "Payment" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_payment_deltas"();
CREATE TRIGGER "Payment_aggregate_delete" AFTER DELETE ON "Payment" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_payment_deltas"();
CREATE TRIGGER "Payment_aggregate_truncate" AFTER TRUNCATE ON "Payment" FOR EACH STATEMENT EXECUTE FUNCTION "aggregate_reset_revenue"();

-- Backfill: the starting counts of the rows already there (the tables are locked above).
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'messages', "type"::text || '/' || "status"::text, count(*) FROM "Message" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'users', "plan"::text || '/' || "role"::text, count(*) FROM "User" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'devices', "status"::text, count(*) FROM "Device" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'integrations', lower(btrim("type")), count(*) FROM "Integration" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'chatbots', "status"::text, count(*) FROM "Chatbot" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'broadcasts', "status"::text, count(*) FROM "Broadcast" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'contacts', CASE WHEN btrim("email", E' \t\n\r\f\v') <> '' THEN 'with_email' ELSE 'without_email' END, count(*) FROM "Contact" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value") SELECT 'webhooks', CASE WHEN "isActive" THEN 'active' ELSE 'inactive' END, count(*) FROM "Webhook" GROUP BY 2;
INSERT INTO "AggregateCount" ("figure", "group", "value")
SELECT 'api_traffic', traffic."group", sum(traffic."value") FROM "ApiKeyUsage" CROSS JOIN LATERAL (VALUES ('requests_in', "requestsIn"), ('requests_out', "requestsOut")) AS traffic ("group", "value")
GROUP BY 2 HAVING sum(traffic."value") <> 0;
INSERT INTO "RevenueBucket" ("currency", "bucketStart", "amount")
SELECT "currency", date_bin('15 minutes', "paidAt", TIMESTAMPTZ '2000-01-01 00:00:00+00'), sum("amount") FROM "Payment" WHERE "status" = 'paid' AND "paidAt" IS NOT NULL GROUP BY 1, 2;
