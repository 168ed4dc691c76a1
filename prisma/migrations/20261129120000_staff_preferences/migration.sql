-- Monitoring-console preferences of staff accounts (docs/console.md), one row per account.
-- A table of the exporter alone: the User table of the platform gets no new column. The row goes
-- with its user (ON DELETE CASCADE).
-- CreateTable
CREATE TABLE "StaffPreference" (
    "userId" TEXT NOT NULL,
    "language" TEXT,
    "theme" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "StaffPreference_pkey" PRIMARY KEY ("userId")
);

-- AddForeignKey
ALTER TABLE "StaffPreference" ADD CONSTRAINT "StaffPreference_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
